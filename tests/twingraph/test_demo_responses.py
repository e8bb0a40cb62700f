"""The demo patients' twins respond as the textbook says (`kgtwin twin rank-drugs` path):
CML twins to imatinib, EGFR L858R lung twins to EGFR inhibitors more than a TP53-only
lung twin."""

from __future__ import annotations

import pytest

from kgtwin.twin.patient_twin import (
    TwinSettings,
    build_patient_twin,
    default_simulation,
    rank_patient_drugs,
)

from .conftest import find_patients

SETTINGS = TwinSettings(simulation=default_simulation(trajectories=1000, seed=5))
LUNG = "non-small cell lung carcinoma"


def _score(store, patient: str, drug: str) -> tuple[float, float]:
    twin = build_patient_twin(store, patient, SETTINGS, extra_drugs=[drug])
    (response,) = rank_patient_drugs(twin, store, only=[drug])
    return response.score, response.score_low


@pytest.mark.parametrize("drug", ["imatinib", "dasatinib"])
def test_cml_twins_respond_to_abl_inhibitors(demo_store, drug) -> None:
    patients = find_patients(demo_store, "chronic myelogenous leukemia, BCR-ABL1 positive",
                             {"ABL1 BCR::ABL1 fusion"})
    assert len(patients) == 2
    for patient in patients:
        score, low = _score(demo_store, patient, drug)
        assert score > 0.2 and low > 0


def test_egfr_l858r_lung_twin_above_a_tp53_only_one(demo_store) -> None:
    (tp53,) = find_patients(demo_store, LUNG, {"TP53 p.R273H"})
    only_tp53, _ = _score(demo_store, tp53, "erlotinib")
    for patient in find_patients(demo_store, LUNG, {"EGFR p.L858R"}):
        score, low = _score(demo_store, patient, "erlotinib")
        assert low > 0 and score > only_tp53 + 0.2
