"""The Neo4j back end of :class:`kgtwin.store.base.GraphStore`, over Bolt with the driver.

Same merge rules and the same answers as the embedded store (the shared suite in
``tests/store`` runs on both). What differs, and why:

* Loads are batched ``UNWIND … MERGE``/``CREATE`` statements of :data:`BATCH` records,
  committed one of two ways (``commit``):

  - ``"load"`` (the default): the whole load is one transaction, so it lands whole or
    not at all, as the protocol asks and the embedded store does. A load of a list is
    retried on transient errors (deadlock, leader switch); a one-shot iterator cannot
    be replayed and fails with the error. A source too big for the server's
    transaction memory fails at once, with nothing kept.
  - ``"batch"``: one transaction per batch, retried on its own on transient errors,
    with the ledger entry written last. Memory on the server stays bounded by a batch,
    so any size loads (``kgtwin push`` uses it: its records are already validated).
    A load stopped half-way (the server went away, the source failed) keeps its
    committed batches, none half-written, and the ledger does not list it; loading it
    again completes it, because merges are idempotent.

  Whole graphs load fastest through ``neo4j-admin database import`` (:mod:`.bulk`).
* The schema is made on first use: a uniqueness constraint on ``:NamedThing(id)`` (every
  node has the root label), on ``:KgtwinAlias(alias)`` and on measurements' keys, and
  indexes on ``name``, ``xrefs`` and ``category``.
* Bookkeeping lives in nodes with ``Kgtwin*`` labels (aliases, sources, loads,
  measurements, one meta node), out of the way of Biolink-labelled queries.

The mapping of records to labels, types and properties is :mod:`kgtwin.neo4j.codec`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from kgtwin.biolink import Biolink, default_biolink
from kgtwin.collector import collector_paused
from kgtwin.errors import StoreError
from kgtwin.model import Edge, Node, Provenance, Record, properties_text, qualifier_key
from kgtwin.neo4j import codec
from kgtwin.neo4j.captions import refresh_captions
from kgtwin.neo4j.settings import Neo4jSettings
from kgtwin.neo4j.store_batches import RETRIES, BatchCommits
from kgtwin.neo4j.store_read import GraphReads
from kgtwin.neo4j.store_write import STAGE_LIMIT, Neo4jBatchWriter
from kgtwin.neo4j.upgrade import upgrade_schema
from kgtwin.store.base import COMMITS, Commit, LedgerEntry, LoadCounts, SourceInfo
from kgtwin.store.prefetch import batched, read_ahead

log = logging.getLogger(__name__)

#: 2: labels are the category and its is_a ancestors (schema 1 added the mixins; a
#: graph of schema 1 is upgraded on open, kgtwin.neo4j.upgrade).
SCHEMA_VERSION = "2"
#: The graph's size from Neo4j's count store (constant time; counts() reads every edge).
TOTALS = ("CALL () { MATCH (n:NamedThing) RETURN count(n) AS nodes } "
          "CALL () { MATCH ()-[r]->() RETURN count(r) AS edges } RETURN nodes, edges")
BATCH = 5_000

SCHEMA = (
    "CREATE CONSTRAINT kgtwin_node_id IF NOT EXISTS FOR (n:NamedThing) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT kgtwin_alias IF NOT EXISTS FOR (a:KgtwinAlias) REQUIRE a.alias IS UNIQUE",
    "CREATE CONSTRAINT kgtwin_source IF NOT EXISTS FOR (s:KgtwinSource) REQUIRE s.sid IS UNIQUE",
    "CREATE CONSTRAINT kgtwin_measurement IF NOT EXISTS FOR (m:KgtwinMeasurement) "
    "REQUIRE (m.entity, m.feature, m.kind) IS UNIQUE",
    "CREATE INDEX kgtwin_alias_node IF NOT EXISTS FOR (a:KgtwinAlias) ON (a.node)",
    "CREATE INDEX kgtwin_node_name IF NOT EXISTS FOR (n:NamedThing) ON (n.name)",
    "CREATE INDEX kgtwin_node_xrefs IF NOT EXISTS FOR (n:NamedThing) ON (n.xrefs)",
    "CREATE INDEX kgtwin_node_category IF NOT EXISTS FOR (n:NamedThing) ON (n.category)",
    "CREATE INDEX kgtwin_measurement_feature IF NOT EXISTS "
    "FOR (m:KgtwinMeasurement) ON (m.feature, m.kind)",
)


def create_schema(driver: Any, database: str | None = None) -> None:
    """The constraints and indexes kgtwin reads with (idempotent; waits until online)."""
    with driver.session(database=database) as session:
        for statement in SCHEMA:  # schema commands run in their own transactions
            session.run(statement).consume()
        session.run("CALL db.awaitIndexes(300)").consume()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Neo4jStore(GraphReads):
    """A kgtwin graph in one Neo4j database. ``close()`` closes the driver it opened."""

    def __init__(
        self,
        settings: Neo4jSettings,
        *,
        biolink: Biolink | None = None,
        batch_size: int = BATCH,
        commit: Commit = "load",
    ):
        if commit not in COMMITS:
            raise ValueError(f"commit must be one of {COMMITS}, not {commit!r}")
        self.commit = commit
        self.settings = settings
        self.database = settings.database
        self.biolink = biolink or default_biolink()
        self.batch_size = batch_size
        self.driver = settings.driver()
        self._provenance_cache: dict[int, Provenance] = {}
        try:
            self._prepare_schema()
        except Exception:
            self.driver.close()
            raise

    # --- plumbing ---------------------------------------------------------------------
    def _read(self, query: str, **params: Any) -> list:
        from neo4j import READ_ACCESS

        with self.driver.session(database=self.database, default_access_mode=READ_ACCESS) as s:
            return s.execute_read(lambda tx: list(tx.run(query, params)))

    def _write(self, query: str, **params: Any) -> list:
        with self.driver.session(database=self.database) as session:
            return session.execute_write(lambda tx: list(tx.run(query, params)))

    def _prepare_schema(self) -> None:
        found = self._read("MATCH (m:KgtwinMeta {key: 'kgtwin'}) RETURN m.schema")
        if found:
            if found[0][0] != SCHEMA_VERSION:
                upgrade_schema(self.driver, self.database, self.biolink, str(found[0][0]),
                               SCHEMA_VERSION, self.settings.uri)
            return
        create_schema(self.driver, self.database)
        self._write(
            "MERGE (m:KgtwinMeta {key: 'kgtwin'}) ON CREATE SET m.schema = $schema, "
            "m.biolink = $biolink, m.revision = 0, m.next_source = 0, m.next_load = 0",
            schema=SCHEMA_VERSION,
            biolink=self.biolink.version,
        )

    # --- writing ----------------------------------------------------------------------
    def is_loaded(self, source: SourceInfo) -> bool:
        """Whether the ledger lists the source (a load stopped half-way is not loaded)."""
        sid = self._source_id(source)
        return sid is not None and bool(self._read("MATCH (l:KgtwinLoad {sid: $sid}) "
                                                   "RETURN l LIMIT 1", sid=sid))  # fmt: skip

    def _source_id(self, source: SourceInfo, tx: Any = None) -> int | None:
        query = (
            "MATCH (s:KgtwinSource {name: $name, version: $version, checksum: $checksum, "
            "loader: $loader, options: $options}) RETURN s.sid"
        )
        params = {
            "name": source.name,
            "version": source.version,
            "checksum": source.checksum,
            "loader": source.loader,
            "options": source.options_text,
        }
        rows = list(tx.run(query, params)) if tx is not None else self._read(query, **params)
        return rows[0][0] if rows else None

    def load(self, records: Iterable[Record], source: SourceInfo) -> LoadCounts:
        """Merge ``records``: in one transaction, or batch by batch (see the module)."""
        from neo4j.exceptions import (
            IncompleteCommit,
            ServiceUnavailable,
            SessionExpired,
            TransientError,
        )

        label, uri = f"{source.name} {source.version}", self.settings.uri
        if self.commit == "batch":
            kept = "the batches committed before stay, and the ledger does not list the load"
            gone = f"{kept}: load it again to complete it once the server is back"
            way_out = "Give the server more heap"
        else:
            kept = "nothing of this load was kept"
            gone = f"{kept}: load it again once the server is back"
            way_out = "Load it batch by batch (--commit batch), give the server more heap"
        gone = f"Neo4j at {uri} went away during the load of {label}; {gone}"
        (before,) = self._read(TOTALS)
        attempts = RETRIES if self.commit == "load" and isinstance(records, Sequence) else 1
        for attempt in range(1, attempts + 1):
            try:
                with collector_paused():
                    if self.commit == "batch":
                        writer = self._load_in_batches(records, source)
                    else:
                        writer = self._load_whole(records, source)
                break
            except IncompleteCommit:
                if self.commit == "batch":  # a batch may be in; the load is incomplete
                    raise StoreError(gone) from None
                raise StoreError(
                    f"Neo4j at {uri} went away while committing the load of {label}; it may "
                    "or may not be in (see the ledger); loading it again is safe"
                ) from None
            except (ServiceUnavailable, SessionExpired):
                raise StoreError(gone) from None
            except TransientError as error:
                code = error.code or ""
                if code.endswith("DatabaseUnavailable"):  # the server is shutting down
                    raise StoreError(gone) from None
                if "MemoryPoolOutOfMemoryError" in code:  # retrying cannot help
                    raise StoreError(
                        f"the load of {label} needs more transaction memory than Neo4j at "
                        f"{uri} allows (dbms.memory.transaction.total.max); {kept}. "
                        f"{way_out} (kgtwin neo4j start --heap 4g), or push a whole graph "
                        "with `kgtwin push --method bulk --replace`"
                    ) from None
                if attempt == attempts:
                    raise StoreError(f"Neo4j load failed: {error.message}; {kept}") from error
                log.warning("transient Neo4j error (%s); retrying the load", error.code)
        (row,) = self._read(TOTALS)
        return LoadCounts(
            nodes=writer.nodes,
            edges=writer.edges,
            measurements=writer.measurements,
            total_nodes=row[0],
            total_edges=row[1],
            new_nodes=writer.new_nodes,
            new_edges=max(0, row[1] - before[1]),
        )

    def _load_whole(self, records: Iterable[Record], source: SourceInfo) -> Neo4jBatchWriter:
        """The load in one transaction, which also holds the meta node's lock."""
        with (
            self.driver.session(database=self.database) as session,
            session.begin_transaction() as tx,
        ):
            source_id, _ = self._open_source(tx, source)
            writer = Neo4jBatchWriter(tx, self.biolink, source_id, self._next_seq(tx))
            self._feed(writer, records, lambda work: work())
            self._record_load(tx, writer)
            tx.commit()
        return writer

    def _load_in_batches(
        self, records: Iterable[Record], source: SourceInfo
    ) -> Neo4jBatchWriter:
        """The load as one transaction per batch of records or of staged edges.

        A transaction of its own (``lock``) holds the meta node's write lock from start to
        end, so loads still run one at a time, and writes the ledger entry last; if the
        load stops, its batches stay (none half-written) and no ledger entry claims it.
        The source node commits first: its id is in every batch's provenance. Its
        ``next_edge`` records the edge numbers batches used, so a load after an
        interrupted one never reuses them. A new source's node goes again if the load
        stops before its first batch commits.
        """
        with self.driver.session(database=self.database) as session:
            # The graph changes from the first batch on: readers' caches must know now.
            source_id, created = session.execute_write(
                lambda tx: _bump(tx, self._open_source(tx, source))
            )
            step: BatchCommits | None = None
            try:
                with (
                    self.driver.session(database=self.database) as lock_session,
                    lock_session.begin_transaction() as lock,
                ):
                    writer = Neo4jBatchWriter(None, self.biolink, source_id, self._next_seq(lock))
                    step = BatchCommits(session, writer)
                    self._feed(writer, records, step)
                    lock.run(
                        "MATCH (s:KgtwinSource {sid: $sid}) REMOVE s.next_edge", sid=source_id
                    ).consume()
                    self._record_load(lock, writer, bump=False)
                    lock.commit()
            except BaseException:
                if created and (step is None or not step.committed):
                    with contextlib.suppress(Exception):  # the server may be gone
                        session.execute_write(lambda tx: _forget_source(tx, source_id))
                raise
        return writer

    def _feed(
        self,
        writer: Neo4jBatchWriter,
        records: Iterable[Record],
        step: Callable[[Callable[[], object]], None],
    ) -> None:
        """Feed the records to the writer, each batch and each chunk of staged edges as
        one ``step`` (a transaction of its own, or part of the load's one)."""
        # The source is parsed in a second thread while Neo4j writes (network I/O
        # releases Python's lock), as in the embedded store.
        for batch in read_ahead(batched(records, self.batch_size)):
            step(lambda batch=batch: writer.write(batch))
            if writer.staged >= STAGE_LIMIT:
                for chunk in writer.take_staged():
                    step(lambda chunk=chunk: writer.merge_staged(chunk))
        for chunk in writer.take_staged():
            step(lambda chunk=chunk: writer.merge_staged(chunk))

    def _open_source(self, tx: Any, source: SourceInfo) -> tuple[int, bool]:
        """The id of ``source``'s node, created if new (a re-load or a resumed load finds
        it), and whether it was created now."""
        source_id = self._source_id(source, tx)
        if source_id is not None:
            return source_id, False
        source_id = tx.run(
            "MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.next_source = m.next_source + 1 "
            "CREATE (s:KgtwinSource {sid: m.next_source, name: $name, version: $version, "
            "checksum: $checksum, loader: $loader, path: $path, options: $options, "
            "first_loaded: $now}) RETURN s.sid",
            name=source.name,
            version=source.version,
            checksum=source.checksum,
            loader=source.loader,
            path=source.path,
            options=source.options_text,
            now=_now(),
        ).single()[0]
        return source_id, True

    @staticmethod
    def _next_seq(tx: Any) -> int:
        """The next edge number. Taking the meta node's write lock serialises loads."""
        return tx.run(
            "MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.next_edge = coalesce(m.next_edge, 0) "
            "WITH m OPTIONAL MATCH (s:KgtwinSource) WHERE s.next_edge > m.next_edge "
            "RETURN coalesce(max(s.next_edge), max(m.next_edge))"
        ).single()[0]

    @staticmethod
    def _record_load(tx: Any, writer: Neo4jBatchWriter, *, bump: bool = True) -> None:
        """The ledger entry, written last: a load the ledger lists is whole. ``bump``: the
        revision changes here (unless the load bumped it when it began)."""
        revision = "m.revision + 1" if bump else "m.revision"
        tx.run(
            "MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.next_load = m.next_load + 1, "
            f"m.revision = {revision}, m.checksum = null, m.next_edge = $next_seq "
            "CREATE (:KgtwinLoad {seq: m.next_load, sid: $sid, loaded_at: $now, "
            "nodes: $nodes, edges: $edges, measurements: $measurements})",
            sid=writer.source,
            next_seq=writer.next_seq,
            now=_now(),
            nodes=writer.nodes,
            edges=writer.edges,
            measurements=writer.measurements,
        ).consume()
        refresh_captions(tx.run)

    def clear(self) -> None:
        """Empty the database (every node, kgtwin's or not) and start a fresh kgtwin graph."""
        # Relationships first, in batches: a hub node's DETACH DELETE alone can exceed
        # the server's transaction memory.
        with self.driver.session(database=self.database) as session:
            for statement in (
                "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS",
                "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS",
            ):
                session.run(statement).consume()
        self._provenance_cache.clear()
        self._prepare_schema()

    def remove_source(self, name: str) -> int:
        ids = [r[0] for r in self._read("MATCH (s:KgtwinSource {name: $n}) RETURN s.sid", n=name)]
        if not ids:
            return 0
        with self.driver.session(database=self.database) as session:
            return session.execute_write(lambda tx: self._remove(tx, ids))

    @staticmethod
    def _remove(tx: Any, ids: list[int]) -> int:
        drop = "SET x.kgtwin_sources = [s IN x.kgtwin_sources WHERE NOT s IN $ids]"
        tx.run(f"MATCH ()-[x]->() WHERE any(s IN x.kgtwin_sources WHERE s IN $ids) {drop}",
               ids=ids).consume()  # fmt: skip
        for label in ("NamedThing", "KgtwinMeasurement"):
            tx.run(
                f"MATCH (x:{label}) WHERE any(s IN x.kgtwin_sources WHERE s IN $ids) {drop}",
                ids=ids,
            ).consume()
        removed = tx.run(
            "MATCH ()-[r]->() WHERE r.kgtwin_sources = [] DELETE r RETURN count(r)"
        ).single()[0]
        tx.run("MATCH (m:KgtwinMeasurement) WHERE m.kgtwin_sources = [] DELETE m").consume()
        # A load that stopped (batch mode) has no ledger entry to keep: nothing of it is left.
        tx.run(
            "MATCH (s:KgtwinSource) WHERE s.sid IN $ids "
            "AND NOT EXISTS { MATCH (:KgtwinLoad {sid: s.sid}) } DELETE s",
            ids=ids,
        ).consume()
        tx.run(
            "MATCH (n:NamedThing) WHERE n.kgtwin_sources = [] AND NOT (n)--() "
            "OPTIONAL MATCH (a:KgtwinAlias {node: n.id}) DELETE a, n"
        ).consume()
        tx.run(
            "MATCH (m:KgtwinMeta {key: 'kgtwin'}) "
            "SET m.revision = m.revision + 1, m.checksum = null"
        ).consume()
        return removed

    # --- ledger, checksum -------------------------------------------------------------
    def record_reconciliation(self, source: SourceInfo, account: Mapping[str, object]) -> None:
        sid = self._source_id(source)
        if sid is None:
            return
        self._write(
            "MATCH (l:KgtwinLoad {sid: $sid}) WITH l ORDER BY l.seq DESC LIMIT 1 "
            "SET l.reconciliation = $account", sid=sid, account=json.dumps(account),
        )

    def ledger(self) -> list[LedgerEntry]:
        rows = self._read(
            "MATCH (l:KgtwinLoad) MATCH (s:KgtwinSource {sid: l.sid}) RETURN s, l ORDER BY l.seq"
        )
        return [
            LedgerEntry(
                source=_source_info(s),
                loaded_at=load["loaded_at"],
                nodes=load["nodes"],
                edges=load["edges"],
                measurements=load["measurements"],
                reconciliation=(json.loads(load["reconciliation"])
                                if load.get("reconciliation") else None),
            )
            for s, load in rows
        ]  # fmt: skip

    def incomplete_loads(self) -> list[SourceInfo]:
        rows = self._read(
            "MATCH (s:KgtwinSource) WHERE NOT EXISTS { MATCH (:KgtwinLoad {sid: s.sid}) } "
            "RETURN s ORDER BY s.sid"
        )
        return [_source_info(row[0]) for row in rows]

    def revision(self) -> int:
        return self._read("MATCH (m:KgtwinMeta {key: 'kgtwin'}) RETURN m.revision")[0][0]

    def checksum(self) -> str:
        cached = self._read("MATCH (m:KgtwinMeta {key: 'kgtwin'}) RETURN m.checksum")
        if cached and cached[0][0]:
            return cached[0][0]
        digest = hashlib.sha256()
        for node in self.nodes():
            row = (node.id, node.category, node.name or "", properties_text(node.properties))
            digest.update(("\t".join(row) + "\n").encode())
        edges = sorted(
            (e.subject, e.predicate, e.object, _qualifier_text(e), properties_text(e.properties))
            for e in self.edges()
        )
        for row in edges:
            digest.update(("\t".join(row) + "\n").encode())
        value = digest.hexdigest()
        self._write("MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.checksum = $v", v=value)
        return value

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> Neo4jStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- conversion (used by GraphReads) ----------------------------------------------
    def _provenance(self, ids: Iterable[int]) -> tuple[Provenance, ...]:
        ids = list(ids or ())
        missing = [i for i in ids if i not in self._provenance_cache]
        if missing:
            for s in self._read(
                "UNWIND $ids AS sid MATCH (s:KgtwinSource {sid: sid}) RETURN s", ids=missing
            ):
                s = s[0]
                self._provenance_cache[s["sid"]] = Provenance(
                    s["name"], s["version"], s["checksum"], s["first_loaded"], s["loader"]
                )
        return tuple(self._provenance_cache[i] for i in ids if i in self._provenance_cache)

    def _node(self, raw: dict[str, Any]) -> Node:
        return Node(
            id=raw["id"],
            category=raw.get("category") or "biolink:NamedThing",
            name=raw.get("name"),
            xrefs=tuple(raw.get("xrefs") or ()),
            properties=codec.decode(raw),
            provenance=self._provenance(raw.get("kgtwin_sources")),
            aligned=bool(raw.get("aligned", True)),
        )

    def _edge(self, subject: str, raw: dict[str, Any], object_: str) -> Edge:
        qualifiers = json.loads(raw["kgtwin_qualifiers"]) if raw.get("kgtwin_qualifiers") else {}
        return Edge(
            subject=subject,
            predicate=raw["predicate"],
            object=object_,
            qualifiers=qualifiers,
            properties=codec.decode(raw, set(qualifiers)),
            provenance=self._provenance(raw.get("kgtwin_sources")),
            aligned=bool(raw.get("aligned", True)),
        )


def _source_info(node: Any) -> SourceInfo:
    return SourceInfo(node["name"], node["version"], node["checksum"], node["loader"],
                      node["path"], json.loads(node["options"]))  # fmt: skip


def _forget_source(tx: Any, sid: int) -> None:
    tx.run("MATCH (s:KgtwinSource {sid: $sid}) DETACH DELETE s", sid=sid).consume()


def _bump(tx: Any, value: tuple[int, bool]) -> tuple[int, bool]:
    tx.run(
        "MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.revision = m.revision + 1, m.checksum = null"
    ).consume()
    return value


def _qualifier_text(edge: Edge) -> str:
    return qualifier_key(edge.qualifiers)
