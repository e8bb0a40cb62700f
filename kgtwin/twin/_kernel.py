"""The numba kernel: continuous-time asynchronous (Gillespie) jumps, MaBoSS semantics.

Each trajectory is simulated event by event in compiled code; after a flip only the rates
of the flipped node's dependents are re-evaluated. Compiled on first use (cached on disk
by numba), never at import.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from kgtwin.twin.compile import OP_AND, OP_CONST, OP_NOT, OP_OR, OP_VAR

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}


@njit(inline="always", **_JIT)
def _evaluate(node, state, ops, args, starts, stack):  # pragma: no cover - compiled
    top = 0
    for k in range(starts[node], starts[node + 1]):
        op = ops[k]
        arg = args[k]
        if op == OP_VAR:
            stack[top] = state[arg]
            top += 1
        elif op == OP_CONST:
            stack[top] = arg
            top += 1
        elif op == OP_NOT:
            stack[top - 1] = 1 - stack[top - 1]
        else:
            value = stack[top - arg]
            for j in range(top - arg + 1, top):
                if op == OP_AND:
                    value = value & stack[j]
                elif op == OP_OR:
                    value = value | stack[j]
                else:
                    value = value ^ stack[j]
            top -= arg
            stack[top] = value
            top += 1
    return stack[0]


@njit(inline="always", **_JIT)
def _table_index(node, state, inputs, input_starts):  # pragma: no cover - compiled
    index = 0
    for k in range(input_starts[node], input_starts[node + 1]):
        index = 2 * index + state[inputs[k]]
    return index


@njit(inline="always", **_JIT)
def _rate(node, state, index, clamp_row, model, stack):  # pragma: no cover - compiled
    """Rate of ``node`` in ``state``; ``index[node]`` is its current truth-table row."""
    if clamp_row[node] >= 0:
        return 0.0
    ops, args, starts, up, down, tables, table_starts = model
    if table_starts[node] >= 0:
        target = tables[table_starts[node] + index[node]]
    else:
        target = _evaluate(node, state, ops, args, starts, stack)
    if target == 1 and state[node] == 0:
        return up[node]
    if target == 0 and state[node] == 1:
        return down[node]
    return 0.0


@njit(**_JIT)
def simulate_kernel(
    ops,
    args,
    starts,
    dep_starts,
    dependents,
    dep_weights,
    up,
    down,
    initial_on,
    inputs,
    input_starts,
    tables,
    table_starts,
    clamp,
    grid,
    seed,
    stack_size,
    changes,
    finals,
):  # pragma: no cover - compiled
    """Fill ``changes`` (its cumulative sum over the grid axis counts the trajectories
    with each node on at each grid time) and ``finals`` (every final state); return the
    number of flips simulated."""
    np.random.seed(seed)
    n = up.shape[0]
    n_grid = grid.shape[0]
    horizon = grid[n_grid - 1]
    model = (ops, args, starts, up, down, tables, table_starts)
    state = np.zeros(n, dtype=np.uint8)
    rate = np.zeros(n, dtype=np.float64)
    index = np.zeros(n, dtype=np.int64)
    stack = np.zeros(stack_size, dtype=np.uint8)
    # The nodes that can flip now (rate > 0), kept as a dense list: usually a handful, so
    # summing and choosing among them is cheaper than scanning every node.
    active = np.zeros(n, dtype=np.int64)
    position = np.full(n, -1, dtype=np.int64)
    events = 0
    for trajectory in range(clamp.shape[0]):
        clamp_row = clamp[trajectory]
        for i in range(n):
            if clamp_row[i] >= 0:
                state[i] = clamp_row[i]
            else:
                state[i] = 1 if np.random.random() < initial_on[i] else 0
        n_active = 0
        for i in range(n):
            position[i] = -1
            changes[0, i] += state[i]
        for i in range(n):
            index[i] = _table_index(i, state, inputs, input_starts)
        for i in range(n):
            rate[i] = _rate(i, state, index, clamp_row, model, stack)
            n_active = _track(i, rate, active, position, n_active)
        time = 0.0
        g = 0
        while True:
            total = 0.0
            for a in range(n_active):
                total += rate[active[a]]
            next_time = np.inf  # nothing can flip: the trajectory stays put
            if total > 0.0:
                next_time = time - np.log(1.0 - np.random.random()) / total
            while g < n_grid and grid[g] < next_time:
                g += 1
            if next_time > horizon:
                break
            threshold = np.random.random() * total
            chosen = active[n_active - 1]
            cumulative = 0.0
            for a in range(n_active):
                cumulative += rate[active[a]]
                if threshold < cumulative:
                    chosen = active[a]
                    break
            state[chosen] = 1 - state[chosen]
            events += 1
            # The flip shows at every grid time from g on: record it once, as a change.
            changes[g, chosen] += 2 * np.int64(state[chosen]) - 1
            time = next_time
            step = 2 * np.int64(state[chosen]) - 1
            for k in range(dep_starts[chosen], dep_starts[chosen + 1]):
                j = dependents[k]
                index[j] += step * dep_weights[k]
                rate[j] = _rate(j, state, index, clamp_row, model, stack)
                n_active = _track(j, rate, active, position, n_active)
        for i in range(n):
            finals[trajectory, i] = state[i]
    return events


@njit(inline="always", **_JIT)
def _track(node, rate, active, position, n_active):  # pragma: no cover - compiled
    """Keep ``active[:n_active]`` = nodes with a positive rate; return the new count."""
    if rate[node] > 0.0 and position[node] < 0:
        active[n_active] = node
        position[node] = n_active
        return n_active + 1
    if rate[node] <= 0.0 and position[node] >= 0:
        last = active[n_active - 1]
        active[position[node]] = last
        position[last] = position[node]
        position[node] = -1
        return n_active - 1
    return n_active
