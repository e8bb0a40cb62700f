"""Cohorts: every patient x drug, each on its own twin; heatmap, associations, calibration."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.twin.calibrate import fit_calibration, responder
from kgtwin.twin.cohort import associations, run_cohort
from kgtwin.twin.cohort_report import write_cohort
from kgtwin.twin.patient_twin import TwinSettings
from kgtwin.twin.simulate import SimulationSettings

from .conftest import find_patients

SETTINGS = TwinSettings(simulation=SimulationSettings(trajectories=300, max_time=50, seed=4))
DRUGS = ["vemurafenib", "trametinib", "sotorasib", "cetuximab"]


@pytest.fixture(scope="module")
def cohort(demo_store):
    patients = (find_patients(demo_store, "melanoma", {"BRAF p.V600E"})
                + find_patients(demo_store, "colorectal cancer", {"BRAF p.V600E"})
                + find_patients(demo_store, "melanoma", set())
                + find_patients(demo_store, "non-small cell lung carcinoma", {"KRAS p.G12C"})
                + find_patients(demo_store, "non-small cell lung carcinoma", set()))
    return run_cohort(demo_store, patients, DRUGS, SETTINGS, workers=2)


def test_every_patient_times_every_drug(cohort) -> None:
    table = cohort.table
    assert len(table) == 7 * len(DRUGS)
    assert set(table["drug"]) == set(DRUGS)
    sotorasib = table[table["drug"] == "sotorasib"].groupby("variants")["acts"].agg(set)
    assert sotorasib["KRAS G12C"] == {True}
    assert sotorasib["BRAF V600E"] == {False} and sotorasib["none"] == {False}
    acting = table[table["acts"]]
    assert (acting["score_low"] <= acting["score"]).all()
    assert (acting["score"] <= acting["score_high"]).all()
    # A mutant twin beats the wild type (on which a V600-selective drug does not act).
    vemurafenib = table[table["drug"] == "vemurafenib"]
    mutant = vemurafenib[vemurafenib["variants"] == "BRAF V600E"]["score"]
    wild = vemurafenib[vemurafenib["variants"] == "none"]["score"]
    assert mutant.min() > wild.max()


def test_variant_associations(cohort) -> None:
    found = cohort.associations.set_index(["variant", "drug"])
    row = found.loc[("BRAF V600E", "vemurafenib")]
    assert row["carriers"] == 3 and row["difference"] > 0.1
    assert (cohort.associations["q"] >= cohort.associations["p"] - 1e-12).all()


def test_observed_responses_are_paired_with_scores(cohort) -> None:
    observed = cohort.observed
    assert not observed.empty
    assert set(observed["response"]) <= {"complete_response", "partial_response",
                                         "stable_disease", "progressive_disease"}
    # Drugs outside --drugs (dabrafenib, encorafenib...) are not scored for calibration.
    assert all(set(t.split(" + ")) <= set(DRUGS) for t in observed["treatment"])


def test_outputs(cohort, tmp_path) -> None:
    paths = write_cohort(cohort, tmp_path)
    assert paths["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = paths["html"].read_text()
    assert "<table>" in html and "vemurafenib" in html
    table = pd.read_csv(paths["table"])
    assert len(table) == len(cohort.table)
    assert "patient_specific" in table


def test_a_twin_without_patient_specific_change_says_so(cohort, tmp_path) -> None:
    # Demo patients all carry expression values; a twin that nothing personalised (no
    # variant or value reached it) is marked in the HTML table and heatmap rows.
    table = cohort.table.copy()
    first = table["patient"].iloc[0]
    table.loc[table["patient"] == first, "patient_specific"] = False
    generic = replace(cohort, table=table)
    html = write_cohort(generic, tmp_path)["html"].read_text()
    assert html.count("(no patient-specific change)") == 1
    assert "(no patient-specific change)" not in write_cohort(
        cohort, tmp_path / "all")["html"].read_text()


def test_calibration_fit() -> None:
    scores = [-0.2, 0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0]
    outcomes = [0, 0, 0, 1, 0, 1, 1, 1]
    calibration = fit_calibration(scores, outcomes)
    assert calibration.slope > 0 and calibration.n == 8 and calibration.responders == 4
    assert calibration.auc == pytest.approx(15 / 16)
    probabilities = [calibration.probability(s) for s in scores]
    assert probabilities == sorted(probabilities)
    assert 0 < calibration.brier < 0.25
    assert responder("partial_response") == 1 and responder("stable_disease") == 0
    assert responder("not_evaluable") is None
    with pytest.raises(ValueError):
        fit_calibration([0.1], [1])


def test_associations_on_a_hand_made_table() -> None:
    rows = []
    for patient, variants, score in [("a", "X V1", 0.9), ("b", "X V1", 0.8), ("c", "none", 0.1),
                                     ("d", "none", 0.2), ("e", "none", 0.0)]:
        rows.append({"patient": patient, "variants": variants, "drug": "d1", "acts": True,
                     "score": score})
    found = associations(pd.DataFrame(rows))
    assert list(found["variant"]) == ["X V1"]
    assert found["difference"].iloc[0] == pytest.approx(0.85 - 0.1)
    assert 0 < found["p"].iloc[0] <= 0.2 and np.isclose(found["q"].iloc[0], found["p"].iloc[0])


def test_cohort_cli(demo_store, tmp_path) -> None:
    patients = ",".join(p.split(":")[1][:10] for p in
                        find_patients(demo_store, "melanoma", {"BRAF p.V600E"}))
    result = CliRunner().invoke(cli, [
        "--store", str(demo_store.path), "twin", "cohort", "--patients", patients,
        "--drugs", "vemurafenib,trametinib", "--trajectories", "100", "--out",
        str(tmp_path / "out"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["patients"] == 2 and data["drugs"] == 2
    assert (tmp_path / "out" / "cohort-heatmap.png").exists()


def test_calibration_round_trip_and_use_in_rank_drugs(demo_store, tmp_path) -> None:
    from kgtwin.errors import InputError
    from kgtwin.twin.calibrate import Calibration, load_calibration

    calibration = fit_calibration([0.0, 0.1, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7],
                                  [0, 0, 0, 1, 0, 1, 0, 1, 1, 1])
    assert calibration.problems() == []
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(calibration.to_dict()))
    loaded = load_calibration(path)
    assert loaded.probability(0.5) == pytest.approx(calibration.probability(0.5), abs=1e-4)
    assert Calibration.from_dict(calibration.to_dict()).n == 10
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(InputError):
        load_calibration(tmp_path / "bad.json")
    patient = find_patients(demo_store, "melanoma", {"BRAF p.V600E"})[0]
    result = CliRunner().invoke(cli, [
        "--store", str(demo_store.path), "twin", "rank-drugs", patient, "--only", "trametinib",
        "--trajectories", "200", "--calibration", str(path), "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["ranking"]
    assert row["p_response"] == pytest.approx(loaded.probability(row["score"]), abs=1e-3)


def test_a_calibration_that_would_mislead_is_refused(tmp_path) -> None:
    from kgtwin.twin.calibrate import CalibrationError, load_calibration

    few = fit_calibration([0.0, 0.2, 0.4, 0.6], [0, 0, 1, 1])
    backwards = fit_calibration([0.1 * i for i in range(12)], [1] * 6 + [0] * 6)
    assert few.slope > 0 and "only 4 observed responses" in few.problems()[0]
    assert backwards.slope < 0 and "not positive" in backwards.problems()[0]
    for fit in (few, backwards):
        path = tmp_path / "calibration.json"
        path.write_text(json.dumps(fit.to_dict()))
        with pytest.raises(CalibrationError, match="cannot be applied"):
            load_calibration(path)


def test_drugs_holding_the_same_nodes_share_one_simulation(demo_store) -> None:
    patients = find_patients(demo_store, "non-small cell lung carcinoma", {"EGFR p.L858R"})[:2]
    small = TwinSettings(simulation=SimulationSettings(trajectories=100, max_time=20, seed=1))
    table = run_cohort(demo_store, patients, ["erlotinib", "gefitinib"], small).table
    for _, rows in table.groupby("patient"):
        assert rows["acts"].all() and rows["score"].nunique() == 1


def test_cohort_reads_each_patients_records_once(demo_store, monkeypatch) -> None:
    import kgtwin.twin.cohort as cohort_module
    import kgtwin.twin.patient_twin as twin_module

    patients = find_patients(demo_store, "melanoma", {"BRAF p.V600E"})[:2]
    before = run_cohort(demo_store, patients, ["trametinib"], SETTINGS, workers=1)
    reads: list[str] = []

    def counted(store, patient):
        reads.append(patient)
        return cohort_module.patient_profile.__wrapped__(store, patient)

    counted.__wrapped__ = cohort_module.patient_profile
    monkeypatch.setattr(cohort_module, "patient_profile", counted)
    monkeypatch.setattr(twin_module, "patient_profile", counted)
    after = run_cohort(demo_store, patients, ["trametinib"], SETTINGS, workers=1)
    assert sorted(reads) == sorted(patients)
    pd.testing.assert_frame_equal(before.table, after.table)  # same numbers
