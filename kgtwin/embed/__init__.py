"""Link prediction with PyKEEN: triples from the store, leakage-free splits, honest
evaluation next to baselines, explained predictions written back into the graph.

Command line::

    kgtwin embed train --out models/m                 # DistMult, tuned on the demo KB
    kgtwin embed train --model RotatE --epochs 200 --predicates biolink:treats,biolink:affects \
        --seed 1 --out models/rotate
    kgtwin embed train --split entities --task biolink:treats --out models/zero-shot
    kgtwin embed evaluate models/m --json             # PyKEEN metrics, per task, baselines
    kgtwin predict repurpose --model models/m --disease MONDO:0005105 -k 20 --write
    kgtwin predict targets --model models/m --drug CHEBI:63637
    kgtwin predict remove --model-id distmult-1a2b3c4d5e

Python (the same, returning DataFrames / dicts)::

    from kgtwin import embed
    trained = embed.train(store, "models/m", epochs=50)
    report = embed.evaluate("models/m"); embed.evaluation_frame(report)
    frame = embed.predict_repurpose("models/m", disease="MONDO:0005105", store=store)
    embed.write_predictions(store, frame, model_id=trained.model_id, task="repurpose")

Predicted edges carry ``knowledge_level = prediction`` and ``agent_type =
computational_model`` qualifiers and ``score``/``rank``/``percentile``/``model_id``/
``date``/``supporting_paths`` properties; in Neo4j, for example::

    MATCH (d)-[p:TREATS {knowledge_level: 'prediction'}]->(x) RETURN d, p, x

Where each part lives: :mod:`.triples` (store -> triples), :mod:`.split` (leakage),
:mod:`.train` (PyKEEN, defaults and how they were tuned), :mod:`.modeldir` (saved
model), :mod:`.evaluation` and :mod:`.baselines` (honest metrics), :mod:`.predict`,
:mod:`.explain`, :mod:`.writeback`, :mod:`.demo` (``kgtwin demo``'s step),
:mod:`.reference` (PyKEEN run directly, for the reproduction check).

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
