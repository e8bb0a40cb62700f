"""Embedded store on a Hetionet-scale graph: load throughput, re-load, 2-hop subgraph, memory.

Targets (issue 7, 2-core machine): >= 200,000 edges/s first load, re-load < 2 s,
2-hop subgraph around 5 seeds < 50 ms median, peak memory < 4 GB.

    python benchmarks/graph_core.py [--scale 1.0] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore

HERE = Path(__file__).parent


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kgtwin-bench-"))
    data = work / f"hetionet-{args.scale}"
    if not (data / "edges.tsv").exists():  # generated in a child: its memory is not ours
        subprocess.run([sys.executable, HERE / "hetionet_scale.py", data, "--scale",
                        str(args.scale)], check=True)
    files = [data / "nodes.tsv", data / "edges.tsv"]
    store = EmbeddedStore(work / f"store-{time.time_ns()}")

    start, cpu = time.perf_counter(), time.process_time()
    report = load_files(store, "kgx", files)
    load_s = time.perf_counter() - start
    load_cpu = time.process_time() - cpu
    edges = report.counts.edges

    start = time.perf_counter()
    again = load_files(store, "kgx", files)
    reload_s = time.perf_counter() - start
    assert again.skipped

    rng = random.Random(0)
    ids = [n for n in (row[0] for row in store.db.execute("SELECT id FROM nodes"))]
    timings, sizes = [], []
    for _ in range(args.seeds):
        seed = rng.choice(ids)
        start = time.perf_counter()
        graph = store.subgraph([seed], hops=2)
        timings.append((time.perf_counter() - start) * 1000)
        sizes.append(graph.number_of_edges())

    print(f"graph: {report.counts.total_nodes:,} nodes, {report.counts.total_edges:,} edges "
          f"(scale {args.scale})")
    print(f"first load:       {load_s:8.1f} s   {edges / load_s:>10,.0f} edges/s  "
          "(target >= 200,000)")
    print(f"  cpu time:       {load_cpu:8.1f} s   (both threads; steadier than wall time on a "
          f"shared machine; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"re-load (no-op):  {reload_s:8.2f} s   (target < 2 s)")
    print(f"2-hop subgraph:   {statistics.median(timings):8.1f} ms median over {args.seeds} "
          f"random seeds (target < 50 ms); edges per subgraph: {sizes}")
    print(f"peak memory:      {peak_rss_mb():8.0f} MB  (target < 4,096)")


if __name__ == "__main__":
    main()
