"""Rules compiled to flat postfix programs that one generic numba kernel evaluates.

A generic interpreter over integer arrays (rather than generating Python source per model
and JIT-compiling it) keeps compilation to microseconds, so a cohort of thousands of
personalised twins costs no JIT time beyond the first call.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from kgtwin.twin.expr import And, Const, Expr, Not, Or, Var, Xor
from kgtwin.twin.model import LogicalModel

__all__ = ["OP_AND", "OP_CONST", "OP_NOT", "OP_OR", "OP_VAR", "OP_XOR", "CompiledModel"]

OP_VAR, OP_CONST, OP_NOT, OP_AND, OP_OR, OP_XOR = range(6)


@dataclass(frozen=True)
class CompiledModel:
    """Arrays the simulation kernel reads.

    ``ops``/``args`` hold every rule in postfix, rule i at ``starts[i]:starts[i+1]``;
    ``dependents[dep_starts[i]:dep_starts[i+1]]`` are the nodes whose rate can change when
    node i flips (the nodes reading i, and i itself); ``dep_weights`` (aligned with it) is
    the place value of i in each dependent's truth-table index, so the kernel updates that
    index by one addition instead of re-reading every input. An extra last range
    (i = number of nodes) lists every node with weight 0: the refresh at time 0.
    """

    names: tuple[str, ...]
    ops: np.ndarray
    args: np.ndarray
    starts: np.ndarray
    dep_starts: np.ndarray
    dependents: np.ndarray
    dep_weights: np.ndarray
    stack_size: int
    rate_up: np.ndarray
    rate_down: np.ndarray
    initial_on: np.ndarray
    inputs: np.ndarray
    input_starts: np.ndarray
    tables: np.ndarray
    table_starts: np.ndarray

    @classmethod
    def from_model(cls, model: LogicalModel) -> CompiledModel:
        """Compile every rule of ``model``; rates and initial probabilities are copied.

        The rule part is reused for a model whose nodes carry the very same rule objects
        (the personalised twins of one wiring differ in rates, initial states and held
        nodes only): compiling the truth tables took more CPU than simulating them."""
        structure = _structure(model)
        return cls(
            names=model.names,
            **structure,
            rate_up=np.array([n.rate_up for n in model.nodes], dtype=np.float64),
            rate_down=np.array([n.rate_down for n in model.nodes], dtype=np.float64),
            initial_on=np.array([n.initial_on for n in model.nodes], dtype=np.float64),
        )

    def evaluate(self, states: np.ndarray) -> np.ndarray:
        """All rules on a batch of states (rows), in numpy: a reference for tests."""
        states = np.asarray(states, dtype=bool)
        out = np.empty_like(states)
        for i in range(len(self.names)):
            stack: list[np.ndarray] = []
            for k in range(self.starts[i], self.starts[i + 1]):
                _numpy_step(int(self.ops[k]), int(self.args[k]), states, stack)
            out[:, i] = stack[0]
        return out


#: Compiled rule parts of the last models seen, keyed by node names and the identity of
#: each node's rule object; the entry keeps those objects alive, so an identity cannot be
#: reused by another rule while its entry exists.
_STRUCTURES: OrderedDict[tuple, tuple[tuple[Expr, ...], dict]] = OrderedDict()
_STRUCTURES_KEPT = 16
_structures_lock = threading.Lock()


def _structure(model: LogicalModel) -> dict:
    """The arrays that depend on the rules only (shared, never written by the kernel)."""
    rules = tuple(node.rule for node in model.nodes)
    key = (model.names, tuple(map(id, rules)))
    with _structures_lock:
        found = _STRUCTURES.get(key)
        if found is not None:
            _STRUCTURES.move_to_end(key)
            return found[1]
    structure = _compile_rules(model)
    with _structures_lock:
        _STRUCTURES[key] = (rules, structure)
        while len(_STRUCTURES) > _STRUCTURES_KEPT:
            _STRUCTURES.popitem(last=False)
    return structure


def _compile_rules(model: LogicalModel) -> dict:
    index = {name: i for i, name in enumerate(model.names)}
    ops: list[int] = []
    args: list[int] = []
    starts = [0]
    depth = 1
    readers: list[set[int]] = [{i} for i in range(len(model))]
    for i, node in enumerate(model.nodes):
        depth = max(depth, _emit(node.rule, index, ops, args))
        starts.append(len(ops))
        for name in node.rule.variables():
            readers[index[name]].add(i)
    inputs, input_starts, tables, table_starts = _truth_tables(model, index)
    readers.append(set(range(len(model))))  # the start of a trajectory: every node
    dep_starts = np.cumsum([0] + [len(r) for r in readers]).astype(np.int64)
    dependents = np.array([j for r in readers for j in sorted(r)], dtype=np.int64)
    weights = _input_weights(model, index)
    dep_weights = np.array(
        [
            weights[j].get(i, 0) if i < len(model) else 0
            for i, r in enumerate(readers)
            for j in sorted(r)
        ],
        dtype=np.int64,
    )
    return {
        "ops": np.array(ops, dtype=np.int8),
        "args": np.array(args, dtype=np.int64),
        "starts": np.array(starts, dtype=np.int64),
        "dep_starts": dep_starts,
        "dependents": dependents,
        "dep_weights": dep_weights,
        "stack_size": depth,
        "inputs": inputs,
        "input_starts": input_starts,
        "tables": tables,
        "table_starts": table_starts,
    }


def _input_weights(model: LogicalModel, index: dict[str, int]) -> list[dict[int, int]]:
    """Per node j: {input i: 2 ** (place of i from the right)} in j's truth-table index."""
    weights = []
    for node in model.nodes:
        names = sorted(node.rule.variables(), key=index.__getitem__)
        weights.append({index[n]: 2 ** (len(names) - 1 - k) for k, n in enumerate(names)})
    return weights


# Rules reading at most this many nodes become truth tables (64 KiB at most each): one
# table look-up instead of interpreting the rule. Larger rules stay postfix programs.
MAX_TABLE_INPUTS = 16


def _truth_tables(model: LogicalModel, index: dict[str, int]):
    """Per node: its sorted inputs and the rule's value for each input combination
    (first input = most significant bit); ``table_starts[i] == -1`` for postfix rules."""
    inputs: list[int] = []
    input_starts = [0]
    tables: list[np.ndarray] = []
    table_starts = []
    offset = 0
    for node in model.nodes:
        names = sorted(node.rule.variables(), key=index.__getitem__)
        inputs += [index[name] for name in names]
        input_starts.append(len(inputs))
        if len(names) > MAX_TABLE_INPUTS:
            table_starts.append(-1)
            continue
        rows = np.arange(2 ** len(names), dtype=np.int64)
        columns = {
            name: ((rows >> (len(names) - 1 - j)) & 1).astype(bool) for j, name in enumerate(names)
        }
        tables.append(np.broadcast_to(_vector_eval(node.rule, columns, rows.size), rows.shape))
        table_starts.append(offset)
        offset += rows.size
    return (
        np.array(inputs, dtype=np.int64),
        np.array(input_starts, dtype=np.int64),
        np.concatenate(tables).astype(np.uint8) if tables else np.zeros(0, dtype=np.uint8),
        np.array(table_starts, dtype=np.int64),
    )


def _vector_eval(rule: Expr, columns: dict[str, np.ndarray], size: int) -> np.ndarray:
    if isinstance(rule, Var):
        return columns[rule.name]
    if isinstance(rule, Const):
        return np.full(size, rule.value)
    if isinstance(rule, Not):
        return ~_vector_eval(rule.arg, columns, size)
    reduce = {And: np.logical_and, Or: np.logical_or, Xor: np.logical_xor}[type(rule)]
    return reduce.reduce([_vector_eval(arg, columns, size) for arg in rule.args])


def _numpy_step(op: int, arg: int, states: np.ndarray, stack: list[np.ndarray]) -> None:
    if op == OP_VAR:
        stack.append(states[:, arg])
    elif op == OP_CONST:
        stack.append(np.full(states.shape[0], bool(arg)))
    elif op == OP_NOT:
        stack.append(~stack.pop())
    else:
        operands = [stack.pop() for _ in range(arg)]
        reduce = {OP_AND: np.logical_and, OP_OR: np.logical_or, OP_XOR: np.logical_xor}[op]
        stack.append(reduce.reduce(operands))


def _emit(rule: Expr, index: dict[str, int], ops: list[int], args: list[int]) -> int:
    """Append ``rule`` in postfix; return the stack depth it needs."""
    if isinstance(rule, Var):
        ops.append(OP_VAR)
        args.append(index[rule.name])
        return 1
    if isinstance(rule, Const):
        ops.append(OP_CONST)
        args.append(int(rule.value))
        return 1
    if isinstance(rule, Not):
        depth = _emit(rule.arg, index, ops, args)
        ops.append(OP_NOT)
        args.append(0)
        return depth
    code = {And: OP_AND, Or: OP_OR, Xor: OP_XOR}[type(rule)]
    depth = 0
    for position, arg in enumerate(rule.args):
        depth = max(depth, position + _emit(arg, index, ops, args))
    ops.append(code)
    args.append(len(rule.args))
    return depth
