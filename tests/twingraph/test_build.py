"""Twins built from the demo graph: curated rules where the BRAF model covers the genes,
derived rules elsewhere, provenance per node, personalisation from the patient's records."""

from __future__ import annotations

import itertools
import json
import random
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.cli.main import cli
from kgtwin.twin.build import (
    CURATED,
    DERIVED,
    BuildError,
    BuildSettings,
    _braked,
    _within_one_model_node,
    build_model,
    default_rule,
)
from kgtwin.twin.expr import parse_expr
from kgtwin.twin.patient_twin import TwinSettings, build_patient_twin

from .conftest import find_patients

BRAF, TP53 = "HGNC:1097", "HGNC:11998"


@pytest.fixture(scope="module")
def melanoma(demo_store):
    patient = find_patients(demo_store, "melanoma", {"BRAF p.V600E"})[0]
    return build_patient_twin(demo_store, patient)


def test_curated_model_is_used_where_it_covers_the_seeds(melanoma) -> None:
    graph_model = melanoma.graph_model
    assert graph_model.curated_model == "KGTWIN.MODEL:BRAF_Model"
    curated = set(graph_model.nodes_with(CURATED))
    assert {"BRAF", "MEK_b1", "ERK_b1", "SOX10", "Proliferation_b1"} <= curated
    assert set(graph_model.origins) == set(graph_model.model.names)
    # The curated rules are the published ones, unchanged.
    assert graph_model.model.node("BRAF").rule == parse_expr("!AKT & RAS")
    assert graph_model.readouts["Proliferation"] == "GO:0008283"
    # The BRAF model has no apoptosis node: the readout is derived from signed edges.
    assert graph_model.origins["Apoptosis"].origin == DERIVED
    assert graph_model.readouts["Apoptosis"] == "GO:0006915"
    assert graph_model.origins["Apoptosis"].regulators


def test_derived_rules_follow_the_documented_default(melanoma) -> None:
    model = melanoma.graph_model.model
    rng = random.Random(5)
    # Patient twins gate apoptosis on p53 (BuildSettings.p53_gated_apoptosis): on p53's
    # routes into Apoptosis p53 is required, not one activator among others.
    (p53,) = melanoma.graph_model.entity_nodes[TP53]
    gated = {n for n in melanoma.graph_model.nodes_with(DERIVED)
             if melanoma.graph_model.origins[n].source.startswith("p53-gated")}
    assert {"BAX", "Apoptosis"} <= gated
    for name in melanoma.graph_model.nodes_with(DERIVED):
        origin = melanoma.graph_model.origins[name]
        regulators = dict(origin.regulators)
        activators = [n for n, s in regulators.items() if s > 0 and not
                      (name in gated and n == p53)]
        inhibitors = [n for n, s in regulators.items() if s < 0]
        for _ in range(50):
            state = {n: rng.random() < 0.5 for n in model.names}
            expected = (not activators or any(state[n] for n in activators)) and not any(
                state[n] for n in inhibitors) and (name not in gated or state[p53])
            if not regulators:
                expected = state[name]
            assert model.node(name).rule.evaluate(state) == expected


def test_default_rule_text() -> None:
    assert default_rule({"A": 1, "B": 1, "C": -1}) == "(A | B) & !C"
    assert default_rule({"C": -1}) == "!C"
    assert default_rule({"A": 1}) == "A"
    assert default_rule({}) == ""


def test_personalisation_from_records_and_diagnosis(demo_store, melanoma) -> None:
    twin = melanoma.twin
    assert twin.fixed["BRAF"] == 1  # V600E: hotspot gain, held on
    assert twin.fixed["SOX10"] == 1  # melanoma context
    colorectal = find_patients(demo_store, "colorectal cancer", {"BRAF p.V600E"})[0]
    crc = build_patient_twin(demo_store, colorectal)
    assert crc.twin.fixed["SOX10"] == 0 and crc.twin.fixed["BRAF"] == 1
    # Expression z-scores set initial probabilities (1 / (1 + e^-z)) of covered nodes.
    z = melanoma.records["expression"]["MTOR"]
    assert melanoma.twin.model.node("mTOR").initial_on == pytest.approx(
        1 / (1 + 2.718281828459045 ** -z), rel=1e-6)


def test_tumour_suppressor_missense_is_loss(demo_store) -> None:
    patient = find_patients(demo_store, "colorectal cancer", {"BRAF p.V600E", "TP53 p.R273H"})[0]
    built = build_patient_twin(demo_store, patient)
    assert built.twin.fixed["p53"] == 0
    effects = {v["symbol"]: v["effect"] for v in built.records["variants"]}
    assert effects == {"BRAF": "gain", "TP53": "loss"}


def test_derived_only_twin(demo_store) -> None:
    graph_model = build_model(demo_store, [BRAF, TP53], BuildSettings(use_curated=False))
    assert graph_model.curated_model is None
    assert graph_model.nodes_with(CURATED) == []
    assert {"Proliferation", "Apoptosis", "BRAF", "TP53"} <= set(graph_model.model.names)
    # Genes of one multi-level model node (MAP2K1, MAP2K2 of MEK_b1/b2) do not regulate
    # each other.
    assert "MAP2K2" not in dict(graph_model.origins["MAP2K1"].regulators)


def test_more_hops_give_a_larger_neighbourhood(demo_store) -> None:
    sizes = [len(build_model(demo_store, [BRAF], BuildSettings(hops=h, use_curated=False)).model)
             for h in (0, 1, 2)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[2]


def test_a_cml_twin_is_wired_through_abl1(demo_store) -> None:
    # BCR::ABL1 CML: the demo graph's ABL1 -> GRB2 / STAT5A edges wire the fusion kinase
    # to the readouts (until issue 12 ABL1 had no signed edge and the twin was empty).
    patients = find_patients(demo_store, "chronic myelogenous leukemia, BCR-ABL1 positive",
                             {"ABL1 BCR::ABL1 fusion"})
    assert patients
    for patient in patients:
        built = build_patient_twin(demo_store, patient)
        assert "HGNC:76" in built.graph_model.entity_nodes
        assert "HGNC:76" not in built.graph_model.unreached
        assert "imatinib" in {d.name for d in built.drugs}


def test_a_seed_outside_every_pathway_gets_a_clear_error(demo_store) -> None:
    # Cytochrome c reaches apoptosis only through APAF1 -> CASP9 -> CASP3: with paths of
    # one edge and no curated model the twin would be empty, and the error says so.
    cycs = demo_store.resolve("hgnc.symbol:CYCS")
    with pytest.raises(BuildError, match="reaches a readout"):
        build_model(demo_store, [cycs], BuildSettings(hops=0, path_length=1, use_curated=False))


def test_model_edges_between_levels_are_not_regulation() -> None:
    assert _within_one_model_node("MEK_b2 -> MEK_b1")
    assert not _within_one_model_node("BRAF -> MEK_b1")
    assert not _within_one_model_node(None)


def test_build_cli_reports_curated_and_derived(demo_store, tmp_path) -> None:
    patient = find_patients(demo_store, "melanoma", {"BRAF p.V600E"})[0]
    store_path = demo_store.path
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(store_path), "twin", "build", patient[15:25],
                                 "--json", "--out", str(tmp_path / "twin.bnet")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["curated_model"] == "KGTWIN.MODEL:BRAF_Model"
    assert data["rules"]["Apoptosis"]["origin"] == "derived"
    assert data["rules"]["BRAF"]["origin"] == "curated"
    text = (tmp_path / "twin.bnet").read_text()
    assert re.search(r"^BRAF,\s+1$", text, re.M)  # the personalised model holds the mutant on
    result = runner.invoke(cli, ["--store", str(store_path), "twin", "build", patient[15:25]])
    assert result.exit_code == 0 and "curated (KGTWIN.MODEL:BRAF_Model)" in result.output
    result = runner.invoke(cli, ["--store", str(store_path), "twin", "build", "nobody123"])
    assert result.exit_code == 1 and "no patient" in result.output


def test_settings_are_recorded(melanoma) -> None:
    data = melanoma.settings.to_dict()
    assert data["build"]["hops"] == 1 and data["simulation"]["seed"] == 0
    assert isinstance(TwinSettings().to_dict()["personalisation"]["amplification"], float)
    assert len(melanoma.inputs_hash) == 64
    assert list(itertools.islice(melanoma.records["knowledge"], 1))


def test_tissue_context_reaches_a_derived_twin(demo_store) -> None:
    patient = find_patients(demo_store, "colorectal cancer", {"BRAF p.V600E"})[0]
    settings = TwinSettings(build=BuildSettings(use_curated=False))
    built = build_patient_twin(demo_store, patient, settings)
    assert built.graph_model.curated_model is None
    assert built.twin.fixed["SOX10"] == 0 and built.twin.fixed["BRAF"] == 1
    assert "SOX10" in built.graph_model.model.node("FOXD3").rule.variables()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list("ABCDEFG")), st.sampled_from([1, -1]), min_size=1),
       st.dictionaries(st.sampled_from(list("ABCDEFG")), st.booleans(), min_size=7, max_size=7))
def test_default_rule_semantics(regulators, state) -> None:
    rule = parse_expr(default_rule(regulators))
    activators = [n for n, s in regulators.items() if s > 0]
    inhibitors = [n for n, s in regulators.items() if s < 0]
    expected = (not activators or any(state[n] for n in activators)) and not any(
        state[n] for n in inhibitors)
    assert rule.evaluate(state) == expected


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list("ABCDEF")), st.sampled_from([1, -1]), min_size=2),
       st.dictionaries(st.sampled_from(list("ABCDEF")), st.booleans(), min_size=6, max_size=6))
def test_a_braked_readout_is_the_product_of_its_fractions(regulators, state) -> None:
    activators = [n for n, s in regulators.items() if s > 0]
    inhibitors = [n for n, s in regulators.items() if s < 0]
    if not activators or not inhibitors:
        return
    levels = _braked("Apoptosis", regulators)
    assert [lv.name for lv in levels] == [f"Apoptosis_b{i + 1}" for i in range(len(levels))]
    value = sum(lv.rule.evaluate(state) for lv in levels) / len(levels)
    on = sum(state[n] for n in activators) / len(activators)
    off = sum(not state[n] for n in inhibitors) / len(inhibitors)
    assert value == pytest.approx(on * off)


def test_record_changes_in_words() -> None:
    from kgtwin.twin.versions import record_changes

    before = {"variants": [{"symbol": "BRAF", "change": "V600E"}], "expression": {"EGFR": 0.1},
              "treatments": [{"drug": "CHEBI:1", "response": None}], "diagnoses": ["MONDO:1"],
              "knowledge": [["a", "1", "x"]]}
    after = {"variants": [{"symbol": "BRAF", "change": "V600E"}, {"symbol": "PTEN",
                                                                   "change": "R130*"}],
             "expression": {"EGFR": 1.2}, "treatments": [{"drug": "CHEBI:1",
                                                          "response": "partial_response"}],
             "diagnoses": ["MONDO:2"], "knowledge": [["a", "2", "y"]]}
    changes = record_changes(before, after)
    assert changes == ["new variant PTEN R130*", "expression changed for 1 gene(s): EGFR",
                       "treatment CHEBI:1: observed partial_response", "diagnoses changed",
                       "knowledge sources changed"]
    assert record_changes(None, after) == ["first version"]
    assert record_changes(after, after) == []


def test_gain_as_rate_and_no_expression_from_the_cli(demo_store) -> None:
    patient = find_patients(demo_store, "melanoma", {"BRAF p.V600E"})[0]
    result = CliRunner().invoke(cli, ["--store", str(demo_store.path), "twin", "build", patient,
                                      "--gain", "rate", "--expression", "none", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert "BRAF" not in data["fixed"] and data["fixed"]["SOX10"] == 1
    assert any("BRAF V600E: gain -> BRAF rates" in line for line in data["personalisation"])
    assert not any(line.startswith("expression") for line in data["personalisation"])
