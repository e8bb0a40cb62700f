"""Neo4j store: load throughput, idempotent re-load, lookups and 2-hop subgraphs, vs embedded.

Writes a synthetic gene regulatory graph (genes with an NCBIGene xref each, signed
``regulates`` edges) through :class:`kgtwin.neo4j.store.Neo4jStore` and, for comparison,
through the embedded store, and prints the numbers. It EMPTIES the Neo4j database it
is given, so it asks for ``--wipe``; point it at a throw-away server:

    kgtwin neo4j start --home /tmp/bench-neo4j --bolt-port 17701 --http-port 17702
    NEO4J_URI=bolt://127.0.0.1:17701 KGTWIN_NEO4J_HOME=/tmp/bench-neo4j \\
        python benchmarks/neo4j_store.py --wipe [--nodes 20000 --edges 100000]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from kgtwin.model import DIRECTION, DOWN, UP, Edge, Node
from kgtwin.neo4j.settings import Neo4jSettings
from kgtwin.neo4j.store import Neo4jStore
from kgtwin.store import EmbeddedStore
from kgtwin.store.base import SourceInfo


def records(nodes: int, edges: int, seed: int = 0) -> list:
    rng = random.Random(seed)
    genes = [
        Node(f"HGNC:{i}", "biolink:Gene", f"G{i}", xrefs=(f"NCBIGene:{100000 + i}",))
        for i in range(1, nodes + 1)
    ]
    seen: set[tuple[int, int, str]] = set()
    links = []
    while len(links) < edges:
        a, b, sign = rng.randint(1, nodes), rng.randint(1, nodes), rng.choice((UP, DOWN))
        if a != b and (a, b, sign) not in seen:
            seen.add((a, b, sign))
            links.append(Edge(f"HGNC:{a}", "biolink:regulates", f"HGNC:{b}",
                              {DIRECTION: sign}, {"score": rng.random()}))  # fmt: skip
    return [*genes, *links]


def measure(name: str, store, data: list, ids: list[str]) -> None:
    source = SourceInfo(name="bench", version="1", checksum="synthetic", loader="bench@1")
    start = time.perf_counter()
    counts = store.load(data, source)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    store.load(data, source)
    reload_s = time.perf_counter() - start
    assert store.counts().edges == counts.total_edges
    lookups, subgraphs, sizes = [], [], []
    for seed in ids:
        start = time.perf_counter()
        store.node(f"NCBIGene:{100000 + int(seed.partition(':')[2])}")  # through the xref
        lookups.append(time.perf_counter() - start)
        start = time.perf_counter()
        graph = store.subgraph([seed], hops=2)
        subgraphs.append(time.perf_counter() - start)
        sizes.append(graph.number_of_edges())
    edges = counts.edges
    print(f"{name:9s} load {load_s:7.2f} s ({edges / load_s:9,.0f} edges/s)  "
          f"re-load {reload_s:6.2f} s  node() median {statistics.median(lookups) * 1e3:6.2f} ms  "
          f"2-hop subgraph median {statistics.median(subgraphs) * 1e3:7.1f} ms "
          f"(median {statistics.median(sizes):.0f} edges)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=20_000)
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--wipe", action="store_true", help="allow emptying the Neo4j database")
    args = parser.parse_args()
    if not args.wipe:
        parser.error("this benchmark empties the Neo4j database: pass --wipe to confirm")
    data = records(args.nodes, args.edges)
    rng = random.Random(1)
    ids = [f"HGNC:{rng.randint(1, args.nodes)}" for _ in range(args.seeds)]
    print(f"{args.nodes:,} genes (one xref each), {args.edges:,} signed regulates edges")

    with EmbeddedStore(Path(tempfile.mkdtemp(prefix="kgtwin-bench-")) / "store") as store:
        measure("embedded", store, data, ids)

    settings = Neo4jSettings.resolve()
    with settings.driver() as driver, driver.session(database=settings.database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    with Neo4jStore(settings) as store:
        measure("neo4j", store, data, ids)


if __name__ == "__main__":
    main()
