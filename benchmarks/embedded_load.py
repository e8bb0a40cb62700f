"""Embedded-store load of a Hetionet-size graph, beside bare sqlite3 on the same rows.

Sources of the same size: ``--format kgx`` loads ``hetionet_scale.py``'s KGX TSV
pair (47,031 nodes, 1,854,510 distinct edges at scale 1); ``--format hetionet`` loads
``loaders.py``'s Hetionet-format JSON (47,031 nodes, 2,250,197 edges, some repeated) in
hetnetpy's indented layout (``json.dump(..., indent=2)``, as the real files are written);
``--format hetionet-lines`` the same graph one node or edge a line;
``--format hetionet-sif`` the same graph as Hetionet's TSV release (``nodes.tsv`` and
``edges.sif.gz``, metaedge abbreviations, no edge ``data``);
``--format triples`` and ``--format primekg`` load the KGX pair's graph written by
``table_scale.py`` as a headerless triples TSV (1,854,510 rows, no node rows) and as
PrimeKG's ``kg.csv`` (1,854,510 rows naming 46,927 nodes; genes by NCBI Gene id);
``--format drug-targets`` loads ``loaders.py``'s drug–target CSV (1,000,000 rows of
15,000 drugs and 20,000 approved gene symbols, resolved by the gene index).
Each step runs in a fresh process, so its CPU time and peak RSS are its own:

* ``kgtwin columnar`` — ``load_files``: the bulk path (:mod:`kgtwin.load_columnar`):
  parse, align, resolve, merge, commit;
* ``kgtwin columnar, baseline`` (with ``--baseline DIR``) — the same load by another
  revision of kgtwin, a source tree made by ``git archive REV | tar -x -C DIR``, in the
  same run (a busy machine's timings compare only within one run);
* ``kgtwin records`` — the same load record by record (``columnar=False``);
* ``bare sqlite3, key order`` — the bare tool as a plain script would drive it at its
  best: the rows kgtwin stored (nodes and edges, read back from its store; not timed)
  ``executemany``'d one row a statement into kgtwin's schema with the store's page size
  and the bulk merge's PRAGMAs in one transaction, sorted by key, the object index built
  after the insert;
* ``bare sqlite3, file order`` (KGX only) — the file's rows as tuples in file order into
  the same schema with its indexes as they are (what a plain script would do);
* ``kgtwin reload`` — ``kgtwin load`` of the unchanged files again, a whole CLI process.

Edges/s are edges read per CPU second (the development machine is shared; wall time
and edges per wall second are printed too, with the 1-minute load average when the
step started, so a number is never quoted without how busy the machine was). Ratios
are kgtwin's edges per CPU second over the bare tool's.

    python benchmarks/embedded_load.py [--format hetionet|hetionet-lines|hetionet-sif|
                                                 triples|primekg|drug-targets]
                                       [--scale 0.1] [--data DIR] [--baseline DIR]
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
STEPS = ["kgtwin columnar", "kgtwin columnar, baseline", "kgtwin records",
         "bare sqlite3, key order", "bare sqlite3, file order"]
FILES = {"kgx": ["nodes.tsv", "edges.tsv"], "hetionet": ["hetionet.json"],
         "hetionet-lines": ["hetionet-lines.json"],
         "hetionet-sif": ["nodes.tsv", "edges.sif.gz"],
         "triples": ["triples.tsv"], "primekg": ["kg.csv"],
         "drug-targets": ["drug_targets.csv"]}


#: The loader of a format that is not a loader's name.
LOADER = {"hetionet-sif": "hetionet", "hetionet-lines": "hetionet"}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def kgtwin_load(files: list[Path], format: str, store: Path, columnar: bool) -> dict:
    from kgtwin.load import load_files
    from kgtwin.store import open_store

    started, cpu = time.perf_counter(), time.process_time()
    with open_store(store) as opened:
        report = load_files(opened, format, files, columnar=columnar)
    return {"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - started,
            "edges": report.counts.edges, "stored_edges": report.counts.total_edges}


def stored_rows(store: Path) -> tuple[list[tuple], list[tuple]]:
    """The node and edge rows of a kgtwin store, in key order."""
    import sqlite3

    db = sqlite3.connect(store / "graph.sqlite")
    nodes = db.execute("SELECT id, category, name, properties, aligned, sources FROM nodes "
                       "ORDER BY id").fetchall()
    edges = db.execute("SELECT subject, predicate, object, qualifiers, properties, aligned, "
                       "sources FROM edges ORDER BY subject, predicate, object, qualifiers"
                       ).fetchall()
    db.close()
    return nodes, edges


def file_rows(data: Path) -> tuple[list[tuple], list[tuple]]:
    """A KGX pair's rows as tuples in file order (what a plain script would insert)."""
    with open(data / "nodes.tsv", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        nodes = [(i, c, n, "{}", 1, "1") for i, c, n in reader]
    with open(data / "edges.tsv", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        edges = [(s, p, o, "", "{}", 1, "1") for s, p, o in reader]
    return nodes, edges


def bare_load(rows: tuple[list[tuple], list[tuple]], store: Path, key_order: bool) -> dict:
    """Bare sqlite3: kgtwin's schema and bulk PRAGMAs, rows in memory, one transaction."""
    import sqlite3

    from kgtwin.store.embedded import PAGE_BYTES
    from kgtwin.store.sqlite_bulk import BULK_CACHE_KIB
    from kgtwin.store.sqlite_sql import SCHEMA, run_script

    nodes, edges = rows
    store.mkdir(parents=True)
    db = sqlite3.connect(store / "graph.sqlite", isolation_level=None)
    for pragma in (f"page_size = {PAGE_BYTES}", "journal_mode = WAL", "synchronous = NORMAL",
                   f"cache_size = -{BULK_CACHE_KIB}", "temp_store = FILE"):
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


def import_tree(tree: Path) -> None:
    """Makes ``import kgtwin`` load the source tree ``tree`` (its ``loaders/`` and
    ``ontologies/`` as ``kgtwin.loaders`` and ``kgtwin.ontologies``, as the wheel maps
    them) instead of the installed kgtwin."""
    import importlib.util

    sys.meta_path[:] = [f for f in sys.meta_path
                        if "editable" not in getattr(f, "__module__", "")]
    sys.path.insert(0, str(tree))
    import kgtwin

    assert Path(kgtwin.__file__).is_relative_to(tree), kgtwin.__file__
    for name in ("loaders", "ontologies"):
        spec = importlib.util.spec_from_file_location(
            f"kgtwin.{name}", tree / name / "__init__.py",
            submodule_search_locations=[str(tree / name)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        setattr(kgtwin, name, module)


def run_step(step: str, format: str, data: Path, store: Path, first: Path) -> dict:
    files = [data / name for name in FILES[format]]
    if step.startswith("kgtwin"):
        row = kgtwin_load(files, LOADER.get(format, format), store,
                          columnar=step.startswith("kgtwin columnar"))
    elif step.endswith("key order"):
        row = bare_load(stored_rows(first), store, key_order=True)
    else:
        row = bare_load(file_rows(data), store, key_order=False)
    return {**row, "peak_rss_mib": peak_rss_mib()}


def reload(files: list[Path], format: str, store: Path) -> dict:
    """``kgtwin load`` of files already in the store: a whole CLI process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, __file__, "--cli", "--store", str(store), "load",
               LOADER.get(format, format),
               *map(str, files)]  # this tree's CLI (the installed one may be another's)
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(HERE.parent)})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert "already loaded" in done.stdout + done.stderr, done.stdout + done.stderr
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu_s": cpu, "wall_s": wall}


def generate(format: str, data: Path, scale: float) -> None:
    sys.path.insert(0, str(HERE))
    if format == "kgx":
        from hetionet_scale import generate as write_kgx

        write_kgx(data, scale=scale)
    elif format in ("triples", "primekg"):
        from table_scale import generate as write_tables

        write_tables(data, scale=scale)
    elif format == "drug-targets":
        from loaders import write_drug_targets

        data.mkdir(parents=True, exist_ok=True)
        write_drug_targets(data / "drug_targets.csv", scale)
    elif format == "hetionet-sif":
        from loaders import write_hetionet_sif

        data.mkdir(parents=True, exist_ok=True)
        write_hetionet_sif(data, scale)
    else:
        from loaders import write_hetionet

        data.mkdir(parents=True, exist_ok=True)
        layout = "lines" if format == "hetionet-lines" else "indented"
        write_hetionet(data / FILES[format][0], scale, layout)


def main() -> None:
    if sys.argv[1:2] == ["--cli"]:  # the reload step: `kgtwin ARGS` run from this tree
        import_tree(HERE.parent)
        from kgtwin.cli import main as kgtwin

        sys.argv[1:2] = []
        kgtwin()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=sorted(FILES), default="kgx")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--data", type=Path, help="folder for the generated graph (kept)")
    parser.add_argument("--baseline", type=Path,
                        help="a source tree of another kgtwin revision to time beside this one")
    parser.add_argument("--step", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--first", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        # This tree's loaders too: an editable install would give another tree's.
        import_tree(args.baseline.resolve() if args.step.endswith("baseline")
                        else HERE.parent)
        print(json.dumps(run_step(args.step, args.format, args.data, args.store, args.first)))
        return
    steps = [s for s in STEPS if (args.baseline or not s.endswith("baseline"))
             and (args.format == "kgx" or not s.endswith("file order"))]
    with tempfile.TemporaryDirectory() as folder:
        data = args.data or Path(folder) / "graph"
        files = [data / name for name in FILES[args.format]]
        if not files[-1].exists():
            generate(args.format, data, args.scale)
        first = Path(folder) / "store0"
        rows = {}
        for number, step in enumerate(steps):
            load = os.getloadavg()[0]
            done = subprocess.run([sys.executable, __file__, "--step", step, "--format",
                                   args.format, "--data", str(data), "--store",
                                   str(Path(folder) / f"store{number}"), "--first", str(first),
                                   *(["--baseline", str(args.baseline)] if args.baseline
                                     else [])],
                                  capture_output=True, text=True, check=True,
                                  env={**os.environ, "PYTHONPATH": str(HERE.parent)})
            rows[step] = {**json.loads(done.stdout.strip().splitlines()[-1]), "load": load}
        load = os.getloadavg()[0]
        rows["kgtwin reload"] = {**reload(files, args.format, first), "load": load}
    edges = rows["kgtwin columnar"]["edges"]
    print(f"{args.format}: {edges:,} edges read, {rows['kgtwin columnar']['stored_edges']:,} "
          f"stored; scale {args.scale}")
    print(f"{'step':<26} {'CPU s':>7} {'wall s':>7} {'edges/CPU s':>12} {'edges/wall s':>13} "
          f"{'peak RSS MiB':>13} {'vs bare, key order':>19} {'load':>5}")
    best = edges / rows["bare sqlite3, key order"]["cpu_s"]
    for step, row in rows.items():
        rate = edges / row["cpu_s"]
        measured = "peak_rss_mib" in row
        wall_rate = edges / row["wall_s"] if measured else 0
        print(f"{step:<26} {row['cpu_s']:>7.2f} {row['wall_s']:>7.2f} "
              f"{rate if measured else 0:>12,.0f} {wall_rate:>13,.0f} "
              f"{row.get('peak_rss_mib', 0):>13,.0f} "
              f"{rate / best if measured else 0:>18.2f}x {row['load']:>5.1f}", flush=True)


if __name__ == "__main__":
    main()
