"""A subgraph of the embedded store as two DataFrames, without building networkx objects.

:func:`kgtwin.store.queries.subgraph` builds a ``networkx.MultiDiGraph`` with an
:class:`~kgtwin.model.Edge` on every edge: about 13 µs an edge, most of a large
neighbourhood's time. Here the same breadth-first walk runs in SQL: each hop's frontier
is one statement that joins the frontier to the edge indexes, and only the columns a
frame holds are read. Same nodes and edges as ``subgraph`` (a
contract test checks it on every back end).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

import orjson

from kgtwin.store import frames
from kgtwin.store.frames import SubgraphFrames
from kgtwin.store.queries import _predicate_filter, require
from kgtwin.store.sqlite_adjacency import Adjacency

if TYPE_CHECKING:
    from kgtwin.store.embedded import EmbeddedStore

# The frontier travels as one JSON array (json_each), so a hop is one statement with no
# temporary table to fill; CROSS JOIN makes SQLite walk the frontier and look each node up
# in the edge indexes (subject: the UNIQUE index; object: edges_object), never scan edges.
_HOP = """
SELECT e.id, e.subject, e.predicate, e.object, e.qualifiers
    FROM json_each(?1) AS f CROSS JOIN edges AS e ON e.subject = f.value
UNION
SELECT e.id, e.subject, e.predicate, e.object, e.qualifiers
    FROM json_each(?1) AS f CROSS JOIN edges AS e ON e.object = f.value
"""
_NODES = """
SELECT n.id, n.category, n.name FROM json_each(?1) AS f CROSS JOIN nodes AS n ON n.id = f.value
    ORDER BY n.id
"""


#: A walk through SQLite that returns at least this many edges builds the store's
#: in-memory adjacency index, which answers the next walks of the same revision.
INDEX_AFTER_EDGES = 10_000
_EMPTY: Mapping[str, str] = MappingProxyType({})
_indexes: weakref.WeakKeyDictionary[EmbeddedStore, Adjacency] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def subgraph_frames(
    store: EmbeddedStore, seeds: Iterable[str], hops: int, predicates: Iterable[str] | None
) -> SubgraphFrames:
    """Nodes within ``hops`` of the seeds (either direction) and the edges that reach them.

    Small walks run in SQLite; once one returns ``INDEX_AFTER_EDGES`` edges, the store's
    adjacency arrays are built (:mod:`kgtwin.store.sqlite_adjacency`) and answer every
    walk until the store changes."""
    wanted = _predicate_filter(store, predicates)
    starts = list(dict.fromkeys(require(store, seed) for seed in seeds))
    revision = store.revision()
    index = _indexes.get(store)
    if index is not None and index.revision == revision:
        return index.walk(starts, hops, wanted)
    walked = _sql_walk(store, starts, hops, wanted)
    if len(walked.edges) >= INDEX_AFTER_EDGES:
        with _lock:
            _indexes[store] = Adjacency.read(store.db, revision)
    return walked


def _sql_walk(
    store: EmbeddedStore, frontier: list[str], hops: int, wanted: set[str] | None
) -> SubgraphFrames:
    seen = set(frontier)
    rows: dict[int, tuple] = {}
    for _ in range(hops):
        found = store.db.execute(_HOP, (orjson.dumps(frontier).decode(),)).fetchall()
        if wanted is not None:
            found = [row for row in found if row[2] in wanted]
        for row in found:
            rows.setdefault(row[0], row)
        ends = {row[1] for row in found} | {row[3] for row in found}
        frontier = [node for node in ends if node not in seen]
        seen.update(frontier)
        if not frontier:
            break
    nodes = store.db.execute(_NODES, (orjson.dumps(sorted(seen)).decode(),)).fetchall()
    if len(nodes) < len(seen):  # an edge end with no node row: listed, as subgraph() does
        named = {row[0] for row in nodes}
        nodes = sorted(nodes + [(id, None, None) for id in seen - named])
    edges = [(*row[:4], _qualifiers(row[4])) for row in sorted(rows.values())]
    return frames.subgraph_frames(nodes, edges)


def _qualifiers(text: str) -> Mapping[str, str]:
    return MappingProxyType(orjson.loads(text)) if text and text != "{}" else _EMPTY
