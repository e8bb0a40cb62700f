"""The stacked ranker: the model's score combined with graph-feature scores.

An embedding learns slowly what a graph feature states directly: on HPO, ranking a
gene's diseases by the Jaccard overlap of their phenotypes beats every embedding we
trained within minutes, and the two disagree often enough that together they beat
both. Rephetio and AnyBURL-style hybrids combine such signals; kgtwin does so by
default (``TrainConfig.stack``, ``--no-stack`` to turn it off) on every graph:

* features: the model's score, the degree prior, degree-weighted path counts and, where
  the graph has ``biolink:has_phenotype`` statements, phenotype overlap (Jaccard), its
  IDF-weighted cosine and phenotype neighbours (:mod:`kgtwin.embed.phenotypes`; all from
  the training graph only, as the baselines in :mod:`kgtwin.embed.baselines`);
* each feature is standardised within the query's candidates (log1p first for the
  counts), so only its order and spread among the candidates matter;
* one weight per feature and per (relation, side), fitted by a pairwise logistic
  regression (held-out answer against random candidates) on **validation** statements
  only, never on the test ones; at most ``MAX_QUERIES`` per relation and side;
* a relation and side without validation statements ranks by the model alone.

The weights are saved with the model (``stack.json``); the evaluation reports the
stacked ranker (``stacked``) beside the model's own ranks (``model``), and predictions
rank by it (their ``model_score`` column keeps the model's own score).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from kgtwin.embed.baselines import (
    PHENOTYPE_PREDICATE,
    DegreeScorer,
    ModelScorer,
    PathCountScorer,
    PhenotypeOverlapScorer,
    Scorer,
    Side,
    _logistic,
)
from kgtwin.embed.candidates import CandidatePools, true_answers
from kgtwin.embed.modeldir import TrainedModel
from kgtwin.embed.phenotypes import PhenotypeIdfScorer, PhenotypeNeighbourScorer

log = logging.getLogger(__name__)

#: Features in the order weights are listed; the phenotype ones only where the graph has them.
FEATURES = ("model", "degree", "path_count", "phenotype_overlap", "phenotype_idf",
            "phenotype_neighbours")
#: Counts: compared on a log scale (a path count of 2,000 is not 1,000 times 2).
LOG_FEATURES = frozenset({"degree", "path_count", "phenotype_neighbours"})
#: Validation queries used per (relation, side), and random candidates per query.
MAX_QUERIES = 400
NEGATIVES = 50
BATCH = 128


def feature_scorers(trained: TrainedModel, existing: list[Scorer] | None = None
                    ) -> dict[str, Scorer]:
    """The stack's feature scorers on the training graph (reusing ``existing`` ones)."""
    found = {s.name: s for s in existing or [] if s.name in FEATURES}
    train = trained.mapped(trained.split.train)
    entities, relations = len(trained.entity_to_id), len(trained.relation_to_id)
    if "model" not in found:
        found["model"] = ModelScorer(trained.model)
    if "degree" not in found:
        found["degree"] = DegreeScorer(train, entities, relations)
    if "path_count" not in found:
        found["path_count"] = PathCountScorer(train, entities)
    phenotype = [i for label, i in trained.relation_to_id.items()
                 if label.split("[", 1)[0] == PHENOTYPE_PREDICATE]
    if phenotype and np.isin(train[:, 1], phenotype).any():
        if "phenotype_overlap" not in found:
            found["phenotype_overlap"] = PhenotypeOverlapScorer(train, entities, phenotype)
        if "phenotype_idf" not in found:
            found["phenotype_idf"] = PhenotypeIdfScorer(train, entities, phenotype)
        if "phenotype_neighbours" not in found:
            found["phenotype_neighbours"] = PhenotypeNeighbourScorer(
                found["phenotype_idf"], train, entities)
    return {name: found[name] for name in FEATURES if name in found}


def standardized(name: str, scores: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each row's scores as z-scores over the candidates (``mask``); flat rows give 0."""
    values = np.log1p(np.maximum(scores, 0.0)) if name in LOG_FEATURES else scores
    values = values.astype(float)
    pool = values[:, mask]
    mean = pool.mean(axis=1, keepdims=True)
    spread = pool.std(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(spread > 0, (values - mean) / spread, 0.0)
    return np.nan_to_num(out)


def fit_stack(trained: TrainedModel, scorers: dict[str, Scorer], *,
              seed: int = 0) -> dict[str, Any]:
    """Weights per (relation, side) fitted on the validation statements (see module doc)."""
    rng = np.random.default_rng(seed)
    split = trained.split
    # true answers that must not serve as negatives: training and validation ones only,
    # so nothing about the test statements reaches the weights
    seen = trained.mapped(np.concatenate([split.train, split.valid]))
    known = true_answers(seen)
    valid = trained.mapped(split.valid)
    labels = {i: r for r, i in trained.relation_to_id.items()}
    names = list(scorers)
    pools = CandidatePools(trained)
    weights: dict[str, dict[str, float]] = {}
    counts: dict[str, int] = {}
    for relation_id in sorted(set(valid[:, 1].tolist())):
        rows = valid[valid[:, 1] == relation_id]
        if len(rows) > MAX_QUERIES:
            rows = rows[np.sort(rng.choice(len(rows), MAX_QUERIES, replace=False))]
        for side in ("head", "tail"):
            anchor_col, answer_col = (2, 0) if side == "head" else (0, 2)
            mask = pools.mask(labels[relation_id], side)
            differences = []
            for start in range(0, len(rows), BATCH):
                chunk = rows[start:start + BATCH]
                anchors, answers = chunk[:, anchor_col], chunk[:, answer_col]
                z = np.stack([standardized(n, scorers[n].scores(anchors, chunk[:, 1], side), mask)
                              for n in names], axis=-1)  # queries x entities x features
                for row, (anchor, answer) in enumerate(zip(anchors.tolist(), answers.tolist(),
                                                           strict=True)):
                    pool = mask.copy()
                    pool[known[side][(anchor, relation_id)]] = False
                    others = np.flatnonzero(pool)
                    if not len(others):
                        continue
                    picks = rng.choice(others, min(NEGATIVES, len(others)), replace=False)
                    differences.append(z[row, answer][None, :] - z[row, picks])
            key = f"{labels[relation_id]}|{side}"
            if not differences:
                continue
            pairs = np.concatenate(differences)
            # symmetric pairs: the answer above a random candidate (1) and below it (0)
            fitted, _ = _logistic(np.concatenate([pairs, -pairs]),
                                  np.concatenate([np.ones(len(pairs)), np.zeros(len(pairs))]))
            weights[key] = {n: round(float(w), 6) for n, w in zip(names, fitted, strict=True)}
            counts[key] = len(rows)
    return {"features": names, "weights": weights, "validation_queries": counts,
            "negatives_per_query": NEGATIVES}


class StackedScorer:
    """Ranks by the fitted weighted sum of standardised feature scores."""

    name = "stacked"

    def __init__(self, trained: TrainedModel, stack: dict[str, Any],
                 scorers: dict[str, Scorer], *, pools: CandidatePools | None = None):
        """``pools``: the caller's candidate masks (the same rule; built here if not given)."""
        self.trained = trained
        self.stack = stack
        self.scorers = scorers
        self.labels = {i: r for r, i in trained.relation_to_id.items()}
        self.pools = pools or CandidatePools(trained)

    def weights(self, relation: str, side: Side) -> dict[str, float]:
        """The fitted weights, or the model alone where none were fitted."""
        return self.stack.get("weights", {}).get(f"{relation}|{side}", {"model": 1.0})

    def scores(self, anchors: np.ndarray, relations: np.ndarray, side: Side) -> np.ndarray:
        out = np.zeros((len(anchors), len(self.trained.entity_to_id)))
        for relation_id in np.unique(relations).tolist():
            relation = self.labels[relation_id]
            rows = np.flatnonzero(relations == relation_id)
            mask = self.pools.mask(relation, side)
            for name, weight in self.weights(relation, side).items():
                if weight and name in self.scorers:
                    raw = self.scorers[name].scores(anchors[rows], relations[rows], side)
                    out[rows] += weight * standardized(name, raw, mask)
        return out
