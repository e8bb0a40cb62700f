"""The Neo4j back end of :class:`kgtwin.store.base.GraphStore`, over Bolt with the driver.

Same merge rules and the same answers as the embedded store (the shared suite in
``tests/store`` runs on both). What differs, and why:

* A load is one Neo4j transaction (the protocol wants a load to land whole or not at
  all), made of batched ``UNWIND … MERGE`` statements of :data:`BATCH` records. A load
  of a list is retried on transient errors (deadlock, leader switch); a load of a
  one-shot iterator cannot be replayed and fails with the error instead. Very large
  graphs belong in ``neo4j-admin database import`` (bulk CSV), not here.
* The schema is made on first use: a uniqueness constraint on ``:NamedThing(id)`` (every
  node has the root label), on ``:KgtwinAlias(alias)`` and on measurements' keys, and
  indexes on ``name``, ``xrefs`` and ``category``.
* Bookkeeping lives in nodes with ``Kgtwin*`` labels (aliases, sources, loads,
  measurements, one meta node), out of the way of Biolink-labelled queries.

The mapping of records to labels, types and properties is :mod:`kgtwin.neo4j.codec`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from kgtwin.biolink import Biolink, default_biolink
from kgtwin.errors import StoreError
from kgtwin.model import Edge, Node, Provenance, Record, properties_text, qualifier_key
from kgtwin.neo4j import codec
from kgtwin.neo4j.settings import Neo4jSettings
from kgtwin.neo4j.store_read import GraphReads
from kgtwin.neo4j.store_write import Neo4jBatchWriter
from kgtwin.store.base import LedgerEntry, LoadCounts, SourceInfo
from kgtwin.store.prefetch import batched, read_ahead

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
BATCH = 5_000
RETRIES = 3

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
    ):
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
                raise StoreError(
                    f"the Neo4j graph at {self.settings.uri} was written by another kgtwin "
                    f"(schema {found[0][0]}, this kgtwin reads {SCHEMA_VERSION})"
                )
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
        return self._source_id(source) is not None

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
        """Merge ``records`` in one transaction (see the protocol's rules)."""
        from neo4j.exceptions import (
            IncompleteCommit,
            ServiceUnavailable,
            SessionExpired,
            TransientError,
        )

        attempts = RETRIES if isinstance(records, Sequence) else 1
        label = f"{source.name} {source.version}"
        for attempt in range(1, attempts + 1):
            try:
                with (
                    self.driver.session(database=self.database) as session,
                    session.begin_transaction() as tx,
                ):
                    writer = self._load(tx, records, source)
                    tx.commit()
                break
            except IncompleteCommit:
                raise StoreError(
                    f"Neo4j at {self.settings.uri} went away while committing the load of "
                    f"{label}; it may or may not be in (see the ledger); loading it again "
                    "is safe"
                ) from None
            except (ServiceUnavailable, SessionExpired):
                raise StoreError(
                    f"Neo4j at {self.settings.uri} went away during the load of {label}; "
                    "nothing of this load was kept: load it again once the server is back"
                ) from None
            except TransientError as error:
                if "MemoryPoolOutOfMemoryError" in (error.code or ""):  # retrying cannot help
                    raise StoreError(
                        f"the load of {label} needs more transaction memory than Neo4j at "
                        f"{self.settings.uri} allows (dbms.memory.transaction.total.max); "
                        "nothing of it was kept. Load it in parts, give the server more heap "
                        "(kgtwin neo4j start --heap 4g), or push a whole graph with "
                        "`kgtwin push --method bulk --replace`"
                    ) from None
                if attempt == attempts:
                    raise StoreError(f"Neo4j load failed: {error.message}") from error
                log.warning("transient Neo4j error (%s); retrying the load", error.code)
        # Totals from Neo4j's count store (constant time; counts() reads every edge).
        (row,) = self._read(
            "CALL () { MATCH (n:NamedThing) RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() RETURN count(r) AS edges } RETURN nodes, edges"
        )
        return LoadCounts(
            nodes=writer.nodes,
            edges=writer.edges,
            measurements=writer.measurements,
            total_nodes=row[0],
            total_edges=row[1],
        )

    def _load(self, tx: Any, records: Iterable[Record], source: SourceInfo) -> Neo4jBatchWriter:
        source_id = self._source_id(source, tx)
        if source_id is None:
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
        # Taking the meta node's write lock also serialises concurrent loads.
        next_seq = tx.run(
            "MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.next_edge = coalesce(m.next_edge, 0) "
            "RETURN m.next_edge"
        ).single()[0]
        writer = Neo4jBatchWriter(tx, self.biolink, source_id, next_seq)
        # The source is parsed in a second thread while Neo4j writes (network I/O
        # releases Python's lock), as in the embedded store.
        for batch in read_ahead(batched(records, self.batch_size)):
            writer.write(batch)
        writer.flush()
        tx.run(
            "MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.next_load = m.next_load + 1, "
            "m.revision = m.revision + 1, m.checksum = null, m.next_edge = $next_seq "
            "CREATE (:KgtwinLoad {seq: m.next_load, sid: $sid, loaded_at: $now, "
            "nodes: $nodes, edges: $edges, measurements: $measurements})",
            sid=source_id,
            next_seq=writer.next_seq,
            now=_now(),
            nodes=writer.nodes,
            edges=writer.edges,
            measurements=writer.measurements,
        ).consume()
        return writer

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
    def ledger(self) -> list[LedgerEntry]:
        rows = self._read(
            "MATCH (l:KgtwinLoad) MATCH (s:KgtwinSource {sid: l.sid}) RETURN s, l ORDER BY l.seq"
        )
        return [
            LedgerEntry(
                source=SourceInfo(
                    s["name"], s["version"], s["checksum"], s["loader"], s["path"],
                    json.loads(s["options"]),
                ),
                loaded_at=load["loaded_at"],
                nodes=load["nodes"],
                edges=load["edges"],
                measurements=load["measurements"],
            )
            for s, load in rows
        ]  # fmt: skip

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


def _qualifier_text(edge: Edge) -> str:
    return qualifier_key(edge.qualifiers)
