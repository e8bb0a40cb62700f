"""A saved model directory: everything needed to score, explain and reproduce a model.

Layout::

    weights.pt        the model's parameters: a state dict of tensors only, read back with
                      ``torch.load(weights_only=True)`` (no pickled objects, so no code runs)
    entities.tsv      id, label, category, name — the entity id map and Biolink categories
    relations.tsv     id, label — the relation id map
    triples.tsv.gz    every statement the model saw, with its role: train/valid/test/leak
    aliases.tsv.gz    alias, id — the store's other ids of each entity, so the Python API
                      resolves any id spelling without the store (as the CLI does with it)
    stack.json        the stacked ranker's weights, fitted on the validation split
                      (:mod:`kgtwin.embed.stack`; absent when trained with ``stack=False``)
    config.json       the resolved training configuration (the model is rebuilt from it
                      and the training triples, then the weights are loaded into it)
    metrics.json      evaluation: PyKEEN metrics, per-task metrics, baselines
    graph.json        graph version: store checksum, triples checksum, split summary, model id

Loading against a store whose checksum is not one this model knows warns: the graph
changed since training (checksums after the model's own write-back are recorded too,
so writing predictions back does not make the model look stale).

Directories written before weights.pt hold a pickled ``model.pt``, which can run code
when loaded. They are refused with a message; ``trust=True`` (``--trust``) loads them,
for files whose origin the user vouches for, and ``convert`` rewrites them safely.
"""

from __future__ import annotations

import csv
import gzip
import json
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kgtwin.embed.split import Split
from kgtwin.embed.train import TrainConfig
from kgtwin.embed.triples import GraphTriples, map_triples, triples_from_store
from kgtwin.errors import KgTwinError
from kgtwin.store.base import GraphStore

log = logging.getLogger(__name__)

ROLES = ("train", "valid", "test", "leak")
WEIGHTS = "weights.pt"
#: The pickled whole-model file of directories written by older kgtwin versions.
PICKLED = "model.pt"
STACK = "stack.json"


class StaleModelWarning(UserWarning):
    """The graph changed since the model was trained."""


@dataclass
class TrainedModel:
    """A model with its id maps, graph, split, configuration and metrics."""

    model: Any
    graph: GraphTriples
    split: Split
    config: TrainConfig
    entity_to_id: dict[str, int]
    relation_to_id: dict[str, int]
    info: dict[str, Any]
    metrics: dict[str, Any]
    #: other ids of the model's entities in the store it was trained on (alias -> id)
    aliases: dict[str, str] = field(default_factory=dict)
    #: the stacked ranker's fitted weights (``stack.json``), None without one
    stack: dict[str, Any] | None = None

    @property
    def model_id(self) -> str:
        return str(self.info["model_id"])

    @property
    def id_to_entity(self) -> list[str]:
        labels = [""] * len(self.entity_to_id)
        for label, index in self.entity_to_id.items():
            labels[index] = label
        return labels

    def mapped(self, indices: np.ndarray | None = None) -> np.ndarray:
        """Triples (all, or ``indices``) as id rows."""
        rows = self.graph.triples if indices is None else self.graph.triples[indices]
        return map_triples(rows, self.entity_to_id, self.relation_to_id)



def save(trained: TrainedModel, directory: str | Path) -> Path:
    """Writes the model directory (created if missing, files replaced)."""
    import torch

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in trained.model.state_dict().items()}
    torch.save(state, out / WEIGHTS)
    (out / PICKLED).unlink(missing_ok=True)  # a converted directory keeps no pickle
    with open(out / "entities.tsv", "w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "label", "category", "name"])
        for label, index in sorted(trained.entity_to_id.items(), key=lambda kv: kv[1]):
            writer.writerow([index, label, trained.graph.categories.get(label, ""),
                             trained.graph.names.get(label) or ""])
    with open(out / "relations.tsv", "w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "label"])
        for label, index in sorted(trained.relation_to_id.items(), key=lambda kv: kv[1]):
            writer.writerow([index, label])
    _save_triples(trained, out / "triples.tsv.gz")
    with gzip.open(out / "aliases.tsv.gz", "wt", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["alias", "id"])
        writer.writerows(sorted(trained.aliases.items()))
    _write_json(out / "config.json", trained.config.to_dict())
    if trained.stack is not None:
        _write_json(out / STACK, trained.stack)
    else:
        (out / STACK).unlink(missing_ok=True)
    write_metrics(out, trained.metrics)
    _write_json(out / "graph.json", {**trained.info, "split": trained.split.summary(),
                                     "held_out_entities": list(trained.split.held_out_entities)})
    return out


def _save_triples(trained: TrainedModel, path: Path) -> None:
    role = np.full(len(trained.graph), "leak", dtype=object)
    role[trained.split.train] = "train"
    role[trained.split.valid] = "valid"
    role[trained.split.test] = "test"
    with gzip.open(path, "wt", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["subject", "relation", "object", "role", "derived_from"])
        for i, (row, kind) in enumerate(zip(trained.graph.triples.tolist(), role, strict=True)):
            derived = "|".join(" ".join(k) for k in trained.graph.derived.get(i, ()))
            writer.writerow([*row, kind, derived])


def write_metrics(directory: str | Path, metrics: dict[str, Any]) -> None:
    _write_json(Path(directory) / "metrics.json", metrics)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def load(
    directory: str | Path, store: GraphStore | None = None, *, trust: bool = False
) -> TrainedModel:
    """Reads a model directory; warns when ``store`` is not the graph it was trained on.

    Only tensors are read (``weights_only=True``); an old pickled ``model.pt`` is refused
    unless ``trust`` is set, because unpickling a file can run any code in it.
    """
    path = Path(directory)
    if not (path / WEIGHTS).exists() and not (path / PICKLED).exists():
        raise KgTwinError(f"{path} is not a kgtwin model directory (no {WEIGHTS})")
    entity_to_id: dict[str, int] = {}
    categories: dict[str, str] = {}
    names: dict[str, str | None] = {}
    with open(path / "entities.tsv", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            entity_to_id[row["label"]] = int(row["id"])
            categories[row["label"]] = row["category"] or "biolink:NamedThing"
            names[row["label"]] = row["name"] or None
    with open(path / "relations.tsv", newline="") as handle:
        relation_to_id = {r["label"]: int(r["id"]) for r in csv.DictReader(handle, delimiter="\t")}
    rows, roles, derived = [], [], {}
    with gzip.open(path / "triples.tsv.gz", "rt", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle, delimiter="\t")):
            rows.append((row["subject"], row["relation"], row["object"]))
            roles.append(row["role"])
            if row["derived_from"]:
                derived[i] = tuple(tuple(t.split()) for t in row["derived_from"].split("|"))
    info = json.loads((path / "graph.json").read_text())
    graph = GraphTriples(
        triples=np.array(rows, dtype=str).reshape(-1, 3),
        categories=categories,
        names=names,
        derived=derived,
        store_checksum=info.get("store_checksum", ""),
    )
    role = np.array(roles)
    summary = info.get("split", {})
    split = Split(
        kind=summary.get("kind", ""),
        train=np.flatnonzero(role == "train"),
        valid=np.flatnonzero(role == "valid"),
        test=np.flatnonzero(role == "test"),
        removed=summary.get("removed", {}),
        kept=summary.get("kept", {}),
        tasks=tuple(summary.get("tasks", ())),
        held_out_entities=tuple(info.get("held_out_entities", ())),
    )
    aliases: dict[str, str] = {}
    if (path / "aliases.tsv.gz").exists():
        with gzip.open(path / "aliases.tsv.gz", "rt", newline="") as handle:
            aliases = {r["alias"]: r["id"] for r in csv.DictReader(handle, delimiter="\t")}
    metrics_path = path / "metrics.json"
    config = TrainConfig.from_dict(json.loads((path / "config.json").read_text()))
    model = _read_model(path, config, graph, split, entity_to_id, relation_to_id, trust=trust)
    trained = TrainedModel(
        model=model,
        graph=graph,
        split=split,
        config=config,
        entity_to_id=entity_to_id,
        relation_to_id=relation_to_id,
        info=info,
        metrics=json.loads(metrics_path.read_text()) if metrics_path.exists() else {},
        aliases=aliases,
        stack=json.loads((path / STACK).read_text()) if (path / STACK).exists() else None,
    )
    if store is not None:
        check_graph_version(trained, store)
    return trained


def _read_model(
    path: Path,
    config: TrainConfig,
    graph: GraphTriples,
    split: Split,
    entity_to_id: dict[str, int],
    relation_to_id: dict[str, int],
    *,
    trust: bool,
) -> Any:
    """The PyKEEN model: rebuilt from the configuration, its tensors loaded from weights.pt."""
    import pickle

    import torch

    from kgtwin.embed.train import build_model, training_factory

    if not (path / WEIGHTS).exists():
        if not trust:
            raise KgTwinError(
                f"{path / PICKLED}: an old pickled model file, which can run code when loaded; "
                f"retrain it (kgtwin embed train), or if you trust where it came from convert "
                f"it (kgtwin embed convert {path} --trust)"
            )
        log.warning("loading the pickled %s because --trust was given", path / PICKLED)
        model = torch.load(path / PICKLED, map_location="cpu", weights_only=False)
        model.eval()
        return model
    try:
        state = torch.load(path / WEIGHTS, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise KgTwinError(f"{path / WEIGHTS}: not a file of tensors kgtwin can read safely "
                          f"({first})") from None
    if not isinstance(state, dict):
        raise KgTwinError(f"{path / WEIGHTS}: holds {type(state).__name__}, not a state dict")
    rows = map_triples(graph.triples[split.train], entity_to_id, relation_to_id)
    factory = training_factory(rows, entity_to_id, relation_to_id, config)
    model = build_model(config, factory)
    try:
        model.load_state_dict(state)
    except (RuntimeError, KeyError) as error:
        raise KgTwinError(f"{path / WEIGHTS}: does not fit a {config.model} built from "
                          f"config.json ({str(error).splitlines()[0]})") from None
    model.eval()
    return model


def convert(directory: str | Path) -> Path:
    """Rewrites an old (pickled) model directory as weights.pt; only for trusted files."""
    trained = load(directory, trust=True)
    path = Path(directory)
    state = {k: v.detach().cpu().contiguous() for k, v in trained.model.state_dict().items()}
    import torch

    torch.save(state, path / WEIGHTS)
    (path / PICKLED).unlink()
    load(path)  # proves the converted directory loads without trust
    return path


def check_graph_version(trained: TrainedModel, store: GraphStore) -> bool:
    """Warns (and returns False) when the store is not a graph version the model knows."""
    known = {trained.info.get("store_checksum"), *trained.info.get("later_checksums", [])}
    current = store.checksum()
    trained_on = str(trained.info.get("store_checksum"))
    if current in known or _same_statements(trained, store):
        return True
    message = (
        f"the graph changed since model {trained.model_id} was trained "
        f"(store checksum {current[:12]}, trained on {trained_on[:12]}); "
        "retrain to use the new statements"
    )
    warnings.warn(message, StaleModelWarning, stacklevel=2)
    log.warning(message)
    return False


def _same_statements(trained: TrainedModel, store: GraphStore) -> bool:
    """Whether only what a model never learns from changed (predictions, patients, twins)."""
    predicates = trained.info.get("predicates")
    try:
        now = triples_from_store(store, None if predicates in (None, "all") else predicates)
    except KgTwinError:
        return False
    return now.checksum() == trained.info.get("triples_checksum")


def record_checksum(directory: str | Path, checksum: str) -> None:
    """Remembers a store checksum produced by this model's own write-back."""
    path = Path(directory) / "graph.json"
    info = json.loads(path.read_text())
    later = [c for c in info.get("later_checksums", []) if c != checksum][-20:]
    info["later_checksums"] = [*later, checksum]
    _write_json(path, info)
