"""Who may answer a query, and which answers are already true (evaluation and stacking)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from kgtwin.embed.baselines import Side
from kgtwin.embed.modeldir import TrainedModel


def candidate_mask(trained: TrainedModel, relation: str, side: Side) -> np.ndarray:
    """Entities whose category fills ``side`` of ``relation`` anywhere in the graph."""
    column = 0 if side == "head" else 2
    rows = trained.graph.triples[trained.graph.triples[:, 1] == relation]
    categories = {trained.graph.categories.get(e) for e in rows[:, column]}
    labels = trained.id_to_entity
    return np.array([trained.graph.categories.get(e) in categories for e in labels], dtype=bool)


def true_answers(mapped: np.ndarray) -> dict[Side, dict[tuple[int, int], np.ndarray]]:
    """For each (anchor, relation): every entity that makes a true statement, per side."""
    found: dict[Side, dict[tuple[int, int], list[int]]] = {
        "tail": defaultdict(list), "head": defaultdict(list)
    }
    for h, r, t in mapped.tolist():
        found["tail"][(h, r)].append(t)
        found["head"][(t, r)].append(h)
    return {side: {k: np.array(v) for k, v in d.items()} for side, d in found.items()}
