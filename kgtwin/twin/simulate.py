"""Stochastic simulation with MaBoSS semantics: node probabilities over time, with intervals.

Semantics (as MaBoSS, Stoll et al. 2012/2017): continuous time; in a state x a node i
whose rule f_i(x) differs from x_i flips at rate ``rate_up`` (turning on) or
``rate_down`` (turning off); the next event is drawn by the Gillespie algorithm. Initial
states are drawn node by node with probability ``initial_on``. Held nodes (inputs set by
the experiment, mutations, drugs) never flip and start at their held value.

Output is the fraction of trajectories with each node on at each time of the grid
(instantaneous, like MaBoSS's final "last states"; MaBoSS's per-tick trajectory table
averages over each tick instead), with Wilson score intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from kgtwin.twin.compile import CompiledModel
from kgtwin.twin.model import LogicalModel, ModelError, level_nodes

__all__ = [
    "MAX_TIME",
    "MAX_TIME_POINTS",
    "MAX_TRAJECTORIES",
    "Hold",
    "SimulationResult",
    "SimulationSettings",
    "simulate",
    "wilson_interval",
]


#: Limits on one simulation (MaBoSS models of the field use ~10^3-10^5 trajectories to
#: t = 10-1000 with ~10^2-10^3 sampling points). Beyond them the arrays alone would not fit.
MAX_TRAJECTORIES = 1_000_000
MAX_TIME = 100_000.0
MAX_TIME_POINTS = 100_000


@dataclass(frozen=True, kw_only=True)
class SimulationSettings:
    """How many trajectories, how long, how often to sample, and the seed."""

    trajectories: int = 10_000
    max_time: float = 50.0
    time_tick: float = 0.5
    seed: int = 0

    def __post_init__(self) -> None:
        if self.trajectories < 1:
            raise ModelError("trajectories must be at least 1")
        if not (self.max_time > 0 and self.time_tick > 0):
            raise ModelError("max_time and time_tick must be positive")
        # Refused up front: each bound keeps memory and time what a workstation has.
        if self.trajectories > MAX_TRAJECTORIES:
            raise ModelError(f"trajectories {self.trajectories} is over the limit of "
                             f"{MAX_TRAJECTORIES:,}")
        if not math.isfinite(self.max_time) or self.max_time > MAX_TIME:
            raise ModelError(f"max_time {self.max_time:g} is over the limit of {MAX_TIME:g}")
        if self.max_time / self.time_tick > MAX_TIME_POINTS:
            raise ModelError(
                f"max_time / time_tick = {self.max_time / self.time_tick:.3g} sampling points "
                f"is over the limit of {MAX_TIME_POINTS:,}; use a larger time_tick"
            )
        if not 0 <= self.seed < 2**32:
            raise ModelError("seed must be in [0, 2**32)")

    @classmethod
    def from_model(cls, model: LogicalModel, **overrides: float | int) -> SimulationSettings:
        """Settings from a MaBoSS ``.cfg`` (``sample_count``, ``max_time``, ``time_tick``,
        ``seed_pseudorandom``), overridden by keyword arguments that are not None."""
        keys = {
            "trajectories": "sample_count",
            "max_time": "max_time",
            "time_tick": "time_tick",
            "seed": "seed_pseudorandom",
        }
        values: dict[str, float | int] = {}
        for field_name, setting in keys.items():
            value = model.settings.get(setting)
            if isinstance(value, int | float):
                values[field_name] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        for name in ("trajectories", "seed"):
            if name in values:
                values[name] = int(values[name])
        return cls(**values)  # type: ignore[arg-type]

    @property
    def times(self) -> np.ndarray:
        """The sampling grid 0, tick, 2 tick, ..., max_time."""
        steps = math.floor(self.max_time / self.time_tick + 1e-9)
        grid = np.arange(steps + 1, dtype=np.float64) * self.time_tick
        if grid[-1] < self.max_time - 1e-12:
            grid = np.append(grid, self.max_time)
        return grid


@dataclass(frozen=True)
class Hold:
    """Hold ``node`` at ``value`` in a random ``fraction`` of trajectories (1: all).

    A drug of strength 0.7 holds its target in 70 % of the simulated cells; a base name
    of a multi-level node (``ERK``) holds every level.
    """

    node: str
    value: bool
    fraction: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.fraction <= 1.0:
            raise ModelError(f"hold of {self.node}: fraction must be in [0, 1]")


def wilson_interval(on: np.ndarray, total: int, level: float = 0.95) -> tuple[np.ndarray, ...]:
    """Wilson score interval of a binomial proportion (sound near 0 and 1)."""
    z = _z(level)
    p = np.asarray(on, dtype=np.float64) / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _z(level: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


@dataclass(frozen=True, kw_only=True)
class SimulationResult:
    """Counts of trajectories with each node on, per time, and every final state."""

    names: tuple[str, ...]
    times: np.ndarray
    on_counts: np.ndarray  # (len(times), len(names)) int64
    final_states: np.ndarray  # (trajectories, len(names)) uint8
    settings: SimulationSettings
    events: int = 0  # node flips simulated, over all trajectories

    @property
    def trajectories(self) -> int:
        """Number of simulated trajectories."""
        return int(self.final_states.shape[0])

    @property
    def probabilities(self) -> np.ndarray:
        """P(node on) at each time, shape (times, nodes)."""
        return self.on_counts / self.trajectories

    @property
    def final(self) -> dict[str, float]:
        """P(node on) at ``max_time``."""
        return dict(zip(self.names, self.probabilities[-1].tolist(), strict=True))

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of P(node on) at each time (Wilson)."""
        return wilson_interval(self.on_counts, self.trajectories, level)

    def to_dict(self, level: float = 0.95, digits: int = 6) -> dict:
        """JSON-ready: final probabilities and intervals, the time grid, per-node series."""
        low, high = self.interval(level)
        series = np.round(self.probabilities, digits)
        return {
            "final": {n: round(p, digits) for n, p in self.final.items()},
            "final_ci": {
                n: [round(float(low[-1, i]), digits), round(float(high[-1, i]), digits)]
                for i, n in enumerate(self.names)
            },
            "ci_level": level,
            "times": [round(float(t), 9) for t in self.times],
            "trajectories": {n: series[:, i].tolist() for i, n in enumerate(self.names)},
            "n_trajectories": self.trajectories,
            "seed": self.settings.seed,
        }


def _clamp(
    model: LogicalModel,
    fixed: Mapping[str, bool | int],
    holds: Sequence[Hold],
    settings: SimulationSettings,
) -> np.ndarray:
    """Per trajectory and node: -1 free, 0/1 held. Partial holds drawn with the seed.

    Holds override ``fixed`` (a drug acts on the protein, so an inhibitor switches off
    even a constitutively active mutant, as in PROFILE); two holds that disagree on a
    node in the same trajectory are an error.
    """
    clamp = np.full((settings.trajectories, len(model)), -1, dtype=np.int8)
    for name, value in fixed.items():
        for level in level_nodes(model, name):
            clamp[:, model.index(level)] = int(bool(value))
    if not holds:  # numpy.random (0.02 s to import) only where a drug is partial
        return clamp
    held = np.full_like(clamp, -1)
    rng = np.random.default_rng([settings.seed, 1])
    for hold in holds:
        chosen = rng.random(settings.trajectories) < hold.fraction
        for level in level_nodes(model, hold.node):
            column = held[:, model.index(level)]
            if (chosen & (column >= 0) & (column != int(hold.value))).any():
                raise ModelError(f"{level} is held both on and off (conflicting drugs)")
            column[chosen] = int(hold.value)
    return np.where(held >= 0, held, clamp)


# Trajectories are simulated in blocks, each with its own seed derived from (seed, block):
# the numbers depend on the seed only, never on how many threads ran the blocks.
BLOCK = 1024


def _block_seed(seed: int, block: int) -> np.int64:
    return np.int64(np.random.SeedSequence([seed, block]).generate_state(1)[0])


def _initial_on(model: LogicalModel, compiled: CompiledModel, initial) -> np.ndarray:
    initial_on = compiled.initial_on.copy()
    for name, probability in (initial or {}).items():
        if not 0.0 <= probability <= 1.0:
            raise ModelError(f"initial probability of {name} must be in [0, 1]")
        for level in level_nodes(model, name):
            initial_on[model.index(level)] = probability
    return initial_on


def simulate(
    model: LogicalModel,
    settings: SimulationSettings | None = None,
    *,
    fixed: Mapping[str, bool | int] | None = None,
    initial: Mapping[str, float] | None = None,
    holds: Sequence[Hold] = (),
    threads: int = 1,
) -> SimulationResult:
    """Simulate ``model``; the result depends on ``settings.seed`` only (not ``threads``).

    ``fixed`` holds nodes in every trajectory, ``initial`` overrides P(on at t=0),
    ``holds`` hold nodes in a fraction of trajectories (partial drug effects),
    ``threads`` runs blocks of trajectories in parallel (the kernel releases the GIL).
    """
    from concurrent.futures import ThreadPoolExecutor

    from kgtwin.twin.kernels import simulate_kernel as kernel_for

    if threads < 1:
        raise ModelError("threads must be at least 1")
    simulate_kernel = kernel_for(threads=threads)
    settings = settings or SimulationSettings.from_model(model)
    compiled = CompiledModel.from_model(model)
    initial_on = _initial_on(model, compiled, initial)
    clamp = _clamp(model, fixed or {}, holds, settings)
    grid = settings.times
    finals = np.zeros((settings.trajectories, len(model)), dtype=np.uint8)

    def run_block(block: int) -> tuple[np.ndarray, int]:
        rows = slice(block * BLOCK, min((block + 1) * BLOCK, settings.trajectories))
        changes = np.zeros((grid.shape[0], len(model)), dtype=np.int64)
        events = simulate_kernel(
            compiled.ops,
            compiled.args,
            compiled.starts,
            compiled.dependents,
            compiled.dep_weights,
            compiled.dep_starts,
            compiled.rate_up,
            compiled.rate_down,
            initial_on,
            compiled.inputs,
            compiled.input_starts,
            compiled.tables,
            compiled.table_starts,
            clamp[rows],
            grid,
            _block_seed(settings.seed, block),
            compiled.stack_size,
            changes,
            finals[rows],
        )
        return changes, events

    blocks = range(-(-settings.trajectories // BLOCK))
    if threads == 1:
        done = [run_block(b) for b in blocks]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            done = list(pool.map(run_block, blocks))
    counts = np.cumsum(sum(changes for changes, _ in done), axis=0)
    return SimulationResult(
        names=model.names,
        times=grid,
        on_counts=counts,
        final_states=finals,
        settings=settings,
        events=sum(events for _, events in done),
    )
