"""PyKEEN run directly, for checking kgtwin against it on the datasets PyKEEN ships.

kgtwin's claim is that its data handling loses nothing: a benchmark loaded as a
triples file into the store, trained and evaluated through kgtwin, scores what PyKEEN
scores on the same split and configuration. This module runs the PyKEEN side of that
comparison (tests and ``benchmarks/embed.py`` call both). Nothing is downloaded: the
Nations, UMLS and Kinships files are inside the installed pykeen package.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from kgtwin.embed.train import TrainConfig, pipeline_kwargs, pykeen_metrics, resolve_loop
from kgtwin.errors import KgTwinError

SHIPPED = ("nations", "umls", "kinships")


def dataset_files(name: str) -> dict[str, Path]:
    """The train/valid/test files of a dataset shipped inside the pykeen package."""
    import pykeen.datasets

    if name.lower() not in SHIPPED:
        raise KgTwinError(f"{name!r} is not shipped with PyKEEN (use one of {', '.join(SHIPPED)})")
    folder = Path(pykeen.datasets.__file__).parent / name.lower()
    return {part: folder / f"{part}.txt" for part in ("train", "valid", "test")}


@dataclass(frozen=True)
class DirectRun:
    metrics: dict[str, float]
    train_seconds: float
    evaluate_seconds: float
    triples: int


def run_direct(name: str, config: TrainConfig) -> DirectRun:
    """PyKEEN's pipeline on its own copy of the dataset, with kgtwin's configuration."""
    from pykeen.pipeline import pipeline
    from pykeen.triples import TriplesFactory

    files = dataset_files(name)
    training = TriplesFactory.from_path(files["train"],
                                        create_inverse_triples=config.inverse_triples)
    testing = TriplesFactory.from_path(
        files["test"], entity_to_id=training.entity_to_id, relation_to_id=training.relation_to_id
    )
    validation = TriplesFactory.from_path(
        files["valid"], entity_to_id=training.entity_to_id, relation_to_id=training.relation_to_id
    )
    config = resolve_loop(config, training)
    kwargs = pipeline_kwargs(config, validation=True, progress=False)
    if "stopper" in kwargs:  # PyKEEN's own stopper, as a PyKEEN user would run it
        kwargs["stopper"] = "early"
        for extra in ("last_epoch", "budget_seconds"):
            kwargs["stopper_kwargs"].pop(extra)
    with tempfile.TemporaryDirectory(prefix="kgtwin-direct-") as scratch:
        kwargs["training_kwargs"]["checkpoint_directory"] = scratch
        if "stopper_kwargs" in kwargs:
            kwargs["stopper_kwargs"]["best_model_path"] = Path(scratch) / "best.pt"
        result = pipeline(training=training, testing=testing, validation=validation,
                          evaluation_kwargs={"batch_size": 256}, **kwargs)
    return DirectRun(
        metrics=pykeen_metrics(result.metric_results),
        train_seconds=float(result.train_seconds),
        evaluate_seconds=float(result.evaluate_seconds),
        triples=training.num_triples,
    )
