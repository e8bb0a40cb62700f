"""Merging one load's records into the embedded store, inside its open transaction.

Nodes: new ids without xrefs go in bulk; the rest through the equivalence merge, which
folds every node the record names (its id and xrefs) into the one the preferred id
names (:mod:`kgtwin.store.identity`). Edges: endpoints resolved through the aliases,
unknown endpoints created as ``NamedThing`` stubs, rows staged and merged in key order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from kgtwin.biolink import ROOT_CATEGORY, Biolink
from kgtwin.model import (
    Edge,
    Measurement,
    MeasurementBlock,
    Node,
    Record,
    properties_text,
    qualifier_key,
)
from kgtwin.store.identity import alt_ids, preferred_id
from kgtwin.store.sqlite_measures import MeasureWriter
from kgtwin.store.sqlite_sql import (
    ADD_SOURCE,
    BULK_EDGES,
    MERGE_STAGED_EDGES,
    STAGE_EDGES,
)


def _node_id(node: Node) -> str:
    return node.id


class BatchWriter:
    """Merges batches of records into the open transaction of one load."""

    def __init__(self, db: sqlite3.Connection, biolink: Biolink, source_id: str):
        self.db = db
        self.biolink = biolink
        self.source_id = source_id
        self.nodes = self.edges = self.measurements = 0
        #: Node records that made a new node (the others merged into a stored one).
        self.new_nodes = 0
        self._aliases: dict[str, str] = {}
        self._staged = 0
        #: Measurements are kept apart, as vectors (flushed at the end of the load).
        self.measures = MeasureWriter(db, source_id)
        self.db.execute(STAGE_EDGES)
        self.db.execute("DELETE FROM temp.staged_edges")

    def write(self, batch: list[Record]) -> None:
        nodes = [r for r in batch if isinstance(r, Node)]
        edges = [r for r in batch if isinstance(r, Edge)]
        measurements = [r for r in batch if isinstance(r, Measurement)]
        blocks = [r for r in batch if isinstance(r, MeasurementBlock)]
        if nodes:
            self._prefetch(i for n in nodes for i in (n.id, *n.xrefs))
            fresh, merges = self._split_fresh(nodes)
            self._insert_fresh(fresh)
            self.new_nodes += len(fresh)
            for node in merges:
                self._merge_node(node)
            self.nodes += len(nodes)
        if edges:
            self._write_edges(edges)
            self.edges += len(edges)
        if measurements:
            self._write_measurements(measurements)
            self.measurements += len(measurements)
        for block in blocks:
            self.measurements += self._write_block(block)

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
        """New nodes in bulk, in id order (B-tree appends rather than random inserts)."""
        if not nodes:
            return
        nodes = sorted(nodes, key=_node_id)
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
        if not existing:
            self.new_nodes += 1
        categories = {node.category}
        aliases = set(members)
        secondary = alt_ids(node.properties)
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
            for (text,) in self.db.execute("SELECT properties FROM nodes WHERE id = ?",
                                           (other,)):
                secondary += alt_ids(text)
        category = self.biolink.resolve_category(categories) if node.aligned else ROOT_CATEGORY
        target = (preferred_id(aliases, category, self.biolink, secondary) if node.aligned
                  else node.id)
        for other in existing - {target}:
            self._rekey(other, target)
        self.db.execute(
            "INSERT INTO nodes (id, category, name, properties, aligned, sources) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "category = excluded.category, "
            "name = coalesce(excluded.name, nodes.name), "
            "properties = kgtwin_merge(nodes.properties, excluded.properties), "
            f"sources = {ADD_SOURCE.format(table='nodes')}",
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
            "properties = kgtwin_merge(excluded.properties, nodes.properties), "
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
                "properties = kgtwin_merge(edges.properties, excluded.properties), "
                "sources = edges.sources || ',' || excluded.sources",
                (new, old),
            )
            db.execute(f"DELETE FROM edges WHERE {column} = ?", (old,))
        self.measures.rekey(old, new)
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

    def endpoints(self, ids: list[str], aligned: bool) -> list[str]:
        """The stored node each id names (through the aliases); an id no node answers
        to becomes a ``NamedThing`` stub, as for an edge record (the columnar path)."""
        self._prefetch(ids)
        stubs: dict[str, tuple] = {}
        found = [self._endpoint(i, aligned, stubs) for i in ids]
        self._insert_stubs(stubs)
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
                m.value,
                m.zscore,
            )
            for m in measurements
        ]
        self._insert_stubs(stubs)
        self.measures.add_rows(rows)

    def _write_block(self, block: MeasurementBlock) -> int:
        """A block's ids resolved once each; its values go on as arrays."""
        self._prefetch((*block.entities, *block.features))
        stubs: dict[str, tuple] = {}
        entities = [self._endpoint(e, True, stubs) for e in block.entities]
        features = [self._endpoint(f, True, stubs) for f in block.features]
        self._insert_stubs(stubs)
        return self.measures.add_block(
            block.kind, features, entities, block.values, block.zscores
        )

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
