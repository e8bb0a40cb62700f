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


@njit(**_JIT)
def simulate_kernel(
    ops,
    args,
    starts,
    updates,
    update_weights,
    update_starts,
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
    number of flips simulated.

    ``updates[update_starts[c]:update_starts[c + 1]]`` are the nodes whose rate to refresh
    after node c flips (``update_weights``: c's place value in their truth-table row);
    the last range (c = n) is every node, for the start of a trajectory.

    Everything is written out in this one function on purpose: passing arrays to helper
    functions in the inner loop made numba count references atomically on every call,
    which cost more than the simulation itself (2x measured).
    """
    np.random.seed(seed)
    n = up.shape[0]
    n_grid = grid.shape[0]
    horizon = grid[n_grid - 1]
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
        for i in range(n):
            # One draw per node whether held or not: runs that differ only in what they
            # hold (a twin treated and untreated) then start from the same random numbers.
            draw = np.random.random()
            held = clamp[trajectory, i]
            if held >= 0:
                state[i] = held
            else:
                state[i] = 1 if draw < initial_on[i] else 0
            position[i] = -1
            changes[0, i] += state[i]
        for i in range(n):
            row = 0
            for k in range(input_starts[i], input_starts[i + 1]):
                row = 2 * row + state[inputs[k]]
            index[i] = row
        n_active = 0
        time = 0.0
        g = 0
        step = 0
        low, high = update_starts[n], update_starts[n + 1]
        while True:
            for k in range(low, high):
                j = updates[k]
                index[j] += step * update_weights[k]
                value = 0.0
                if clamp[trajectory, j] < 0:
                    if table_starts[j] >= 0:
                        target = tables[table_starts[j] + index[j]]
                    else:
                        target = _evaluate(j, state, ops, args, starts, stack)
                    if target == 1 and state[j] == 0:
                        value = up[j]
                    elif target == 0 and state[j] == 1:
                        value = down[j]
                rate[j] = value
                if value > 0.0:
                    if position[j] < 0:
                        active[n_active] = j
                        position[j] = n_active
                        n_active += 1
                elif position[j] >= 0:
                    last = active[n_active - 1]
                    active[position[j]] = last
                    position[last] = position[j]
                    position[j] = -1
                    n_active -= 1
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
            step = 2 * np.int64(state[chosen]) - 1
            # The flip shows at every grid time from g on: record it once, as a change.
            changes[g, chosen] += step
            time = next_time
            low, high = update_starts[chosen], update_starts[chosen + 1]
        for i in range(n):
            finals[trajectory, i] = state[i]
    return events
