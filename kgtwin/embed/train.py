"""Training through PyKEEN's pipeline on a kgtwin split, with one frozen configuration.

kgtwin builds the triples factories itself (ids fixed from the sorted labels of the
whole graph, so a model's ids never depend on which statements were held out) and
hands everything else to :func:`pykeen.pipeline.pipeline` unchanged: the same call a
PyKEEN user would write, which is what keeps kgtwin's overhead near zero and its
results equal to PyKEEN's.

Defaults (``TrainConfig()``) are the standard recipe of the link-prediction literature
(Ruffinelli et al. 2020; Lacroix et al. 2018): 1-vs-all training (LCWA) with softmax
cross-entropy, inverse triples, no regulariser, 128 dimensions, Adam at 0.01, batch 256,
up to 500 epochs with early stopping on validation MRR (every 5 epochs, patience 2),
keeping the best weights. ComplEx, started from Glorot-normal weights
(``MODEL_DEFAULTS``), is the default model: PyKEEN directly, seed 42, official splits,
it reaches UMLS 0.902, Nations 0.739 and Kinships 0.791 (RotatE 0.873 / 0.681 / 0.804),
in 12-29 s of CPU, and it scores 1-vs-all as one matrix product, so it stays 1-vs-all
on graphs where RotatE cannot (``MATRIX_PRODUCT_MODELS``). On graphs too large for
1-vs-all the ``auto`` training loop switches to negative sampling (``LCWA_WORK_LIMIT``).
``python benchmarks/embed_recipe.py`` prints kgtwin's defaults beside the recipe run
directly in PyKEEN. The first defaults (DistMult, sLCWA with 8 negatives, 64
dimensions, PyKEEN's default regularisers) reached UMLS MRR 0.23; RotatE with this
recipe 0.846.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kgtwin.embed.split import Split
from kgtwin.embed.triples import GraphTriples, map_triples
from kgtwin.errors import KgTwinError

if TYPE_CHECKING:
    from pykeen.triples import TriplesFactory

log = logging.getLogger(__name__)

#: Models kgtwin documents and tests; any other PyKEEN model name also works.
MODELS = ("ComplEx", "RotatE", "TransE", "DistMult")
#: Fixed evaluation batch: PyKEEN's automatic search is unsafe on a CPU (it says so).
EVALUATION_BATCH = 256
#: PyKEEN scores a query against every entity by broadcasting: one tensor of batch x
#: entities x dimension. On a CPU an oversized one is not an error but the OOM killer,
#: so batches are cut to keep each such tensor under this many bytes (Hetionet, 47k
#: entities at dimension 128: 21 queries per evaluation batch, 10 per training sub-batch).
TENSOR_CAP_BYTES = 1 << 30


#: Models whose 1-vs-all scores are one matrix product in PyKEEN (ComplEx: 0.7 s of one
#: core for 256 queries x 29k entities x 128 dimensions, forward and backward; RotatE and
#: DistMult broadcast a queries x entities x dimension tensor: 7 s and 8 GB for the same).
#: Their broadcast cap does not apply, and the ``auto`` loop's limit is 300 times higher:
#: HPO (1.7e11) trains 1-vs-all, a Hetionet-size graph (~2e12) does not.
MATRIX_PRODUCT_MODELS = frozenset({"complex"})


def query_bytes(num_entities: int, embedding_dim: int, model: str = "") -> int:
    """Bytes one query holds while scored against every entity: the broadcast tensor
    (complex-valued models: 8 per entry), or for a model that scores by matrix product
    (``MATRIX_PRODUCT_MODELS``) its score row with gradient, softmax and labels."""
    if model.lower() in MATRIX_PRODUCT_MODELS:
        return max(1, num_entities * 4 * 4)
    return max(1, num_entities * embedding_dim * 8)


def memory_batches(config: TrainConfig, num_entities: int) -> tuple[int, int]:
    """(training sub-batch, evaluation batch) that keep broadcast tensors under the cap;
    training keeps about twice as much for the backward pass."""
    per_query = query_bytes(num_entities, config.embedding_dim, config.model)
    sub_batch = max(1, min(config.batch_size, TENSOR_CAP_BYTES // (2 * per_query)))
    evaluation = max(1, min(EVALUATION_BATCH, TENSOR_CAP_BYTES // per_query))
    return sub_batch, evaluation


#: ``training_loop="auto"`` trains 1-vs-all while an epoch scores at most this many
#: (query, entity, dimension) entries, and with negative sampling above it. Deterministic
#: (the same graph and configuration always get the same loop, on any machine): Nations,
#: UMLS and Kinships need 1e7-2e8, the demo 1e6, HPO's gene-phenotype graph 1.7e11 (one
#: 1-vs-all RotatE epoch there: hours on two cores), a Hetionet-size graph ~1e12.
LCWA_WORK_LIMIT = 1e9


#: Batch size ``auto`` gives negative sampling (a Hetionet-size epoch: 900 batches).
AUTO_SLCWA_BATCH = 4096


def lcwa_work(factory: TriplesFactory, embedding_dim: int) -> float:
    """Score entries of one 1-vs-all epoch: distinct (head, relation) queries x entities x dim
    (the factory's inverse triples, when it makes them, add the (tail, relation) queries)."""
    mapped = factory.mapped_triples.numpy()
    queries = len(np.unique(mapped[:, :2], axis=0))
    if factory.create_inverse_triples:
        queries += len(np.unique(mapped[:, 1:], axis=0))
    return float(queries) * factory.num_entities * embedding_dim


def resolve_loop(config: TrainConfig, factory: TriplesFactory) -> TrainConfig:
    """``auto`` made concrete for this graph (what ``config.json`` records)."""
    if config.training_loop != "auto":
        return config
    work = lcwa_work(factory, config.embedding_dim)
    limit = LCWA_WORK_LIMIT * (300 if config.model.lower() in MATRIX_PRODUCT_MODELS else 1)
    loop = "lcwa" if work <= limit else "slcwa"
    if loop == "lcwa":
        return replace(config, training_loop=loop)
    # Adam updates every embedding after each batch (dense gradients: 0.1-0.2 s of CPU on
    # 47k entities), so batches of 256 cost hours per epoch here: larger batches instead.
    batch = max(config.batch_size, AUTO_SLCWA_BATCH)
    log.warning("1-vs-all would score %.1e entries per epoch on this graph (limit %.0e): "
                "training with negative sampling (%d negatives per statement, batches of %d) "
                "instead; --training-loop lcwa forces 1-vs-all", work, limit,
                config.negatives, batch)
    return replace(config, training_loop=loop, batch_size=batch)


#: Written into config.json; files without it come from kgtwin before the recipe defaults;
#: version 2 trained ComplEx from PyKEEN's standard-normal start (3: ``MODEL_DEFAULTS``;
#: 4: the stacked ranker, :mod:`kgtwin.embed.stack`, which older models do not have).
CONFIG_VERSION = 4
#: What older model directories were trained with, where their config.json is silent.
LEGACY = {"training_loop": "slcwa", "inverse_triples": False, "regularizer": "default",
          "loss": None, "stopper_metric": "hits@10"}
#: Short names kgtwin accepts for PyKEEN's stopper metrics.
STOPPER_METRICS = {"mrr": "inverse_harmonic_mean_rank", "hits@10": "hits_at_k"}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a trained model, saved with it (``config.json``)."""

    model: str = "ComplEx"
    embedding_dim: int = 128
    epochs: int = 500
    batch_size: int = 256
    learning_rate: float = 0.01
    training_loop: str = "auto"  # lcwa (1-vs-all), slcwa (negative sampling), auto: by size
    loss: str | None = "crossentropy"  # any PyKEEN loss; None: the training loop's default
    loss_kwargs: dict[str, Any] = field(default_factory=dict)
    negatives: int = 8  # per positive, sLCWA only
    negative_sampler: str = "basic"
    inverse_triples: bool = True
    regularizer: str = "none"  # none, default (the model's own), or a PyKEEN regulariser
    regularizer_weight: float | None = None
    seed: int = 42
    early_stopping: bool = True
    stopper_metric: str = "mrr"
    stopper_frequency: int = 5
    stopper_patience: int = 2
    budget: float | None = None  # seconds of training; the best validation weights are kept
    threads: int | None = None  # torch CPU threads during training; None: torch's choice
    device: str = "auto"
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    stack: bool = True  # rank with the model + graph features, fitted on validation
    config_version: int = CONFIG_VERSION

    def __post_init__(self) -> None:
        if self.training_loop.lower() not in ("lcwa", "slcwa", "auto"):
            raise KgTwinError(f"unknown training loop {self.training_loop!r} "
                              "(lcwa, slcwa or auto)")
        if self.stopper_metric not in STOPPER_METRICS:
            raise KgTwinError(f"unknown stopping metric {self.stopper_metric!r} "
                              f"({', '.join(STOPPER_METRICS)})")
        for name in ("embedding_dim", "epochs", "batch_size", "negatives", "stopper_frequency"):
            if getattr(self, name) < 1:
                raise KgTwinError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.budget is not None and self.budget <= 0:
            raise KgTwinError(f"the budget must be a positive number of seconds, not {self.budget}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if "config_version" not in data:
            known = {**LEGACY, **known, "config_version": 1}
        if known["config_version"] < 3 and str(known.get("model", "")).lower() == "complex":
            # trained before MODEL_DEFAULTS: PyKEEN's own standard-normal start
            known["model_kwargs"] = {"entity_initializer": "normal",
                                     "relation_initializer": "normal",
                                     **known.get("model_kwargs", {})}
        if known["config_version"] < 4:
            known.setdefault("stack", False)
        return cls(**known)


def resolve_device(device: str) -> str:
    """``auto`` -> ``cuda`` when a GPU is present, else ``cpu``."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


@dataclass(frozen=True)
class Factories:
    """The triples factories of one split, sharing the graph's id maps."""

    training: TriplesFactory
    validation: TriplesFactory | None
    testing: TriplesFactory
    leaked: Any  # mapped triples removed for leakage (filtered at evaluation, never trained)
    entity_to_id: dict[str, int]
    relation_to_id: dict[str, int]


def training_factory(
    rows: np.ndarray, entity_to_id: dict[str, int], relation_to_id: dict[str, int],
    config: TrainConfig,
) -> TriplesFactory:
    """The training factory (with inverse triples when the configuration asks for them)."""
    import torch
    from pykeen.triples import TriplesFactory

    return TriplesFactory(torch.as_tensor(np.asarray(rows).reshape(-1, 3)),
                          entity_to_id=entity_to_id, relation_to_id=relation_to_id,
                          create_inverse_triples=config.inverse_triples)


#: Keyword arguments a model gets unless ``model_kwargs`` says otherwise. PyKEEN 1.11
#: starts ComplEx from a standard normal (scores in the tens, a saturated softmax): on
#: UMLS its validation MRR then creeps from 0.05 to 0.39 in 215 epochs and test MRR ends
#: at 0.522; from Glorot (xavier) normal, as in the literature's recipe, it reaches 0.902
#: in 40 epochs (PyKEEN directly, seed 42, both runs).
MODEL_DEFAULTS: dict[str, dict[str, Any]] = {
    "complex": {"entity_initializer": "xavier_normal", "relation_initializer": "xavier_normal"},
}


def model_kwargs(config: TrainConfig) -> dict[str, Any]:
    """The model's keyword arguments: dimension, regulariser, kgtwin's initialisation for
    the model (``MODEL_DEFAULTS``), and any extra ones (``model_kwargs`` wins)."""
    kwargs: dict[str, Any] = {"embedding_dim": config.embedding_dim,
                              **MODEL_DEFAULTS.get(config.model.lower(), {})}
    if config.regularizer == "none":
        kwargs["regularizer"] = None
    elif config.regularizer != "default":
        kwargs["regularizer"] = config.regularizer
    if config.regularizer_weight is not None and config.regularizer != "none":
        kwargs["regularizer_kwargs"] = {"weight": config.regularizer_weight}
    return {**kwargs, **config.model_kwargs}


def build_model(config: TrainConfig, factory: TriplesFactory) -> Any:
    """An untrained model of the configuration for the factory (to load weights into)."""
    from pykeen.models import model_resolver

    try:
        return model_resolver.make(config.model, triples_factory=factory,
                                   random_seed=config.seed, **model_kwargs(config))
    except (ValueError, KeyError, TypeError) as error:
        raise KgTwinError(f"PyKEEN cannot build {config.model}: {error}") from error


def factories(graph: GraphTriples, split: Split, config: TrainConfig) -> Factories:
    """PyKEEN factories with ids from the sorted labels of the whole graph."""
    import torch
    from pykeen.triples import TriplesFactory

    entity_to_id = {e: i for i, e in enumerate(graph.entities)}
    relation_to_id = {r: i for i, r in enumerate(graph.relations)}
    mapped = map_triples(graph.triples, entity_to_id, relation_to_id)

    def make(indices: np.ndarray) -> TriplesFactory:
        rows = torch.as_tensor(np.unique(mapped[indices], axis=0).reshape(-1, 3))
        return TriplesFactory(rows, entity_to_id=entity_to_id, relation_to_id=relation_to_id)

    if not len(split.test):
        raise KgTwinError("the split holds out no statements to evaluate on")
    used = np.concatenate([split.train, split.valid, split.test])
    leaked = np.setdiff1d(np.arange(len(graph)), used)
    return Factories(
        training=training_factory(np.unique(mapped[split.train], axis=0), entity_to_id,
                                  relation_to_id, config),
        validation=make(split.valid) if len(split.valid) else None,
        testing=make(split.test),
        leaked=torch.as_tensor(mapped[leaked].reshape(-1, 3)),
        entity_to_id=entity_to_id,
        relation_to_id=relation_to_id,
    )


def pipeline_kwargs(
    config: TrainConfig, *, validation: bool, progress: bool, num_entities: int = 0
) -> dict[str, Any]:
    """The keyword arguments of PyKEEN's ``pipeline`` for ``config`` (no data)."""
    from kgtwin.embed.stopping import BestWeightsStopper, budgeted_loop

    loop = config.training_loop.lower()
    sub_batch, evaluation_batch = memory_batches(config, num_entities)
    kwargs: dict[str, Any] = dict(
        model=config.model,
        model_kwargs=model_kwargs(config),
        optimizer="Adam",
        optimizer_kwargs={"lr": config.learning_rate},
        training_loop=loop,
        training_kwargs={"num_epochs": config.epochs, "batch_size": config.batch_size},
        evaluator="rankbased",
        evaluator_kwargs={"batch_size": evaluation_batch},
        random_seed=config.seed,
        device=resolve_device(config.device),
        use_tqdm=progress,
    )
    if loop == "lcwa" and sub_batch < config.batch_size:
        kwargs["training_kwargs"]["sub_batch_size"] = sub_batch  # same gradients, less memory
    if loop == "slcwa":
        kwargs["negative_sampler"] = config.negative_sampler
        kwargs["negative_sampler_kwargs"] = {"num_negs_per_pos": config.negatives}
    if config.loss:
        kwargs["loss"] = config.loss
        kwargs["loss_kwargs"] = dict(config.loss_kwargs)
    if validation and (config.early_stopping or config.budget is not None):
        started = time.perf_counter()
        if config.budget is not None:  # the budget may end an epoch: see kgtwin.embed.stopping
            kwargs["training_loop"] = budgeted_loop(loop)
            kwargs["training_loop_kwargs"] = {"deadline": started + config.budget}
        kwargs["stopper"] = BestWeightsStopper
        kwargs["stopper_kwargs"] = {
            # without early stopping: evaluate only when the epochs or the budget end
            "frequency": config.stopper_frequency if config.early_stopping else config.epochs + 1,
            "patience": config.stopper_patience,
            "relative_delta": 0.002,
            "metric": STOPPER_METRICS[config.stopper_metric],
            "evaluation_batch_size": evaluation_batch,
            "last_epoch": config.epochs,
            "budget_seconds": config.budget,
            "started": started,
        }
    elif config.budget is not None:
        log.warning("--budget needs validation statements to keep the best weights; "
                    "training runs all %d epochs", config.epochs)
    return kwargs


@dataclass
class TrainResult:
    """A trained PyKEEN model with the factories and metrics of its run."""

    config: TrainConfig  # as trained: ``auto`` resolved
    model: Any
    factories: Factories
    metrics: dict[str, float]
    losses: list[float]
    epochs_run: int
    seconds: float
    evaluate_seconds: float
    best_epoch: int | None = None
    ended_by: str = "epochs"
    validation: list[float] = field(default_factory=list)
    estimate: dict[str, float] = field(default_factory=dict)
    #: (batches run, batches of a full epoch) when the budget ended the last epoch early
    budget_cut: tuple[int, int] | None = None


def train_model(
    graph: GraphTriples, split: Split, config: TrainConfig, *, progress: bool = True
) -> TrainResult:
    """Runs PyKEEN's pipeline on the split; metrics are PyKEEN's filtered rank metrics."""
    from pykeen.pipeline import pipeline

    data = factories(graph, split, config)
    config = resolve_loop(config, data.training)
    from kgtwin.embed.scale import announce

    with _threads(config.threads), quiet_logs(True):
        expected = announce(config, data.training,
                            data.validation.num_triples if data.validation is not None else 0)
    kwargs = pipeline_kwargs(config, validation=data.validation is not None, progress=progress,
                             num_entities=len(data.entity_to_id))
    evaluation_kwargs: dict[str, Any] = {"batch_size": kwargs["evaluator_kwargs"]["batch_size"]}
    if len(data.leaked):
        evaluation_kwargs["additional_filter_triples"] = [data.leaked]
    # PyKEEN keeps checkpoints under ~/.data/pykeen unless told otherwise; kgtwin writes
    # nowhere the user did not name, so they go to a folder removed after the run.
    with tempfile.TemporaryDirectory(prefix="kgtwin-train-") as scratch:
        kwargs["training_kwargs"]["checkpoint_directory"] = scratch
        if "stopper_kwargs" in kwargs:
            kwargs["stopper_kwargs"]["best_model_path"] = Path(scratch) / "best.pt"
        try:
            with _frozen_heap(), _threads(config.threads), quiet_logs(not progress):
                result = pipeline(
                    training=data.training,
                    testing=data.testing,
                    validation=data.validation,
                    evaluation_kwargs=evaluation_kwargs,
                    **kwargs,
                )
        except (ValueError, KeyError) as error:
            raise KgTwinError(f"PyKEEN could not train {config.model}: {error}") from error
    return TrainResult(
        config=config,
        model=result.model,
        factories=data,
        metrics=pykeen_metrics(result.metric_results),
        losses=[float(x) for x in result.losses],
        epochs_run=len(result.losses),
        seconds=float(result.train_seconds),
        evaluate_seconds=float(result.evaluate_seconds),
        best_epoch=getattr(result.stopper, "best_epoch", None),
        ended_by=getattr(result.stopper, "ended_by", "epochs"),
        validation=[float(x) for x in getattr(result.stopper, "results", [])],
        estimate=expected.to_dict(),
        budget_cut=getattr(result.training_loop, "cut", None),
    )


@contextmanager
def quiet_logs(quiet: bool) -> Iterator[None]:
    """``progress=False`` means quiet: PyKEEN's INFO lines and torch_max_mem's warning
    are held back for the call (PyKEEN sets its logger to INFO on import), then restored."""
    if not quiet:
        yield
        return
    loggers = {name: logging.getLogger(name) for name in ("pykeen", "torch_max_mem")}
    before = {name: logger.level for name, logger in loggers.items()}
    loggers["pykeen"].setLevel(logging.WARNING)
    loggers["torch_max_mem"].setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="torch_max_mem")
            yield
    finally:
        for name, logger in loggers.items():
            logger.setLevel(before[name])


@contextmanager
def _threads(threads: int | None) -> Iterator[None]:
    """Torch's CPU thread count for the duration of training (a shared machine's share)."""
    if threads is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(max(1, threads))
    try:
        yield
    finally:
        torch.set_num_threads(before)


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Makes PyKEEN's per-epoch ``gc.collect()`` cheap.

    PyKEEN collects garbage after every epoch; with torch imported a full collection
    walks every live object (~0.5 s on a 2-core machine), most of an epoch on small
    graphs. Objects alive before training cannot become garbage during it, so they are
    moved out of the collector's sight (``gc.freeze``) and put back afterwards.
    """
    gc.collect()
    gc.freeze()
    try:
        with warnings.catch_warnings():
            # noise that says nothing to a kgtwin user (no GPU present; PyKEEN internals)
            warnings.filterwarnings("ignore", message=".*pin_memory.*")
            warnings.filterwarnings("ignore", message="Training instances are always shuffled")
            yield
    finally:
        gc.unfreeze()


def pykeen_metrics(metric_results: Any) -> dict[str, float]:
    """MRR and Hits@k over both sides, realistic ranks: the numbers PyKEEN papers report."""
    wanted = {
        "mrr": "both.realistic.inverse_harmonic_mean_rank",
        "hits@1": "both.realistic.hits_at_1",
        "hits@3": "both.realistic.hits_at_3",
        "hits@10": "both.realistic.hits_at_10",
        "mean_rank": "both.realistic.arithmetic_mean_rank",
    }
    flat = metric_results.to_flat_dict()
    return {name: float(flat[key]) for name, key in wanted.items() if key in flat}


def model_id(config: TrainConfig, graph: GraphTriples, split: Split) -> str:
    """A short id naming the model in the graph: model name + digest of what decided it."""
    digest = hashlib.sha256()
    digest.update(json.dumps(config.to_dict(), sort_keys=True).encode())
    digest.update(graph.checksum().encode())
    digest.update(json.dumps(split.summary(), sort_keys=True).encode())
    return f"{config.model.lower()}-{digest.hexdigest()[:10]}"
