"""Why a prediction: the strongest short graph paths between the two entities, on a CPU.

Paths of up to three statements, in either direction, through the graph the model was
trained on. A path is weighted like Rephetio's degree-weighted path count: each entity
it passes through divides its weight by ``degree ** 0.4``, so a path through a
specific gene outranks one through a hub everything touches. The search is a
meet-in-the-middle over a compressed adjacency (numpy arrays, built once per model):
length-3 paths ``a - x - y - b`` are found by marking ``b``'s neighbours and scanning
the neighbours of ``a``'s neighbours in one vectorised step.

Also :func:`nearest_positives`: the known answers closest to a candidate in embedding
space (for a predicted drug of a disease, the disease's known drugs most like it).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from kgtwin.embed.baselines import DWPC_DAMPING

#: Neighbour lists longer than this are sampled when expanding a length-3 path's middle.
MAX_FANOUT = 200_000


@dataclass(frozen=True)
class PathIndex:
    """Compressed undirected adjacency of a graph, remembering each edge's relation and way."""

    indptr: np.ndarray
    neighbors: np.ndarray
    relations: np.ndarray
    outgoing: np.ndarray  # True when the stored statement points from the row entity
    degree: np.ndarray
    relation_labels: list[str]

    @classmethod
    def build(cls, mapped: np.ndarray, num_entities: int, relation_labels: list[str]) -> PathIndex:
        heads, rels, tails = mapped[:, 0], mapped[:, 1], mapped[:, 2]
        rows = np.concatenate([heads, tails])
        cols = np.concatenate([tails, heads])
        kinds = np.concatenate([rels, rels])
        way = np.concatenate([np.ones(len(heads), bool), np.zeros(len(heads), bool)])
        order = np.lexsort((cols, rows))
        rows, cols, kinds, way = rows[order], cols[order], kinds[order], way[order]
        indptr = np.zeros(num_entities + 1, dtype=np.int64)
        np.add.at(indptr, rows + 1, 1)
        indptr = np.cumsum(indptr)
        degree = np.diff(indptr).astype(float)
        return cls(indptr, cols, kinds, way, degree, relation_labels)

    def around(self, node: int) -> np.ndarray:
        return self.neighbors[self.indptr[node] : self.indptr[node + 1]]

    def edge(self, a: int, b: int) -> tuple[str, bool]:
        """The relation of one statement between a and b, and whether it points a -> b."""
        start, stop = self.indptr[a], self.indptr[a + 1]
        at = start + int(np.searchsorted(self.neighbors[start:stop], b))
        return self.relation_labels[int(self.relations[at])], bool(self.outgoing[at])

    def paths(self, a: int, b: int, *, limit: int = 5) -> list[tuple[float, tuple[int, ...]]]:
        """The ``limit`` strongest simple paths (as node tuples) from a to b, length 1-3."""
        weight = np.zeros_like(self.degree)
        positive = self.degree > 0
        weight[positive] = self.degree[positive] ** -DWPC_DAMPING
        found: list[tuple[float, tuple[int, ...]]] = []
        near_a = np.unique(self.around(a))
        near_b = np.unique(self.around(b))
        if b in set(near_a.tolist()):
            found.append((float(weight[a] * weight[b]), (a, b)))
        middle = np.intersect1d(near_a, near_b)
        middle = middle[(middle != a) & (middle != b)]
        for x in middle.tolist():
            found.append((float(weight[a] * weight[x] ** 2 * weight[b]), (a, x, b)))
        mark = np.zeros(len(self.degree), dtype=bool)
        mark[near_b] = True
        mark[[a, b]] = False
        first = near_a[(near_a != b)]
        starts, stops = self.indptr[first], self.indptr[first + 1]
        sizes = stops - starts
        if sizes.sum() > MAX_FANOUT:  # keep the least connected (most specific) first hops
            keep = np.argsort(sizes, kind="stable")
            budget = np.cumsum(sizes[keep]) <= MAX_FANOUT
            first, starts, sizes = first[keep[budget]], starts[keep[budget]], sizes[keep[budget]]
        if len(first):
            offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
            seconds = self.neighbors[offsets]
            xs = np.repeat(first, sizes)
            hit = mark[seconds] & (seconds != xs)
            pairs = np.unique(np.stack([xs[hit], seconds[hit]], axis=1), axis=0)
            if len(pairs):
                scores = weight[a] * weight[pairs[:, 0]] ** 2 * weight[pairs[:, 1]] ** 2 * weight[b]
                best = np.argsort(-scores, kind="stable")[: limit * 4]
                found += [(float(scores[i]), (a, int(pairs[i, 0]), int(pairs[i, 1]), b))
                          for i in best.tolist()]
        found.sort(key=lambda item: (-item[0], len(item[1])))
        return found[:limit]


def describe(index: PathIndex, nodes: tuple[int, ...], label: Any) -> str:
    """``metformin -affects[increased]-> INSR <-... `` as one readable line."""
    parts = [label(nodes[0])]
    for a, b in pairwise(nodes):
        relation, forward = index.edge(a, b)
        name = relation.removeprefix("biolink:")
        parts.append(f"-{name}->" if forward else f"<-{name}-")
        parts.append(label(b))
    return " ".join(parts)


def explain_pair(
    index: PathIndex, a: int, b: int, label: Any, *, limit: int = 3
) -> list[dict[str, Any]]:
    """The strongest paths between two entities, described, with their weights."""
    return [
        {"path": describe(index, nodes, label), "weight": weight, "length": len(nodes) - 1}
        for weight, nodes in index.paths(a, b, limit=limit)
    ]


def entity_embeddings(model: Any) -> np.ndarray:
    """Entity vectors as real numbers (complex models give real and imaginary parts)."""
    import torch

    with torch.inference_mode():
        vectors = model.entity_representations[0](indices=None).detach().cpu()
    if vectors.is_complex():
        vectors = torch.view_as_real(vectors)
    return vectors.reshape(vectors.shape[0], -1).float().numpy()


def nearest_positives(
    embeddings: np.ndarray, candidate: int, positives: np.ndarray, *, limit: int = 3
) -> list[tuple[int, float]]:
    """Known answers most similar (cosine) to the candidate, best first."""
    positives = positives[positives != candidate]
    if not len(positives):
        return []
    vectors = embeddings[positives]
    target = embeddings[candidate]
    norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(target) or 1.0)
    similarity = vectors @ target / np.where(norms == 0, 1.0, norms)
    best = np.argsort(-similarity, kind="stable")[:limit]
    return [(int(positives[i]), float(similarity[i])) for i in best.tolist()]
