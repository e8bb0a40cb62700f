"""Rules compiled to flat postfix programs that one generic numba kernel evaluates.

A generic interpreter over integer arrays (rather than generating Python source per model
and JIT-compiling it) keeps compilation to microseconds, so a cohort of thousands of
personalised twins costs no JIT time beyond the first call.

The arrays are the standard library's typed ``array.array`` buffers, built without
numpy: a CLI simulation runs the C kernel on them and never imports numpy (0.1 s of CPU,
a third of a whole ``twin simulate`` call). ``numpy.frombuffer`` views them without a copy.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgtwin.twin.expr import And, Const, Expr, Not, Or, Var, Xor
from kgtwin.twin.model import LogicalModel

if TYPE_CHECKING:
    import numpy as np

__all__ = ["OP_AND", "OP_CONST", "OP_NOT", "OP_OR", "OP_VAR", "OP_XOR", "CompiledModel"]

OP_VAR, OP_CONST, OP_NOT, OP_AND, OP_OR, OP_XOR = range(6)


@dataclass(frozen=True)
class CompiledModel:
    """Arrays the simulation kernel reads (typecodes: ``ops`` ``b``, ``tables`` ``B``,
    rates and ``initial_on`` ``d``, every other array ``q``).

    ``ops``/``args`` hold every rule in postfix, rule i at ``starts[i]:starts[i+1]``;
    ``dependents[dep_starts[i]:dep_starts[i+1]]`` are the nodes whose rate can change when
    node i flips (the nodes reading i, and i itself); ``dep_weights`` (aligned with it) is
    the place value of i in each dependent's truth-table index, so the kernel updates that
    index by one addition instead of re-reading every input. An extra last range
    (i = number of nodes) lists every node with weight 0: the refresh at time 0.
    """

    names: tuple[str, ...]
    ops: array
    args: array
    starts: array
    dep_starts: array
    dependents: array
    dep_weights: array
    stack_size: int
    rate_up: array
    rate_down: array
    initial_on: array
    inputs: array
    input_starts: array
    tables: array
    table_starts: array

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
            rate_up=array("d", [float(n.rate_up) for n in model.nodes]),
            rate_down=array("d", [float(n.rate_down) for n in model.nodes]),
            initial_on=array("d", [float(n.initial_on) for n in model.nodes]),
        )

    def evaluate(self, states: np.ndarray) -> np.ndarray:
        """All rules on a batch of states (rows), in numpy: a reference for tests."""
        import numpy as np

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
    dep_starts = array("q", [0])
    for r in readers:
        dep_starts.append(dep_starts[-1] + len(r))
    dependents = array("q", [j for r in readers for j in sorted(r)])
    weights = _input_weights(model, index)
    dep_weights = array(
        "q",
        [
            weights[j].get(i, 0) if i < len(model) else 0
            for i, r in enumerate(readers)
            for j in sorted(r)
        ],
    )
    return {
        "ops": array("b", ops),
        "args": array("q", args),
        "starts": array("q", starts),
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
    inputs = array("q")
    input_starts = array("q", [0])
    tables = array("B")
    table_starts = array("q")
    for node in model.nodes:
        names = sorted(node.rule.variables(), key=index.__getitem__)
        inputs.extend(index[name] for name in names)
        input_starts.append(len(inputs))
        if len(names) > MAX_TABLE_INPUTS:
            table_starts.append(-1)
            continue
        table_starts.append(len(tables))
        tables.frombytes(_truth_table(node.rule, names))
    return inputs, input_starts, tables, table_starts


_BITS_TO_BYTES = bytes.maketrans(b"01", b"\x00\x01")


def _truth_table(rule: Expr, names: list[str]) -> bytes:
    """The rule's value (0 or 1) for rows 0 .. 2**k - 1 of its k inputs, one byte a row.

    Evaluated on all rows at once with Python integers as bit sets (bit r: row r), so
    no numpy is needed and a 16-input rule is still one pass over its expression."""
    k = len(names)
    size = 1 << k
    full = (1 << size) - 1
    columns = {}
    for j, name in enumerate(names):
        place = 1 << (k - 1 - j)  # input j is bit (k - 1 - j) of the row number
        period = 2 * place  # rows alternate: `place` rows off, then `place` rows on
        on_in_period = ((1 << place) - 1) << place
        columns[name] = on_in_period * (full // ((1 << period) - 1))
    bits = _bitset_eval(rule, columns, full)
    return format(bits, f"0{size}b")[::-1].encode().translate(_BITS_TO_BYTES)


def _bitset_eval(rule: Expr, columns: dict[str, int], full: int) -> int:
    if isinstance(rule, Var):
        return columns[rule.name]
    if isinstance(rule, Const):
        return full if rule.value else 0
    if isinstance(rule, Not):
        return full ^ _bitset_eval(rule.arg, columns, full)
    values = [_bitset_eval(arg, columns, full) for arg in rule.args]
    result = values[0]
    for value in values[1:]:
        if isinstance(rule, And):
            result &= value
        elif isinstance(rule, Or):
            result |= value
        else:
            result ^= value
    return result


def _numpy_step(op: int, arg: int, states: np.ndarray, stack: list[np.ndarray]) -> None:
    import numpy as np

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
