"""Link prediction with PyKEEN: triples from the store, leakage-free splits, honest
evaluation next to baselines, explained predictions written back into the graph.

Importing this package imports neither torch nor PyKEEN; they load when a function that
needs them runs.
"""

from __future__ import annotations

from kgtwin.embed.api import evaluate, evaluation_frame, train
from kgtwin.embed.train import MODELS, TrainConfig

__all__ = ["MODELS", "TrainConfig", "evaluate", "evaluation_frame", "train"]
