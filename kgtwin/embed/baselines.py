"""Scorers ranked on the same queries as the model: the model itself and two baselines.

* ``degree``: the prior — a candidate's number of training statements of the task
  relation on the asked side (ties broken by its total degree). Rephetio found this
  alone reaches most of its model's AUROC; a model that does not beat it learned
  popularity, not biology.
* ``path_count``: in the spirit of Rephetio's degree-weighted path counts (DWPC):
  paths of length 2 and 3 between the query entity and each candidate in the training
  graph, each path weighted by the degrees it passes through (damping 0.4, so hubs
  count less). Edge types are not told apart (Rephetio learns a weight per metapath
  with a logistic regression; this baseline sums them), which keeps it parameter-free.

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

        device = next(self.model.parameters()).device
        batch = torch.as_tensor(np.stack([anchors, relations], axis=1), device=device)
        if side == "head":
            batch = batch[:, [1, 0]]  # (relation, tail) for score_h
        self.model.eval()
        with torch.inference_mode():
            out = self.model.score_t(batch) if side == "tail" else self.model.score_h(batch)
        return out.float().cpu().numpy()


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


def baseline_scorers(train: np.ndarray, num_entities: int, num_relations: int) -> list[Scorer]:
    """The baselines every evaluation reports next to the model."""
    return [DegreeScorer(train, num_entities, num_relations), PathCountScorer(train, num_entities)]
