"""Ranked predictions users can act on: candidates of the right category, not yet linked.

``predict_repurpose(model, disease=...)`` ranks drugs for a disease (``treats``
subjects), ``drug=...`` diseases for a drug; ``predict_targets(model, disease=...)``
ranks genes associated with a disease, ``drug=...`` genes a drug may act on. Every
row carries the model's score, its rank and percentile among all candidates, the
strongest supporting graph paths and the nearest known positives in embedding space.
Models with a stacked ranker (the default, :mod:`kgtwin.embed.stack`) rank by it:
``score`` is then the stacked score and ``model_score`` the model's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kgtwin.embed import modeldir
from kgtwin.embed.baselines import ModelScorer, Scorer, Side
from kgtwin.embed.candidates import CandidatePools
from kgtwin.embed.explain import PathIndex, entity_embeddings, explain_pair, nearest_positives
from kgtwin.embed.modeldir import TrainedModel
from kgtwin.embed.stack import StackedScorer, feature_scorers
from kgtwin.embed.triples import base_predicate, is_negated
from kgtwin.errors import InvalidIdentifierError, KgTwinError, NotFoundError
from kgtwin.ids import normalize
from kgtwin.model import KNOWLEDGE_LEVEL, PREDICTED
from kgtwin.store.base import GraphStore

TREATS = "biolink:treats"
#: Predicates tried, in order, for "targets of a disease" and "targets of a drug".
DISEASE_TARGETS = ("biolink:gene_associated_with_condition", "biolink:associated_with",
                   "biolink:contributes_to")
DRUG_TARGETS = ("biolink:affects", "biolink:interacts_with", "biolink:physically_interacts_with",
                "biolink:directly_physically_interacts_with")

COLUMNS = ["query", "relation", "subject", "object", "candidate", "name", "category", "score",
           "model_score", "rank", "percentile", "candidates", "paths", "nearest_positives"]


@dataclass
class Predictor:
    """A loaded model with what predictions need built once: paths index, embeddings."""

    trained: TrainedModel
    store: GraphStore | None = None

    def __post_init__(self) -> None:
        trained = self.trained
        self.labels = trained.id_to_entity
        self.mapped = trained.mapped()
        relation_labels = [""] * len(trained.relation_to_id)
        for label, index in trained.relation_to_id.items():
            relation_labels[index] = label
        self.relation_labels = relation_labels
        self.paths = PathIndex.build(self.mapped, len(self.labels), relation_labels)
        self.embeddings = entity_embeddings(trained.model)
        self.model_scorer = ModelScorer(trained.model)
        self.scorer: Scorer = self.model_scorer
        self.pools = CandidatePools(trained, self.mapped)
        if trained.stack is not None:
            self.scorer = StackedScorer(trained, trained.stack,
                                        feature_scorers(trained, [self.model_scorer]),
                                        pools=self.pools)
        counts = np.bincount(self.mapped[:, 1], minlength=len(relation_labels))
        self.relation_counts = dict(zip(relation_labels, counts.tolist(), strict=True))
        order = np.lexsort((self.mapped[:, 0], self.mapped[:, 1]))
        self._by_relation = self.mapped[order]  # sorted by relation: one slice per relation
        self._starts = np.searchsorted(self._by_relation[:, 1], np.arange(len(relation_labels) + 1))

    @classmethod
    def open(cls, model: str | Path | TrainedModel, store: GraphStore | None = None, *,
             trust: bool = False) -> Predictor:
        """A predictor for a model directory (``trust``: see :func:`modeldir.load`)."""
        if isinstance(model, TrainedModel):
            trained = model
        else:
            trained = modeldir.load(model, store, trust=trust)
        return cls(trained, store)

    # --- lookups --------------------------------------------------------------------
    def entity(self, id: str) -> int:
        """The model's index of an entity given by any id the store (or the model) knows."""
        candidates = [id]
        if self.store is not None:
            resolved = self.store.resolve(id)
            if resolved:
                candidates.insert(0, resolved)
        else:  # the aliases of the store the model was trained on, saved with it
            try:
                spelled = normalize(id)
            except InvalidIdentifierError:
                spelled = id
            for alias in (id, spelled):
                if alias in self.trained.aliases:
                    candidates.append(self.trained.aliases[alias])
            candidates.append(spelled)
        for candidate in candidates:
            if candidate in self.trained.entity_to_id:
                return self.trained.entity_to_id[candidate]
        raise NotFoundError(f"model {self.trained.model_id} does not know {id!r}")

    def relation(self, predicates: tuple[str, ...] | str) -> str:
        """The model's relation for the first predicate it knows (most statements wins)."""
        wanted = (predicates,) if isinstance(predicates, str) else predicates
        counts = self.relation_counts
        for predicate in wanted:
            labels = [r for r, n in counts.items() if n and base_predicate(r) == predicate]
            if labels:
                return max(labels, key=lambda r: counts[r])
        raise KgTwinError(
            f"model {self.trained.model_id} was trained without {' or '.join(wanted)} statements"
        )

    def label(self, index: int) -> str:
        entity = self.labels[index]
        return self.trained.graph.names.get(entity) or entity

    # --- ranking --------------------------------------------------------------------
    def rank(self, anchor: str, relation: str, side: Side, *, k: int = 10,
             explain: bool = True) -> pd.DataFrame:
        """Top-k candidates for ``(?, relation, anchor)`` (head) or ``(anchor, relation, ?)``."""
        relation_id = self.trained.relation_to_id[relation]
        anchor_id = self.entity(anchor)
        query = (np.array([anchor_id]), np.array([relation_id]), side)
        scores = self.scorer.scores(*query)[0]
        model_scores = (scores if self.scorer is self.model_scorer
                        else self.model_scorer.scores(*query)[0])
        pool = self.candidates(relation, side)
        pool[anchor_id] = False
        known = self._linked(anchor_id, relation, side)
        pool[known] = False
        candidates = np.flatnonzero(pool)
        if not len(candidates):
            return pd.DataFrame(columns=COLUMNS)
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        top = order[:k]
        positives = known
        rows = []
        for position, candidate in enumerate(top.tolist(), start=1):
            subject, object_ = (candidate, anchor_id) if side == "head" else (anchor_id, candidate)
            entity = self.labels[candidate]
            rows.append({
                "query": self.labels[anchor_id],
                "relation": relation,
                "subject": self.labels[subject],
                "object": self.labels[object_],
                "candidate": entity,
                "name": self.trained.graph.names.get(entity),
                "category": self.trained.graph.categories.get(entity),
                "score": float(scores[candidate]),
                "model_score": float(model_scores[candidate]),
                "rank": position,
                "percentile": 100.0 * (1 - (position - 1) / len(candidates)),
                "candidates": len(candidates),
                "paths": explain_pair(self.paths, subject, object_, self.label) if explain else [],
                "nearest_positives": [
                    {"id": self.labels[i], "name": self.label(i), "similarity": s}
                    for i, s in nearest_positives(self.embeddings, candidate, positives)
                ] if explain else [],
            })
        return pd.DataFrame(rows, columns=COLUMNS)

    def candidates(self, relation: str, side: Side) -> np.ndarray:
        """Who may fill ``side`` of ``relation`` (a fresh mask; the rule evaluation uses,
        :mod:`kgtwin.embed.candidates`)."""
        return self.pools.mask(relation, side)

    def _rows(self, relation_id: int) -> np.ndarray:
        return self._by_relation[self._starts[relation_id] : self._starts[relation_id + 1]]

    def _linked(self, anchor: int, relation: str, side: Side) -> np.ndarray:
        """Entities already linked to the anchor by the relation's predicate (any split)."""
        predicate = base_predicate(relation)
        rows = np.concatenate([self._rows(i) for r, i in self.trained.relation_to_id.items()
                               if base_predicate(r) == predicate])
        if side == "head":
            linked = set(rows[rows[:, 2] == anchor][:, 0].tolist())
        else:
            linked = set(rows[rows[:, 0] == anchor][:, 2].tolist())
        if self.store is not None:  # statements added to the graph since training
            anchor_id = self.labels[anchor]
            way = {"object": anchor_id} if side == "head" else {"subject": anchor_id}
            for edge in self.store.edges(predicate=predicate, **way):
                if edge.qualifiers.get(KNOWLEDGE_LEVEL) == PREDICTED or is_negated(edge):
                    continue  # a prediction, or a statement that the link does not hold
                other = edge.subject if side == "head" else edge.object
                if other in self.trained.entity_to_id:
                    linked.add(self.trained.entity_to_id[other])
        return np.array(sorted(linked), dtype=np.int64)


def _one(disease: str | None, drug: str | None) -> None:
    if (disease is None) == (drug is None):
        raise KgTwinError("give exactly one of a disease or a drug")


def predict_repurpose(
    model: str | Path | TrainedModel | Predictor,
    *,
    disease: str | None = None,
    drug: str | None = None,
    k: int = 10,
    store: GraphStore | None = None,
    explain: bool = True,
) -> pd.DataFrame:
    """Drugs that may treat ``disease``, or diseases ``drug`` may treat, best first."""
    _one(disease, drug)
    predictor = _predictor(model, store)
    relation = predictor.relation(TREATS)
    if disease is not None:
        return predictor.rank(disease, relation, "head", k=k, explain=explain)
    return predictor.rank(drug, relation, "tail", k=k, explain=explain)


def predict_targets(
    model: str | Path | TrainedModel | Predictor,
    *,
    disease: str | None = None,
    drug: str | None = None,
    k: int = 10,
    store: GraphStore | None = None,
    explain: bool = True,
) -> pd.DataFrame:
    """Genes associated with ``disease`` (candidate targets), or genes ``drug`` may act on."""
    _one(disease, drug)
    predictor = _predictor(model, store)
    if disease is not None:
        try:
            relation = predictor.relation(DISEASE_TARGETS)
        except KgTwinError as error:
            raise KgTwinError(f"{error}: load gene–disease associations to rank a disease's "
                              "genes, or ask for a drug's targets with --drug") from None
        return predictor.rank(disease, relation, "head", k=k, explain=explain)
    relation = predictor.relation(DRUG_TARGETS)
    return predictor.rank(drug, relation, "tail", k=k, explain=explain)


def _predictor(model: Any, store: GraphStore | None) -> Predictor:
    if isinstance(model, Predictor):
        return model
    return Predictor.open(model, store)
