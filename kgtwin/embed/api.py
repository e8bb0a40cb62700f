"""The Python API the CLI mirrors: ``train`` and ``evaluate`` (predictions: ``predict``).

    from kgtwin.store import open_store
    from kgtwin import embed

    with open_store("kgtwin-store") as store:
        embed.train(store, "models/rotate", epochs=50)
    report = embed.evaluate("models/rotate")          # dict, as `evaluate --json`
    frame = embed.evaluation_frame(report)            # one row per task, side and scorer
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kgtwin.embed import modeldir
from kgtwin.embed.split import (
    DEFAULT_TASKS,
    Split,
    carve_validation,
    edge_split,
    entity_split,
    explicit_split,
)
from kgtwin.embed.stack import feature_scorers, fit_stack
from kgtwin.embed.train import TrainConfig, model_id, train_model
from kgtwin.embed.triples import GraphTriples, relation_label, triples_from_store
from kgtwin.errors import KgTwinError
from kgtwin.store.base import GraphStore

log = logging.getLogger(__name__)

SplitKind = Literal["edges", "entities"]


def read_test_triples(
    store: GraphStore, path: str | Path, namespace: str | None = None
) -> list[tuple[str, str, str]]:
    """A held-out file read like the ``triples`` loader, its ids resolved in the store."""
    from kgtwin.align import Aligner
    from kgtwin.load import aligned_records
    from kgtwin.loaders import get_loader
    from kgtwin.model import Edge

    loader = get_loader("triples")([Path(path)], namespace=namespace)
    rows = []
    for record in aligned_records(loader, Aligner()):
        if isinstance(record, Edge):
            subject = store.resolve(record.subject) or record.subject
            object_ = store.resolve(record.object) or record.object
            rows.append((subject, relation_label(record), object_))
    return rows


def make_split(
    graph: GraphTriples,
    *,
    kind: SplitKind = "edges",
    tasks: Sequence[str] = DEFAULT_TASKS,
    test_fraction: float = 0.2,
    valid_fraction: float = 0.1,
    seed: int = 42,
    side: Literal["subject", "object"] = "object",
) -> Split:
    if kind == "edges":
        return edge_split(graph, tasks, test_fraction=test_fraction,
                          valid_fraction=valid_fraction, seed=seed)
    if kind == "entities":
        return entity_split(graph, tasks, side=side, test_fraction=test_fraction,
                            valid_fraction=valid_fraction, seed=seed)
    raise KgTwinError(f"unknown split kind {kind!r} (edges or entities)")


def train(
    store: GraphStore,
    out: str | Path,
    *,
    config: TrainConfig | None = None,
    predicates: Sequence[str] | None = None,
    tasks: Sequence[str] = DEFAULT_TASKS,
    split: SplitKind = "edges",
    test_triples: str | Path | None = None,
    valid_triples: str | Path | None = None,
    namespace: str | None = None,
    remove_leaks: bool = True,
    same_pair: bool = False,
    test_fraction: float = 0.2,
    progress: bool = True,
    evaluate_baselines: bool = True,
    **overrides: Any,
) -> modeldir.TrainedModel:
    """Builds triples from the store, splits without leakage, trains, evaluates, saves.

    ``test_triples`` (and optionally ``valid_triples``) give a benchmark's held-out
    statements instead of a split; derived statements whose sources are all held out
    leave training, ``same_pair=True`` also removes other statements between a held-out
    pair, ``remove_leaks=False`` keeps its training set exactly as published.
    ``overrides`` set single :class:`TrainConfig` fields (``epochs=20, model="TransE"``).
    ``progress=False`` is quiet: no progress bars, no PyKEEN INFO lines.
    """
    config = replace(config or TrainConfig(), **overrides)
    phases: dict[str, dict[str, float]] = {}
    with _phase(phases, "triples and split"):
        graph, the_split = _graph_and_split(store, config, predicates, tasks, split, test_triples,
                                            valid_triples, namespace, remove_leaks, same_pair,
                                            test_fraction)
    with _phase(phases, "training"):
        result = train_model(graph, the_split, config, progress=progress)
    config = result.config  # the training loop ``auto`` chose is what the model records
    trained = modeldir.TrainedModel(
        model=result.model,
        graph=graph,
        split=the_split,
        config=config,
        entity_to_id=result.factories.entity_to_id,
        relation_to_id=result.factories.relation_to_id,
        info={
            "model_id": model_id(config, graph, the_split),
            "store_checksum": graph.store_checksum,
            "triples_checksum": graph.checksum(),
            "predicates": list(predicates) if predicates else "all",
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "epochs_run": result.epochs_run,
            "best_epoch": result.best_epoch,
            "ended_by": result.ended_by,
            "budget_cut_epoch": (None if result.budget_cut is None else
                                 {"batches_run": result.budget_cut[0],
                                  "batches_per_epoch": result.budget_cut[1]}),
            "validation_curve": result.validation,
            "estimate": result.estimate,
            "train_seconds": result.seconds,
            "evaluate_seconds": result.evaluate_seconds,
            "versions": _versions(),
        },
        metrics={"pykeen": result.metrics, "losses": result.losses},
        aliases=_aliases(store, result.factories.entity_to_id),
    )
    from kgtwin.embed.evaluation import evaluate_trained

    if config.stack:
        if len(the_split.valid):
            with _phase(phases, "stack fit"):
                trained.stack = fit_stack(trained, feature_scorers(trained), seed=config.seed)
        else:
            log.warning("no validation statements: the stacked ranker is not fitted and "
                        "predictions rank by the model alone")
    with _phase(phases, "evaluation"):
        report = evaluate_trained(trained, baselines=evaluate_baselines)
    trained.info["phases"] = phases
    trained.metrics = {**trained.metrics, **report}
    modeldir.save(trained, out)
    return trained


def _graph_and_split(store: GraphStore, config: TrainConfig, predicates: Sequence[str] | None,
                     tasks: Sequence[str], split: SplitKind, test_triples: str | Path | None,
                     valid_triples: str | Path | None, namespace: str | None,
                     remove_leaks: bool, same_pair: bool, test_fraction: float
                     ) -> tuple[GraphTriples, Split]:
    """The store's statements as triples, split as :func:`train` describes."""
    graph = triples_from_store(store, predicates)
    if test_triples is not None:
        given = read_test_triples(store, test_triples, namespace)
        valid = read_test_triples(store, valid_triples, namespace) if valid_triples else []
        graph, the_split = explicit_split(graph, given, valid, remove_leaks=remove_leaks,
                                           same_pair=same_pair)
        if not len(the_split.valid) and config.early_stopping:
            the_split = carve_validation(the_split, graph, seed=config.seed)
    else:
        the_split = make_split(graph, kind=split, tasks=tasks, test_fraction=test_fraction,
                               seed=config.seed)
    return graph, the_split


@contextmanager
def _phase(phases: dict[str, dict[str, float]], name: str) -> Iterator[None]:
    """Wall and CPU seconds (all threads of the process) of one step of :func:`train`: on a
    shared machine wall time alone says little."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    phases[name] = {"wall_s": round(time.perf_counter() - wall, 1),
                    "cpu_s": round(time.process_time() - cpu, 1)}


def evaluate(
    model_dir: str | Path, *, recompute: bool = False, baselines: bool = True, trust: bool = False
) -> dict:
    """The evaluation report saved with the model (recomputed when asked or missing)."""
    trained = modeldir.load(model_dir, trust=trust)
    if recompute or "tasks" not in trained.metrics:
        from kgtwin.embed.evaluation import evaluate_trained

        report = evaluate_trained(trained, baselines=baselines)
        trained.metrics = {**trained.metrics, **report}
        modeldir.write_metrics(model_dir, trained.metrics)
    return {k: v for k, v in trained.metrics.items() if k != "losses"}


def evaluation_frame(report: dict) -> pd.DataFrame:
    """The report's per-task metrics as rows: relation, side, scorer, metrics."""
    rows = []
    for relation, sides in report.get("tasks", {}).items():
        for side, entry in sides.items():
            for scorer, metrics in entry.items():
                if isinstance(metrics, dict):
                    rows.append({"relation": relation, "side": side, "scorer": scorer,
                                 "queries": entry["queries"], **metrics})
    for scorer, metrics in report.get("overall", {}).items():
        rows.append({"relation": "all", "side": "both", "scorer": scorer, **metrics})
    return pd.DataFrame(rows)


def _aliases(store: GraphStore, entities: dict[str, int]) -> dict[str, str]:
    """Every other id (xref) the store knows for the model's entities."""
    found = {}
    for node in store.nodes():
        if node.id in entities:
            for xref in node.xrefs:
                if xref not in entities:
                    found[xref] = node.id
    return found


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    import kgtwin

    found = {"kgtwin": kgtwin.__version__}
    for package in ("pykeen", "torch", "numpy"):
        try:
            found[package] = version(package)
        except Exception:  # a missing distribution is not worth failing a saved model over
            found[package] = "unknown"
    return found
