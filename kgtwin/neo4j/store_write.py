"""Merging one load's records into Neo4j, in the transaction the store hands it (``tx``).

The same rules as the embedded store (:mod:`kgtwin.store.sqlite_merge`), in Cypher:
new nodes that touch nothing stored go in with one ``UNWIND … CREATE`` per batch; nodes
that name known ids (their own or an xref) go through the equivalence merge, which folds
every node the record names into the one its preferred id names; edges go in with one
``UNWIND … MERGE`` per batch, endpoints resolved through the aliases. Every value is a
parameter; labels and relationship types are dynamic (``$(…)``) and checked against
Biolink by :mod:`kgtwin.neo4j.codec` first.

Aliases live in ``:KgtwinAlias {alias, node, name}`` nodes (one per known id), the
Neo4j twin of the embedded store's alias table; each graph node also carries its
``xrefs`` list for Cypher users.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kgtwin.biolink import ROOT_CATEGORY, Biolink
from kgtwin.ids import ALT_IDS
from kgtwin.model import (
    MULTIVALUED,
    Edge,
    Measurement,
    Node,
    Record,
    measurement_rows,
    merge_properties,
    qualifier_key,
)
from kgtwin.neo4j import codec
from kgtwin.neo4j.store_cypher import (
    CREATE_EDGES,
    CREATE_NODES,
    CREATE_STUBS,
    MERGE_EDGES,
    MERGE_MEASUREMENTS,
    REFRESH_NODE,
    SET_ALIASES,
    UPDATE_NODES,
    UPSERT_NODE,
)
from kgtwin.store.identity import alt_ids, preferred_id

_CHUNK = 10_000
#: Staged edges are flushed at this many, to bound memory; below it (every load the
#: tests and the demo make) edge order matches the embedded store's exactly.
STAGE_LIMIT = 200_000


class Neo4jBatchWriter:
    """Merges batches of records into the open transaction ``tx`` (the store may swap in
    a new one between batches).

    Statements whose results nobody reads are sent without waiting for them: the server
    runs one while Python builds the next (the driver collects the answers before the
    next read and at commit).
    """

    def __init__(self, tx: Any, biolink: Biolink, source_id: int, next_seq: int = 0):
        self.tx = tx
        self.biolink = biolink
        self.source = source_id
        #: The next edge's ``kgtwin_seq`` (creation order, as the embedded row ids).
        self.next_seq = next_seq
        self._staged: list[dict[str, Any]] = []
        self.nodes = self.edges = self.measurements = 0
        #: Node records that made a new node (the others merged into one already there).
        self.new_nodes = 0
        self._aliases: dict[str, str] = {}
        #: Nodes this load created: edges touching them cannot exist yet (unless this
        #: load wrote them: ``_new_edges`` holds hashes of those keys; a hash collision
        #: only sends an edge down the always-correct MERGE path).
        self._created: set[str] = set()
        self._new_edges: set[int] = set()

    def write(self, batch: list[Record]) -> None:
        nodes = [r for r in batch if isinstance(r, Node)]
        edges = [r for r in batch if isinstance(r, Edge)]
        measurements = measurement_rows(batch)  # blocks expanded into rows
        if nodes:
            self._prefetch(i for n in nodes for i in (n.id, *n.xrefs))
            self._count_new(nodes)
            fresh, merges = self._split_fresh(nodes)
            self._create(fresh)
            merges = self._update_in_place(merges)
            for node in merges:
                self._merge_node(node)
            self.nodes += len(nodes)
        if edges:
            self._write_edges(edges)
            self.edges += len(edges)
        if measurements:
            self._write_measurements(measurements)
            self.measurements += len(measurements)

    def _run(self, query: str, **params: Any) -> list:
        return list(self.tx.run(query, params))

    def _send(self, query: str, **params: Any) -> None:
        self.tx.run(query, params)

    # --- transactions: what a retried batch must forget -------------------------------
    def save(self) -> tuple:
        """The counters a batch advances, to :meth:`restore` if its transaction fails."""
        return (self.next_seq, self.nodes, self.edges, self.measurements, list(self._staged),
                self.new_nodes)

    def restore(self, saved: tuple) -> None:
        """Back to ``saved`` after a rolled-back transaction. What the caches learnt from it
        may not be in the graph: they are dropped (the MERGE paths never need them)."""
        (self.next_seq, self.nodes, self.edges, self.measurements, self._staged,
         self.new_nodes) = saved
        self._aliases.clear()
        self._created.clear()
        self._new_edges.clear()

    # --- identity ---------------------------------------------------------------------
    def _prefetch(self, ids: Iterable[str]) -> None:
        wanted = [i for i in set(ids) if i not in self._aliases]
        if wanted:
            rows = self._run(
                "UNWIND $ids AS id MATCH (a:KgtwinAlias {alias: id}) RETURN a.alias, a.node",
                ids=wanted,
            )
            self._aliases.update((row[0], row[1]) for row in rows)

    def _count_new(self, nodes: list[Node]) -> None:
        """Node records naming no stored node, nor one an earlier record of the batch named
        (the load's reconciliation: stored vs merged, as the embedded store counts)."""
        named: set[str] = set()
        for node in nodes:
            members = {node.id, *node.xrefs}
            if not any(m in self._aliases or m in named for m in members):
                self.new_nodes += 1
            named |= members

    def _split_fresh(self, nodes: list[Node]) -> tuple[list[Node], list[Node]]:
        """Nodes whose ids (own and xrefs) are all new and named once in the batch go in
        bulk; the rest through the equivalence merge, one by one."""
        counts: dict[str, int] = {}
        for node in nodes:
            for member in {node.id, *node.xrefs}:
                counts[member] = counts.get(member, 0) + 1
        fresh, merges = [], []
        for node in nodes:
            members = {node.id, *node.xrefs}
            simple = all(m not in self._aliases and counts[m] == 1 for m in members)
            (fresh if simple else merges).append(node)
        return fresh, merges

    def _create(self, nodes: list[Node]) -> None:
        if not nodes:
            return
        rows = []
        for node in nodes:
            category = (
                self.biolink.resolve_category([node.category]) if node.aligned else ROOT_CATEGORY
            )
            members = {node.id, *node.xrefs}
            target = (preferred_id(members, category, self.biolink, alt_ids(node.properties))
                      if node.aligned else node.id)
            props, json_keys = codec.encode(node.properties)
            rows.append(
                {
                    "id": target,
                    "own": node.id,
                    "labels": list(codec.labels(self.biolink, category)),
                    "category": category,
                    "name": node.name,
                    "aligned": node.aligned,
                    "props": props,
                    "json_keys": json_keys,
                    "aliases": sorted(members),
                    "xrefs": sorted(members - {target}),
                }
            )
            for member in members:
                self._aliases[member] = target
        self._send(CREATE_NODES, rows=rows, source=self.source)
        self._created.update(row["id"] for row in rows)

    def _update_in_place(self, nodes: list[Node]) -> list[Node]:
        """Batch the nodes whose ids all name one stored node that keeps its id; return
        the others, which need the full equivalence merge."""
        counts: dict[str, int] = {}
        for node in nodes:
            for member in {node.id, *node.xrefs}:
                counts[member] = counts.get(member, 0) + 1
        candidates: dict[str, Node] = {}
        rest: list[Node] = []
        for node in nodes:
            members = {node.id, *node.xrefs}
            targets = {self._aliases.get(m) for m in members}
            if (len(targets) == 1 and None not in targets and node.aligned
                    and all(counts[m] == 1 for m in members)):  # fmt: skip
                candidates[node.id] = node
            else:
                rest.append(node)
        if not candidates:
            return rest
        stored = {
            row[0]: (set(row[1] or ()), set(row[2]), alt_ids({ALT_IDS: row[3]}))
            for row in self._run(
                "UNWIND $ids AS id MATCH (n:NamedThing {id: id}) "
                "OPTIONAL MATCH (a:KgtwinAlias {node: id}) "
                f"RETURN id, n.kgtwin_categories, collect(a.alias), n.{ALT_IDS}",
                ids=sorted({self._aliases[n.id] for n in candidates.values()}),
            )
        }
        rows, touched = [], set()
        for node in candidates.values():
            target = self._aliases[node.id]
            categories, aliases, secondary = stored[target]
            category = self.biolink.resolve_category(categories | {node.category})
            secondary = secondary + alt_ids(node.properties)
            if (target in touched
                    or preferred_id(aliases, category, self.biolink, secondary) != target):
                rest.append(node)
                continue
            touched.add(target)
            props, json_keys = codec.encode(node.properties)
            rows.append(
                {
                    "id": target,
                    "own": node.id,
                    "labels": list(codec.labels(self.biolink, category)),
                    "category": category,
                    "categories": sorted({node.category, category}),
                    "name": node.name,
                    "props": props,
                    "json_keys": json_keys,
                }
            )
        if rows:
            self._send(UPDATE_NODES, rows=[_split_json(r) for r in rows], source=self.source,
                       multivalued=MULTIVALUED_KEYS)
            self._send(REFRESH_NODE, ids=[row["id"] for row in rows])
        return rest

    def _merge_node(self, node: Node) -> None:
        members = {node.id, *node.xrefs}
        existing = {self._aliases[m] for m in members if m in self._aliases}
        categories = {node.category}
        aliases = set(members)
        secondary = alt_ids(node.properties)
        if existing:
            for row in self._run(
                "UNWIND $ids AS id MATCH (n:NamedThing {id: id}) "
                "OPTIONAL MATCH (a:KgtwinAlias {node: id}) "
                f"RETURN n.kgtwin_categories, collect(a.alias), n.{ALT_IDS}",
                ids=sorted(existing),
            ):
                categories.update(row[0] or ())
                aliases.update(row[1])
                secondary += alt_ids({ALT_IDS: row[2]})
        category = self.biolink.resolve_category(categories) if node.aligned else ROOT_CATEGORY
        target = (preferred_id(aliases, category, self.biolink, secondary) if node.aligned
                  else node.id)
        for other in sorted(existing - {target}):
            self._rekey(other, target)
        props, json_keys = codec.encode(node.properties)
        split = _split_json({"props": props, "json_keys": json_keys})
        self._run(
            UPSERT_NODE,
            id=target,
            aligned=node.aligned,
            labels=list(codec.labels(self.biolink, category)),
            props=split["props"],
            json_props=split["json_props"],
            json_keys=json_keys,
            multivalued=MULTIVALUED_KEYS,
            category=category,
            name=node.name,
            source=self.source,
            categories=sorted({node.category, category}),
        )
        self._send(SET_ALIASES, aliases=sorted(members), node=target)
        if node.name:
            self._run(
                "MATCH (a:KgtwinAlias {alias: $id}) SET a.name = $name", id=node.id, name=node.name
            )
        for alias in members:
            self._aliases[alias] = target
        self._send(REFRESH_NODE, ids=[target])

    def _rekey(self, old: str, new: str) -> None:
        """Folds node ``old`` into ``new``: aliases, categories, provenance, edges move."""
        self.flush()  # staged edges may name ``old``
        self._created.difference_update((old, new))  # edges will move onto ``new``
        (row,) = self._run(
            "MATCH (o:NamedThing {id: $old}) OPTIONAL MATCH (n:NamedThing {id: $new}) "
            "RETURN properties(o), properties(n)",
            old=old,
            new=new,
        )
        moved, kept = row[0], row[1]
        merged = dict(moved) if kept is None else _fold(moved, kept)
        merged["id"] = new
        category = merged.get("category") or ROOT_CATEGORY
        edges = self._run(
            "MATCH (o:NamedThing {id: $old})-[r]-(x) "
            "RETURN startNode(r) = o, endNode(r) = o, x.id, type(r), properties(r) "
            "ORDER BY elementId(r)",
            old=old,
        )
        self._run("MATCH (o:NamedThing {id: $old}) DETACH DELETE o", old=old)
        self._run(
            "MERGE (n:NamedThing {id: $new}) "
            "WITH n, [l IN labels(n) WHERE NOT l IN $labels] AS stale "
            "REMOVE n:$(stale) SET n = $props, n:$($labels)",
            new=new,
            props=merged,
            labels=list(codec.labels(self.biolink, category)),
        )
        self._run("MATCH (a:KgtwinAlias {node: $old}) SET a.node = $new", old=old, new=new)
        rows = []
        for out, inward, other, type_, props in edges:
            subject = new if out else (new if other == old else other)
            object_ = new if inward else (new if other == old else other)
            plain = {
                k: v
                for k, v in props.items()
                if k not in codec.RESERVED
                and (not k.startswith(codec.INTERNAL) or k.startswith(codec.ESCAPED))
            }
            rows.append(
                {
                    "subject": subject,
                    "object": object_,
                    "type": type_,
                    "predicate": props["predicate"],
                    "qualifier_key": props.get("kgtwin_qualifiers", ""),
                    "qualifiers": {},
                    "aligned": props.get("aligned", True),
                    "props": plain,
                    "json_keys": list(props.get(codec.JSON_KEYS) or []),
                    "sources": list(props.get("kgtwin_sources") or []),
                }
            )
        self._merge_edges(rows, may_create=False)
        # Measurements move too; one already stored under the new key is replaced.
        for column, other in (("entity", "feature"), ("feature", "entity")):
            self._run(
                f"MATCH (m:KgtwinMeasurement {{{column}: $old}}) "
                f"MATCH (c:KgtwinMeasurement {{{column}: $new, {other}: m.{other}, kind: m.kind}}) "
                "DETACH DELETE c",
                old=old,
                new=new,
            )
            self._run(
                f"MATCH (m:KgtwinMeasurement {{{column}: $old}}) SET m.{column} = $new",
                old=old,
                new=new,
            )
        for alias, target in list(self._aliases.items()):
            if target == old:
                self._aliases[alias] = new

    # --- edges and measurements -------------------------------------------------------
    def _endpoint(self, id_: str, aligned: bool, stubs: dict[str, dict]) -> str:
        found = self._aliases.get(id_)
        if found is None:
            stubs[id_] = {"id": id_, "aligned": aligned}
            self._aliases[id_] = id_
            return id_
        return found

    def _stubs(self, stubs: dict[str, dict]) -> None:
        """Nodes that edges name before any record describes them (NamedThing until then)."""
        if stubs:
            self._send(
                CREATE_STUBS, rows=list(stubs.values()), source=self.source, root=ROOT_CATEGORY
            )
            self._created.update(stubs)

    def _write_edges(self, edges: list[Edge]) -> None:
        self._prefetch(i for e in edges for i in (e.subject, e.object))
        stubs: dict[str, dict] = {}
        rows = []
        for edge in edges:
            props, json_keys = codec.encode(edge.properties)
            mirrored = {k: v for k, v in edge.qualifiers.items() if k not in codec.RESERVED}
            rows.append(
                {
                    "subject": self._endpoint(edge.subject, edge.aligned, stubs),
                    "object": self._endpoint(edge.object, edge.aligned, stubs),
                    "type": codec.relationship_type(self.biolink, edge.predicate),
                    "predicate": edge.predicate,
                    "qualifier_key": qualifier_key(edge.qualifiers),
                    "qualifiers": mirrored,
                    "aligned": edge.aligned,
                    "props": props,
                    "json_keys": json_keys,
                    "sources": [self.source],
                }
            )
        self._stubs(stubs)
        self._staged += rows

    @property
    def staged(self) -> int:
        """How many edges wait for :meth:`take_staged` (the store flushes at STAGE_LIMIT)."""
        return len(self._staged)

    def take_staged(self) -> list[list[dict[str, Any]]]:
        """The staged edges in key order, in chunks for :meth:`merge_staged`.

        Sorted like the embedded store's merge, so new edges get their ``kgtwin_seq`` in
        the order of the embedded store's row ids.
        """
        staged, self._staged = self._staged, []
        staged.sort(key=lambda r: (r["subject"], r["predicate"], r["object"], r["qualifier_key"]))
        return [staged[start : start + _CHUNK] for start in range(0, len(staged), _CHUNK)]

    def merge_staged(self, chunk: list[dict[str, Any]]) -> None:
        self._merge_edges(chunk)

    def flush(self) -> None:
        """Merge the staged edges now, in the current transaction (before a re-key)."""
        for chunk in self.take_staged():
            self._merge_edges(chunk)

    def _merge_edges(self, rows: list[dict[str, Any]], *, may_create: bool = True) -> None:
        """One statement per relationship type: CREATE for edges known to be new, then
        MERGE for the others (a repeated key merges into the edge just created)."""
        created: dict[str, list[dict[str, Any]]] = {}
        merged: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            row["seq"] = self.next_seq
            self.next_seq += 1
            key = hash((row["subject"], row["predicate"], row["object"], row["qualifier_key"]))
            new = (
                may_create
                and key not in self._new_edges
                and (row["subject"] in self._created or row["object"] in self._created)
            )
            if new:
                self._new_edges.add(key)
                created.setdefault(row["type"], []).append(_created_edge(row))
            else:
                merged.setdefault(row["type"], []).append(row)
        for type_, group in created.items():
            self._send(CREATE_EDGES % codec.check_type(type_), rows=group)
        for type_, group in merged.items():
            self._send(MERGE_EDGES % codec.check_type(type_), rows=[_split_json(r) for r in group],
                       multivalued=MULTIVALUED_KEYS)

    def _write_measurements(self, measurements: list[Measurement]) -> None:
        self._prefetch(i for m in measurements for i in (m.entity, m.feature))
        stubs: dict[str, dict] = {}
        rows = [
            {
                "entity": self._endpoint(m.entity, True, stubs),
                "feature": self._endpoint(m.feature, True, stubs),
                "kind": m.kind,
                "value": float(m.value),
                "zscore": None if m.zscore is None else float(m.zscore),
            }
            for m in measurements
        ]
        self._stubs(stubs)
        self._send(MERGE_MEASUREMENTS, rows=rows, source=self.source)


#: :data:`kgtwin.model.MULTIVALUED` as the ``$multivalued`` parameter of MERGE_EDGES.
MULTIVALUED_KEYS = sorted(MULTIVALUED)


def _split_json(row: dict[str, Any]) -> dict[str, Any]:
    """The row for a merging statement: values Neo4j holds natively (``props``, merged by the one
    rule) apart from those kept as JSON text (``json_props``, replaced)."""
    props, json_keys = row["props"], row["json_keys"]
    if not json_keys:
        return {**row, "json_props": {}}
    return {**row, "props": {k: v for k, v in props.items() if k not in json_keys},
            "json_props": {k: props[k] for k in json_keys if k in props}}


def _created_edge(row: dict[str, Any]) -> dict[str, Any]:
    """The row of a new edge for ``CREATE_EDGES``: every property MERGE_EDGES would set."""
    props = {
        **row["qualifiers"],
        "predicate": row["predicate"],
        "kgtwin_qualifiers": row["qualifier_key"],
        "aligned": row["aligned"],
        "kgtwin_sources": list(dict.fromkeys(row["sources"])),
        "kgtwin_seq": row["seq"],
        **row["props"],
    }
    if row["json_keys"]:
        props[codec.JSON_KEYS] = row["json_keys"]
    return {"subject": row["subject"], "object": row["object"], "props": props}


def _fold(moved: dict[str, Any], kept: dict[str, Any]) -> dict[str, Any]:
    """Properties of a node ``moved`` into ``kept``: kept's values win, lists accumulate
    (:func:`kgtwin.model.merge_properties`, as the embedded store folds them), nothing is
    lost."""
    merged = {**moved, **kept}
    as_json = {*(moved.get(codec.JSON_KEYS) or ()), *(kept.get(codec.JSON_KEYS) or ())}
    for key in moved.keys() & kept.keys():
        if key in as_json or key in codec.RESERVED or (
                key.startswith(codec.INTERNAL) and not key.startswith(codec.ESCAPED)):
            continue
        merged[key] = merge_properties({key: moved[key]}, {key: kept[key]})[key]
    merged["name"] = kept.get("name") or moved.get("name")
    for key in ("kgtwin_sources", "kgtwin_categories"):
        merged[key] = sorted(set(kept.get(key) or ()) | set(moved.get(key) or ()))
    merged[codec.JSON_KEYS] = sorted(
        {k for k in moved.get(codec.JSON_KEYS) or () if k not in kept}
        | set(kept.get(codec.JSON_KEYS) or ())
    )
    merged = {k: v for k, v in merged.items() if v is not None and v != []}
    return merged
