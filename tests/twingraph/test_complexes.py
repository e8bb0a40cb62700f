"""A protein complex (OmniPath ``A_B``) in a derived twin: the AND of its members."""

from __future__ import annotations

from kgtwin.load import load_files
from kgtwin.store import open_store
from kgtwin.twin.build import BuildSettings, build_model, complex_rule

COMPLEX = "KGTWIN.COMPLEX:HGNC-1097+HGNC-9829"  # BRAF_RAF1


def test_complex_rule_text() -> None:
    assert complex_rule(["BRAF", "RAF1"], {}) == "BRAF & RAF1"
    assert complex_rule(["BRAF", "RAF1"], {"KRAS": 1, "NF1": -1}) == \
        "BRAF & RAF1 & (KRAS & !NF1)"


def test_a_twin_reads_a_complex_as_the_and_of_its_members(tmp_path) -> None:
    table = tmp_path / "carnival.tsv"
    table.write_text("source\tinteraction\ttarget\nEGFR\t1\tKRAS\nKRAS\t1\tRAF1_BRAF\n"
                     "EGFR\t1\tBRAF\nBRAF_RAF1\t1\tGO:0008283\nsignor:SIGNOR-C1\t1\tBRAF\n")
    genes = tmp_path / "nodes.tsv"  # the twin wires gene nodes (as an HGNC load gives)
    genes.write_text("id\tcategory\tname\n" + "".join(
        f"{i}\tbiolink:Gene\t{n}\n" for i, n in (("HGNC:3236", "EGFR"), ("HGNC:6407", "KRAS"),
                                                 ("HGNC:1097", "BRAF"), ("HGNC:9829", "RAF1")))
        + "signor:SIGNOR-C1\tbiolink:MacromolecularComplex\tAP1\n")  # no members named
    with open_store(tmp_path / "store") as store:
        load_files(store, "kgx", [genes])
        load_files(store, "signed-interactions", [table])
        settings = BuildSettings(use_curated=False, readouts={"GO:0008283": "Proliferation"})
        graph = build_model(store, ["HGNC:3236"], settings)
        into_braf = {e.subject for e in store.edges(object="HGNC:1097",
                                                    predicate="biolink:regulates")}
    assert len(into_braf) == 2 and "HGNC:3236" in into_braf  # EGFR and SIGNOR-C1
    model = graph.model
    assert graph.entity_nodes[COMPLEX] == ("BRAF_RAF1",)
    assert model.node("BRAF_RAF1").rule.to_text() == "BRAF & RAF1 & KRAS"
    assert {"BRAF", "RAF1", "KRAS", "EGFR", "Proliferation"} <= set(model.names)
    assert model.node("BRAF").rule.to_text() == "EGFR"  # a complex without members: out
    assert model.node("Proliferation").rule.to_text() == "BRAF_RAF1"
