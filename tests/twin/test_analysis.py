"""Exact steady states, trap spaces and attractors, checked by hand and by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.twin.analysis import AnalysisError, attractors, minimal_trap_spaces, steady_states
from kgtwin.twin.compile import CompiledModel
from kgtwin.twin.expr import And, Const, Not, Or, Var
from kgtwin.twin.formats import dumps_bnet
from kgtwin.twin.model import LogicalModel, ModelError, Node


def test_toy_model_by_hand(toy: LogicalModel) -> None:
    assert steady_states(toy) == [{"A": 0, "B": 0, "C": 0}]
    assert minimal_trap_spaces(toy) == [
        {"A": 0, "B": 0, "C": 0},
        {"A": 1, "B": None, "C": None},
    ]
    found = attractors(toy)
    assert [(a.states, dict(a.fixed), a.oscillating) for a in found] == [
        (1, {"A": 0, "B": 0, "C": 0}, ()),
        (4, {"A": 1}, ("B", "C")),
    ]
    assert found[0].is_steady_state and not found[1].is_steady_state
    assert steady_states(toy, {"A": 1}) == []


def _brute_force_fixed_points(model: LogicalModel) -> list[dict[str, int]]:
    states = np.array(list(itertools.product([0, 1], repeat=len(model))), dtype=bool)
    images = CompiledModel.from_model(model).evaluate(states)
    keep = states[(images == states).all(axis=1)]
    return sorted(
        (dict(zip(model.names, map(int, row), strict=True)) for row in keep),
        key=lambda s: tuple(s.values()),
    )


@st.composite
def random_networks(draw) -> LogicalModel:
    size = draw(st.integers(2, 7))
    names = [f"x{i}" for i in range(size)]
    literal = st.builds(
        lambda name, positive: Var(name) if positive else Not(Var(name)),
        st.sampled_from(names),
        st.booleans(),
    )
    clause = st.lists(literal, min_size=1, max_size=3).map(lambda ls: And(tuple(ls)))
    rule = st.lists(clause, min_size=1, max_size=3).map(lambda cs: Or(tuple(cs)))
    return LogicalModel(nodes=tuple(Node(name=n, rule=draw(rule)) for n in names))


@settings(max_examples=60, deadline=None)
@given(random_networks())
def test_steady_states_equal_brute_force_enumeration(model: LogicalModel) -> None:
    assert steady_states(model) == _brute_force_fixed_points(model)


@settings(max_examples=30, deadline=None)
@given(random_networks())
def test_every_attractor_lies_in_a_minimal_trap_space(model: LogicalModel) -> None:
    spaces = minimal_trap_spaces(model)
    assert spaces == _aeon_minimal_trap_spaces(model)
    for attractor in attractors(model):
        assert any(
            all(attractor.fixed.get(n) == v for n, v in space.items() if v is not None)
            for space in spaces
        )


def _aeon_minimal_trap_spaces(model: LogicalModel) -> list[dict]:
    """AEON's own one-call minimal trap spaces, to check the faster two-step route."""
    import biodivine_aeon as aeon

    network = aeon.BooleanNetwork.from_bnet(dumps_bnet(model), repair_graph=True)
    context = aeon.SymbolicSpaceContext(network)
    found = aeon.TrapSpaces.minimal_symbolic(context, aeon.AsynchronousGraph(network, context))
    spaces = []
    for _, space in found.items():
        values = space.to_named_dict()
        spaces.append({n: None if values[n] is None else int(values[n]) for n in model.names})
    order = {None: 2}
    return sorted(spaces, key=lambda s: tuple(order.get(v, v) for v in s.values()))


@st.composite
def networks_with_constants(draw) -> LogicalModel:
    """Random networks where some nodes are constants or free inputs: the analysis
    percolates constants into the rules and orders the diagram from the inputs."""
    model = draw(random_networks())
    kinds = st.sampled_from(["rule", "rule", "on", "off", "input"])
    nodes = []
    for node in model.nodes:
        kind = draw(kinds)
        rule = {"on": Const(True), "off": Const(False), "input": Var(node.name)}.get(kind)
        nodes.append(Node(name=node.name, rule=rule or node.rule))
    return LogicalModel(nodes=tuple(nodes))


@settings(max_examples=60, deadline=None)
@given(networks_with_constants())
def test_percolated_analysis_equals_brute_force_and_aeon_alone(model: LogicalModel) -> None:
    assert steady_states(model) == _brute_force_fixed_points(model)
    assert minimal_trap_spaces(model) == _aeon_minimal_trap_spaces(model)
    for attractor in attractors(model):
        for name, node in zip(model.names, model.nodes, strict=True):
            if isinstance(node.rule, Const):
                assert attractor.fixed[name] == int(node.rule.value)


INPUTS_OFF = {"EGF": 0, "HGF": 0, "FGF": 0, "SOX10": 0}


def test_braf_model_steady_states_with_inputs_fixed(braf: LogicalModel) -> None:
    # No growth factor, no SOX10: the pathway rests. ATM decides p53/PTEN/p21 (2 states).
    found = steady_states(braf, INPUTS_OFF)
    assert [(s["ATM"], s["p53"], s["PTEN"], s["p21"]) for s in found] == [
        (0, 0, 0, 0),
        (1, 1, 1, 1),
    ]
    compiled = CompiledModel.from_model(braf)
    states = np.array([[s[n] for n in braf.names] for s in found], dtype=bool)
    assert (compiled.evaluate(states) == states).all()
    assert all(s["ERK_b1"] == 0 and s["Proliferation_b1"] == 0 for s in found)
    # With EGF on, MAPK feedback (ERK -| SOS via SPRY, ERK -| EGFR) leaves no steady state:
    # the long-term behaviour is a cyclic attractor, found exactly.
    assert steady_states(braf, {**INPUTS_OFF, "EGF": 1, "ATM": 0}) == []
    (cycle,) = attractors(braf, {**INPUTS_OFF, "EGF": 1, "ATM": 0})
    assert cycle.states > 1 and "ERK_b1" in cycle.oscillating


def test_steady_states_agree_with_trap_spaces_without_free_nodes(braf, flobak) -> None:
    for model in (braf, flobak):
        points = [s for s in minimal_trap_spaces(model) if None not in s.values()]
        assert steady_states(model) == points


def test_limit_raises_a_clear_error(braf: LogicalModel) -> None:
    with pytest.raises(AnalysisError, match="2 steady states exceed the limit of 1"):
        steady_states(braf, INPUTS_OFF, limit=1)


def test_nodes_validate_their_fields() -> None:
    with pytest.raises(ModelError, match="invalid node name 'and'"):
        Node(name="and", rule=Var("x"))
    with pytest.raises(ModelError, match="rate_up must be finite"):
        Node(name="x", rule=Var("x"), rate_up=-1)
    with pytest.raises(ModelError, match="initial_on is a probability"):
        Node(name="x", rule=Var("x"), initial_on=2)
    with pytest.raises(ModelError, match="uses unknown node"):
        LogicalModel(nodes=(Node(name="x", rule=Var("y")),))
    with pytest.raises(ModelError, match="defined twice"):
        LogicalModel(nodes=(Node(name="x", rule=Var("x")), Node(name="x", rule=Var("x"))))
