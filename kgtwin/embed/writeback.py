"""Predictions written into the graph, next to the evidence, and taken out again.

A prediction becomes an edge with the task's predicate (``biolink:treats``) and the
qualifiers ``knowledge_level = prediction`` and ``agent_type = computational_model``,
so it is a different statement from an asserted one and Cypher can tell them apart;
score, rank, percentile, model id, date and the top supporting paths are properties.

Each (model, question) pair is one source in the ledger, named
``kgtwin.embed:<model id>/<task>/<entity>``: asking the same question again replaces
its predictions instead of piling them up, other questions of the same model stay, and
:func:`remove_predictions` takes out everything a model wrote.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from kgtwin.embed import modeldir
from kgtwin.embed.triples import base_predicate
from kgtwin.model import DIRECTION, KNOWLEDGE_LEVEL, PREDICTED, Edge
from kgtwin.store.base import GraphStore, SourceInfo

PREFIX = "kgtwin.embed:"
LOADER = "kgtwin.embed"
AGENT_TYPE = "agent_type"
COMPUTATIONAL_MODEL = "computational_model"


def source_name(model_id: str, task: str, query: str) -> str:
    return f"{PREFIX}{model_id}/{task}/{query}"


def prediction_edges(frame: pd.DataFrame, model_id: str, date: str) -> list[Edge]:
    """Edges for the rows of a prediction frame (see :mod:`kgtwin.embed.predict`)."""
    edges = []
    for row in frame.to_dict("records"):
        relation = str(row["relation"])
        qualifiers = {KNOWLEDGE_LEVEL: PREDICTED, AGENT_TYPE: COMPUTATIONAL_MODEL}
        if "[" in relation:
            qualifiers[DIRECTION] = relation.split("[", 1)[1].rstrip("]")
        paths = [p["path"] for p in row.get("paths") or []]
        edges.append(
            Edge(
                subject=str(row["subject"]),
                predicate=base_predicate(relation),
                object=str(row["object"]),
                qualifiers=qualifiers,
                properties={
                    "score": float(row["score"]),
                    "rank": int(row["rank"]),
                    "percentile": float(row["percentile"]),
                    "model_id": model_id,
                    "date": date,
                    "supporting_paths": paths,
                },
            )
        )
    return edges


def write_predictions(
    store: GraphStore,
    frame: pd.DataFrame,
    *,
    model_id: str,
    task: str,
    model_dir: str | Path | None = None,
) -> int:
    """Replaces this model's predictions for this question with ``frame``; returns edges.

    With ``model_dir``, a store the model was up to date with stays "up to date" after
    the write (the new checksum is recorded), so loading the model does not warn.
    """
    if frame.empty:
        return 0
    known = _known_checksums(model_dir)
    was_current = model_dir is not None and store.checksum() in known
    query = str(frame["query"].iloc[0])
    date = datetime.now(UTC).isoformat(timespec="seconds")
    edges = prediction_edges(frame, model_id, date)
    digest = hashlib.sha256(
        json.dumps([e.key for e in edges] + [e.properties["score"] for e in edges]).encode()
    ).hexdigest()
    name = source_name(model_id, task, query)
    # The version is the model, not the date: the same answer written again is the same
    # source, already in the graph, and is not loaded twice (one ledger entry per question).
    source = SourceInfo(name=name, version=model_id, checksum=digest, loader=LOADER,
                        options={"model_id": model_id, "task": task, "query": query})
    if store.is_loaded(source) and _present(store, edges, model_id):
        return len(edges)
    # Two steps (each atomic): the protocol has no single replace; a failure between
    # them leaves the question without predictions, never with duplicates.
    store.remove_source(name)
    store.load(edges, source)
    if was_current:
        modeldir.record_checksum(model_dir, store.checksum())
    return len(edges)


def _present(store: GraphStore, edges: list[Edge], model_id: str) -> bool:
    """Whether every edge of an answer is in the store as this model's prediction."""
    for edge in edges:
        found = store.edges(predicate=edge.predicate, subject=edge.subject, object=edge.object)
        if not any(e.properties.get("model_id") == model_id for e in found):
            return False
    return True


def _known_checksums(model_dir: str | Path | None) -> set[str]:
    if model_dir is None:
        return set()
    info = json.loads((Path(model_dir) / "graph.json").read_text())
    return {info.get("store_checksum", ""), *info.get("later_checksums", [])}


def remove_predictions(store: GraphStore, model_id: str) -> int:
    """Takes every prediction of ``model_id`` out of the graph; returns edges removed."""
    names = {entry.source.name for entry in store.ledger()
             if entry.source.name.startswith(f"{PREFIX}{model_id}/")}
    return sum(store.remove_source(name) for name in sorted(names))


def predictions_frame(store: GraphStore, model_id: str | None = None) -> pd.DataFrame:
    """Predicted edges in the store (of one model, or all), as rows."""
    rows = []
    for edge in store.edges():
        if edge.qualifiers.get(KNOWLEDGE_LEVEL) != PREDICTED:
            continue
        if model_id and edge.properties.get("model_id") != model_id:
            continue
        rows.append({"subject": edge.subject, "predicate": edge.predicate,
                     "object": edge.object, **dict(edge.properties)})
    return pd.DataFrame(rows)
