"""The embedded store's edges as in-memory adjacency arrays, for large neighbourhoods.

A breadth-first walk through SQLite looks every frontier node up in a B-tree and returns
each edge as a Python tuple: microseconds an edge, seconds for the 2-hop neighbourhood of
a hub. Here the edge table is read once into numpy arrays (node, predicate and qualifier
codes, sorted by subject and by object as CSR offsets) and a hop is a handful of vector
operations. The index belongs to one revision of the store (the ``revision`` the store
bumps on every load and removal, also by other processes): a changed store builds it
again. It costs one pass over the edges (seconds for millions) and about 40 bytes an edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import orjson
import pandas as pd

from kgtwin.store.frames import SUBGRAPH_EDGE_COLUMNS, SUBGRAPH_NODE_COLUMNS, SubgraphFrames

if TYPE_CHECKING:
    import sqlite3

_EMPTY = MappingProxyType({})


@dataclass(frozen=True, eq=False)
class Adjacency:
    """Every edge of one store revision, as arrays indexed by edge position (id order)."""

    revision: int
    node_ids: np.ndarray  # object, sorted: a node's code is its position
    categories: np.ndarray  # object, per node code
    names: np.ndarray  # object, per node code
    edge_ids: np.ndarray  # int64 row ids, ascending
    subjects: np.ndarray  # int64 node codes
    objects: np.ndarray
    predicate_codes: np.ndarray  # int64 into ``predicates``
    predicates: np.ndarray  # object
    qualifier_codes: np.ndarray  # int64 into ``qualifiers``
    qualifiers: np.ndarray  # object: read-only mappings, shared by equal values
    out_start: np.ndarray  # CSR over edges sorted by subject
    out_edges: np.ndarray
    in_start: np.ndarray  # and by object
    in_edges: np.ndarray

    @classmethod
    def read(cls, db: sqlite3.Connection, revision: int) -> Adjacency:
        nodes = db.execute("SELECT id, category, name FROM nodes ORDER BY id").fetchall()
        node_ids, categories, names = (_objects(column) for column in _columns(nodes, 3))
        rows = db.execute(
            "SELECT id, subject, predicate, object, qualifiers FROM edges ORDER BY id"
        ).fetchall()
        ids, subjects, predicates, objects, qualifiers = _columns(rows, 5)
        subjects, objects = _objects(subjects), _objects(objects)
        index = pd.Index(node_ids)
        missing = np.concatenate([subjects[index.get_indexer(subjects) < 0],
                                  objects[index.get_indexer(objects) < 0]])
        if len(missing):  # an edge end with no node row: listed, without category or name
            extra = pd.unique(missing)
            order = np.argsort(np.concatenate([node_ids, extra]), kind="stable")
            node_ids = np.concatenate([node_ids, extra])[order]
            categories = np.concatenate([categories, _objects([None] * len(extra))])[order]
            names = np.concatenate([names, _objects([None] * len(extra))])[order]
            index = pd.Index(node_ids)
        subject_codes = index.get_indexer(subjects).astype(np.int64)
        object_codes = index.get_indexer(objects).astype(np.int64)
        predicate_codes, predicate_names = pd.factorize(_objects(predicates))
        qualifier_codes, qualifier_texts = pd.factorize(_objects(qualifiers))
        decoded = [MappingProxyType(orjson.loads(t)) if t and t != "{}" else _EMPTY
                   for t in qualifier_texts]
        out_start, out_edges = _csr(subject_codes, len(node_ids))
        in_start, in_edges = _csr(object_codes, len(node_ids))
        return cls(
            revision=revision,
            node_ids=node_ids,
            categories=categories,
            names=names,
            edge_ids=np.asarray(ids, dtype=np.int64),
            subjects=subject_codes,
            objects=object_codes,
            predicate_codes=predicate_codes.astype(np.int64),
            predicates=_objects(list(predicate_names)),
            qualifier_codes=qualifier_codes.astype(np.int64),
            qualifiers=_objects(decoded),
            out_start=out_start,
            out_edges=out_edges,
            in_start=in_start,
            in_edges=in_edges,
        )

    def walk(self, seeds: list[str], hops: int, predicates: set[str] | None) -> SubgraphFrames:
        """Nodes within ``hops`` of ``seeds`` (stored ids) either way, and their edges."""
        allowed = None
        if predicates is not None:
            allowed = np.isin(self.predicates, list(predicates))
        taken = np.zeros(len(self.edge_ids), dtype=bool)
        seen = np.zeros(len(self.node_ids), dtype=bool)
        seen[np.searchsorted(self.node_ids, seeds)] = True
        frontier = np.flatnonzero(seen)
        for _ in range(hops):
            found = np.concatenate([
                _neighbourhood(self.out_start, self.out_edges, frontier),
                _neighbourhood(self.in_start, self.in_edges, frontier),
            ])
            if allowed is not None:
                found = found[allowed[self.predicate_codes[found]]]
            taken[found] = True
            # New ends as a mask over all nodes: cheaper than np.unique (hashing) here.
            reached = np.zeros(len(self.node_ids), dtype=bool)
            reached[self.subjects[found]] = True
            reached[self.objects[found]] = True
            reached &= ~seen
            frontier = np.flatnonzero(reached)
            seen |= reached
            if not len(frontier):
                break
        edges = np.flatnonzero(taken)
        nodes = np.flatnonzero(seen)
        return SubgraphFrames(
            nodes=pd.DataFrame(dict(zip(SUBGRAPH_NODE_COLUMNS, (
                self.node_ids[nodes], self.categories[nodes], self.names[nodes]),
                strict=True))),
            edges=pd.DataFrame(dict(zip(SUBGRAPH_EDGE_COLUMNS, (
                self.edge_ids[edges],
                pd.Categorical.from_codes(self.subjects[edges], dtype=self.node_dtype),
                pd.Categorical.from_codes(self.predicate_codes[edges],
                                          dtype=self.predicate_dtype),
                pd.Categorical.from_codes(self.objects[edges], dtype=self.node_dtype),
                self.qualifiers[self.qualifier_codes[edges]]), strict=True))),
        )

    @cached_property
    def node_dtype(self) -> pd.CategoricalDtype:
        return pd.CategoricalDtype(pd.Index(self.node_ids))

    @cached_property
    def predicate_dtype(self) -> pd.CategoricalDtype:
        return pd.CategoricalDtype(pd.Index(self.predicates))


def _columns(rows: list[tuple], width: int) -> list[tuple]:
    return list(zip(*rows, strict=True)) if rows else [()] * width


def _objects(values) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    return array


def _csr(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Edge positions grouped by node code, and where each node's group starts."""
    order = np.argsort(codes, kind="stable").astype(np.int64)
    start = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=size), out=start[1:])
    return start, order


def _neighbourhood(start: np.ndarray, edges: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The concatenated CSR groups of ``nodes``, without a Python loop."""
    begins, ends = start[nodes], start[nodes + 1]
    lengths = ends - begins
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(begins - np.cumsum(lengths) + lengths, lengths)
    return edges[offsets + np.arange(total, dtype=np.int64)]
