"""Logical models in the graph: rule signs, model node, gene mentions, derived edges."""

from __future__ import annotations

import pytest
from kgtwin.loaders.logical_rules import RuleSyntaxError, regulator_signs
from loader_testing import DATA, DEMO, records

from kgtwin.errors import InputError
from kgtwin.model import Edge, Node

BRAF = DEMO / "models" / "PROFILE_BRAF_Model"


@pytest.mark.parametrize(("rule", "signs"), [
    ("A & !B", {"A": 1, "B": -1}),
    ("!(A | !B)", {"A": -1, "B": 1}),
    ("NOT A AND B OR C", {"A": -1, "B": 1, "C": 1}),
    ("A ^ B", {"A": 0, "B": 0}),
    ("A ? B : !C", {"A": 0, "B": 1, "C": -1}),
    ("(A & B) | (!A & C)", {"A": 0, "B": 1, "C": 1}),
    ("(!A & B) | A", {"A": 1, "B": 1}),
    ("A | (A & B)", {"A": 1}),
    ("1", {}),
])
def test_regulator_signs(rule, signs):
    assert regulator_signs(rule) == signs


@pytest.mark.parametrize("rule", ["A &", "(A | B", "A B", "A $ B"])
def test_malformed_rules_raise(rule):
    with pytest.raises(RuleSyntaxError):
        regulator_signs(rule)


def test_braf_model_node_keeps_rules_text_and_licence():
    found = records("logical-model", *(BRAF / n for n in (
        "BRAF_Model.bnd", "BRAF_Model.cfg", "BRAF_Model_namesToHugo_curated.txt", "LICENSE")),
        citation="Béal et al. 2021", pathway="REACT:R-HSA-5683057")
    model = next(r for r in found if isinstance(r, Node))
    assert model.id == "KGTWIN.MODEL:BRAF_Model" and model.category == "biolink:Dataset"
    assert model.properties["format"] == "maboss"
    assert model.properties["rules"]["AKT"] == "(PDPK1)"
    assert len(model.properties["rules"]) == 37
    assert "BSD 3-Clause" in model.properties["licence_text"]
    assert model.properties["node_genes"]["ERK_b1"] == ["MAPK1", "MAPK3"]
    mentions = {e.object for e in found if isinstance(e, Edge) and e.predicate.endswith("mentions")}
    assert {"hgnc.symbol:BRAF", "hgnc.symbol:RAF1", "GO:0008283"} <= mentions
    assert any(e.predicate == "biolink:model_of" for e in found if isinstance(e, Edge))


def test_braf_model_derives_signed_regulation():
    found = records("logical-model", BRAF / "BRAF_Model.bnd",
                    BRAF / "BRAF_Model_namesToHugo_curated.txt")
    derived = {(e.subject, e.object): e for e in found
               if isinstance(e, Edge) and e.predicate == "biolink:regulates"}
    # BRAF's MaBoSS rule reads RAS positively; PTEN's reads p53 (TP53) positively.
    assert derived[("hgnc.symbol:KRAS", "hgnc.symbol:BRAF")].sign == 1
    assert derived[("hgnc.symbol:TP53", "hgnc.symbol:PTEN")].sign == 1
    assert derived[("hgnc.symbol:PTEN", "hgnc.symbol:PIK3CA")].sign == -1
    edge = derived[("hgnc.symbol:KRAS", "hgnc.symbol:BRAF")]
    assert edge.properties["source_model"] == "KGTWIN.MODEL:BRAF_Model"


def test_bnet_model_with_readout():
    found = records("logical-model", "toy_mapk.bnet", "toy_mapk_genes.txt")
    signs = {(e.subject, e.object): e.sign for e in found
             if isinstance(e, Edge) and e.predicate == "biolink:regulates"}
    assert signs[("hgnc.symbol:NF1", "hgnc.symbol:KRAS")] == -1
    assert signs[("hgnc.symbol:MAPK1", "hgnc.symbol:BRAF")] == -1
    assert signs[("hgnc.symbol:MAPK3", "GO:0008283")] == 1
    assert ("hgnc.symbol:NF1", "hgnc.symbol:NF1") not in signs  # self-loops are dropped


def test_sbml_qual_signs_come_from_the_inputs(tmp_path):
    table = tmp_path / "genes.tsv"
    table.write_text("Node\tHUGO\nRAS\tKRAS\nBRAF\tBRAF\nERK\tMAPK1\n")
    found = records("logical-model", DATA / "toy_mapk.sbml", table)
    signs = {(e.subject, e.object): e.sign for e in found
             if isinstance(e, Edge) and e.predicate == "biolink:regulates"}
    assert signs == {("hgnc.symbol:KRAS", "hgnc.symbol:BRAF"): 1,
                     ("hgnc.symbol:MAPK1", "hgnc.symbol:BRAF"): -1}


def test_model_needs_a_model_file():
    with pytest.raises(InputError, match="no model file"):
        records("logical-model", "toy_mapk_genes.txt")


def test_bad_rule_names_the_line(tmp_path, load):
    model = tmp_path / "bad.bnet"
    model.write_text("A, B &\nB, A\n")
    with pytest.raises(InputError) as raised:
        load("logical-model", model)
    assert raised.value.where == 1 and "rule of A" in str(raised.value)
