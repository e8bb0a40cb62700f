"""Read side of the Neo4j store: lookups, neighbours, subgraphs, paths, counts, frames.

The traversals follow the embedded store's algorithms (:mod:`kgtwin.store.queries`)
step by step over Cypher lookups, so both back ends give the same answers; every
filter value is a parameter.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

import networkx as nx
import pandas as pd

from kgtwin.errors import InvalidIdentifierError, NotFoundError
from kgtwin.ids import normalize
from kgtwin.model import Edge, Node
from kgtwin.neo4j import codec
from kgtwin.store import frames
from kgtwin.store.base import Direction, GraphCounts, Neighbor

# Edges come in the order they were first stated (``kgtwin_seq``), like the embedded
# store's row ids, so both back ends list neighbours and paths alike.
_EDGE_ORDER = "ORDER BY r.kgtwin_seq"


class GraphReads:
    """Mixed into :class:`kgtwin.neo4j.store.Neo4jStore`; needs ``_read``, ``_node``,
    ``_edge`` and ``biolink`` from it."""

    biolink: Any
    _read: Any
    _node: Any
    _edge: Any

    def resolve(self, id: str) -> str | None:
        lookup = "MATCH (a:KgtwinAlias {alias: $id}) RETURN a.node"
        rows = self._read(lookup, id=id)
        if rows:
            return rows[0][0]
        try:
            canonical = normalize(id)
        except InvalidIdentifierError:
            return None
        rows = self._read(lookup, id=canonical)
        return rows[0][0] if rows else None

    def _require(self, id: str) -> str:
        found = self.resolve(id)
        if found is None:
            raise NotFoundError(f"no node answers to {id!r}")
        return found

    def node(self, id: str) -> Node | None:
        resolved = self.resolve(id)
        if resolved is None:
            return None
        rows = self._read("MATCH (n:NamedThing {id: $id}) RETURN properties(n)", id=resolved)
        return self._node(rows[0][0]) if rows else None

    def nodes(self, *, category: str | None = None) -> Iterator[Node]:
        if category:
            names = sorted(self.biolink.descendants(category))
            rows = self._read(
                "MATCH (n:NamedThing) WHERE n.category IN $names "
                "RETURN properties(n) ORDER BY n.id",
                names=names,
            )
        else:
            rows = self._read("MATCH (n:NamedThing) RETURN properties(n) ORDER BY n.id")
        for row in rows:
            yield self._node(row[0])

    def edges(
        self, *, predicate: str | None = None, subject: str | None = None, object: str | None = None
    ) -> Iterator[Edge]:
        where, params, pattern = [], {}, "r"
        if predicate:
            where.append("r.predicate = $predicate")
            aligned = ":" not in predicate or predicate.startswith("biolink:")
            params["predicate"] = self.biolink.predicate(predicate) if aligned else predicate
            # The type narrows the scan; it is checked by codec before entering the text.
            pattern = "r:" + codec.check_type(codec.relationship_type(self.biolink, predicate))
        for name, value in (("subject", subject), ("object", object)):
            if value:
                where.append(f"{name[0]}.id = ${name}")
                params[name] = self.resolve(value) or value
        query = f"MATCH (s:NamedThing)-[{pattern}]->(o:NamedThing) "
        query += ("WHERE " + " AND ".join(where) if where else "") + " "
        for s, raw, o in self._read(query + "RETURN s.id, properties(r), o.id " + _EDGE_ORDER,
                                    **params):  # fmt: skip
            yield self._edge(s, raw, o)

    def neighbors(
        self,
        id: str,
        *,
        predicate: str | None = None,
        category: str | None = None,
        direction: Direction = "both",
    ) -> list[Neighbor]:
        center = self._require(id)
        predicates = self._predicate_filter([predicate] if predicate else None)
        categories = self.biolink.descendants(category) if category else None
        found: list[Neighbor] = []
        for way, pattern in (("out", "(c)-[r]->(x)"), ("in", "(c)<-[r]-(x)")):
            if direction not in (way, "both"):
                continue
            rows = self._read(
                f"MATCH (c:NamedThing {{id: $id}}) MATCH {pattern} WHERE x:NamedThing "
                "RETURN startNode(r).id, properties(r), endNode(r).id, properties(x) "
                "ORDER BY r.kgtwin_seq",
                id=center,
            )
            for subject, raw, object_, other in rows:
                edge = self._edge(subject, raw, object_)
                if predicates is not None and edge.predicate not in predicates:
                    continue
                node = self._node(other)
                if categories is not None and node.category not in categories:
                    continue
                found.append(Neighbor(node=node, edge=edge, direction=way))
        return found

    def _predicate_filter(self, predicates: Iterable[str] | None) -> set[str] | None:
        """Predicates and their descendants ('regulates' also finds its sub-predicates)."""
        if predicates is None:
            return None
        wanted: set[str] = set()
        for predicate in predicates:
            if self.biolink.is_predicate(predicate):
                wanted |= self.biolink.predicate_descendants(predicate)
            else:
                wanted.add(predicate)
        return wanted

    def _incident(self, frontier: list[str]) -> list[tuple[str, str, str, dict]]:
        """Edges touching any frontier node: (element id, subject, object, properties)."""
        rows = self._read(
            "UNWIND $ids AS id MATCH (n:NamedThing {id: id})-[r]-(x:NamedThing) "
            "WITH DISTINCT r RETURN elementId(r), startNode(r).id, endNode(r).id, "
            "properties(r) ORDER BY r.kgtwin_seq",
            ids=frontier,
        )
        return [tuple(row) for row in rows]

    def _walk(
        self, seeds: Iterable[str], hops: int, predicates: Iterable[str] | None
    ) -> tuple[dict[str, tuple[int, Edge]], set[str]]:
        """The ``hops``-step walk both subgraph forms share: the edges met, by element id
        in first-met order (each with its load sequence number), and every node reached."""
        wanted = self._predicate_filter(predicates)
        frontier = list(dict.fromkeys(self._require(seed) for seed in seeds))
        seen = set(frontier)
        edges: dict[str, tuple[int, Edge]] = {}
        for _ in range(hops):
            next_frontier: list[str] = []
            for key, subject, object_, raw in self._incident(frontier):
                if wanted is not None and raw["predicate"] not in wanted:
                    continue
                if key not in edges:
                    edges[key] = (raw.get("kgtwin_seq", 0), self._edge(subject, raw, object_))
                for node in (subject, object_):
                    if node not in seen:
                        seen.add(node)
                        next_frontier.append(node)
            frontier = next_frontier
            if not frontier:
                break
        return edges, seen

    def _walked_nodes(self, seen: set[str]) -> list[tuple[str, str, str]]:
        """(id, category, name) of the walk's nodes, by id."""
        rows = self._read(
            "UNWIND $ids AS id MATCH (n:NamedThing {id: id}) "
            "RETURN n.id, n.category, n.name ORDER BY n.id",
            ids=list(seen),
        )
        return [tuple(row) for row in rows]

    def subgraph(
        self, seeds: Iterable[str], *, hops: int = 1, predicates: Iterable[str] | None = None
    ) -> nx.MultiDiGraph:
        edges, seen = self._walk(seeds, hops, predicates)
        graph = nx.MultiDiGraph()
        for key, (_, edge) in edges.items():
            graph.add_edge(edge.subject, edge.object, key=key, predicate=edge.predicate,
                           edge=edge)
        graph.add_nodes_from(seen)
        for id_, category, name in self._walked_nodes(seen):
            graph.nodes[id_].update(category=category, name=name)
        return graph

    def subgraph_frames(
        self, seeds: Iterable[str], *, hops: int = 1, predicates: Iterable[str] | None = None
    ) -> frames.SubgraphFrames:
        """The walk of :meth:`subgraph`, kept as rows (no networkx objects)."""
        edges, seen = self._walk(seeds, hops, predicates)
        rows = sorted(
            ((seq, key, edge.subject, edge.predicate, edge.object, edge.qualifiers)
             for key, (seq, edge) in edges.items()),
            key=lambda row: row[0],
        )
        return frames.subgraph_frames(self._walked_nodes(seen), [row[1:] for row in rows])

    def paths(
        self, source: str, target: str, *, max_length: int = 3, limit: int = 100
    ) -> list[list[Edge]]:
        """Simple paths up to ``max_length`` edges, any direction, shortest first."""
        start, goal = self._require(source), self._require(target)
        to_goal = self._layers(goal, max_length - 1)
        found: list[list[Edge]] = []
        queue: deque = deque([(start, (), frozenset([start]))])
        while queue and len(found) < limit:
            node, path, visited = queue.popleft()
            remaining = max_length - len(path)
            for row in self._incident([node]):
                other = row[2] if row[1] == node else row[1]
                if other == goal:
                    found.append([self._edge(r[1], r[3], r[2]) for r in (*path, row)])
                    if len(found) >= limit:
                        break
                elif other not in visited and to_goal.get(other, max_length) <= remaining - 1:
                    queue.append((other, (*path, row), visited | {other}))
        return found

    def _layers(self, start: str, depth: int) -> dict[str, int]:
        distance = {start: 0}
        frontier = [start]
        for level in range(1, depth + 1):
            next_frontier = []
            for _, subject, object_, _raw in self._incident(frontier):
                for node in (subject, object_):
                    if node not in distance:
                        distance[node] = level
                        next_frontier.append(node)
            frontier = next_frontier
        return distance

    def counts(self) -> GraphCounts:
        by_category = {
            r[0]: r[1]
            for r in self._read(
                "MATCH (n:NamedThing) RETURN n.category, count(*) AS c ORDER BY c DESC"
            )
        }
        by_predicate = {
            r[0]: r[1]
            for r in self._read(
                "MATCH (:NamedThing)-[r]->(:NamedThing) RETURN r.predicate, count(*) AS c "
                "ORDER BY c DESC"
            )
        }
        (row,) = self._read(
            "CALL () { MATCH (n:NamedThing) WHERE n.aligned = false RETURN count(n) AS nodes } "
            "CALL () { MATCH ()-[r]->() WHERE r.aligned = false RETURN count(r) AS edges } "
            "CALL () { MATCH (m:KgtwinMeasurement) RETURN count(m) AS measurements } "
            "RETURN nodes, edges, measurements"
        )
        return GraphCounts(
            nodes=sum(by_category.values()),
            edges=sum(by_predicate.values()),
            nodes_by_category=by_category,
            edges_by_predicate=by_predicate,
            unaligned_nodes=row[0],
            unaligned_edges=row[1],
            measurements=row[2],
        )

    def nodes_frame(self, *, category: str | None = None) -> pd.DataFrame:
        return frames.nodes_frame(self.nodes(category=category))

    def edges_frame(self, *, predicate: str | None = None) -> pd.DataFrame:
        return frames.edges_frame(self.edges(predicate=predicate))

    def measurements(
        self, *, entity: str | None = None, feature: str | None = None, kind: str | None = None
    ) -> pd.DataFrame:
        where, params = [], {}
        for name, value in (("entity", entity), ("feature", feature)):
            if value:
                where.append(f"m.{name} = ${name}")
                params[name] = self.resolve(value) or value
        if kind:
            where.append("m.kind = $kind")
            params["kind"] = kind
        query = "MATCH (m:KgtwinMeasurement) " + ("WHERE " + " AND ".join(where) if where else "")
        rows = self._read(
            query + " RETURN m.entity, m.feature, m.kind, m.value, m.zscore "
            "ORDER BY m.entity, m.feature",
            **params,
        )
        columns = ["entity", "feature", "kind", "value", "zscore"]
        return pd.DataFrame([list(r) for r in rows], columns=columns)
