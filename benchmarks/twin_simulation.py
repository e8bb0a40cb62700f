"""Trajectories per second per core: kgtwin's simulator next to MaBoSS (cmaboss).

Same model file, rates, initial states and horizon for both tools; one thread each.
Prints throughput and both tools' final P(on) side by side, with the difference in units
of its standard error (|z| mostly < 3 when both simulate the same process).

    python benchmarks/twin_simulation.py [--trajectories 10000] [--max-time 50]

Times are CPU seconds of this process (time.process_time), so other jobs on a shared
machine do not inflate them; both tools run single-threaded in this process.

Note: MaBoSS reports the last tick window's time average, [max_time - tick, max_time);
kgtwin the instantaneous state at max_time: the same number once the run has settled.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import tempfile
import time
from pathlib import Path

from kgtwin.twin.formats import save_model
from kgtwin.twin.models import published_model
from kgtwin.twin.simulate import SimulationSettings, simulate


def run_maboss(model, trajectories: int, max_time: float, tick: float):
    import importlib

    # MaBoSS is compiled for a maximum node count; cmaboss ships builds up to 1024.
    build = next(size for size in (64, 128, 256, 512, 1024) if len(model) <= size)
    cmaboss = importlib.import_module("cmaboss" if build == 64 else f"cmaboss_{build}n")

    with tempfile.TemporaryDirectory() as folder:
        save_model(model, Path(folder) / "m.bnd")
        network = cmaboss.MaBoSSNet(network=str(Path(folder) / "m.bnd"))
        config = cmaboss.MaBoSSCfg(network, str(Path(folder) / "m.cfg"))
        sim = cmaboss.MaBoSSSim(net=network, cfg=config)
        sim.update_parameters(
            sample_count=trajectories, max_time=max_time, time_tick=tick, thread_count=1
        )
        start = time.process_time()
        result = sim.run()
        elapsed = time.process_time() - start
    values, _, names, *_ = result.get_last_nodes_probtraj()
    return elapsed, dict(zip(names, values[0], strict=True))


def run_kgtwin(model, trajectories: int, max_time: float, tick: float, seed: int):
    settings = SimulationSettings(
        trajectories=trajectories, max_time=max_time, time_tick=tick, seed=seed
    )
    simulate(model, SimulationSettings(trajectories=10, max_time=1))  # JIT warm-up
    start = time.process_time()
    result = simulate(model, settings)
    elapsed = time.process_time() - start
    print(
        f"  kgtwin simulated {result.events:,} flips: {1e9 * elapsed / result.events:.0f} ns each"
    )
    return elapsed, result.final


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=10_000)
    parser.add_argument("--max-time", type=float, default=50.0)
    parser.add_argument("--tick", type=float, default=0.5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=["BRAF_Model", "Flobak"])
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"one thread per tool; {args.trajectories} trajectories to t={args.max_time:g}"
    )
    for name in args.models:
        model = published_model(name)
        n = args.trajectories
        print(f"\n{name}: {len(model)} nodes, {len(model.inputs)} inputs")
        # Best of --repeats runs each, interleaved, against noise from a shared machine.
        ours_s = theirs_s = math.inf
        for _ in range(args.repeats):
            elapsed, ours = run_kgtwin(model, n, args.max_time, args.tick, seed=1)
            ours_s = min(ours_s, elapsed)
            elapsed, theirs = run_maboss(model, n, args.max_time, args.tick)
            theirs_s = min(theirs_s, elapsed)
        print(f"  kgtwin : {ours_s:7.2f} s CPU  {n / ours_s:10,.0f} trajectories/s")
        print(f"  MaBoSS : {theirs_s:7.2f} s CPU  {n / theirs_s:10,.0f} trajectories/s")
        print(f"  speed-up: {theirs_s / ours_s:.1f}x")
        print(f"  {'node':<18} {'kgtwin':>8} {'MaBoSS':>8} {'z':>6}")
        worst = 0.0
        for node in model.names:
            p = (ours[node] + theirs[node]) / 2
            se = math.sqrt(max(p * (1 - p), 1e-6) * 2 / n)
            z = (ours[node] - theirs[node]) / se
            worst = max(worst, abs(z))
            print(f"  {node:<18} {ours[node]:8.4f} {theirs[node]:8.4f} {z:6.2f}")
        print(f"  largest |z| over {len(model)} nodes: {worst:.2f}")


if __name__ == "__main__":
    main()
