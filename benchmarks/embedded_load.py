"""Embedded-store load of a Hetionet-size KGX graph, beside bare sqlite3 on the same rows.

The graph is ``hetionet_scale.py``'s (47,031 nodes, 1,854,510 distinct edges at
scale 1). Each step runs in a fresh process, so its CPU time and peak RSS are its own:

* ``kgtwin columnar`` — ``load_files(store, "kgx", [nodes, edges])``: the bulk path
  (:mod:`kgtwin.load_columnar`): parse, align, resolve, merge, commit;
* ``kgtwin records`` — the same load record by record (``columnar=False``);
* ``bare sqlite3`` — the bare tool: the same node and edge rows, already in memory as
  tuples (reading them is not timed), ``executemany`` into kgtwin's schema with its
  PRAGMAs in one transaction, in file order with the schema's indexes as they are;
  and ``bare sqlite3, key order`` — rows sorted first (not timed), the object index
  built after the insert, as kgtwin's bulk merge does;
* ``kgtwin reload`` — ``kgtwin load`` of the unchanged files again, a whole CLI process.

Edges/s are per CPU second (the development machine is shared; wall time is printed
too). The ratio is kgtwin's edges per CPU second over the bare tool's.

    python benchmarks/embedded_load.py [--scale 0.1] [--data DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = ["kgtwin columnar", "kgtwin records", "bare sqlite3", "bare sqlite3, key order"]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def kgtwin_load(data: Path, store: Path, columnar: bool) -> dict:
    from kgtwin.load import load_files
    from kgtwin.store import open_store

    started, cpu = time.perf_counter(), time.process_time()
    with open_store(store) as opened:
        report = load_files(opened, "kgx", [data / "nodes.tsv", data / "edges.tsv"],
                            columnar=columnar)
    return {"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - started,
            "edges": report.counts.edges, "stored_edges": report.counts.total_edges}


def bare_rows(data: Path) -> tuple[list[tuple], list[tuple]]:
    """The rows kgtwin stores, as tuples a bare ``executemany`` takes."""
    with open(data / "nodes.tsv", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        nodes = [(i, c, n, "{}", 1, "1") for i, c, n in reader]
    with open(data / "edges.tsv", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        edges = [(s, p, o, "", "{}", 1, "1") for s, p, o in reader]
    return nodes, edges


def bare_load(data: Path, store: Path, key_order: bool) -> dict:
    """Bare sqlite3: kgtwin's schema and PRAGMAs, rows in memory, one transaction."""
    import sqlite3

    from kgtwin.store.sqlite_sql import SCHEMA, run_script

    nodes, edges = bare_rows(data)
    if key_order:
        edges.sort()
    store.mkdir(parents=True)
    db = sqlite3.connect(store / "graph.sqlite", isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "cache_size = -262144",
                   "temp_store = FILE"):
        db.execute(f"PRAGMA {pragma}")
    db.execute("BEGIN")
    run_script(db, SCHEMA)
    db.execute("COMMIT")
    started, cpu = time.perf_counter(), time.process_time()
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?)", nodes)
    if key_order:
        db.execute("DROP INDEX edges_object")
    db.executemany("INSERT INTO edges (subject, predicate, object, qualifiers, properties, "
                   "aligned, sources) VALUES (?, ?, ?, ?, ?, ?, ?)", edges)
    if key_order:
        db.execute("CREATE INDEX edges_object ON edges (object, predicate)")
    db.execute("COMMIT")
    db.close()
    return {"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - started,
            "edges": len(edges), "stored_edges": len(edges)}


def run_step(step: str, data: Path, store: Path) -> dict:
    if step.startswith("kgtwin"):
        row = kgtwin_load(data, store, columnar=step == "kgtwin columnar")
    else:
        row = bare_load(data, store, key_order=step.endswith("key order"))
    return {**row, "peak_rss_mib": peak_rss_mib()}


def reload(data: Path, store: Path) -> dict:
    """``kgtwin load`` of files already in the store: a whole CLI process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [str(Path(sys.executable).parent / "kgtwin"), "--store", str(store), "load",
               "kgx", str(data / "nodes.tsv"), str(data / "edges.tsv")]
    done = subprocess.run(command,
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert "already loaded" in done.stdout + done.stderr, done.stdout + done.stderr
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_s": cpu, "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", type=Path, help="folder for the generated graph (kept)")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.data, args.store)))
        return
    with tempfile.TemporaryDirectory() as folder:
        data = args.data or Path(folder) / "graph"
        if not (data / "edges.tsv").exists():
            sys.path.insert(0, str(HERE))
            from hetionet_scale import generate

            generate(data, scale=args.scale)
        rows = {}
        for number, step in enumerate(STEPS):
            store = Path(folder) / f"store{number}"
            done = subprocess.run([sys.executable, __file__, "--step", step, "--data",
                                   str(data), "--store", str(store)],
                                  capture_output=True, text=True, check=True,
                                  env={**os.environ, "PYTHONPATH": str(HERE.parent)})
            rows[step] = json.loads(done.stdout.strip().splitlines()[-1])
        rows["kgtwin reload"] = reload(data, Path(folder) / "store0")
    edges = rows["kgtwin columnar"]["edges"]
    print(f"{edges:,} edges ({rows['kgtwin columnar']['stored_edges']:,} stored), "
          f"scale {args.scale}")
    print(f"{'step':<24} {'CPU s':>7} {'wall s':>7} {'edges/CPU s':>12} {'peak RSS MiB':>13} "
          f"{'vs bare':>8} {'vs bare, key order':>19}")
    for step, row in rows.items():
        rate = edges / row["cpu_s"]
        ratios = ""
        if "peak_rss_mib" in row:
            ratios = "".join(f" {rate / (edges / rows[b]['cpu_s']):>{w}.2f}x"
                             for b, w in (("bare sqlite3", 7), ("bare sqlite3, key order", 18)))
        print(f"{step:<24} {row['cpu_s']:>7.2f} {row['wall_s']:>7.2f} "
              f"{rate if 'peak_rss_mib' in row else 0:>12,.0f} "
              f"{row.get('peak_rss_mib', 0):>13,.0f}{ratios}", flush=True)


if __name__ == "__main__":
    main()
