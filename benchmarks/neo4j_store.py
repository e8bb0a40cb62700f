"""Neo4j back end on the Hetionet-scale graph: bulk push, incremental load, patient queries.

Targets (issue 6, 2-core machine): bulk >= 100,000 edges/s end to end (import files
included), incremental >= 20,000 edges/s, patient subgraph < 100 ms median. Hetionet's
own history is the bar: ~10 h row by row, ~40 s through CSV import.

Steps: generate the graph (benchmarks/hetionet_scale.py, ≈47k nodes, ≈1.85M distinct
edges) and load it into an embedded store (both kept in --work for the next run); bulk
push it into the local kgtwin server (``kgtwin push --method bulk --replace``), then
take the bare import path on the same files (``neo4j_bare.bare_import``: stop,
``neo4j-admin import``, start, indexes) and print kgtwin's ratio to it; load 20
synthetic patients (a sample each, 20 altered genes, a diagnosis) incrementally and time
two patient queries; into an emptied database, push the whole graph incrementally
(batch by batch, as ``kgtwin push --method incremental`` does; about two minutes,
--skip-full skips it); then, each time into an emptied database, load all nodes plus
the first --incremental-edges edges in one load, committed as one transaction and
batch by batch, and the same nodes and edges through a bare batched ``UNWIND … CREATE``
(``neo4j_bare.bare_unwind``), with kgtwin's ratio to it; last, load those edges into a
graph that already holds the nodes (every edge merged).

It REPLACES the database of the server it is given, so it asks for --wipe; use a
throw-away server:

    kgtwin neo4j start --home /tmp/bench-neo4j --bolt-port 17701 --http-port 17702 --heap 2g
    python benchmarks/neo4j_store.py --wipe --home /tmp/bench-neo4j --work /tmp/bench
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
from importlib import resources
from itertools import islice
from pathlib import Path

from kgtwin.load import load_files
from kgtwin.model import DIRECTION, UP, Edge, Node
from kgtwin.neo4j.bulk import bulk_push, managed_server
from kgtwin.neo4j.server import ServerConfig
from kgtwin.neo4j.settings import Neo4jSettings
from kgtwin.neo4j.store import Neo4jStore
from kgtwin.neo4j.transfer import copy_graph
from kgtwin.store import EmbeddedStore
from kgtwin.store.base import COMMITS, Commit, SourceInfo

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from neo4j_bare import BATCH as BARE_BATCH  # noqa: E402  (a script beside this one)
from neo4j_bare import bare_import, bare_unwind  # noqa: E402

PATIENTS = 20

# The patient's twin neighbourhood: altered genes and their signed regulatory and
# physical interaction partners (what kgtwin's twin builder starts from).
PATIENT_SUBGRAPH = """
MATCH (:Case {id: $patient_id})<-[:DERIVES_FROM]-(:MaterialSample)
      -[:HAS_SEQUENCE_VARIANT]->(g:Gene)
MATCH (g)-[r:REGULATES|INTERACTS_WITH]-(n:Gene)
RETURN g.id AS gene, type(r) AS relation, r.object_direction_qualifier AS sign, n.id AS partner
"""


class Clock:
    """Wall time and CPU seconds of this process, its children and the Neo4j server."""

    def __init__(self, server_pid: int | None = None):
        self.server_pid = server_pid
        self.wall = time.perf_counter()
        self.cpu = self._cpu()

    def _cpu(self) -> tuple[float, float, float]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time(), children.ru_utime + children.ru_stime, _pid_cpu(self.server_pid)

    def stop(self) -> tuple[float, str]:
        wall = time.perf_counter() - self.wall
        now = self._cpu()
        own, kids, server = (b - a for a, b in zip(self.cpu, now, strict=True))
        text = f"cpu: python {own:.1f} s, child processes {kids:.1f} s"
        if self.server_pid:
            text += f", Neo4j server {server:.1f} s"
        return wall, text


def _pid_cpu(pid: int | None) -> float:
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def embedded_graph(work: Path, scale: float) -> EmbeddedStore:
    data = work / f"hetionet-{scale}"
    if not (data / "edges.tsv").exists():
        subprocess.run([sys.executable, HERE / "hetionet_scale.py", data, "--scale", str(scale)],
                       check=True)  # fmt: skip
    path = work / f"store-{scale}"
    fresh = not path.exists()
    store = EmbeddedStore(path)
    if fresh:
        load_files(store, "kgx", [data / "nodes.tsv", data / "edges.tsv"])
    return store


def patient_records(store: EmbeddedStore, seed: int = 0) -> list:
    rng = random.Random(seed)
    genes = [n.id for n in store.nodes(category="biolink:Gene")]
    diseases = [n.id for n in store.nodes(category="biolink:Disease")]
    records: list = []
    for i in range(1, PATIENTS + 1):
        patient, sample = f"KGTWIN.PATIENT:B{i:03d}", f"KGTWIN.SAMPLE:B{i:03d}"
        records += [Node(patient, "biolink:Case", f"patient B{i:03d}"),
                    Node(sample, "biolink:MaterialSample", f"sample B{i:03d}"),
                    Edge(sample, "biolink:derives_from", patient),
                    Edge(patient, "biolink:has_phenotype", rng.choice(diseases))]  # fmt: skip
        records += [Edge(sample, "biolink:has_sequence_variant", gene, {DIRECTION: UP})
                    for gene in rng.sample(genes, 20)]  # fmt: skip
    return records


def time_queries(settings: Neo4jSettings) -> None:
    everything = resources.files("kgtwin.neo4j").joinpath(
        "browser/2-patient-everything.cypher").read_text()  # fmt: skip
    with settings.driver() as driver:
        for title, query in (
            ("patient subgraph (altered genes + partners)", PATIENT_SUBGRAPH),
            ("everything about a patient (Browser example)", everything),
        ):
            timings, rows = [], []
            for round_ in range(2):  # the first round warms the page cache and query plans
                for i in range(1, PATIENTS + 1):
                    start = time.perf_counter()
                    records, _, _ = driver.execute_query(
                        query, patient_id=f"KGTWIN.PATIENT:B{i:03d}", database_=settings.database
                    )
                    if round_:
                        timings.append((time.perf_counter() - start) * 1000)
                        rows.append(len(records))
            print(f"{title:46s} median {statistics.median(timings):6.1f} ms, max "
                  f"{max(timings):6.1f} ms over {PATIENTS} patients (target < 100 ms); "
                  f"median {statistics.median(rows):.0f} rows")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="the kgtwin-managed server's home")
    parser.add_argument("--work", type=Path, help="folder for the generated graph and store")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--incremental-edges", type=int, default=100_000)
    parser.add_argument("--wipe", action="store_true", help="allow replacing the database")
    parser.add_argument("--skip-full", action="store_true",
                        help="skip the incremental push of the whole graph (about 2 minutes)")
    args = parser.parse_args()
    if not args.wipe:
        parser.error("this benchmark replaces the Neo4j database: pass --wipe to confirm")
    work = args.work or Path(tempfile.mkdtemp(prefix="kgtwin-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    store = embedded_graph(work, args.scale)
    counts = store.counts()
    config = ServerConfig.load(args.home)
    settings = Neo4jSettings.resolve(config.bolt_uri, home=config.home)
    print(
        f"graph: {counts.nodes:,} nodes, {counts.edges:,} edges (scale {args.scale}); "
        f"server {config.bolt_uri}, heap {config.heap}, page cache {config.pagecache}"
    )

    clock = Clock()
    report = bulk_push(store, settings, replace=True)
    wall, cpu = clock.stop()
    import_only = report.edges / report.import_s
    print(
        f"bulk push:        {wall:6.1f} s  {report.edges / wall:>9,.0f} edges/s end to end "
        f"(target >= 100,000); {load_average()}"
    )
    print(
        f"  import files {report.write_s:.1f} s, server stop {report.stop_s:.1f} s, "
        f"neo4j-admin import {report.import_s:.1f} s ({import_only:,.0f} edges/s), "
        f"server start {report.start_s:.1f} s, constraints/indexes {report.schema_s:.1f} s"
    )
    print(f"  {cpu}")
    bare = bare_import(store, managed_server(settings), settings)
    print(
        f"bare import path: {bare['total_s']:6.1f} s  (server stop {bare['stop_s']:.1f} s, "
        f"neo4j-admin import of the same files {bare['import_s']:.1f} s, start "
        f"{bare['start_s']:.1f} s, the same constraints/indexes {bare['schema_s']:.1f} s); "
        f"kgtwin's bulk push is {wall / bare['total_s']:.2f}x it (target <= 1.2x); "
        f"{load_average()}"
    )

    server_pid = _server_pid(config)
    with Neo4jStore(settings) as neo4j:
        clock = Clock(server_pid)
        patients = patient_records(store)
        neo4j.load(patients, SourceInfo("bench-patients", "1", "synthetic", "bench@1"))
        wall, cpu = clock.stop()
        print(
            f"patients loaded incrementally into the full graph: {len(patients)} records "
            f"in {wall:.2f} s"
        )
    time_queries(settings)

    empty_folder = Path(tempfile.mkdtemp(prefix="kgtwin-empty-"))
    server_pid = _empty_database(settings, config, empty_folder)
    if not args.skip_full:  # what `kgtwin push --method incremental` does
        clock = Clock(server_pid)
        with Neo4jStore(settings, commit="batch") as neo4j:
            copied = copy_graph(store, neo4j)
        wall, cpu = clock.stop()
        print(
            f"incremental push of the whole graph: {wall:6.1f} s  "
            f"{copied.edges / wall:>9,.0f} edges/s ({copied.nodes:,} nodes, "
            f"{copied.edges:,} edges, commit=batch; target >= 20,000); {load_average()}"
        )
        print(f"  {cpu}")
        server_pid = _empty_database(settings, config, empty_folder)
    nodes = list(store.nodes())
    edges = list(islice(store.edges(), args.incremental_edges))
    # First right after the restart (the server's JIT still cold), then into the emptied
    # database (warm), as loads into a running server usually are; both ways to commit.
    runs = [("load", "cold server"), ("load", "warm server"), ("batch", "warm server")]
    warm_s = None
    for commit, state in runs:
        wall, cpu = _timed_load(settings, commit, server_pid, nodes + edges,
                                clear=state == "warm server")  # fmt: skip
        if (commit, state) == ("load", "warm server"):
            warm_s = wall
        print(
            f"incremental load: {wall:6.1f} s  {len(edges) / wall:>9,.0f} edges/s "
            f"({len(nodes):,} nodes and the first {len(edges):,} edges in one load, "
            f"commit={commit}, {state}; target >= 20,000); {load_average()}"
        )
        print(f"  {cpu}")
    server_pid = _empty_database(settings, config, empty_folder)
    bare_s = bare_unwind(settings, nodes, edges)
    print(
        f"bare UNWIND ... CREATE: {bare_s:6.1f} s  {len(edges) / bare_s:>9,.0f} edges/s (the "
        f"same {len(nodes):,} nodes and {len(edges):,} edges, same labels and types, batches "
        f"of {BARE_BATCH:,}); kgtwin's commit=load (warm) reaches {bare_s / warm_s:.2f}x its "
        f"edges/s (target >= 0.8x); {load_average()}"
    )
    # New edges between nodes already stored: a second source linking known genes,
    # drugs and diseases (each edge goes through MERGE, as nothing says it is new).
    for commit in COMMITS:
        wall, cpu = _timed_load(settings, commit, server_pid, edges, clear=True, first=nodes)
        print(
            f"edges into stored nodes: {wall:6.1f} s  {len(edges) / wall:>9,.0f} edges/s "
            f"(the first {len(edges):,} edges, commit={commit}); {load_average()}"
        )
        print(f"  {cpu}")


def _empty_database(settings: Neo4jSettings, config: ServerConfig, folder: Path) -> int | None:
    """Replace the database by an empty one (a bulk push of an empty store) rather than
    clear(): deleting 1.85 M edges leaves the server busy for minutes. The new server's
    process id."""
    with EmbeddedStore(folder / "store") as empty:
        bulk_push(empty, settings, replace=True)
    return _server_pid(config)


def _timed_load(settings: Neo4jSettings, commit: Commit, server_pid: int | None, records: list,
                *, clear: bool, first: list | None = None) -> tuple[float, str]:  # fmt: skip
    """Wall time and CPU of loading ``records`` (after ``first``, untimed)."""
    with Neo4jStore(settings, commit=commit) as neo4j:
        if clear:
            neo4j.clear()
        if first is not None:
            neo4j.load(first, SourceInfo("bench-nodes", "1", "synthetic", "bench@1"))
        clock = Clock(server_pid)
        neo4j.load(records, SourceInfo("bench-subset", "1", "synthetic", "bench@1"))
        return clock.stop()


def _server_pid(config: ServerConfig) -> int | None:
    from kgtwin.neo4j.server import LocalServer

    return LocalServer(config).pid()


if __name__ == "__main__":
    main()
