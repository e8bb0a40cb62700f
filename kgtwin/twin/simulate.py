"""Stochastic simulation with MaBoSS semantics: node probabilities over time, with intervals.

Semantics (as MaBoSS, Stoll et al. 2012/2017): continuous time; in a state x a node i
whose rule f_i(x) differs from x_i flips at rate ``rate_up`` (turning on) or
``rate_down`` (turning off); the next event is drawn by the Gillespie algorithm. Initial
states are drawn node by node with probability ``initial_on``. Held nodes (inputs set by
the experiment, mutations, drugs) never flip and start at their held value.

Output is the fraction of trajectories with each node on at each time of the grid
(instantaneous, like MaBoSS's final "last states"; MaBoSS's per-tick trajectory table
averages over each tick instead), with Wilson score intervals.

A plain simulation (no partial holds, the C kernel) runs on ``array.array`` buffers and
never imports numpy, whose import alone is a third of a whole CLI call; the result's
numpy arrays are views of those buffers, made when asked for.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import add
from typing import TYPE_CHECKING

from kgtwin.twin.compile import CompiledModel
from kgtwin.twin.model import LogicalModel, ModelError, level_nodes

if TYPE_CHECKING:
    import numpy as np

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
    #: Inputs (nodes that keep their initial value) with 0 < P(on) < 1 take their value
    #: per trajectory from the seed's own stream, stratified, and keep it for the run:
    #: every run with this seed and model gives cell i the same inputs, whatever else it
    #: holds (:func:`_pinned_inputs`).
    pin_inputs: bool = False

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
        import numpy as np

        return np.array(self.grid, dtype=np.float64)

    @property
    def grid(self) -> array:
        """:attr:`times` as an ``array('d')`` (no numpy)."""
        steps = math.floor(self.max_time / self.time_tick + 1e-9)
        grid = array("d", [step * self.time_tick for step in range(steps + 1)])
        if grid[-1] < self.max_time - 1e-12:
            grid.append(self.max_time)
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
    import numpy as np

    z = _z(level)
    p = np.asarray(on, dtype=np.float64) / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * np.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _wilson(on: int, total: int, z: float) -> tuple[float, float]:
    """:func:`wilson_interval` of one count in plain floats: the same operations in the
    same order, so the same numbers to the last bit (a test checks it)."""
    p = on / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return min(max(centre - half, 0.0), 1.0), min(max(centre + half, 0.0), 1.0)


def _round_half_even(value: float, digits: int) -> float:
    """``numpy.round``'s arithmetic (scale, round half to even, unscale) in plain floats."""
    scale = 10.0**digits
    return round(value * scale) / scale


def _z(level: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


@dataclass(frozen=True, kw_only=True)
class SimulationResult:
    """Counts of trajectories with each node on, per time, and every final state.

    Held as flat buffers (``counts``: times x nodes, ``finals``: trajectories x nodes, row
    by row); :attr:`on_counts`, :attr:`final_states` and :attr:`times` are numpy views."""

    names: tuple[str, ...]
    grid: array  # array('d'): the sampling times
    counts: array  # array('q')
    finals: array  # array('B')
    settings: SimulationSettings
    events: int = 0  # node flips simulated, over all trajectories

    @property
    def times(self) -> np.ndarray:
        """The sampling times."""
        import numpy as np

        return np.frombuffer(self.grid, dtype=np.float64)

    @property
    def on_counts(self) -> np.ndarray:
        """Trajectories with each node on, shape (times, nodes), int64."""
        import numpy as np

        return np.frombuffer(self.counts, dtype=np.int64).reshape(len(self.grid), len(self.names))

    @property
    def final_states(self) -> np.ndarray:
        """Every trajectory's final state, shape (trajectories, nodes), uint8."""
        import numpy as np

        return np.frombuffer(self.finals, dtype=np.uint8).reshape(-1, len(self.names))

    @property
    def trajectories(self) -> int:
        """Number of simulated trajectories."""
        return len(self.finals) // len(self.names)

    @property
    def probabilities(self) -> np.ndarray:
        """P(node on) at each time, shape (times, nodes)."""
        return self.on_counts / self.trajectories

    @property
    def final(self) -> dict[str, float]:
        """P(node on) at ``max_time``."""
        n, total = len(self.names), self.trajectories
        last = self.counts[len(self.counts) - n:]
        return {name: on / total for name, on in zip(self.names, last, strict=True)}

    def interval(self, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of P(node on) at each time (Wilson)."""
        return wilson_interval(self.on_counts, self.trajectories, level)

    def to_dict(self, level: float = 0.95, digits: int = 6) -> dict:
        """JSON-ready: final probabilities and intervals, the time grid, per-node series.

        Computed in plain floats (no numpy), with numpy's rounding for the series."""
        n, total, z = len(self.names), self.trajectories, _z(level)
        last = self.counts[len(self.counts) - n:]
        final_ci = {}
        for name, on in zip(self.names, last, strict=True):
            low, high = _wilson(on, total, z)
            final_ci[name] = [round(low, digits), round(high, digits)]
        series = {
            name: [_round_half_even(on / total, digits) for on in self.counts[i::n]]
            for i, name in enumerate(self.names)
        }
        return {
            "final": {name: round(p, digits) for name, p in self.final.items()},
            "final_ci": final_ci,
            "ci_level": level,
            "times": [round(t, 9) for t in self.grid],
            "trajectories": series,
            "n_trajectories": total,
            "seed": self.settings.seed,
        }


def _pinned_inputs(model: LogicalModel, row: array, initial_on: array,
                   settings: SimulationSettings) -> dict[int, np.ndarray]:
    """Node index -> 0/1 per trajectory for the free inputs with 0 < P(on) < 1.

    An input keeps its initial value, so holding it at a value drawn once per trajectory
    is the same model. Drawn from ``[seed, 2]`` (not the kernel's stream, which a drug's
    events shift from one trajectory to the next), every run of this model and seed gives
    cell i the same inputs: treated and untreated cells are pairs in what the tissue
    prior gave them, not only in their first trajectory. Stratified: the joint input
    configurations, in a fixed order, take trajectories by systematic sampling of their
    probabilities, so each configuration gets its expected count rounded up or down
    (an input of P = 0.6 is on in 60 % of the cells, not 60 % +- sampling noise).
    """
    import numpy as np

    free = [(i, initial_on[i]) for i, node in enumerate(model.nodes)
            if node.is_input and row[i] < 0 and 0.0 < initial_on[i] < 1.0]
    if not free:
        return {}
    rng = np.random.default_rng([settings.seed, 2])
    total = settings.trajectories
    u = rng.permutation((np.arange(total) + rng.random()) / total)
    pinned = {}
    for index, p in free:  # nested inverse CDF: u stays uniform within each stratum
        on = u >= 1.0 - p
        u = np.where(on, (u - (1.0 - p)) / p, u / (1.0 - p)).clip(0.0, np.nextafter(1.0, 0))
        pinned[index] = on.astype(np.int8)
    return pinned


def _clamp(
    model: LogicalModel,
    fixed: Mapping[str, bool | int],
    holds: Sequence[Hold],
    settings: SimulationSettings,
    initial_on: array,
) -> array:
    """Per trajectory and node (row by row): -1 free, 0/1 held. Partial holds drawn with
    the seed.

    Holds override ``fixed`` (a drug acts on the protein, so an inhibitor switches off
    even a constitutively active mutant, as in PROFILE); two holds that disagree on a
    node in the same trajectory are an error.
    """
    row = array("b", [-1]) * len(model)
    for name, value in fixed.items():
        for level in level_nodes(model, name):
            row[model.index(level)] = int(bool(value))
    pinned = _pinned_inputs(model, row, initial_on, settings) if settings.pin_inputs else {}
    if not holds and not pinned:  # numpy only where a drug is partial or inputs pinned
        return row * settings.trajectories
    import numpy as np

    clamp = np.tile(np.frombuffer(row, dtype=np.int8), (settings.trajectories, 1))
    for index, values in pinned.items():
        clamp[:, index] = values
    held = np.full_like(clamp, -1)
    rng = np.random.default_rng([settings.seed, 1])
    for hold in holds:
        chosen = rng.random(settings.trajectories) < hold.fraction
        for level in level_nodes(model, hold.node):
            column = held[:, model.index(level)]
            if (chosen & (column >= 0) & (column != int(hold.value))).any():
                raise ModelError(f"{level} is held both on and off (conflicting drugs)")
            column[chosen] = int(hold.value)
    return array("b", np.where(held >= 0, held, clamp).astype(np.int8).tobytes())


# Trajectories are simulated in blocks, each with its own seed derived from (seed, block):
# the numbers depend on the seed only, never on how many threads ran the blocks.
BLOCK = 1024

# numpy's SeedSequence constants (numpy/random/bit_generator.pyx).
_MASK32 = 0xFFFFFFFF
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_MULT_L, _MIX_MULT_R = 0xCA01F9DD, 0x4973F715


def _block_seed(seed: int, block: int) -> int:
    """``numpy.random.SeedSequence([seed, block]).generate_state(1)[0]`` in plain Python
    (importing numpy.random costs more than every block's seed): the same number, which a
    test checks against numpy."""
    hash_const = _INIT_A

    def hashmix(value: int) -> int:
        nonlocal hash_const
        value = (value ^ hash_const) & _MASK32
        hash_const = (hash_const * _MULT_A) & _MASK32
        value = (value * hash_const) & _MASK32
        return value ^ (value >> 16)

    def mix(x: int, y: int) -> int:
        result = (_MIX_MULT_L * x - _MIX_MULT_R * y) & _MASK32
        return result ^ (result >> 16)

    if not (0 <= seed <= _MASK32 and 0 <= block <= _MASK32):
        raise ModelError("seed and block must fit in 32 bits")
    pool = [hashmix(word) for word in (seed, block, 0, 0)]  # pool of 4 words, zero-padded
    for source in range(4):
        for target in range(4):
            if source != target:
                pool[target] = mix(pool[target], hashmix(pool[source]))
    value = pool[0] ^ _INIT_B  # generate_state: the first word of the pool
    value = (value * ((_INIT_B * _MULT_B) & _MASK32)) & _MASK32
    return value ^ (value >> 16)


def _initial_on(model: LogicalModel, compiled: CompiledModel, initial) -> array:
    initial_on = array("d", compiled.initial_on)
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
    kernel = kernel_for(threads=threads)
    settings = settings or SimulationSettings.from_model(model)
    compiled = CompiledModel.from_model(model)
    initial_on = _initial_on(model, compiled, initial)
    clamp = _clamp(model, fixed or {}, holds, settings, initial_on)
    grid = settings.grid
    n, total = len(model), settings.trajectories
    finals = array("B", bytes(total * n))

    def new_changes() -> array:
        return array("q", bytes(8 * len(grid) * n))

    def run_block(block: int, changes: array) -> int:
        rows = range(block * BLOCK, min((block + 1) * BLOCK, total))
        return kernel(compiled, initial_on, clamp, grid, _block_seed(settings.seed, block),
                      changes, finals, rows)

    blocks = range(-(-total // BLOCK))
    if threads == 1:  # the kernel adds into ``changes``: one buffer serves every block
        changes = new_changes()
        events = sum(run_block(block, changes) for block in blocks)
    else:
        buffers = [new_changes() for _ in blocks]
        with ThreadPoolExecutor(max_workers=threads) as pool:
            events = sum(pool.map(run_block, blocks, buffers))
        changes = array("q", map(sum, zip(*buffers, strict=True)))
    counts = array("q")
    running = [0] * n
    for g in range(len(grid)):  # cumulative sum over the grid: flips into counts
        running = list(map(add, running, changes[g * n:(g + 1) * n]))
        counts.extend(running)
    return SimulationResult(
        names=model.names, grid=grid, counts=counts, finals=finals, settings=settings,
        events=events,
    )
