"""Drug response of a twin: drugs hold their targets, readouts change, a score ranks them.

Pure functions: a twin (model + profile applied) and drugs in, result objects out, so the
graph layer can build both from the knowledge graph (drug CURIEs such as ``CHEBI:63637``,
targets from ``biolink:regulates`` edges with ``object_direction_qualifier``:
``decreased`` -> inhibitor, ``increased`` -> agonist).

Definitions (documented so every number can be traced):

- a drug of ``strength`` s holds each target node off (inhibitor) or on (agonist) in a
  random fraction s of the simulated cells, for the whole run; a combination applies
  every drug's holds independently (two inhibitors of one node reach 1 - (1-s1)(1-s2));
- a readout's value in a cell is the mean of its levels at ``max_time``
  (``Proliferation`` = mean of ``Proliferation_b1`` and ``Proliferation_b2``), so it lies
  in [0, 1]; its change is treated minus untreated. Both runs use the same seed (common
  random numbers): cell i starts from the same draws treated and untreated until a drug
  changes an event (the kernel's stream runs on through the block's trajectories; with
  ``SimulationSettings.pin_inputs`` the inputs stay paired for every cell), so the cells
  are pairs, the 95 % interval is the normal one of the mean per-cell difference, and a
  treatment's numbers depend on what it holds, never on the other treatments asked;
- the response score is the change of sum(weight x readout); by default
  Proliferation weighs -1 and Apoptosis +1 (whichever the model has), so a positive
  score means the drug moves the twin towards less growth or more death.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

import numpy as np

from kgtwin.twin.model import LogicalModel, ModelError, level_nodes
from kgtwin.twin.profile import Twin, all_levels
from kgtwin.twin.simulate import Hold, SimulationSettings, simulate

__all__ = [
    "DEFAULT_READOUTS",
    "Action",
    "Drug",
    "Readout",
    "ReadoutChange",
    "TreatmentResponse",
    "rank_treatments",
    "treatment_response",
]


class Action(StrEnum):
    """What a drug does to its targets."""

    INHIBITOR = "inhibitor"
    AGONIST = "agonist"

    @classmethod
    def from_direction(cls, qualifier: str) -> Action:
        """From a Biolink ``object_direction_qualifier`` on a drug -> gene
        ``biolink:regulates`` edge: ``decreased`` -> inhibitor, ``increased`` -> agonist."""
        directions = {"decreased": cls.INHIBITOR, "increased": cls.AGONIST}
        try:
            return directions[qualifier.strip().lower()]
        except KeyError:
            raise ModelError(
                f"direction {qualifier!r} is neither 'increased' nor 'decreased'"
            ) from None


@dataclass(frozen=True, kw_only=True)
class Drug:
    """A drug: ``targets`` are gene symbols or node names; ``id`` a CURIE if known."""

    name: str
    targets: tuple[str, ...]
    action: Action = Action.INHIBITOR
    strength: float = 1.0
    id: str | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.strength <= 1.0:
            raise ModelError(f"drug {self.name}: strength is a fraction in [0, 1]")
        if not self.targets:
            raise ModelError(f"drug {self.name} has no target")


@dataclass(frozen=True)
class Readout:
    """A phenotype node (or multi-level base name) and its weight in the score."""

    name: str
    weight: float


DEFAULT_READOUTS = (Readout("Proliferation", -1.0), Readout("Apoptosis", 1.0))


@dataclass(frozen=True, kw_only=True)
class ReadoutChange:
    """Mean readout untreated and treated, their difference and its 95 % interval."""

    name: str
    untreated: float
    treated: float
    change: float
    low: float
    high: float


@dataclass(frozen=True, kw_only=True)
class TreatmentResponse:
    """The response of one twin to one drug or combination."""

    profile_id: str
    drugs: tuple[str, ...]
    readouts: tuple[ReadoutChange, ...]
    score: float
    score_low: float
    score_high: float
    targets: dict[str, tuple[str, ...]]
    untargeted: tuple[str, ...]

    @property
    def label(self) -> str:
        """The drugs joined with ``+``."""
        return " + ".join(self.drugs)


def _readout_columns(model: LogicalModel, readouts: Sequence[Readout]):
    present = []
    for readout in readouts:
        try:
            columns = [model.index(n) for n in level_nodes(model, readout.name)]
        except ModelError:
            continue
        present.append((readout, columns))
    if not present:
        names = ", ".join(r.name for r in readouts)
        raise ModelError(f"model {model.name} has none of the readouts {names}")
    return present


def _cell_values(final_states: np.ndarray, present) -> np.ndarray:
    """Per cell (row) and readout (column): mean of the readout's levels."""
    return np.stack([final_states[:, cols].mean(axis=1) for _, cols in present], axis=1)


def _holds(model: LogicalModel, drugs: Sequence[Drug]):
    holds: list[Hold] = []
    targets: dict[str, tuple[str, ...]] = {}
    untargeted: list[str] = []
    for drug in drugs:
        nodes: list[str] = []
        for target in drug.targets:
            found = all_levels(model, model.nodes_for_gene(target))
            nodes += [n for n in found if n not in nodes]
        targets[drug.name] = tuple(nodes)
        if not nodes:
            untargeted.append(drug.name)
        value = drug.action == Action.AGONIST
        holds += [Hold(node, value, drug.strength) for node in nodes]
    # One order whatever order the drugs' targets were listed in: partial holds draw
    # their cells in this order.
    holds.sort(key=lambda h: (h.node, h.value, h.fraction))
    return holds, targets, tuple(untargeted)


def _change(treated: np.ndarray, untreated: np.ndarray, z: float) -> tuple[float, ...]:
    """Means before and after, the change and its interval. Cell i of both runs drew the
    same random numbers, so the cells are pairs: the interval is that of the mean of the
    per-cell differences (pairs are independent of each other)."""
    before, after = float(untreated.mean()), float(treated.mean())
    difference = treated - untreated
    variance = difference.var(ddof=1) / difference.size if difference.size > 1 else 0.0
    spread = z * float(np.sqrt(variance))
    return before, after, after - before, after - before - spread, after - before + spread


def _simulate_cells(twin: Twin, holds, settings: SimulationSettings, present, threads: int):
    result = simulate(twin.model, settings, fixed=twin.fixed, holds=holds, threads=threads)
    return _cell_values(result.final_states, present)


def _response(twin, drugs, treated, untreated, present, targets, untargeted) -> TreatmentResponse:
    z = NormalDist().inv_cdf(0.975)
    changes = []
    for k, (readout, _) in enumerate(present):
        before, after, change, low, high = _change(treated[:, k], untreated[:, k], z)
        changes.append(
            ReadoutChange(
                name=readout.name,
                untreated=before,
                treated=after,
                change=change,
                low=low,
                high=high,
            )
        )
    weights = np.array([readout.weight for readout, _ in present])
    _, _, score, low, high = _change(treated @ weights, untreated @ weights, z)
    return TreatmentResponse(
        profile_id=twin.profile_id,
        drugs=tuple(d.name for d in drugs),
        readouts=tuple(changes),
        score=score,
        score_low=low,
        score_high=high,
        targets=targets,
        untargeted=untargeted,
    )


def treatment_response(
    twin: Twin,
    drugs: Sequence[Drug],
    settings: SimulationSettings | None = None,
    *,
    readouts: Sequence[Readout] = DEFAULT_READOUTS,
    threads: int = 1,
) -> TreatmentResponse:
    """Simulate the twin untreated and treated with ``drugs`` (a combination if several)."""
    return rank_treatments(twin, [tuple(drugs)], settings, readouts=readouts, threads=threads)[0]


def rank_treatments(
    twin: Twin,
    treatments: Sequence[Sequence[Drug]],
    settings: SimulationSettings | None = None,
    *,
    readouts: Sequence[Readout] = DEFAULT_READOUTS,
    threads: int = 1,
) -> list[TreatmentResponse]:
    """Responses to each treatment (a drug or a combination), best score first.

    The untreated twin is simulated once and shared by every comparison; ``threads``
    parallelises each simulation without changing its numbers.
    """
    settings = settings or SimulationSettings.from_model(twin.model)
    present = _readout_columns(twin.model, readouts)
    untreated = _simulate_cells(twin, [], settings, present, threads)
    responses = []
    for drugs in treatments:
        holds, targets, untargeted = _holds(twin.model, drugs)
        # The untreated run's random numbers (common random numbers): cell i treated and
        # cell i untreated start alike, so a drug that changes nothing scores 0 instead of
        # the noise of two independent runs; the interval is the paired one.
        # Nothing to hold (no target in the model): the treated twin is the untreated one.
        treated = _simulate_cells(twin, holds, settings, present, threads) if holds else untreated
        responses.append(_response(twin, drugs, treated, untreated, present, targets, untargeted))
    return sorted(responses, key=lambda r: -r.score)
