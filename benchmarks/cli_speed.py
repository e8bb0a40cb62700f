"""The CLI as a user meets it, process start included, next to the bare tools.

Each number is the CPU time (user + system) of a whole process, children included, best of
``--repeats`` runs taken in turn, so both tools see the same machine load:

* ``kgtwin --help`` next to a bare ``python -c pass``;
* ``kgtwin twin simulate`` of a model (default: grieco_mapk, pyboolnet's repository) next to
  MaBoSS (cmaboss) simulating the same .bnd/.cfg in its own Python process;
* ``kgtwin twin attractors --no-trap-spaces`` per model next to pyboolnet's
  ``compute_steady_states`` (bnet2primes included), each in its own process;
* one ``kgtwin twin respond`` call (one drug: untreated and treated twins simulated).

    python benchmarks/cli_speed.py [--trajectories 10000] [--repeats 3]
        [--models ../shared/data/real/bnet/*.bnet]

Needs the dev extra (cmaboss, pyboolnet). The simulation kernel is built first
(``kgtwin twin warm``), as a user's first call would. Every process runs with compiled
bytecode, as after ``pip install`` (which compiles each module's ``.pyc``): a checkout run
with ``PYTHONDONTWRITEBYTECODE=1`` compiles kgtwin's modules from source on every call
(about 0.1 s of CPU), while numpy, click and pyboolnet come from site-packages compiled. So
the children get ``PYTHONPYCACHEPREFIX`` (a temporary folder; ``--source-only`` keeps the
environment as it is), and each pair runs once untimed first, which fills it for both.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BNET = Path("../shared/data/real/bnet")

_MABOSS = """
import sys, cmaboss
network = cmaboss.MaBoSSNet(network=sys.argv[1])
config = cmaboss.MaBoSSCfg(network, sys.argv[2])
sim = cmaboss.MaBoSSSim(net=network, cfg=config)
sim.update_parameters(sample_count=int(sys.argv[3]), max_time=float(sys.argv[4]),
                      time_tick=0.5, thread_count=1)
values, _, names, *_ = sim.run().get_last_nodes_probtraj()
print(len(names))
"""

_PYBOOLNET = """
import sys
from pyboolnet.file_exchange import bnet2primes
from pyboolnet.trap_spaces import compute_steady_states
print(len(compute_steady_states(bnet2primes(sys.argv[1]), max_output=int(sys.argv[2]))))
"""


ENV = dict(os.environ)


def cpu_of(argv: list[str]) -> tuple[float, int, str]:
    """CPU seconds (user + sys, children included) of running ``argv``; exit code; stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, env=ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, done.returncode, done.stdout


def best(argv: list[str], repeats: int) -> tuple[float, int, str]:
    runs = [cpu_of(argv) for _ in range(repeats)]
    return min(runs, key=lambda r: r[0])


def pairs(rows: list[tuple[str, list[str], list[str]]], repeats: int) -> list[tuple]:
    """Each (label, ours, theirs) timed alternately (ours, theirs, ours, …), ``repeats``
    times each, so both see the same drift of the machine's load; best of each, the
    median of the per-round ratios (theirs / ours), and each tool's median CPU."""
    results = []
    for label, ours, theirs in rows:
        cpu_of(ours), cpu_of(theirs)  # untimed: fills the bytecode cache
        mine, bare = [], []
        for _ in range(repeats):
            mine.append(cpu_of(ours))
            bare.append(cpu_of(theirs))
        ratios = sorted(b[0] / m[0] for m, b in zip(mine, bare, strict=True))
        results.append((label, min(mine), min(bare), ratios[len(ratios) // 2],
                        statistics.median(m[0] for m in mine),
                        statistics.median(b[0] for b in bare)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=10_000)
    parser.add_argument("--max-time", type=float, default=50.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--simulate", type=Path, default=BNET / "grieco_mapk.bnet")
    parser.add_argument("--models", type=Path, nargs="+", default=sorted(BNET.glob("*.bnet")))
    parser.add_argument("--limit", type=int, default=1000, help="Most steady states listed.")
    parser.add_argument("--source-only", action="store_true",
                        help="keep the environment (no bytecode cache if it says so)")
    args = parser.parse_args()
    if not args.source_only:
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="kgtwin-pyc-")
    kgtwin = [shutil.which("kgtwin") or "kgtwin"]
    py = sys.executable
    n = args.trajectories
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start "
          "(a shared machine: read the ratios, the absolute numbers drift with the load); "
          + ("modules compiled from source on every call" if args.source_only
             else f"bytecode cached in {ENV['PYTHONPYCACHEPREFIX']}"))
    warm = cpu_of([*kgtwin, "twin", "warm"])
    print(f"kgtwin twin warm (builds the kernel once, or finds it): {warm[0]:.2f} s CPU")

    print("\nstart-up (CPU s, best of repeats)")
    (_, ours, bare, *_), = pairs([("help", [*kgtwin, "--help"], [py, "-c", "pass"])],
                                 args.repeats)
    print(f"  kgtwin --help {ours[0]:.3f}   python -c pass {bare[0]:.3f}")

    print(f"\nsimulation: {args.simulate.name}, {n:,} trajectories to t={args.max_time:g}, "
          "one thread, whole process")
    with tempfile.TemporaryDirectory() as folder:
        bnd = Path(folder) / f"{args.simulate.stem}.bnd"
        subprocess.run([*kgtwin, "twin", "convert", str(args.simulate), str(bnd)], check=True,
                       capture_output=True)
        cfg = bnd.with_suffix(".cfg")
        rows = [("simulate",
                 [*kgtwin, "twin", "simulate", str(args.simulate), "--trajectories", str(n),
                  "--max-time", str(args.max_time), "--json"],
                 [py, "-c", _MABOSS, str(bnd), str(cfg), str(n), str(args.max_time)])]
        (_, ours, bare, median, ours_median, bare_median), = pairs(rows, args.repeats)
    print(f"  kgtwin {ours[0]:.3f} s   MaBoSS {bare[0]:.2f} s   "
          f"kgtwin is {bare[0] / ours[0]:.1f}x MaBoSS per CPU second, best against best")
    print(f"  medians: kgtwin {ours_median:.3f} s   MaBoSS {bare_median:.2f} s   "
          f"ratio of the medians {bare_median / ours_median:.1f}x, median of the rounds' "
          f"ratios {median:.1f}x (target >= 10x)")

    respond = best([*kgtwin, "twin", "respond", str(args.simulate), "--drug",
                    "mek=MEK1_2", "--set", "EGFR_stimulus=1", "--trajectories", str(n)],
                   args.repeats)
    print(f"  kgtwin twin respond (1 drug, {n:,} trajectories, {args.simulate.stem}): "
          f"{respond[0]:.2f} s CPU (target < 1 s)")

    print(f"\nsteady states per model, whole process (at most {args.limit} listed)")
    print(f"  {'model':<26} {'kgtwin s':>9} {'pyboolnet s':>12} {'ratio':>6} {'median':>6}  note")
    rows = [(m.stem,
             [*kgtwin, "twin", "attractors", str(m), "--no-trap-spaces", "--limit",
              str(args.limit), "--json"],
             [py, "-c", _PYBOOLNET, str(m), str(args.limit)]) for m in args.models]
    total_ours = total_bare = 0.0
    for label, ours, bare, median, *_ in pairs(rows, args.repeats):
        note = "" if ours[1] == 0 else "kgtwin: more than the limit (refused)"
        total_ours += ours[0]
        total_bare += bare[0]
        print(f"  {label:<26} {ours[0]:9.2f} {bare[0]:12.2f} {ours[0] / bare[0]:6.2f} "
              f"{1 / median:6.2f}  {note}")
    print(f"  {'all':<26} {total_ours:9.2f} {total_bare:12.2f} {total_ours / total_bare:6.2f}"
          "  (ratio: kgtwin's CPU over pyboolnet's, best of each; median: of the rounds' "
          "ratios; <= 1: kgtwin no slower)")
    print(f"\nload average {os.getloadavg()[0]:.1f} at the end")
    if not args.source_only:
        shutil.rmtree(ENV["PYTHONPYCACHEPREFIX"], ignore_errors=True)


if __name__ == "__main__":
    main()
