"""Read-side graph queries of the embedded store: lookups, neighbours, subgraphs, paths."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

import networkx as nx

from kgtwin.errors import InvalidIdentifierError, NotFoundError
from kgtwin.ids import normalize
from kgtwin.model import Edge
from kgtwin.store.base import Direction, Neighbor

if TYPE_CHECKING:
    from kgtwin.store.embedded import EmbeddedStore

NODE_COLUMNS = "SELECT id, category, name, properties, aligned, sources FROM nodes"
EDGE_COLUMNS = (
    "SELECT id, subject, predicate, object, qualifiers, properties, aligned, sources FROM edges"
)


def resolve(store: EmbeddedStore, id: str) -> str | None:
    """Any alias, in any spelling the normaliser knows, to the node id."""
    lookup = "SELECT node FROM aliases WHERE alias = ?"
    row = store.db.execute(lookup, (id,)).fetchone()
    if row:
        return row[0]
    try:
        canonical = normalize(id)
    except InvalidIdentifierError:
        return None
    row = store.db.execute(lookup, (canonical,)).fetchone()
    return row[0] if row else None


def require(store: EmbeddedStore, id: str) -> str:
    found = resolve(store, id)
    if found is None:
        raise NotFoundError(f"no node answers to {id!r}")
    return found


def neighbors(
    store: EmbeddedStore,
    id: str,
    predicate: str | None,
    category: str | None,
    direction: Direction,
) -> list[Neighbor]:
    center = require(store, id)
    predicates = _predicate_filter(store, [predicate] if predicate else None)
    categories = store.biolink.descendants(category) if category else None
    found: list[Neighbor] = []
    for way, column, other in (("out", "subject", "object"), ("in", "object", "subject")):
        if direction not in (way, "both"):
            continue
        rows = store.db.execute(EDGE_COLUMNS + f" WHERE {column} = ? ORDER BY id", (center,))
        for row in rows:
            edge = store._edge(row)
            if predicates is not None and edge.predicate not in predicates:
                continue
            node = store.node(getattr(edge, other))
            if node is None or (categories is not None and node.category not in categories):
                continue
            found.append(Neighbor(node=node, edge=edge, direction=way))
    return found


def _predicate_filter(store: EmbeddedStore, predicates: Iterable[str] | None) -> set[str] | None:
    """Predicates and their descendants ('regulates' also finds its sub-predicates)."""
    if predicates is None:
        return None
    wanted: set[str] = set()
    for predicate in predicates:
        if store.biolink.is_predicate(predicate):
            wanted |= store.biolink.predicate_descendants(predicate)
        else:
            wanted.add(predicate)  # a namespaced, unaligned predicate
    return wanted


def _incident(store: EmbeddedStore, frontier: list[str]) -> list[tuple]:
    rows: list[tuple] = []
    for start in range(0, len(frontier), 450):
        chunk = frontier[start : start + 450]
        marks = ",".join("?" * len(chunk))
        rows += store.db.execute(
            EDGE_COLUMNS + f" WHERE subject IN ({marks}) UNION "
            + EDGE_COLUMNS + f" WHERE object IN ({marks})",
            chunk + chunk,
        ).fetchall()
    return rows


def subgraph(
    store: EmbeddedStore, seeds: Iterable[str], hops: int, predicates: Iterable[str] | None
) -> nx.MultiDiGraph:
    """Breadth-first over edges in either direction; edges keyed by their row id."""
    wanted = _predicate_filter(store, predicates)
    graph = nx.MultiDiGraph()
    frontier = [require(store, seed) for seed in seeds]
    seen = set(frontier)
    added: set[int] = set()
    for _ in range(hops):
        next_frontier: list[str] = []
        for row in _incident(store, frontier):
            edge_id, subject, predicate, object_ = row[0], row[1], row[2], row[3]
            if wanted is not None and predicate not in wanted:
                continue
            if edge_id not in added:
                added.add(edge_id)
                edge = store._edge(row)
                graph.add_edge(subject, object_, key=edge_id, predicate=predicate, edge=edge)
            for node in (subject, object_):
                if node not in seen:
                    seen.add(node)
                    next_frontier.append(node)
        frontier = next_frontier
        if not frontier:
            break
    graph.add_nodes_from(seen)
    _attach_nodes(store, graph)
    return graph


def _attach_nodes(store: EmbeddedStore, graph: nx.MultiDiGraph) -> None:
    ids = list(graph.nodes)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for row in store.db.execute(NODE_COLUMNS + f" WHERE id IN ({marks})", chunk):
            graph.nodes[row[0]].update(category=row[1], name=row[2])


def paths(
    store: EmbeddedStore, source: str, target: str, max_length: int, limit: int
) -> list[list[Edge]]:
    """Simple paths up to ``max_length`` edges, any direction, shortest first.

    Distances to the target are computed once, so the search from the source only
    follows nodes that can still reach the target within the remaining length.
    """
    start, goal = require(store, source), require(store, target)
    to_goal = _layers(store, goal, max_length - 1)
    found: list[list[Edge]] = []
    queue = deque([(start, (), frozenset([start]))])
    while queue and len(found) < limit:
        node, path, visited = queue.popleft()
        remaining = max_length - len(path)
        for row in _incident(store, [node]):
            other = row[3] if row[1] == node else row[1]
            if other == goal:
                found.append([store._edge(r) for r in (*path, row)])
                if len(found) >= limit:
                    break
            elif other not in visited and to_goal.get(other, max_length) <= remaining - 1:
                queue.append((other, (*path, row), visited | {other}))
    return found


def _layers(store: EmbeddedStore, start: str, depth: int) -> dict[str, int]:
    """Distance (ignoring direction) from ``start`` of every node within ``depth``."""
    distance = {start: 0}
    frontier = [start]
    for level in range(1, depth + 1):
        next_frontier = []
        for row in _incident(store, frontier):
            for node in (row[1], row[3]):
                if node not in distance:
                    distance[node] = level
                    next_frontier.append(node)
        frontier = next_frontier
    return distance
