"""The stochastic simulator against exact solutions of small chains and against MaBoSS."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.twin.compile import MAX_TABLE_INPUTS, CompiledModel
from kgtwin.twin.expr import TRUE, Not, Or, Var
from kgtwin.twin.model import LogicalModel, ModelError, Node
from kgtwin.twin.simulate import Hold, SimulationSettings, simulate, wilson_interval


def _within(observed: float, expected: float, n: int, sigmas: float = 4.5) -> bool:
    spread = math.sqrt(max(expected * (1 - expected), 1e-4) / n)
    return abs(observed - expected) <= sigmas * spread


def test_switching_on_follows_the_exponential_law() -> None:
    model = LogicalModel(nodes=(Node(name="X", rule=TRUE, rate_up=0.7, initial_on=0.0),))
    settings = SimulationSettings(trajectories=20_000, max_time=4, time_tick=0.5, seed=3)
    result = simulate(model, settings)
    for t, p in zip(result.times, result.probabilities[:, 0], strict=True):
        assert _within(p, 1 - math.exp(-0.7 * t), settings.trajectories)


def test_two_state_chain_reaches_its_stationary_law() -> None:
    # X = !X flips up at 2 and down at 0.5: P(on) -> 2 / 2.5 = 0.8, from any start.
    model = LogicalModel(
        nodes=(Node(name="X", rule=Not(Var("X")), rate_up=2.0, rate_down=0.5, initial_on=0.0),)
    )
    result = simulate(model, SimulationSettings(trajectories=20_000, max_time=10, seed=1))
    assert _within(result.final["X"], 0.8, 20_000)
    exact = 0.8 * (1 - np.exp(-2.5 * result.times))
    observed = result.probabilities[:, 0]
    assert all(_within(p, e, 20_000) for p, e in zip(observed, exact, strict=True))


def test_initial_probabilities_fixed_nodes_and_partial_holds(toy: LogicalModel) -> None:
    settings = SimulationSettings(trajectories=20_000, max_time=2, time_tick=1, seed=7)
    result = simulate(toy, settings, initial={"A": 0.25})
    assert _within(result.probabilities[0, 0], 0.25, 20_000)
    assert _within(result.final["A"], 0.25, 20_000)  # an input keeps its value
    long = SimulationSettings(trajectories=2_000, max_time=60, seed=7)
    assert simulate(toy, long, fixed={"A": 0}).final == {"A": 0.0, "B": 0.0, "C": 0.0}
    held = simulate(toy, settings, holds=[Hold("A", True, 0.3)], initial={"A": 0.0})
    assert _within(held.final["A"], 0.3, 20_000)
    with pytest.raises(ModelError, match="held both on and off"):
        simulate(toy, settings, holds=[Hold("A", True), Hold("A", False, 0.5)])
    with pytest.raises(ModelError, match="no node 'Z'"):
        simulate(toy, settings, fixed={"Z": 1})


def test_pinned_inputs_are_stratified_and_shared_by_treated_cells() -> None:
    # Two inputs (0.6, 0.5) and a readout of both; a drug holds an unrelated node D.
    model = LogicalModel(nodes=(
        Node(name="A", rule=Var("A"), initial_on=0.6),
        Node(name="B", rule=Var("B"), initial_on=0.5),
        Node(name="D", rule=TRUE, initial_on=0.0),
        Node(name="C", rule=Or((Var("A"), Var("B"))), initial_on=0.0),
    ))
    settings = SimulationSettings(trajectories=500, max_time=5, seed=4, pin_inputs=True)
    untreated = simulate(model, settings)
    treated = simulate(model, settings, holds=[Hold("D", False)])
    first = untreated.final_states
    # exact fractions (systematic sampling), not 0.6 +- sampling noise
    assert first[:, 0].mean() == 0.6 and first[:, 1].mean() == 0.5
    assert ((first[:, 0] == 1) & (first[:, 1] == 1)).mean() == 0.3
    # cell i has the same inputs treated and untreated, whatever the drug's events did
    assert (treated.final_states[:, :2] == first[:, :2]).all()
    # the kernel's own draws (not pinned) desynchronise once the runs' events differ
    plain = SimulationSettings(trajectories=500, max_time=5, seed=4)
    apart = simulate(model, plain, holds=[Hold("D", False)]).final_states[:, :2]
    assert (apart != simulate(model, plain).final_states[:, :2]).any()


def test_seed_makes_runs_reproducible(braf: LogicalModel) -> None:
    settings = SimulationSettings(trajectories=500, max_time=10, seed=42)
    first, second = simulate(braf, settings), simulate(braf, settings)
    assert np.array_equal(first.on_counts, second.on_counts)
    assert np.array_equal(first.final_states, second.final_states)
    other = simulate(braf, SimulationSettings(trajectories=500, max_time=10, seed=43))
    assert not np.array_equal(first.final_states, other.final_states)


def test_settings_from_a_maboss_cfg(braf: LogicalModel) -> None:
    settings = SimulationSettings.from_model(braf, trajectories=100)
    assert (settings.max_time, settings.time_tick, settings.trajectories) == (50, 0.5, 100)
    assert settings.times[0] == 0 and settings.times[-1] == 50 and len(settings.times) == 101
    assert SimulationSettings(max_time=1, time_tick=0.3).times[-1] == 1


def test_rules_beyond_truth_tables_run_as_postfix_programs() -> None:
    count = MAX_TABLE_INPUTS + 2
    inputs = tuple(Node(name=f"i{k}", rule=Var(f"i{k}"), initial_on=0.0) for k in range(count))
    target = Node(name="T", rule=Or(tuple(Var(f"i{k}") for k in range(count))), initial_on=0.0)
    model = LogicalModel(nodes=(*inputs, target))
    assert CompiledModel.from_model(model).table_starts[-1] == -1
    settings = SimulationSettings(trajectories=200, max_time=30, seed=0)
    assert simulate(model, settings).final["T"] == 0.0
    assert simulate(model, settings, fixed={"i17": 1}).final["T"] == 1.0


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31), st.integers(1, 12))
def test_truth_tables_agree_with_rule_evaluation(seed: int, batch: int) -> None:
    from kgtwin.twin.models import published_model

    model = published_model("BRAF_Model")
    compiled = CompiledModel.from_model(model)
    states = np.random.default_rng(seed).integers(0, 2, (batch, len(model))).astype(bool)
    by_table = np.zeros_like(states)
    for i in range(len(model)):
        start, stop = compiled.input_starts[i], compiled.input_starts[i + 1]
        for row in range(batch):
            index = 0
            for k in compiled.inputs[start:stop]:
                index = 2 * index + int(states[row, k])
            by_table[row, i] = compiled.tables[compiled.table_starts[i] + index]
    by_rule = np.array(
        [
            [n.rule.evaluate(dict(zip(model.names, s, strict=True))) for n in model.nodes]
            for s in states
        ]
    )
    assert np.array_equal(by_table, by_rule)
    assert np.array_equal(compiled.evaluate(states), by_rule)


def test_wilson_interval_contains_the_estimate() -> None:
    low, high = wilson_interval(np.array([0, 50, 100]), 100)
    assert low[0] == 0 and 0 < high[0] < 0.05
    assert low[1] < 0.5 < high[1] and high[2] == 1 and low[2] > 0.95


def test_result_as_json(toy: LogicalModel) -> None:
    result = simulate(toy, SimulationSettings(trajectories=50, max_time=1, time_tick=0.5))
    data = result.to_dict()
    assert set(data["final"]) == {"A", "B", "C"} and data["times"] == [0.0, 0.5, 1.0]
    assert len(data["trajectories"]["B"]) == 3 and data["n_trajectories"] == 50
    low, high = data["final_ci"]["A"]
    assert low <= data["final"]["A"] <= high
    assert json.loads(json.dumps(data)) == data  # plain JSON types only


def test_agrees_with_maboss_on_the_published_model(braf: LogicalModel, tmp_path) -> None:
    """Same model, rates, initial law and horizon: final probabilities within error."""
    import cmaboss

    from kgtwin.twin.formats import save_model

    n = 5_000
    save_model(braf, tmp_path / "m.bnd")
    network = cmaboss.MaBoSSNet(network=str(tmp_path / "m.bnd"))
    config = cmaboss.MaBoSSCfg(network, str(tmp_path / "m.cfg"))
    maboss = cmaboss.MaBoSSSim(net=network, cfg=config)
    maboss.update_parameters(sample_count=n, max_time=50, thread_count=1, time_tick=0.5)
    values, _, names, *_ = maboss.run().get_last_nodes_probtraj()
    theirs = dict(zip(names, values[0], strict=True))
    ours = simulate(braf, SimulationSettings(trajectories=n, max_time=50, seed=5)).final
    for name in braf.names:
        p = (ours[name] + theirs[name]) / 2
        spread = math.sqrt(max(p * (1 - p), 1e-4) * 2 / n)
        assert abs(ours[name] - theirs[name]) <= 5 * spread, name


def test_importing_the_twin_package_loads_no_engine() -> None:
    """numba and AEON load on first use, so importing the twin API and CLI stays fast."""
    import subprocess
    import sys

    code = (
        "import sys, kgtwin.twin, kgtwin.cli.twin; "
        "print('numba' in sys.modules, 'biodivine_aeon' in sys.modules)"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.split() == ["False", "False"]


def test_threads_do_not_change_the_numbers(braf: LogicalModel) -> None:
    settings = SimulationSettings(trajectories=2_500, max_time=10, seed=8)  # three blocks
    one = simulate(braf, settings)
    two = simulate(braf, settings, threads=2)
    assert np.array_equal(one.on_counts, two.on_counts)
    assert np.array_equal(one.final_states, two.final_states) and one.events == two.events
    with pytest.raises(ModelError, match="threads"):
        simulate(braf, settings, threads=0)


@pytest.mark.parametrize("seed", [0, 1, 7, 123_456, 2**32 - 1])
def test_block_seeds_are_numpys_seed_sequence(seed: int) -> None:
    from kgtwin.twin.simulate import _block_seed

    for block in (0, 1, 2, 97, 1000):
        expected = np.random.SeedSequence([seed, block]).generate_state(1)[0]
        assert _block_seed(seed, block) == int(expected)


def test_the_json_numbers_are_numpys_to_the_last_bit() -> None:
    """to_dict works in plain floats; the intervals and rounded series must be exactly
    what numpy's wilson_interval and numpy.round give."""
    from kgtwin.twin.formats import load_model

    model = load_model(Path("../shared/data/real/bnet/grieco_mapk.bnet"))
    result = simulate(model, SimulationSettings(trajectories=777, max_time=7, seed=3))
    data = result.to_dict(level=0.9)
    low, high = wilson_interval(result.on_counts, result.trajectories, 0.9)
    series = np.round(result.probabilities, 6)
    for i, name in enumerate(result.names):
        assert data["final_ci"][name] == [round(float(low[-1, i]), 6), round(float(high[-1, i]), 6)]
        assert data["trajectories"][name] == series[:, i].tolist()
    steps = np.arange(15, dtype=np.float64) * 0.5
    assert np.array_equal(result.times, steps) and data["times"] == steps.tolist()
