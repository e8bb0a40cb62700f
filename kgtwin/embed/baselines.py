"""Scorers ranked on the same queries as the model: the model itself and two baselines.

* ``degree``: the prior — a candidate's number of training statements of the task
  relation on the asked side (ties broken by its total degree). Rephetio found this
  alone reaches most of its model's AUROC; a model that does not beat it learned
  popularity, not biology.
* ``path_count``: in the spirit of Rephetio's degree-weighted path counts (DWPC):
  paths of length 2 and 3 between the query entity and each candidate in the training
  graph, each path weighted by the degrees it passes through (damping 0.4, so hubs
  count less), edge types not told apart: parameter-free.
* ``metapath``: Rephetio proper, simplified: DWPC per *typed* path (metapath, e.g.
  drug -affects-> gene <-affects- drug -treats-> disease), the metapaths that separate
  training statements of the asked relation from random pairs selected, and combined
  by a logistic regression fitted on those training statements only.

* ``phenotype_overlap``: where the graph has ``biolink:has_phenotype`` statements, the
  Jaccard overlap of the two entities' phenotype sets in training (a gene's phenotypes
  against a disease's): the classic phenotype-similarity ranking of rare-disease work,
  and the bar a model must clear on HPO. ``phenotype_idf`` weights rare phenotypes above
  common ones (:mod:`kgtwin.embed.phenotypes`) and is reported beside it.

Every scorer answers ``scores(anchors, relations, side)`` with a dense
``(len(anchors), num_entities)`` array: ``side="tail"`` scores objects for
``(anchor, relation, ?)``, ``side="head"`` subjects for ``(?, relation, anchor)``.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

import numpy as np

Side = Literal["head", "tail"]

#: Rephetio's damping exponent for degree-weighted path counts.
DWPC_DAMPING = 0.4


class Scorer(Protocol):
    name: str

    def scores(self, anchors: np.ndarray, relations: np.ndarray, side: Side) -> np.ndarray: ...


class ModelScorer:
    """A PyKEEN model's scores (``score_t`` / ``score_h``) on the CPU or its device."""

    name = "model"

    def __init__(self, model: Any):
        self.model = model

    def scores(self, anchors: np.ndarray, relations: np.ndarray, side: Side) -> np.ndarray:
        import torch

        from kgtwin.embed.train import TENSOR_CAP_BYTES

        device = next(self.model.parameters()).device
        batch = torch.as_tensor(np.stack([anchors, relations], axis=1), device=device)
        if side == "head":
            batch = batch[:, [1, 0]]  # (relation, tail) for score_h
        self.model.eval()
        # PyKEEN broadcasts queries x entities x dimension: chunk to stay under the cap
        chunk = max(1, TENSOR_CAP_BYTES // max(1, self._query_bytes()))
        parts = []
        with torch.inference_mode():
            for start in range(0, len(batch), chunk):
                piece = batch[start:start + chunk]
                out = self.model.score_t(piece) if side == "tail" else self.model.score_h(piece)
                parts.append(out.float().cpu().numpy())
        return np.concatenate(parts) if parts else np.zeros((0, self.model.num_entities))

    def _query_bytes(self) -> int:
        import torch

        representation = self.model.entity_representations[0]
        with torch.inference_mode():
            one = representation(indices=torch.zeros(1, dtype=torch.long,
                                                     device=next(self.model.parameters()).device))
        return int(one.numel() * one.element_size()) * self.model.num_entities


class DegreeScorer:
    """The degree prior: how often a candidate fills that side of that relation in training."""

    name = "degree"

    def __init__(self, train: np.ndarray, num_entities: int, num_relations: int):
        self.by_relation = {
            "tail": np.zeros((num_relations, num_entities)),
            "head": np.zeros((num_relations, num_entities)),
        }
        np.add.at(self.by_relation["tail"], (train[:, 1], train[:, 2]), 1.0)
        np.add.at(self.by_relation["head"], (train[:, 1], train[:, 0]), 1.0)
        total = np.bincount(train[:, [0, 2]].ravel(), minlength=num_entities).astype(float)
        self.tiebreak = total / (total.max() + 1.0)

    def scores(self, anchors: np.ndarray, relations: np.ndarray, side: Side) -> np.ndarray:
        return self.by_relation[side][relations] + self.tiebreak[None, :]


class PathCountScorer:
    """Degree-weighted counts of length-2 and length-3 paths in the training graph."""

    name = "path_count"

    def __init__(self, train: np.ndarray, num_entities: int, damping: float = DWPC_DAMPING):
        from scipy import sparse

        rows = np.concatenate([train[:, 0], train[:, 2]])
        cols = np.concatenate([train[:, 2], train[:, 0]])
        keep = rows != cols
        adjacency = sparse.csr_matrix(
            (np.ones(keep.sum()), (rows[keep], cols[keep])), shape=(num_entities, num_entities)
        )
        degree = np.asarray(adjacency.sum(axis=1)).ravel()
        scale = np.zeros_like(degree)
        scale[degree > 0] = degree[degree > 0] ** -damping
        weight = sparse.diags(scale)
        self.weighted = (weight @ adjacency @ weight).tocsr()

    def scores(self, anchors: np.ndarray, relations: np.ndarray, side: Side) -> np.ndarray:
        start = self.weighted[anchors]
        two = (start @ self.weighted).tocsr()
        three = (two @ self.weighted).toarray()
        return two.toarray() + three


class MetapathScorer:
    """Typed degree-weighted path counts combined by a logistic regression (Rephetio-style).

    For each asked (relation, side) it fits once: up to ``sample`` training statements of
    the relation against as many random pairs of the same categories; metapaths of
    length 2 and 3 reaching the answers are enumerated (at most ``max_evaluated``), the
    ``max_metapaths`` that best separate positives from random pairs are kept, and their
    ``asinh``-scaled DWPCs get logistic-regression weights. Walks, not simple paths:
    a training statement's own edge can take part in its features (Rephetio removes it),
    which makes this baseline, if anything, over-trust self-reinforcing metapaths.
    """

    name = "metapath"

    def __init__(self, train: np.ndarray, num_entities: int, num_relations: int, *,
                 max_metapaths: int = 12, sample: int = 200, max_evaluated: int = 400,
                 seed: int = 0):
        from scipy import sparse

        self.train = train
        self.num_entities = num_entities
        self.max_metapaths = max_metapaths
        self.sample = sample
        self.max_evaluated = max_evaluated
        self.rng = np.random.default_rng(seed)
        self.weighted: dict[int, object] = {}
        for relation in np.unique(train[:, 1]).tolist():
            rows = train[train[:, 1] == relation]
            heads, tails = rows[:, 0], rows[:, 2]
            matrix = sparse.csr_matrix(
                (np.ones(2 * len(rows)), (np.concatenate([heads, tails]),
                                          np.concatenate([tails, heads]))),
                shape=(num_entities, num_entities),
            )
            degree = np.asarray(matrix.sum(axis=1)).ravel()
            scale = np.zeros_like(degree)
            scale[degree > 0] = degree[degree > 0] ** -DWPC_DAMPING
            self.weighted[relation] = (sparse.diags(scale) @ matrix @ sparse.diags(scale)).tocsr()
        self.fitted: dict[tuple[int, str], tuple[list[tuple[int, ...]], np.ndarray, float]] = {}

    def _walk(self, anchors: np.ndarray, metapath: tuple[int, ...]):
        from scipy import sparse

        current = sparse.csr_matrix(
            (np.ones(len(anchors)), (np.arange(len(anchors)), anchors)),
            shape=(len(anchors), self.num_entities),
        )
        for relation in metapath:
            current = current @ self.weighted[relation]
        return current

    def _fit(self, relation: int, side: Side) -> None:
        rows = self.train[self.train[:, 1] == relation]
        anchor_col, answer_col = (2, 0) if side == "head" else (0, 2)
        if len(rows) > self.sample:
            rows = rows[self.rng.choice(len(rows), self.sample, replace=False)]
        anchors = rows[:, anchor_col]
        fillers = np.unique(self.train[self.train[:, 1] == relation][:, answer_col])
        positives = rows[:, answer_col]
        negatives = self.rng.choice(fillers, len(rows))
        both = np.concatenate([anchors, anchors])
        answers = np.concatenate([positives, negatives])
        labels = np.concatenate([np.ones(len(rows)), np.zeros(len(rows))])
        relations = list(self.weighted)
        candidates: list[tuple[int, ...]] = []
        prefixes = []
        for first in relations:
            reach = self._walk(both, (first,))
            if reach.nnz:
                prefixes.append(((first,), reach))
        for prefix, reach in prefixes:
            for second in relations:
                step = reach @ self.weighted[second]
                if step.nnz:
                    candidates.append((*prefix, second))
        for metapath in list(candidates):
            for third in relations:
                if len(candidates) >= self.max_evaluated:
                    break
                candidates.append((*metapath, third))
        features, kept = [], []
        for metapath in candidates:
            values = np.asarray(self._walk(both, metapath)[np.arange(len(both)), answers]).ravel()
            if values.any():
                features.append(np.arcsinh(values * 10))
                kept.append(metapath)
        if not kept:
            self.fitted[(relation, side)] = ([], np.zeros(0), 0.0)
            return
        matrix = np.stack(features, axis=1)
        separation = (matrix[labels == 1].mean(0) - matrix[labels == 0].mean(0)) / (
            matrix.std(0) + 1e-9)
        best = np.argsort(-separation)[: self.max_metapaths]
        best = best[separation[best] > 0]
        chosen = [kept[i] for i in best.tolist()]
        weights, bias = _logistic(matrix[:, best], labels)
        self.fitted[(relation, side)] = (chosen, weights, bias)

    def scores(self, anchors: np.ndarray, relations: np.ndarray, side: Side) -> np.ndarray:
        out = np.zeros((len(anchors), self.num_entities))
        for relation in np.unique(relations).tolist():
            if (relation, side) not in self.fitted:
                self._fit(relation, side)
            metapaths, weights, _ = self.fitted[(relation, side)]
            rows = np.flatnonzero(relations == relation)
            for metapath, weight in zip(metapaths, weights, strict=True):
                values = self._walk(anchors[rows], metapath).toarray()
                out[rows] += weight * np.arcsinh(values * 10)
        return out


class PhenotypeOverlapScorer:
    """Jaccard overlap of training phenotype sets (``biolink:has_phenotype`` objects)."""

    name = "phenotype_overlap"

    def __init__(self, train: np.ndarray, num_entities: int, relations: list[int]):
        from scipy import sparse

        rows = train[np.isin(train[:, 1], relations)]
        pairs = np.unique(rows[:, [0, 2]], axis=0)
        self.sets = sparse.csr_matrix(
            (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(num_entities, num_entities)
        )
        self.sizes = np.asarray(self.sets.sum(axis=1)).ravel()
        self.transposed = self.sets.T.tocsc()

    def scores(self, anchors: np.ndarray, relations: np.ndarray, side: Side) -> np.ndarray:
        shared = (self.sets[anchors] @ self.transposed).toarray()
        union = self.sizes[anchors][:, None] + self.sizes[None, :] - shared
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(union > 0, shared / union, 0.0)


def _logistic(features: np.ndarray, labels: np.ndarray, *, steps: int = 300,
              rate: float = 0.5, l2: float = 0.01) -> tuple[np.ndarray, float]:
    """Plain L2-regularised logistic regression by gradient descent (a few features)."""
    weights = np.zeros(features.shape[1])
    bias = 0.0
    for _ in range(steps):
        predicted = 1.0 / (1.0 + np.exp(-(features @ weights + bias)))
        error = predicted - labels
        weights -= rate * (features.T @ error / len(labels) + l2 * weights)
        bias -= rate * error.mean()
    return weights, bias


PHENOTYPE_PREDICATE = "biolink:has_phenotype"


def baseline_scorers(
    train: np.ndarray, num_entities: int, num_relations: int,
    relation_labels: list[str] | None = None,
) -> list[Scorer]:
    """The baselines every evaluation reports next to the model (phenotype overlap where
    the graph has phenotypes)."""
    scorers: list[Scorer] = [
        DegreeScorer(train, num_entities, num_relations), PathCountScorer(train, num_entities),
        MetapathScorer(train, num_entities, num_relations),
    ]
    phenotype = [i for i, label in enumerate(relation_labels or [])
                 if label.split("[", 1)[0] == PHENOTYPE_PREDICATE]
    if phenotype and np.isin(train[:, 1], phenotype).any():
        from kgtwin.embed.phenotypes import PhenotypeIdfScorer

        scorers.append(PhenotypeOverlapScorer(train, num_entities, phenotype))
        scorers.append(PhenotypeIdfScorer(train, num_entities, phenotype))
    return scorers
