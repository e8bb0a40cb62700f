"""Neo4j bulk push next to the bare import path, and what the Biolink ancestor labels cost.

kgtwin gives every node its Biolink category and its ``is_a`` ancestors as labels (a gene
carries 4; up to schema 1 the mixins too, 13, which is what docs/neo4j.md's numbers
were measured with), so ``MATCH (c:ChemicalEntity)`` finds every small molecule and the
Browser examples can match on ancestors. This script times, on the same graph and in the
same run, each import path end to end (server stop, ``neo4j-admin database import full``,
server start, kgtwin's constraints and indexes):

* ``kgtwin``: ``bulk_push`` as ``kgtwin push --method bulk`` runs it (files written by
  kgtwin while the server stops, captions refreshed);
* ``bare``: the same files, already written, imported by hand (``neo4j_bare.bare_import``);
* ``specific``: the same files with each node's most specific label (plus ``NamedThing``,
  which the id constraint needs) instead of all ancestors; ancestor matches no longer work;
* ``specific+pass``: ``specific``, then the ancestor labels added in one pass after the
  load (one ``SET n:$(labels)`` per category, in transactions of 10,000 nodes);
* ``specific+property``: ``specific`` plus a ``kgtwin_ancestry`` text
  (``|Gene|BiologicalEntity|…|``) with a text index, for ``WHERE n.kgtwin_ancestry CONTAINS
  '|ChemicalEntity|'`` instead of a label.

Each path runs ``--repeats`` times, in turn (``--paths`` picks some), and the best and the
median of each are compared, in wall seconds and in CPU seconds (this process, the
``neo4j-admin`` child and the server it started; the stop of the previous server is not
counted in CPU): on a shared machine the CPU ratio drifts less. The ``specific+pass``
database is checked against the ``bare`` one: same count for every label, and every
``kgtwin neo4j examples`` query runs.

It REPLACES the database of the server it is given (``--wipe``); use a throw-away server,
alone on the machine while it runs:

    kgtwin neo4j start --home /tmp/bench-neo4j --bolt-port 17701 --http-port 17702 --heap 2g
    flock /tmp/kgtwin-neo4j.lock python benchmarks/neo4j_labels.py --wipe \\
        --home /tmp/bench-neo4j --work /tmp/bench --scale 0.1
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kgtwin.biolink import default_biolink
from kgtwin.neo4j.bulk import DATABASE, _import_heap, bulk_push, managed_server
from kgtwin.neo4j.examples import examples
from kgtwin.neo4j.import_csv import ARRAY_DELIMITER
from kgtwin.neo4j.import_files import ImportFiles, write_import_files
from kgtwin.neo4j.server import LocalServer, ServerConfig
from kgtwin.neo4j.settings import Neo4jSettings
from kgtwin.neo4j.store import create_schema

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from neo4j_store import _pid_cpu, embedded_graph, load_average  # noqa: E402  (a script beside)

# The node files' first two cells: the quoted id, then the quoted labels.
_ROW = re.compile(r'("(?:[^"]|"")*"),"([^"]*)"(,.*)$', re.S)
_PASS = """
MATCH (n:NamedThing) WHERE n.category = $category
CALL (n) {{ SET n:$($labels) }} IN TRANSACTIONS OF 10000 ROWS
"""
_TEXT_INDEX = ("CREATE TEXT INDEX kgtwin_ancestry IF NOT EXISTS FOR (n:NamedThing) "
               "ON (n.kgtwin_ancestry)")


def relabel(files: ImportFiles, target: Path, ancestry: bool) -> ImportFiles:
    """A copy of ``files`` in ``target`` whose nodes keep their first label (the most
    specific) and ``NamedThing``; with ``ancestry`` also a ``kgtwin_ancestry`` column."""
    if files.multiline:
        raise SystemExit("relabel reads one node a line: this graph has multi-line fields")
    target.mkdir(parents=True, exist_ok=True)
    copied = ImportFiles(target, node_count=files.node_count, edge_count=files.edge_count)
    for path in files.nodes:
        out = target / path.name
        copied.nodes.append(out)
        if not path.name.startswith("nodes-"):
            shutil.copyfile(path, out)
            continue
        with path.open(encoding="utf-8") as source, out.open("w", encoding="utf-8") as sink:
            header = source.readline().rstrip("\n")
            sink.write(header + (',"kgtwin_ancestry"' if ancestry else "") + "\n")
            for line in source:
                match = _ROW.match(line.rstrip("\n"))
                if match is None:
                    raise SystemExit(f"{path}: a row relabel cannot read: {line[:80]!r}")
                node_id, labels, rest = match.groups()
                names = labels.split(ARRAY_DELIMITER)
                keep = ARRAY_DELIMITER.join(dict.fromkeys([names[0], "NamedThing"]))
                extra = ',"|' + "|".join(names) + '|"' if ancestry else ""
                sink.write(f'{node_id},"{keep}"{rest}{extra}\n')
    for path in files.relationships:
        shutil.copyfile(path, target / path.name)
        copied.relationships.append(target / path.name)
    return copied


def import_path(server: LocalServer, settings: Neo4jSettings, files: ImportFiles,
                after: Callable[[], None] | None = None) -> dict[str, float]:
    """Seconds of stop, import, start, schema (and ``after``) for files already written."""
    laps: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        laps[name] = now - clock
        clock = now

    server.stop()
    lap("stop")
    server.import_database(files.admin_arguments(), database=DATABASE,
                           heap=_import_heap(server.config.heap))
    lap("import")
    server.start()
    lap("start")
    with settings.driver() as driver:
        create_schema(driver, settings.database)
    lap("schema")
    if after is not None:
        after()
        lap("after")
    laps["total"] = sum(laps.values())
    return laps


def ancestor_pass(settings: Neo4jSettings, biolink_labels: dict[str, list[str]]) -> None:
    with settings.driver() as driver, driver.session(database=settings.database) as session:
        for category, labels in biolink_labels.items():
            session.run(_PASS.format(), category=category, labels=labels).consume()


def text_index(settings: Neo4jSettings) -> None:
    with settings.driver() as driver, driver.session(database=settings.database) as session:
        session.run(_TEXT_INDEX).consume()
        session.run("CALL db.awaitIndexes(300)").consume()


def label_counts(settings: Neo4jSettings) -> dict[str, int]:
    with settings.driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n",
            database_=settings.database)  # fmt: skip
    return {r["label"]: r["n"] for r in records}


def run_examples(settings: Neo4jSettings) -> list[str]:
    done = []
    with settings.driver() as driver:
        for example in examples():
            records, _, _ = driver.execute_query(example.cypher, example.params,
                                                 database_=settings.database)
            done.append(f"{example.name}: {len(records)} rows")
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True, help="the server's home")
    parser.add_argument("--work", type=Path, required=True, help="graph and store folder")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--paths", default="kgtwin,bare,specific,specific+pass,specific+property",
                        help="comma-separated paths to time")
    parser.add_argument("--wipe", action="store_true", help="allow replacing the database")
    args = parser.parse_args()
    if not args.wipe:
        parser.error("this benchmark replaces the Neo4j database: pass --wipe to confirm")
    store = embedded_graph(args.work, args.scale)
    config = ServerConfig.load(args.home)
    settings = Neo4jSettings.resolve(config.bolt_uri, home=config.home)
    server = managed_server(settings)
    if server is None:
        raise SystemExit(f"no running kgtwin-managed server in {args.home}")
    counts = store.counts()
    print(f"graph: {counts.nodes:,} nodes, {counts.edges:,} edges (scale {args.scale}); "
          f"{os.cpu_count()} cores; {load_average()}")  # fmt: skip

    folder = server.home / "import" / "labels-bench"
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    full = write_import_files(store, folder / "full")
    print(f"import files written once for the bare paths: {time.perf_counter() - start:.1f} s")
    specific = relabel(full, folder / "specific", ancestry=False)
    ancestry = relabel(full, folder / "ancestry", ancestry=True)
    biolink = default_biolink()
    from kgtwin.neo4j import codec

    by_category = {c: list(codec.labels(biolink, c))
                   for c in counts.nodes_by_category}  # fmt: skip

    runs: dict[str, list[dict[str, float]]] = {}

    def kgtwin_bulk() -> dict[str, float]:
        clock = time.perf_counter()
        report = bulk_push(store, settings, replace=True)
        return {"write (stop meanwhile)": report.write_s, "stop": report.stop_s,
                "import": report.import_s, "start": report.start_s,
                "schema": report.schema_s, "total": time.perf_counter() - clock}

    def bare() -> dict[str, float]:
        return import_path(server, settings, full)

    paths: dict[str, Callable[[], dict[str, float]]] = {
        "kgtwin": kgtwin_bulk,
        "bare": bare,
        "specific": lambda: import_path(server, settings, specific),
        "specific+pass": lambda: import_path(
            server, settings, specific, lambda: ancestor_pass(settings, by_category)),
        "specific+property": lambda: import_path(
            server, settings, ancestry, lambda: text_index(settings)),
    }
    paths = {name: paths[name] for name in args.paths.split(",")}
    reference: dict[str, int] | None = None
    started: set[int | None] = set()
    for repeat in range(args.repeats):
        order = list(paths) if repeat % 2 == 0 else list(reversed(paths))
        for name in order:
            # The server this path stops is reaped by this process if this process started
            # it: its CPU then lands in RUSAGE_CHILDREN, counted already by the path that
            # started it, so it is taken off here (its shutdown stays in).
            previous = server.pid()
            before = _cpu() + (_pid_cpu(previous) if previous in started else 0.0)
            laps = paths[name]()
            started.add(server.pid())
            laps["cpu"] = _cpu() - before + _pid_cpu(server.pid())
            runs.setdefault(name, []).append(laps)
            steps = ", ".join(f"{k} {v:.1f}" for k, v in laps.items() if k not in ("total", "cpu"))
            print(f"  run {repeat + 1} {name:18s} {laps['total']:6.1f} s, cpu {laps['cpu']:.1f} s "
                  f"({steps}); "
                  f"{load_average()}", flush=True)
            if name == "bare" and reference is None:
                reference = label_counts(settings)
            if name == "specific+pass" and repeat == 0:
                found = label_counts(settings)
                same = found == reference if reference is not None else None
                print(f"    label counts equal to the full import's: {same} "
                      f"(Gene {found.get('Gene')}, ChemicalEntity {found.get('ChemicalEntity')}"
                      f", BiologicalEntity {found.get('BiologicalEntity')})")
                for line in run_examples(settings):
                    print(f"    example {line}")
    print(f"\n{args.repeats} runs each, end to end; ratio to the bare import path:")
    print(f"  {'path':18s} {'best s':>7} {'ratio':>6} {'median s':>9} {'ratio':>6} "
          f"{'best cpu s':>11} {'ratio':>6}")
    summary = {name: (min(r["total"] for r in done),
                      statistics.median(r["total"] for r in done),
                      min(r["cpu"] for r in done)) for name, done in runs.items()}  # fmt: skip
    base = summary.get("bare")
    for name, (best, median, cpu) in summary.items():
        values = (best, median, cpu)
        ratios = [f"{v / b:6.2f}" for v, b in zip(values, base, strict=True)] if base else [
            "     -"] * 3
        print(f"  {name:18s} {best:7.1f} {ratios[0]} {median:9.1f} {ratios[1]} "
              f"{cpu:11.1f} {ratios[2]}")
    print(f"{load_average()} at the end")
    shutil.rmtree(folder, ignore_errors=True)


def _cpu() -> float:
    """CPU seconds of this process and its waited-for children (neo4j-admin import)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    main()
