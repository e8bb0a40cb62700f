"""The embedded store: the default back end, one SQLite file in a folder, no server.

Why SQLite: it ships with Python, is among the most tested databases there are, and its
transactions are atomic and durable under a killed process (a load runs in one
transaction; a SIGKILL halfway leaves the previous state, which the journal restores on
the next open). Its B-tree indexes answer the point lookups that subgraphs, paths and
neighbours need in microseconds, which columnar engines do not. Bulk loads go through
``executemany`` upserts inside that transaction.

Provenance is kept as the list of source ids on each node and edge (``sources``, e.g.
``"1,4"``), pointing into the ``sources`` table of the ledger; a statement stated by a
second source gains that source's id instead of a second row.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import networkx as nx
import pandas as pd

from kgtwin.biolink import ROOT_CATEGORY, Biolink, default_biolink
from kgtwin.errors import StoreError
from kgtwin.model import Edge, Measurement, Node, Provenance, Record, properties_text, qualifier_key
from kgtwin.store import queries
from kgtwin.store.base import (
    Direction,
    GraphCounts,
    LedgerEntry,
    LoadCounts,
    Neighbor,
    SourceInfo,
)
from kgtwin.store.identity import preferred_id

SCHEMA_VERSION = "1"
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
    measurements INTEGER NOT NULL);
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
CREATE TABLE IF NOT EXISTS measurements (
    entity TEXT NOT NULL, feature TEXT NOT NULL, kind TEXT NOT NULL,
    value REAL NOT NULL, zscore REAL, sources TEXT NOT NULL,
    PRIMARY KEY (entity, feature, kind)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS measurements_feature ON measurements (feature, kind);
"""

# Adds a source id to a comma-separated list unless it is there already.
_ADD_SOURCE = (
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
    properties = CASE WHEN excluded.properties = '{{}}' THEN edges.properties
                      ELSE json_patch(edges.properties, excluded.properties) END,
    sources = {_ADD_SOURCE.format(table="edges")}
"""

UPSERT_MEASUREMENT = f"""
INSERT INTO measurements (entity, feature, kind, value, zscore, sources)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (entity, feature, kind) DO UPDATE SET
    value = excluded.value, zscore = excluded.zscore,
    sources = {_ADD_SOURCE.format(table="measurements")}
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class EmbeddedStore:
    """The default store: a folder holding one SQLite database. See module docs for why."""

    def __init__(self, path: str | Path, *, biolink: Biolink | None = None, create: bool = True):
        self.path = Path(path)
        self.biolink = biolink or default_biolink()
        database = self.path / DATABASE
        if not database.exists():
            if not create:
                raise StoreError(f"no kgtwin store at {self.path} (run `kgtwin load` first)")
            self.path.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA cache_size = -262144")  # 256 MiB
        self.db.execute("PRAGMA temp_store = MEMORY")
        self._prepare_schema()
        self._provenance_cache: dict[int, Provenance] = {}

    def _prepare_schema(self) -> None:
        found = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if found:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row and row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by another kgtwin (schema {row[0]}, "
                    f"this kgtwin reads {SCHEMA_VERSION})"
                )
            return
        with self._transaction():
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES "
                "('schema', ?), ('biolink', ?), ('revision', '0')",
                (SCHEMA_VERSION, self.biolink.version),
            )

    # --- transactions ---------------------------------------------------------------
    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # --- writing --------------------------------------------------------------------
    def is_loaded(self, source: SourceInfo) -> bool:
        return self._source_id(source) is not None

    def _source_id(self, source: SourceInfo) -> int | None:
        row = self.db.execute(
            "SELECT id FROM sources WHERE name=? AND version=? AND checksum=? AND loader=? "
            "AND options=?",
            (source.name, source.version, source.checksum, source.loader, source.options_text),
        ).fetchone()
        return row[0] if row else None

    def load(self, records: Iterable[Record], source: SourceInfo) -> LoadCounts:
        """Merges records from one source in one transaction (see the protocol's rules)."""
        with self._transaction():
            source_id = self._source_id(source)
            if source_id is None:
                source_id = self.db.execute(
                    "INSERT INTO sources (name, version, checksum, loader, path, options, "
                    "first_loaded) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        source.name,
                        source.version,
                        source.checksum,
                        source.loader,
                        source.path,
                        source.options_text,
                        _now(),
                    ),
                ).fetchone()[0]
            writer = _BatchWriter(self, str(source_id))
            iterator = iter(records)
            while batch := list(islice(iterator, BATCH)):
                writer.write(batch)
            writer.flush()
            self.db.execute(
                "INSERT INTO loads (source, loaded_at, nodes, edges, measurements) "
                "VALUES (?, ?, ?, ?, ?)",
                (source_id, _now(), writer.nodes, writer.edges, writer.measurements),
            )
            self._bump_revision()
        return LoadCounts(
            nodes=writer.nodes,
            edges=writer.edges,
            measurements=writer.measurements,
            total_nodes=self._count("nodes"),
            total_edges=self._count("edges"),
        )

    def remove_source(self, name: str) -> int:
        ids = [str(r[0]) for r in self.db.execute("SELECT id FROM sources WHERE name=?", (name,))]
        if not ids:
            return 0
        removed = 0
        with self._transaction():
            for source_id in ids:
                for table in ("edges", "nodes", "measurements"):
                    self.db.execute(
                        f"UPDATE {table} SET sources = trim(replace(',' || sources || ',', "
                        f"',{source_id},', ','), ',') WHERE instr(',' || sources || ',', "
                        f"',{source_id},')"
                    )
                removed += self.db.execute("DELETE FROM edges WHERE sources = ''").rowcount
                self.db.execute("DELETE FROM measurements WHERE sources = ''")
                self._delete_orphan_nodes()
            self._bump_revision()
        return removed

    def _delete_orphan_nodes(self) -> None:
        orphans = """SELECT id FROM nodes WHERE sources = '' AND NOT EXISTS
                     (SELECT 1 FROM edges WHERE subject = nodes.id OR object = nodes.id)"""
        for table, column in (("aliases", "node"), ("node_categories", "node")):
            self.db.execute(f"DELETE FROM {table} WHERE {column} IN ({orphans})")
        self.db.execute(f"DELETE FROM nodes WHERE id IN ({orphans})")

    def _bump_revision(self) -> None:
        self.db.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'"
        )
        self.db.execute("DELETE FROM meta WHERE key = 'checksum'")

    # --- reading --------------------------------------------------------------------
    def ledger(self) -> list[LedgerEntry]:
        rows = self.db.execute(
            "SELECT s.name, s.version, s.checksum, s.loader, s.path, s.options, l.loaded_at, "
            "l.nodes, l.edges, l.measurements FROM loads l JOIN sources s ON s.id = l.source "
            "ORDER BY l.id"
        )
        return [
            LedgerEntry(
                source=SourceInfo(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])),
                loaded_at=r[6],
                nodes=r[7],
                edges=r[8],
                measurements=r[9],
            )
            for r in rows
        ]

    def resolve(self, id: str) -> str | None:
        return queries.resolve(self, id)

    def node(self, id: str) -> Node | None:
        resolved = self.resolve(id)
        if resolved is None:
            return None
        row = self.db.execute(queries.NODE_COLUMNS + " WHERE id = ?", (resolved,)).fetchone()
        return self._node(row)

    def nodes(self, *, category: str | None = None) -> Iterator[Node]:
        sql, params = queries.NODE_COLUMNS, ()
        if category:
            names = sorted(self.biolink.descendants(category))
            sql += f" WHERE category IN ({','.join('?' * len(names))})"
            params = tuple(names)
        for row in self.db.execute(sql + " ORDER BY id", params):
            yield self._node(row)

    def edges(
        self, *, predicate: str | None = None, subject: str | None = None, object: str | None = None
    ) -> Iterator[Edge]:
        where, params = [], []
        if predicate:
            where.append("predicate = ?")
            params.append(self.biolink.predicate(predicate) if ":" not in predicate
                          or predicate.startswith("biolink:") else predicate)
        for column, value in (("subject", subject), ("object", object)):
            if value:
                where.append(f"{column} = ?")
                params.append(self.resolve(value) or value)
        sql = queries.EDGE_COLUMNS + (" WHERE " + " AND ".join(where) if where else "")
        for row in self.db.execute(sql + " ORDER BY id", params):
            yield self._edge(row)

    def neighbors(
        self,
        id: str,
        *,
        predicate: str | None = None,
        category: str | None = None,
        direction: Direction = "both",
    ) -> list[Neighbor]:
        return queries.neighbors(self, id, predicate, category, direction)

    def subgraph(
        self, seeds: Iterable[str], *, hops: int = 1, predicates: Iterable[str] | None = None
    ) -> nx.MultiDiGraph:
        return queries.subgraph(self, seeds, hops, predicates)

    def paths(
        self, source: str, target: str, *, max_length: int = 3, limit: int = 100
    ) -> list[list[Edge]]:
        return queries.paths(self, source, target, max_length, limit)

    def counts(self) -> GraphCounts:
        by_category = dict(
            self.db.execute(
                "SELECT category, count(*) FROM nodes GROUP BY category ORDER BY 2 DESC"
            )
        )
        by_predicate = dict(
            self.db.execute(
                "SELECT predicate, count(*) FROM edges GROUP BY predicate ORDER BY 2 DESC"
            )
        )
        return GraphCounts(
            nodes=sum(by_category.values()),
            edges=sum(by_predicate.values()),
            nodes_by_category=by_category,
            edges_by_predicate=by_predicate,
            unaligned_nodes=self._count("nodes", "aligned = 0"),
            unaligned_edges=self._count("edges", "aligned = 0"),
            measurements=self._count("measurements"),
        )

    def nodes_frame(self, *, category: str | None = None) -> pd.DataFrame:
        rows = [queries.node_row(n) for n in self.nodes(category=category)]
        return pd.DataFrame(rows, columns=queries.NODE_FRAME_COLUMNS)

    def edges_frame(self, *, predicate: str | None = None) -> pd.DataFrame:
        rows = [queries.edge_row(e) for e in self.edges(predicate=predicate)]
        return pd.DataFrame(rows, columns=queries.EDGE_FRAME_COLUMNS)

    def measurements(
        self, *, entity: str | None = None, feature: str | None = None, kind: str | None = None
    ) -> pd.DataFrame:
        where, params = [], []
        for column, value in (("entity", entity), ("feature", feature)):
            if value:
                where.append(f"{column} = ?")
                params.append(self.resolve(value) or value)
        if kind:
            where.append("kind = ?")
            params.append(kind)
        sql = "SELECT entity, feature, kind, value, zscore FROM measurements"
        sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY entity, feature"
        return pd.read_sql_query(sql, self.db, params=params)

    def revision(self) -> int:
        return int(self.db.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0])

    def checksum(self) -> str:
        cached = self.db.execute("SELECT value FROM meta WHERE key='checksum'").fetchone()
        if cached:
            return cached[0]
        digest = hashlib.sha256()
        for sql in (
            "SELECT id, category, coalesce(name, ''), properties FROM nodes ORDER BY id",
            "SELECT subject, predicate, object, qualifiers, properties FROM edges "
            "ORDER BY subject, predicate, object, qualifiers",
        ):
            for row in self.db.execute(sql):
                digest.update("\t".join(row).encode())
                digest.update(b"\n")
        value = digest.hexdigest()
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('checksum', ?)", (value,))
        return value

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- row conversion -------------------------------------------------------------
    def _count(self, table: str, where: str = "1") -> int:
        return self.db.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]

    def _provenance(self, sources: str) -> tuple[Provenance, ...]:
        found = []
        for text in sources.split(","):
            if not text:
                continue
            key = int(text)
            if key not in self._provenance_cache:
                row = self.db.execute(
                    "SELECT name, version, checksum, first_loaded, loader FROM sources "
                    "WHERE id = ?",
                    (key,),
                ).fetchone()
                self._provenance_cache[key] = Provenance(*row)
            found.append(self._provenance_cache[key])
        return tuple(found)

    def _node(self, row: tuple | None) -> Node | None:
        if row is None:
            return None
        id_, category, name, properties, aligned, sources = row
        xrefs = tuple(
            r[0] for r in self.db.execute("SELECT alias FROM aliases WHERE node = ?", (id_,))
        )
        return Node(
            id=id_,
            category=category,
            name=name,
            xrefs=xrefs,
            properties=json.loads(properties),
            provenance=self._provenance(sources),
            aligned=bool(aligned),
        )

    def _edge(self, row: tuple) -> Edge:
        _, subject, predicate, object_, qualifiers, properties, aligned, sources = row
        return Edge(
            subject=subject,
            predicate=predicate,
            object=object_,
            qualifiers=json.loads(qualifiers) if qualifiers else {},
            properties=json.loads(properties),
            provenance=self._provenance(sources),
            aligned=bool(aligned),
        )


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: a load lands whole or not at all."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type | None, *exc: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


class _BatchWriter:
    """Merges batches of records into the open transaction of one load."""

    def __init__(self, store: EmbeddedStore, source_id: str):
        self.store = store
        self.db = store.db
        self.biolink = store.biolink
        self.source_id = source_id
        self.nodes = self.edges = self.measurements = 0
        self._aliases: dict[str, str] = {}
        self._staged = 0
        self.db.execute(STAGE_EDGES)
        self.db.execute("DELETE FROM temp.staged_edges")

    def write(self, batch: list[Record]) -> None:
        nodes = [r for r in batch if isinstance(r, Node)]
        edges = [r for r in batch if isinstance(r, Edge)]
        measurements = [r for r in batch if isinstance(r, Measurement)]
        if nodes:
            self._prefetch(i for n in nodes for i in (n.id, *n.xrefs))
            fresh, merges = self._split_fresh(nodes)
            self._insert_fresh(fresh)
            for node in merges:
                self._merge_node(node)
            self.nodes += len(nodes)
        if edges:
            self._write_edges(edges)
            self.edges += len(edges)
        if measurements:
            self._write_measurements(measurements)
            self.measurements += len(measurements)

    # --- identity ---------------------------------------------------------------------
    def _prefetch(self, ids: Iterable[str]) -> None:
        wanted = [i for i in set(ids) if i not in self._aliases]
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            marks = ",".join("?" * len(chunk))
            self._aliases.update(
                self.db.execute(f"SELECT alias, node FROM aliases WHERE alias IN ({marks})", chunk)
            )

    def _split_fresh(self, nodes: list[Node]) -> tuple[list[Node], list[Node]]:
        """Nodes that touch nothing stored (new id, no xrefs, once in the batch) can be
        inserted in bulk; the rest go through the equivalence merge one by one."""
        counts: dict[str, int] = {}
        for node in nodes:
            counts[node.id] = counts.get(node.id, 0) + 1
        fresh, merges = [], []
        for node in nodes:
            simple = not node.xrefs and node.id not in self._aliases and counts[node.id] == 1
            (fresh if simple else merges).append(node)
        return fresh, merges

    def _insert_fresh(self, nodes: list[Node]) -> None:
        if not nodes:
            return
        self.db.executemany(
            "INSERT INTO nodes (id, category, name, properties, aligned, sources) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (n.id, n.category if n.aligned else ROOT_CATEGORY, n.name,
                 properties_text(n.properties), int(n.aligned), self.source_id)
                for n in nodes
            ],
        )
        self.db.executemany(
            "INSERT INTO aliases (alias, node, name) VALUES (?, ?, ?)",
            [(n.id, n.id, n.name) for n in nodes],
        )
        self.db.executemany(
            "INSERT INTO node_categories VALUES (?, ?)",
            [(n.id, n.category if n.aligned else ROOT_CATEGORY) for n in nodes],
        )
        for node in nodes:
            self._aliases[node.id] = node.id

    def _merge_node(self, node: Node) -> None:
        members = {node.id, *node.xrefs}
        existing = {self._aliases[m] for m in members if m in self._aliases}
        categories = {node.category}
        aliases = set(members)
        for other in existing:
            categories.update(
                r[0]
                for r in self.db.execute(
                    "SELECT category FROM node_categories WHERE node = ?", (other,)
                )
            )
            aliases.update(
                r[0] for r in self.db.execute("SELECT alias FROM aliases WHERE node = ?", (other,))
            )
        category = self.biolink.resolve_category(categories) if node.aligned else ROOT_CATEGORY
        target = preferred_id(aliases, category, self.biolink) if node.aligned else node.id
        for other in existing - {target}:
            self._rekey(other, target)
        self.db.execute(
            "INSERT INTO nodes (id, category, name, properties, aligned, sources) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "category = excluded.category, "
            "name = coalesce(excluded.name, nodes.name), "
            "properties = CASE WHEN excluded.properties = '{}' THEN nodes.properties "
            "ELSE json_patch(nodes.properties, excluded.properties) END, "
            f"sources = {_ADD_SOURCE.format(table='nodes')}",
            (
                target,
                category,
                node.name,
                properties_text(node.properties),
                int(node.aligned),
                self.source_id,
            ),
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO node_categories VALUES (?, ?)",
            [(target, c) for c in {node.category, category}],
        )
        self.db.executemany(
            "INSERT INTO aliases (alias, node) VALUES (?, ?) ON CONFLICT (alias) DO UPDATE "
            "SET node = excluded.node",
            [(alias, target) for alias in members],
        )
        if node.name:
            self.db.execute("UPDATE aliases SET name = ? WHERE alias = ?", (node.name, node.id))
        for alias in members:
            self._aliases[alias] = target
        self._name_from_preferred(target)

    def _name_from_preferred(self, node: str) -> None:
        """The record carrying the preferred id names the node, whatever the load order."""
        self.db.execute(
            "UPDATE nodes SET name = (SELECT name FROM aliases WHERE alias = ?) "
            "WHERE id = ? AND (SELECT name FROM aliases WHERE alias = ?) IS NOT NULL",
            (node, node, node),
        )

    def _rekey(self, old: str, new: str) -> None:
        """Folds node ``old`` into ``new``: aliases, categories, provenance and edges move."""
        self.flush()  # staged edges may name ``old``
        db = self.db
        db.execute("UPDATE aliases SET node = ? WHERE node = ?", (new, old))
        db.execute(
            "INSERT OR IGNORE INTO node_categories SELECT ?, category FROM node_categories "
            "WHERE node = ?",
            (new, old),
        )
        db.execute("DELETE FROM node_categories WHERE node = ?", (old,))
        db.execute(
            "INSERT INTO nodes (id, category, name, properties, aligned, sources) "
            "SELECT ?, category, name, properties, aligned, sources FROM nodes WHERE id = ? "
            "ON CONFLICT (id) DO UPDATE SET name = coalesce(nodes.name, excluded.name), "
            "properties = json_patch(excluded.properties, nodes.properties), "
            "sources = nodes.sources || ',' || excluded.sources",
            (new, old),
        )
        db.execute("DELETE FROM nodes WHERE id = ?", (old,))
        for column in ("subject", "object"):
            db.execute(
                f"INSERT INTO edges (subject, predicate, object, qualifiers, properties, aligned, "
                f"sources) SELECT {'?' if column == 'subject' else 'subject'}, predicate, "
                f"{'?' if column == 'object' else 'object'}, qualifiers, properties, aligned, "
                f"sources FROM edges WHERE {column} = ? ORDER BY id "
                "ON CONFLICT (subject, predicate, object, qualifiers) DO UPDATE SET "
                "properties = json_patch(edges.properties, excluded.properties), "
                "sources = edges.sources || ',' || excluded.sources",
                (new, old),
            )
            db.execute(f"DELETE FROM edges WHERE {column} = ?", (old,))
        for column in ("entity", "feature"):
            db.execute(f"UPDATE OR REPLACE measurements SET {column} = ? WHERE {column} = ?",
                       (new, old))
        self._dedupe_sources(new)
        self._dedupe_edge_sources(new)
        for alias, target in list(self._aliases.items()):
            if target == old:
                self._aliases[alias] = new

    def _dedupe_sources(self, node: str) -> None:
        row = self.db.execute("SELECT sources FROM nodes WHERE id = ?", (node,)).fetchone()
        if row:
            unique = ",".join(sorted(set(filter(None, row[0].split(","))), key=int))
            self.db.execute("UPDATE nodes SET sources = ? WHERE id = ?", (unique, node))

    def _dedupe_edge_sources(self, node: str) -> None:
        rows = self.db.execute(
            "SELECT id, sources FROM edges WHERE subject = ? OR object = ?", (node, node)
        ).fetchall()
        self.db.executemany(
            "UPDATE edges SET sources = ? WHERE id = ?",
            [(",".join(sorted(set(s.split(",")), key=int)), i) for i, s in rows],
        )

    # --- edges and measurements -------------------------------------------------------
    def _endpoint(self, id_: str, aligned: bool, stubs: dict[str, tuple]) -> str:
        found = self._aliases.get(id_)
        if found is None:
            stubs[id_] = (id_, ROOT_CATEGORY, None, "{}", int(aligned), self.source_id)
            self._aliases[id_] = id_
            return id_
        return found

    def _write_edges(self, edges: list[Edge]) -> None:
        self._prefetch(i for e in edges for i in (e.subject, e.object))
        stubs: dict[str, tuple] = {}
        rows = []
        source = self.source_id
        for edge in edges:
            subject = self._endpoint(edge.subject, edge.aligned, stubs)
            object_ = self._endpoint(edge.object, edge.aligned, stubs)
            rows.append(
                (
                    subject,
                    edge.predicate,
                    object_,
                    qualifier_key(edge.qualifiers),
                    properties_text(edge.properties),
                    int(edge.aligned),
                    source,
                )
            )
        self._insert_stubs(stubs)
        self.db.executemany("INSERT INTO temp.staged_edges VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self._staged += len(rows)

    def flush(self) -> None:
        """Merges the staged edges into the graph (at the end of a load, before a re-key).

        A load that brings many edges relative to the graph rebuilds the object index
        afterwards instead of updating it row by row (bulk path; same transaction).
        """
        if not self._staged:
            return
        existing = self.db.execute("SELECT max(id) FROM edges").fetchone()[0] or 0
        bulk = self._staged >= max(BULK_EDGES, existing)
        if bulk:
            self.db.execute("DROP INDEX IF EXISTS edges_object")
        self.db.execute(MERGE_STAGED_EDGES)
        if bulk:
            self.db.execute("CREATE INDEX edges_object ON edges (object, predicate)")
        self.db.execute("DELETE FROM temp.staged_edges")
        self._staged = 0

    def _write_measurements(self, measurements: list[Measurement]) -> None:
        self._prefetch(i for m in measurements for i in (m.entity, m.feature))
        stubs: dict[str, tuple] = {}
        rows = [
            (
                self._endpoint(m.entity, True, stubs),
                self._endpoint(m.feature, True, stubs),
                m.kind,
                float(m.value),
                None if m.zscore is None else float(m.zscore),
                self.source_id,
            )
            for m in measurements
        ]
        self._insert_stubs(stubs)
        self.db.executemany(UPSERT_MEASUREMENT, rows)

    def _insert_stubs(self, stubs: dict[str, tuple]) -> None:
        """Nodes that edges name before any record describes them (NamedThing until then)."""
        if not stubs:
            return
        self.db.executemany("INSERT OR IGNORE INTO nodes VALUES (?, ?, ?, ?, ?, ?)", stubs.values())
        self.db.executemany(
            "INSERT OR IGNORE INTO aliases (alias, node) VALUES (?, ?)", [(s, s) for s in stubs]
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO node_categories VALUES (?, ?)",
            [(s, ROOT_CATEGORY) for s in stubs],
        )
