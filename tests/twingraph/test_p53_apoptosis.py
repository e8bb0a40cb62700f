"""Loss of TP53 lowers drug-induced apoptosis in patient twins (issue 12, item 4).

The same patient twin (same wiring, same data) is personalised once with its TP53 loss
and once without it; the drug's apoptosis gain and score must be lower with the loss, on
the curated BRAF-model path and on the derived-network path.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from kgtwin.twin.build import BuildSettings
from kgtwin.twin.patient_twin import TwinSettings, build_patient_twin, default_simulation
from kgtwin.twin.profile import personalise
from kgtwin.twin.response import rank_treatments

from .conftest import find_patients

LUNG = "non-small cell lung carcinoma"
SIMULATION = default_simulation(trajectories=1000, seed=5)


def _with_and_without_tp53(store, patient: str, drug: str, curated: bool):
    settings = TwinSettings(build=BuildSettings(use_curated=curated, p53_gated_apoptosis=True),
                            simulation=SIMULATION)
    twin = build_patient_twin(store, patient, settings, extra_drugs=[drug])
    (chosen,) = [d for d in twin.drugs if d.name.lower() == drug]
    kept = tuple(m for m in twin.profile.mutations if m.gene != "TP53")
    assert len(kept) == len(twin.profile.mutations) - 1  # the patient's TP53 loss
    intact = personalise(twin.graph_model.model, replace(twin.profile, mutations=kept),
                         settings.personalisation)
    (lost,) = rank_treatments(twin.twin, [(chosen,)], SIMULATION)
    (wild,) = rank_treatments(intact, [(chosen,)], SIMULATION)
    return lost, wild


def _apoptosis(response):
    (change,) = [r for r in response.readouts if r.name == "Apoptosis"]
    return change


@pytest.mark.parametrize(("curated", "variants", "drug"), [
    (True, {"KRAS p.G12C", "TP53 p.R273H"}, "trametinib"),
    (False, {"KRAS p.G12C", "TP53 p.R273H"}, "trametinib"),
])
def test_tp53_loss_lowers_drug_induced_apoptosis(demo_store, curated, variants, drug) -> None:
    (patient,) = find_patients(demo_store, LUNG, variants)
    lost, wild = _with_and_without_tp53(demo_store, patient, drug, curated)
    # With p53 lost the drug's death signal (ERK off -> BIM -> BAX) kills no cell.
    assert _apoptosis(lost).change == pytest.approx(0.0, abs=0.02)
    assert _apoptosis(wild).low > 0.1
    assert _apoptosis(lost).change < _apoptosis(wild).change
    assert lost.score < wild.score


def test_gate_is_recorded_and_leaves_curated_rules_alone(demo_store) -> None:
    (patient,) = find_patients(demo_store, LUNG, {"KRAS p.G12C", "TP53 p.R273H"})
    twin = build_patient_twin(demo_store, patient, TwinSettings(simulation=SIMULATION))
    model, origins = twin.graph_model.model, twin.graph_model.origins
    assert str(model.node("BAX").rule) == "BCL2L11 & p53"
    assert "p53-gated apoptosis" in origins["Apoptosis"].source
    assert str(model.node("p53").rule) == "ATM & !MDM2"  # the BRAF model's own rule
    assert twin.settings.to_dict()["build"]["p53_gated_apoptosis"] is True
    ungated = build_patient_twin(demo_store, patient, TwinSettings(
        build=BuildSettings(p53_gated_apoptosis=False), simulation=SIMULATION))
    assert str(ungated.graph_model.model.node("BAX").rule) == "BCL2L11 | p53"
