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
from kgtwin.twin.simulate import Hold, SimulationResult, SimulationSettings, simulate

__all__ = [
    "Attractor",
    "Expr",
    "Hold",
    "LogicalModel",
    "ModelError",
    "Node",
    "SimulationResult",
    "SimulationSettings",
    "attractors",
    "load_model",
    "minimal_trap_spaces",
    "parse_expr",
    "save_model",
    "simulate",
    "steady_states",
]
