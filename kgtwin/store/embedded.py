"""The embedded store: the default back end, one SQLite file in a folder, no server.

Why SQLite: it ships with Python, is among the most tested databases there are, and its
transactions are atomic and durable under a killed process (a load runs in one
transaction; a SIGKILL halfway leaves the previous state, which the journal restores on
the next open). Its B-tree indexes answer the point lookups that subgraphs, paths and
neighbours need in microseconds, which columnar engines do not. A load's edges are
staged and merged in key order at the end of the transaction (a large load rebuilds the
object index instead of updating it row by row), while a second thread reads the
source ahead (:mod:`kgtwin.store.prefetch`).

A statement stated by a second source gains that source's id instead of a second row
(see :mod:`kgtwin.store.sqlite_sql`); merging is :mod:`kgtwin.store.sqlite_merge`.
Per-sample measurements are not rows but per-entity vectors over a feature panel
(:mod:`kgtwin.store.sqlite_measures`): a 20,000 x 500 matrix loads in seconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pandas as pd

from kgtwin.biolink import Biolink, default_biolink
from kgtwin.collector import collector_paused
from kgtwin.columns import EdgeColumns
from kgtwin.errors import StoreError
from kgtwin.model import Edge, Node, Provenance, Record, merge_properties_text
from kgtwin.store import (
    frames,
    queries,
    sqlite_bulk,
    sqlite_measures,
    sqlite_subgraph,
    sqlite_upgrade,
)
from kgtwin.store.base import (
    Direction,
    GraphCounts,
    LedgerEntry,
    LoadCounts,
    Neighbor,
    SourceInfo,
)
from kgtwin.store.prefetch import batched, read_ahead
from kgtwin.store.sqlite_merge import BatchWriter
from kgtwin.store.sqlite_sql import BATCH, DATABASE, SCHEMA, SCHEMA_VERSION, run_script

log = logging.getLogger(__name__)

def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: How long one attempt at the write lock blocks inside SQLite before kgtwin says why.
_BUSY_SECONDS = 5.0
#: Page size of a new database: a bulk load writes a quarter of the pages (and WAL
#: frames) of SQLite's default 4 KiB, for the same rows; a store made before keeps its own.
PAGE_BYTES = 16384


def _private_file(database: Path) -> None:
    """Creates the store's folder (0700) and database file (0600) before SQLite opens it.

    Patient pseudonyms and measurements live here; SQLite gives its -wal and -shm files
    the database file's permissions, so those stay private too.
    """
    folder = database.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
        folder.chmod(0o700)  # mkdir's mode is filtered by the umask
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError as error:
        raise StoreError(f"cannot create the store at {folder}: {error.strerror}") from None


class EmbeddedStore:
    """The default store: a folder holding one SQLite database. See module docs for why."""

    def __init__(
        self,
        path: str | Path,
        *,
        biolink: Biolink | None = None,
        create: bool = True,
        lock_wait: float | None = None,
    ):
        self.path = Path(path)
        #: Seconds a write waits for another process's load (None: until it finishes).
        self.lock_wait = lock_wait
        self.biolink = biolink or default_biolink()
        database = self.path / DATABASE
        if not database.exists():
            if not create:
                raise StoreError(f"no kgtwin store at {self.path} (run `kgtwin load` first)")
            _private_file(database)
        busy = _BUSY_SECONDS if lock_wait is None else max(0.05, min(lock_wait, _BUSY_SECONDS))
        self.db = sqlite3.connect(
            database, isolation_level=None, check_same_thread=False, timeout=busy
        )
        # The model's one merge rule for properties (multivalued provenance accumulates).
        self.db.create_function("kgtwin_merge", 2, merge_properties_text, deterministic=True)
        self.db.execute(f"PRAGMA page_size = {PAGE_BYTES}")  # a new database only
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA cache_size = -262144")  # 256 MiB
        self.db.execute("PRAGMA temp_store = FILE")  # large loads stage on disk, not in RAM
        self._prepare_schema()
        self._provenance_cache: dict[int, Provenance] = {}
        self._provenance_lists: dict[str, tuple[Provenance, ...]] = {}

    def _prepare_schema(self) -> None:
        found = self.db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()
        if found:
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row and row[0] != SCHEMA_VERSION:
                with self._transaction():
                    sqlite_upgrade.upgrade(self.db, row[0], SCHEMA_VERSION, str(self.path))
            return
        with self._transaction():
            run_script(self.db, SCHEMA)
            self.db.execute(
                "INSERT OR REPLACE INTO meta VALUES "
                "('schema', ?), ('biolink', ?), ('revision', '0')",
                (SCHEMA_VERSION, self.biolink.version),
            )

    # --- transactions ---------------------------------------------------------------
    def _transaction(self) -> _Transaction:
        return _Transaction(self.db, self.lock_wait, str(self.path))

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
        return self._load(source, lambda writer: _write_records(writer, records))

    def load_columns(
        self, records: Iterable[Record], edges: Iterable[EdgeColumns], source: SourceInfo
    ) -> LoadCounts:
        """:meth:`load` of ``records`` and then of edges given as columns
        (:mod:`kgtwin.store.sqlite_bulk`), in the same one transaction; an error from
        ``edges`` (:class:`~kgtwin.columns.NotColumnar` included) leaves the store as it was.
        """
        def write(writer: BatchWriter) -> None:
            _write_records(writer, records)
            sqlite_bulk.merge_columns(writer, edges)

        return self._load(source, write)

    def _load(self, source: SourceInfo, write: Callable[[BatchWriter], None]) -> LoadCounts:
        with collector_paused(), self._transaction():
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
            edges_before = self._count("edges")
            writer = BatchWriter(self.db, self.biolink, str(source_id))
            write(writer)
            writer.flush()
            writer.measures.flush()
            self.db.execute(
                "INSERT INTO loads (source, loaded_at, nodes, edges, measurements) "
                "VALUES (?, ?, ?, ?, ?)",
                (source_id, _now(), writer.nodes, writer.edges, writer.measurements),
            )
            self._bump_revision()
        total_edges = self._count("edges")
        return LoadCounts(
            nodes=writer.nodes,
            edges=writer.edges,
            measurements=writer.measurements,
            total_nodes=self._count("nodes"),
            total_edges=total_edges,
            new_nodes=writer.new_nodes,
            new_edges=max(0, total_edges - edges_before),
        )

    def remove_source(self, name: str) -> int:
        ids = [str(r[0]) for r in self.db.execute("SELECT id FROM sources WHERE name=?", (name,))]
        if not ids:
            return 0
        removed = 0
        with self._transaction():
            for source_id in ids:
                for table in ("edges", "nodes"):
                    self.db.execute(
                        f"UPDATE {table} SET sources = trim(replace(',' || sources || ',', "
                        f"',{source_id},', ','), ',') WHERE instr(',' || sources || ',', "
                        f"',{source_id},')"
                    )
                removed += self.db.execute("DELETE FROM edges WHERE sources = ''").rowcount
                sqlite_measures.remove_source(self.db, int(source_id))
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
    def record_reconciliation(self, source: SourceInfo, account: Mapping[str, object]) -> None:
        source_id = self._source_id(source)
        if source_id is None:
            return
        with self._transaction():
            self.db.execute(
                "UPDATE loads SET reconciliation = ? WHERE id = (SELECT max(id) FROM loads "
                "WHERE source = ?)", (json.dumps(account), source_id),
            )

    def ledger(self) -> list[LedgerEntry]:
        rows = self.db.execute(
            "SELECT s.name, s.version, s.checksum, s.loader, s.path, s.options, l.loaded_at, "
            "l.nodes, l.edges, l.measurements, l.reconciliation FROM loads l "
            "JOIN sources s ON s.id = l.source ORDER BY l.id"
        )
        return [
            LedgerEntry(
                source=SourceInfo(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])),
                loaded_at=r[6],
                nodes=r[7],
                edges=r[8],
                measurements=r[9],
                reconciliation=json.loads(r[10]) if r[10] else None,
            )
            for r in rows
        ]

    def incomplete_loads(self) -> list[SourceInfo]:
        return []  # a load is one SQLite transaction

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

    def subgraph_frames(
        self, seeds: Iterable[str], *, hops: int = 1, predicates: Iterable[str] | None = None
    ) -> frames.SubgraphFrames:
        return sqlite_subgraph.subgraph_frames(self, seeds, hops, predicates)

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
            measurements=sqlite_measures.count(self.db),
        )

    def nodes_frame(self, *, category: str | None = None) -> pd.DataFrame:
        return frames.nodes_frame(self.nodes(category=category))

    def edges_frame(self, *, predicate: str | None = None) -> pd.DataFrame:
        return frames.edges_frame(self.edges(predicate=predicate))

    def measurements(
        self, *, entity: str | None = None, feature: str | None = None, kind: str | None = None
    ) -> pd.DataFrame:
        return sqlite_measures.frame(
            self.db,
            entity=(self.resolve(entity) or entity) if entity else None,
            feature=(self.resolve(feature) or feature) if feature else None,
            kind=kind or None,
        )

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
        """Provenance of a ``sources`` list; cached per list (large reads repeat few lists)."""
        cached = self._provenance_lists.get(sources)
        if cached is not None:
            return cached
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
        self._provenance_lists[sources] = tuple(found)
        return self._provenance_lists[sources]

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
            qualifiers=json.loads(qualifiers) if qualifiers else None,
            properties=json.loads(properties) if properties != "{}" else None,
            provenance=self._provenance(sources),
            aligned=bool(aligned),
        )


def _write_records(writer: BatchWriter, records: Iterable[Record]) -> None:
    for batch in read_ahead(batched(records, BATCH)):
        writer.write(batch)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: a load lands whole or not at all.

    Another process's load holds the write lock until it commits: wait for it, saying
    so once, up to ``wait`` seconds (None: as long as it takes), then fail in one line.
    """

    def __init__(self, db: sqlite3.Connection, wait: float | None = None, where: str = ""):
        self.db, self.wait, self.where = db, wait, where

    def __enter__(self) -> None:
        deadline = None if self.wait is None else time.monotonic() + self.wait
        told = False
        while True:
            try:
                self.db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
            if deadline is not None and time.monotonic() >= deadline:
                raise StoreError(
                    f"the store at {self.where} is locked by another load or writer; gave "
                    f"up after --wait {self.wait:g}s (try again when it has finished)"
                )
            if not told:
                log.warning("the store at %s is in use by another load; waiting for it to "
                            "finish (--wait SECONDS gives up after that long)", self.where)
                told = True

    def __exit__(self, kind: type | None, *exc: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


