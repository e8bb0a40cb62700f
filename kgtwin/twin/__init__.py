"""Executable pathway twins: logical models, exact attractors, MaBoSS-style simulation,
personalisation and drug response.

Heavy engines load on first use: biodivine-aeon for exact analysis, numba for the
simulation kernel.
"""

from __future__ import annotations

from kgtwin.twin.analysis import Attractor, attractors, minimal_trap_spaces, steady_states
from kgtwin.twin.expr import Expr, parse_expr
from kgtwin.twin.formats import load_model, save_model
from kgtwin.twin.model import LogicalModel, ModelError, Node
from kgtwin.twin.profile import (
    Effect,
    Mutation,
    PatientProfile,
    PersonalisationSettings,
    Twin,
    personalise,
)
from kgtwin.twin.response import (
    Action,
    Drug,
    Readout,
    TreatmentResponse,
    rank_treatments,
    treatment_response,
)
from kgtwin.twin.simulate import Hold, SimulationResult, SimulationSettings, simulate

__all__ = [
    "Action",
    "Attractor",
    "Drug",
    "Effect",
    "Expr",
    "Hold",
    "LogicalModel",
    "ModelError",
    "Mutation",
    "Node",
    "PatientProfile",
    "PersonalisationSettings",
    "Readout",
    "SimulationResult",
    "SimulationSettings",
    "TreatmentResponse",
    "Twin",
    "attractors",
    "load_model",
    "minimal_trap_spaces",
    "parse_expr",
    "personalise",
    "rank_treatments",
    "save_model",
    "simulate",
    "steady_states",
    "treatment_response",
]
