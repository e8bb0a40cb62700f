"""A 2-hop neighbourhood of a hub as DataFrames, next to networkx and to bare SQLite.

Graph: one hub gene with ``--hub`` edges (default 100,000) to distinct genes, and
``--background`` more edges among those genes (so the second hop finds edges too).
CPU times (one thread each), median of ``--repeats`` runs on the embedded store:

* ``store.subgraph_frames([hub], hops=2)``: the first call (walks SQLite, then builds
  the in-memory adjacency index) and the next ones (the index; target < 100 ms);
* ``store.subgraph([hub], hops=2)``, the networkx MultiDiGraph;
* the bare tool: one SQL statement in plain ``sqlite3`` on the same file, returning the
  same edge rows as tuples (no frames, no names of nodes).

    python benchmarks/subgraph_frames.py [--hub 100000] [--background 50000]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from kgtwin.align import Aligner
from kgtwin.model import Edge, Node
from kgtwin.store import EmbeddedStore
from kgtwin.store.base import SourceInfo
from kgtwin.store.sqlite_sql import DATABASE

HUB = "HGNC:1097"

# The same walk in one statement: edges touching the hub, then edges touching any node
# those reach.
BARE = """
WITH reached(node) AS (
    SELECT :hub UNION SELECT object FROM edges WHERE subject = :hub
    UNION SELECT subject FROM edges WHERE object = :hub)
SELECT e.id, e.subject, e.predicate, e.object, e.qualifiers
    FROM reached r CROSS JOIN edges e ON e.subject = r.node
UNION SELECT e.id, e.subject, e.predicate, e.object, e.qualifiers
    FROM reached r CROSS JOIN edges e ON e.object = r.node
"""


def records(hub_edges: int, background: int, seed: int = 0):
    rng = random.Random(seed)
    yield Node(HUB, "biolink:Gene", "BRAF")
    genes = [f"NCBIGene:{100_000 + i}" for i in range(hub_edges)]
    for i, gene in enumerate(genes):
        yield Node(gene, "biolink:Gene", f"gene{i}")
        yield Edge(HUB, "biolink:interacts_with", gene)
    for _ in range(background):
        yield Edge(rng.choice(genes), "biolink:regulates", rng.choice(genes))


def median_ms(run, repeats: int) -> tuple[float, object]:
    """Median CPU milliseconds of ``run`` (steadier than wall time on a shared machine;
    every step here is single-threaded) and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.process_time()
        result = run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", type=int, default=100_000)
    parser.add_argument("--background", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = EmbeddedStore(Path(folder) / "store")
        align = Aligner()
        start = time.perf_counter()
        store.load((align(r) for r in records(args.hub, args.background)),
                   SourceInfo(name="bench", version="1", checksum="x", loader="bench@1"))
        print(f"graph: {args.hub:,} hub edges + {args.background:,} background edges, "
              f"loaded in {time.perf_counter() - start:.1f} s; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine: "
              "read the ratios)")
        first_ms, _ = median_ms(lambda: store.subgraph_frames([HUB], hops=2), 1)
        frames_ms, frames = median_ms(lambda: store.subgraph_frames([HUB], hops=2),
                                      args.repeats)
        graph_ms, graph = median_ms(lambda: store.subgraph([HUB], hops=2), 3)
        bare = sqlite3.connect(Path(folder) / "store" / DATABASE)
        bare_ms, rows = median_ms(lambda: bare.execute(BARE, {"hub": HUB}).fetchall(),
                                  args.repeats)
        bare.close()
        store.close()
    assert len(frames.edges) == graph.number_of_edges() == len(rows)
    print(f"2-hop neighbourhood of the hub: {len(frames.nodes):,} nodes, "
          f"{len(frames.edges):,} edges (CPU ms, median of {args.repeats})")
    print(f"  subgraph_frames, first call   {first_ms:8.1f} ms   (walks SQLite, then builds "
          "the adjacency index of this store revision)")
    print(f"  subgraph_frames (DataFrames)  {frames_ms:8.1f} ms   (target < 100 ms; the index "
          "answers until the store changes)")
    print(f"  subgraph (networkx)           {graph_ms:8.1f} ms   "
          f"{graph_ms / frames_ms:.1f}x the frames")
    print(f"  bare sqlite3, one statement   {bare_ms:8.1f} ms   "
          f"frames are {frames_ms / bare_ms:.2f}x the bare query")


if __name__ == "__main__":
    main()
