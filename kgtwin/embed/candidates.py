"""Who may answer a query, and which answers are already true.

One rule serves evaluation (:mod:`kgtwin.embed.evaluation`), the stacked ranker
(:mod:`kgtwin.embed.stack`) and predictions (:mod:`kgtwin.embed.predict`), so a number
in a report is measured over the same candidates a prediction is chosen from:

    The candidates for one side of a relation are the entities whose Biolink category
    is the category of some entity on that side of one of the relation's statements
    (any split). An entity without a category counts as ``biolink:NamedThing``, the
    Biolink root, as the model directory saves it, so a model ranks the same
    candidates before and after it is saved and loaded.

:class:`CandidatePools` computes a mask per (relation, side) once, vectorised over
category codes (a Hetionet-size graph has 47k entities and 2M statements).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from kgtwin.embed.baselines import Side
from kgtwin.embed.modeldir import TrainedModel

#: The category of an entity the graph gives none (the Biolink root).
UNCATEGORISED = "biolink:NamedThing"


class CandidatePools:
    """Candidate masks per (relation, side) of one trained model (see the module doc)."""

    def __init__(self, trained: TrainedModel, mapped: np.ndarray | None = None):
        """``mapped``: the model's id triples (all statements) where the caller has them."""
        categories = [trained.graph.categories.get(e) or UNCATEGORISED
                      for e in trained.id_to_entity]
        _, codes = np.unique(np.array(categories, dtype=object), return_inverse=True)
        self.codes = codes.reshape(-1)
        self.relation_to_id = trained.relation_to_id
        rows = trained.mapped() if mapped is None else mapped
        order = np.argsort(rows[:, 1], kind="stable")
        self._by_relation = rows[order]
        self._starts = np.searchsorted(self._by_relation[:, 1],
                                       np.arange(len(self.relation_to_id) + 1))
        self._masks: dict[tuple[str, Side], np.ndarray] = {}

    def mask(self, relation: str, side: Side) -> np.ndarray:
        """Boolean mask over entities: who may fill ``side`` of ``relation`` (a fresh copy)."""
        key = (relation, side)
        if key not in self._masks:
            relation_id = self.relation_to_id[relation]
            rows = self._by_relation[self._starts[relation_id]:self._starts[relation_id + 1]]
            fillers = rows[:, 0 if side == "head" else 2]
            self._masks[key] = np.isin(self.codes, np.unique(self.codes[fillers]))
        return self._masks[key].copy()


def candidate_mask(trained: TrainedModel, relation: str, side: Side) -> np.ndarray:
    """One mask by the shared rule (build a :class:`CandidatePools` to ask for many)."""
    return CandidatePools(trained).mask(relation, side)


def true_answers(mapped: np.ndarray) -> dict[Side, dict[tuple[int, int], np.ndarray]]:
    """For each (anchor, relation): every entity that makes a true statement, per side."""
    found: dict[Side, dict[tuple[int, int], list[int]]] = {
        "tail": defaultdict(list), "head": defaultdict(list)
    }
    for h, r, t in mapped.tolist():
        found["tail"][(h, r)].append(t)
        found["head"][(t, r)].append(h)
    return {side: {k: np.array(v) for k, v in d.items()} for side, d in found.items()}
