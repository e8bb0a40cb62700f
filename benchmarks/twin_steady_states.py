"""Exact steady states, minimal trap spaces and asynchronous attractors: how long they take.

Models: the two shipped published models, and seeded random signalling-like networks of
~60 nodes with 6 inputs (each non-input node reads 1-4 signed regulators through an
AND/OR rule), the size of published signalling models.

    python benchmarks/twin_steady_states.py [--nodes 60] [--inputs 6] [--seeds 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import time

from kgtwin.twin.analysis import attractors, minimal_trap_spaces, steady_states
from kgtwin.twin.expr import And, Not, Or, Var
from kgtwin.twin.model import LogicalModel, Node
from kgtwin.twin.models import published_model


def random_signalling_model(nodes: int, inputs: int, seed: int) -> LogicalModel:
    """Inputs first; every other node reads earlier nodes mostly (a cascade) plus some
    feedback from later ones, as in MAPK/PI3K models."""
    rng = random.Random(seed)
    names = [f"n{i}" for i in range(nodes)]
    built = [Node(name=name, rule=Var(name)) for name in names[:inputs]]
    for i in range(inputs, nodes):
        pool = names[:i] if rng.random() < 0.85 else names
        regulators = rng.sample(pool, k=min(len(pool), rng.randint(1, 4)))
        literals = [Var(r) if rng.random() < 0.7 else Not(Var(r)) for r in regulators]
        if len(literals) == 1:
            rule = literals[0]
        elif rng.random() < 0.5:
            rule = Or(tuple(literals))
        else:
            split = rng.randint(1, len(literals) - 1)
            left = literals[:split] if split > 1 else literals[:1]
            rule = Or((And(tuple(left)) if len(left) > 1 else left[0], *literals[split:]))
        built.append(Node(name=names[i], rule=rule))
    return LogicalModel(nodes=tuple(built), name=f"random{nodes}_{seed}")


def timed(function, *args):
    start = time.process_time()  # CPU seconds: other jobs on a shared machine do not count
    result = function(*args)
    return time.process_time() - start, result


def report(model: LogicalModel, with_attractors: bool) -> None:
    seconds, points = timed(steady_states, model)
    line = f"{model.name:<14} {len(model):>3} nodes {len(model.inputs):>2} inputs | "
    line += f"steady states {len(points):>4} in {seconds:6.3f} s"
    seconds, spaces = timed(minimal_trap_spaces, model)
    line += f" | min trap spaces {len(spaces):>4} in {seconds:6.3f} s"
    if with_attractors:
        seconds, found = timed(attractors, model)
        cyclic = sum(1 for a in found if not a.is_steady_state)
        line += f" | async attractors {len(found):>4} ({cyclic} cyclic) in {seconds:6.2f} s"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=60)
    parser.add_argument("--inputs", type=int, default=6)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--no-attractors", action="store_true")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores; exact, biodivine-aeon; "
        "CPU seconds of this process"
    )
    for name in ("BRAF_Model", "Flobak"):
        report(published_model(name), not args.no_attractors)
    for seed in range(args.seeds):
        model = random_signalling_model(args.nodes, args.inputs, seed)
        report(model, not args.no_attractors)


if __name__ == "__main__":
    main()
