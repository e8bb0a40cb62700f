"""The embedded store's schema and the SQL its writes share.

Provenance is kept as the list of source ids on each node and edge (``sources``, e.g.
``"1,4"``) pointing into the ``sources`` table of the ledger; ``ADD_SOURCE`` adds an id
to such a list unless it is there already.
"""

from __future__ import annotations

import sqlite3

from kgtwin.store.sqlite_measures import SCHEMA as MEASURE_SCHEMA

#: 2: measurements kept as per-entity vectors (:mod:`kgtwin.store.sqlite_measures`);
#: a store of schema 1 is refused with a clear message (reload its sources).
#: 3: patient and sample ids pseudonymised within their dataset (phenopacket loads of
#: schema 2 are refused: :func:`kgtwin.store.sqlite_upgrade._patients_scoped_by_dataset`);
#: each load keeps its reconciliation (``loads.reconciliation``).
SCHEMA_VERSION = "3"
DATABASE = "graph.sqlite"
BATCH = 20_000
#: A load staging at least this many edges (and more than the graph holds) is a bulk load.
BULK_EDGES = 100_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
    checksum TEXT NOT NULL, loader TEXT NOT NULL, path TEXT NOT NULL,
    options TEXT NOT NULL, first_loaded TEXT NOT NULL,
    UNIQUE (name, version, checksum, loader, options));
CREATE TABLE IF NOT EXISTS loads (
    id INTEGER PRIMARY KEY, source INTEGER NOT NULL REFERENCES sources(id),
    loaded_at TEXT NOT NULL, nodes INTEGER NOT NULL, edges INTEGER NOT NULL,
    measurements INTEGER NOT NULL, reconciliation TEXT);
CREATE TABLE IF NOT EXISTS nodes (
    id TEXT PRIMARY KEY, category TEXT NOT NULL, name TEXT,
    properties TEXT NOT NULL, aligned INTEGER NOT NULL, sources TEXT NOT NULL)
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nodes_category ON nodes (category);
CREATE INDEX IF NOT EXISTS nodes_name ON nodes (name);
CREATE TABLE IF NOT EXISTS aliases (
    alias TEXT PRIMARY KEY, node TEXT NOT NULL, name TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_node ON aliases (node);
CREATE TABLE IF NOT EXISTS node_categories (
    node TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (node, category)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (
    id INTEGER PRIMARY KEY, subject TEXT NOT NULL, predicate TEXT NOT NULL,
    object TEXT NOT NULL, qualifiers TEXT NOT NULL, properties TEXT NOT NULL,
    aligned INTEGER NOT NULL, sources TEXT NOT NULL,
    UNIQUE (subject, predicate, object, qualifiers));
CREATE INDEX IF NOT EXISTS edges_object ON edges (object, predicate);
""" + MEASURE_SCHEMA


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Runs ``;``-separated statements inside the open transaction (``executescript``
    would commit it first)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


# Adds a source id to a comma-separated list unless it is there already.
ADD_SOURCE = (
    "CASE WHEN instr(',' || {table}.sources || ',', ',' || excluded.sources || ',') "
    "THEN {table}.sources ELSE {table}.sources || ',' || excluded.sources END"
)

STAGE_EDGES = """
CREATE TEMP TABLE IF NOT EXISTS staged_edges (
    subject TEXT, predicate TEXT, object TEXT, qualifiers TEXT, properties TEXT,
    aligned INTEGER, sources TEXT)
"""

# Staged edges go in sorted by key: B-tree inserts in order are several times faster.
MERGE_STAGED_EDGES = f"""
INSERT INTO edges (subject, predicate, object, qualifiers, properties, aligned, sources)
SELECT * FROM temp.staged_edges WHERE true ORDER BY subject, predicate, object, qualifiers
ON CONFLICT (subject, predicate, object, qualifiers) DO UPDATE SET
    properties = kgtwin_merge(edges.properties, excluded.properties),
    sources = {ADD_SOURCE.format(table="edges")}
"""
