"""Twins stored in the graph as versions: new records make a new version, old ones stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.demo.patients import demo_key_file
from kgtwin.load import load_files
from kgtwin.model import KNOWLEDGE_LEVEL, PREDICTED
from kgtwin.twin.patient_twin import TwinSettings
from kgtwin.twin.simulate import SimulationSettings
from kgtwin.twin.versions import PREDICTION, TWIN_CATEGORY, twin_history, update_twin

from .conftest import find_patients, load_demo

DATA = Path(__file__).resolve().parents[1] / "data" / "twingraph"
SETTINGS = TwinSettings(simulation=SimulationSettings(trajectories=300, max_time=30, seed=2))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Holds the store and the demo pseudonymisation key (new records need the same key)."""
    return tmp_path_factory.mktemp("versions")


@pytest.fixture(scope="module")
def store(folder):
    opened = load_demo(folder)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def patient(store):
    (found,) = find_patients(store, "colorectal cancer", {"BRAF p.V600E"})
    return found


def test_versions_follow_new_records(store, patient, folder) -> None:
    first = update_twin(store, patient, SETTINGS, combinations=["encorafenib+cetuximab"])
    assert first.created and first.version.version == 1
    assert first.changes == ("first version",)
    again = update_twin(store, patient, SETTINGS)
    assert not again.created and again.version.id == first.version.id

    key = str(demo_key_file(folder))
    load_files(store, "maf", [DATA / "new_variant.maf"], source="followup-maf", version="1",
               options={"key_file": key})
    second = update_twin(store, patient, SETTINGS)
    assert second.created and second.version.version == 2
    assert "new variant PTEN R130*" in second.changes

    load_files(store, "clinical-csv", [DATA / "followup.csv"], source="followup-visit",
               version="1", options={"key_file": key,
                                     "mapping": str(DATA / "followup_columns.yaml")})
    third = update_twin(store, patient, SETTINGS)
    assert third.created and third.version.version == 3
    assert any("observed progressive_disease" in c for c in third.changes)

    history = twin_history(store, patient)
    assert [v.version for v in history] == [1, 2, 3]
    # Earlier versions are unchanged and still queryable.
    assert history[0].inputs_hash == first.version.inputs_hash
    assert history[0].predictions == first.version.predictions
    assert history[1].properties["records"]["variants"][-1]["symbol"] in {"PTEN", "BRAF"}
    pten = {v["symbol"]: v for v in history[1].properties["records"]["variants"]}["PTEN"]
    assert pten["effect"] == "loss"
    assert history[1].properties["personalisation"]["fixed"]["PTEN"] == 0
    assert history[0].properties["combinations"][0]["treatment"].lower() == (
        "encorafenib + cetuximab")


def test_stored_graph_shape(store, patient) -> None:
    history = twin_history(store, patient)
    assert history, "test_versions_follow_new_records runs first"
    latest = history[-1]
    node = store.node(latest.id)
    assert node.category == TWIN_CATEGORY
    assert latest.id == f"KGTWIN.TWIN:{patient.split(':')[1]}-v{latest.version}"
    edges = list(store.edges(subject=latest.id))
    assert any(e.predicate == "biolink:model_of" and e.object == patient for e in edges)
    previous = [e for e in edges if e.properties.get("relation") == "previous_version"]
    assert [e.object for e in previous] == [history[-2].id]
    assert any(e.object == "KGTWIN.MODEL:BRAF_Model" for e in edges)
    predictions = [e for e in edges if e.predicate == PREDICTION]
    assert predictions and all(e.qualifiers[KNOWLEDGE_LEVEL] == PREDICTED for e in predictions)
    ranks = sorted(e.properties["rank"] for e in predictions)
    assert ranks == list(range(1, len(ranks) + 1))
    best = min(predictions, key=lambda e: e.properties["rank"])
    assert best.properties["score_low"] <= best.properties["score"] <= best.properties[
        "score_high"]
    assert node.properties["model_text"].startswith("targets, factors")
    assert len(node.properties["model_hash"]) == 64
    assert any(entry.source.name == f"twin:{latest.id}" for entry in store.ledger())


def test_update_and_history_cli(store, patient) -> None:
    runner = CliRunner()
    base = ["--store", str(store.path), "twin"]
    settings = ["--trajectories", "300", "--seed", "2"]
    (other,) = find_patients(store, "melanoma", set())
    result = runner.invoke(cli, [*base, "history", other])
    assert result.exit_code == 0 and "no stored twin" in result.output
    result = runner.invoke(cli, [*base, "update", other, *settings, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["created"] and data["version"] == 1 and data["predictions"]
    result = runner.invoke(cli, [*base, "update", other, *settings])
    assert result.exit_code == 0 and "is current" in result.output
    result = runner.invoke(cli, [*base, "update", other, *settings, "--force"])
    assert result.exit_code == 0 and "-v2 written: rebuilt on request" in result.output
    result = runner.invoke(cli, [*base, "history", other, "--json"])
    assert [v["version"] for v in json.loads(result.output)] == [1, 2]
    result = runner.invoke(cli, [*base, "history", other])
    assert result.exit_code == 0 and result.output.startswith("v1 ")


def test_calibrated_predictions_are_stored(store) -> None:
    from kgtwin.twin.calibrate import fit_calibration

    calibration = fit_calibration([0.0, 0.2, 0.4, 0.6], [0, 0, 1, 1])
    patient = find_patients(store, "non-small cell lung carcinoma", {"KRAS p.G12C"})[0]
    settings = TwinSettings(simulation=SETTINGS.simulation, calibration=calibration)
    result = update_twin(store, patient, settings)
    assert result.created
    for prediction in result.version.predictions:
        assert prediction["p_response"] == pytest.approx(
            calibration.probability(prediction["score"]), abs=1e-5)
    assert result.version.properties["settings"]["calibration"]["n"] == 4


def test_other_models_predictions_do_not_change_the_twin(store, patient) -> None:
    from kgtwin.model import DIRECTION, Edge
    from kgtwin.store.base import SourceInfo

    before = update_twin(store, patient, SETTINGS)
    predicted = {KNOWLEDGE_LEVEL: PREDICTED}
    store.load([
        Edge("HGNC:11998", "biolink:regulates", "HGNC:1097",
             qualifiers={**predicted, DIRECTION: "decreased"}),
        Edge("CHEBI:63637", "biolink:affects", "HGNC:6407",
             qualifiers={**predicted, DIRECTION: "decreased"}),
        Edge("CHEBI:45783", "biolink:treats", "MONDO:0005575", qualifiers=predicted),
    ], SourceInfo(name="kgtwin.embed:test", version="1", checksum="0", loader="kgtwin.embed"))
    after = update_twin(store, patient, SETTINGS)
    assert not after.created and after.version.id == before.version.id
    from kgtwin.twin.build import BuildSettings, build_model
    from kgtwin.twin.drugs import candidate_ids, drug_targets

    assert "HGNC:6407" not in drug_targets(store, "CHEBI:63637")
    model = build_model(store, ["HGNC:11998", "HGNC:1097"],
                        BuildSettings(use_curated=False))
    assert "TP53" not in dict(model.origins["BRAF"].regulators)
    assert not any(s[0].startswith("kgtwin.embed") for s in model.sources)
    from kgtwin.patients import patient_profile

    assert "CHEBI:45783" not in candidate_ids(store, patient_profile(store, patient), [])
