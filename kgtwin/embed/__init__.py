"""Link prediction with PyKEEN: triples from the store, leakage-free splits, honest
evaluation next to baselines, explained predictions written back into the graph.

Importing this package imports neither torch nor PyKEEN; they load when a function that
needs them runs.
"""

from __future__ import annotations

from kgtwin.embed.api import evaluate, evaluation_frame, train
from kgtwin.embed.demo import demo_step
from kgtwin.embed.predict import Predictor, predict_repurpose, predict_targets
from kgtwin.embed.train import MODELS, TrainConfig
from kgtwin.embed.writeback import predictions_frame, remove_predictions, write_predictions

__all__ = [
    "MODELS",
    "Predictor",
    "TrainConfig",
    "demo_step",
    "evaluate",
    "evaluation_frame",
    "predict_repurpose",
    "predict_targets",
    "predictions_frame",
    "remove_predictions",
    "train",
    "write_predictions",
]
