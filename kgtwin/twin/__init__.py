"""Executable pathway twins: logical models, exact attractors, MaBoSS-style simulation,
personalisation and drug response.

Heavy engines load on first use: biodivine-aeon for exact analysis, numba for the
simulation kernel. The package itself loads nothing at import: each public name below is
imported on first use (PEP 562), so a command that needs only the model and its exact
analysis (``twin attractors``) does not pay for numpy and the simulation code at start-up.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as the type checker and the reader see them
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

#: Public name -> the module that defines it.
_HOME = {
    "Action": "kgtwin.twin.response",
    "Attractor": "kgtwin.twin.analysis",
    "Drug": "kgtwin.twin.response",
    "Effect": "kgtwin.twin.profile",
    "Expr": "kgtwin.twin.expr",
    "Hold": "kgtwin.twin.simulate",
    "LogicalModel": "kgtwin.twin.model",
    "ModelError": "kgtwin.twin.model",
    "Mutation": "kgtwin.twin.profile",
    "Node": "kgtwin.twin.model",
    "PatientProfile": "kgtwin.twin.profile",
    "PersonalisationSettings": "kgtwin.twin.profile",
    "Readout": "kgtwin.twin.response",
    "SimulationResult": "kgtwin.twin.simulate",
    "SimulationSettings": "kgtwin.twin.simulate",
    "TreatmentResponse": "kgtwin.twin.response",
    "Twin": "kgtwin.twin.profile",
    "attractors": "kgtwin.twin.analysis",
    "load_model": "kgtwin.twin.formats",
    "minimal_trap_spaces": "kgtwin.twin.analysis",
    "parse_expr": "kgtwin.twin.expr",
    "personalise": "kgtwin.twin.profile",
    "rank_treatments": "kgtwin.twin.response",
    "save_model": "kgtwin.twin.formats",
    "simulate": "kgtwin.twin.simulate",
    "steady_states": "kgtwin.twin.analysis",
    "treatment_response": "kgtwin.twin.response",
}

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


def __getattr__(name: str) -> Any:
    """The public name, imported from its module on first use."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


class _Package(ModuleType):
    """Keeps ``kgtwin.twin.simulate`` the function when the module of that name loads.

    Importing a submodule sets it as an attribute of its package; the public function
    ``simulate`` lives in the submodule ``simulate``, and a lazy package would otherwise
    hand out the module once something imported it (as the eager package never did).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _HOME.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
