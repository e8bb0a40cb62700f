"""How long and how much memory training will take, said before it starts.

A probe times a few forward and backward passes of the configured model on batches of
the real size (random ids: the cost does not depend on which), multiplies by the number
of batches in an epoch, and adds the validation passes of early stopping. Memory is
counted from the parameters (with gradients and Adam's two moments), one batch's score
matrix and the evaluator's. Both are estimates: the log line says so and gives the
upper bound (every epoch run) beside the usual case (early stopping ends sooner).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kgtwin.embed.train import (
    MATRIX_PRODUCT_MODELS,
    TrainConfig,
    build_model,
    memory_batches,
    query_bytes,
)

log = logging.getLogger(__name__)

#: Above this many seconds (upper bound) the estimate is logged as a warning, so the
#: CLI, which shows warnings only, prints it.
ANNOUNCE_SECONDS = 120.0
PROBES = 2
#: Elements in a probe's broadcast tensor at most: the probe itself stays cheap (a
#: fraction of a sub-batch on large graphs; its time is scaled up to the whole batch).
PROBE_ELEMENTS = 1 << 23


@dataclass(frozen=True)
class Estimate:
    seconds_per_epoch: float
    max_seconds: float
    memory_gb: float
    batches_per_epoch: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sentence(self, config: TrainConfig) -> str:
        ceiling = f"at most {_duration(self.max_seconds)} for all {config.epochs} epochs"
        if config.budget is not None:
            ceiling = f"at most {_duration(min(self.max_seconds, config.budget))} (--budget)"
        text = (f"training {config.model}: about {_duration(self.seconds_per_epoch)} per epoch "
                f"({self.batches_per_epoch} batches), {ceiling}; early stopping usually ends "
                f"sooner; about {self.memory_gb:.1f} GB of memory (estimates)")
        if (self.seconds_per_epoch > 600 and config.training_loop.lower() == "lcwa"
                and config.model.lower() not in MATRIX_PRODUCT_MODELS):
            text += ("; 1-vs-all scores every entity for every query: on a graph this size "
                     "--training-loop slcwa --negatives 32, --budget or a GPU (--device cuda) "
                     "is the practical choice")
        return text


def estimate(config: TrainConfig, factory: Any, validation: int) -> Estimate:
    """Times the model on real-size batches; counts the memory it will hold."""
    import torch

    model = build_model(config, factory)
    entities = factory.num_entities
    mapped = factory.mapped_triples.numpy()
    lcwa = config.training_loop.lower() == "lcwa"
    if lcwa:
        instances = len(np.unique(mapped[:, :2], axis=0)) * (1 + config.inverse_triples)
    else:  # inverse triples are made on the fly: twice the statements
        instances = len(mapped) * (1 + config.inverse_triples)
    batches = max(1, math.ceil(instances / config.batch_size))
    sub_batch, evaluation_batch = memory_batches(config, entities)
    generator = torch.Generator().manual_seed(0)
    full = min(config.batch_size, instances)
    per_query = query_bytes(entities, config.embedding_dim, config.model) // 8
    size = min(full, max(1, PROBE_ELEMENTS // per_query)) if lcwa else full
    steps = full / size  # probes per batch
    heads = torch.randint(entities, (size,), generator=generator)
    rels = torch.randint(max(1, factory.num_relations), (size,), generator=generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    timings = []
    for _ in range(PROBES + 1):  # the first pass warms up and is not counted
        started = time.perf_counter()
        optimizer.zero_grad()
        if lcwa:
            scores = model.score_t(torch.stack([heads, rels], dim=1))
        else:
            tails = torch.randint(entities, (size * (1 + config.negatives),), generator=generator)
            batch = torch.stack([heads.repeat(1 + config.negatives),
                                 rels.repeat(1 + config.negatives), tails], dim=1)
            scores = model.score_hrt(batch)
        scores.logsumexp(dim=-1).mean().backward()
        optimizer.step()
        timings.append(time.perf_counter() - started)
    per_batch = float(np.median(timings[1:])) * steps
    per_epoch = per_batch * batches
    # validation ranks both sides against every entity, forward only (~1/3 of a step)
    checks = math.ceil(config.epochs / config.stopper_frequency) if validation else 0
    evaluation = checks * per_batch / full / 3 * 2 * validation
    parameters = sum(p.numel() for p in model.parameters())
    memory = (parameters * 4 * 4  # weights, gradients, Adam's two moments
              + 4 * size * entities * 4  # scores, their gradients, labels, softmax
              + 2 * sub_batch * query_bytes(entities, config.embedding_dim, config.model)
              + 2 * evaluation_batch * entities * 4  # evaluator's score matrix
              + len(mapped) * 3 * 8 * 4)  # the mapped triples and their copies
    return Estimate(seconds_per_epoch=per_epoch,
                    max_seconds=per_epoch * config.epochs + evaluation,
                    memory_gb=memory / 1024**3, batches_per_epoch=batches)


def announce(config: TrainConfig, factory: Any, validation: int) -> Estimate:
    """Estimates and logs the sentence (a warning when the upper bound is long)."""
    found = estimate(config, factory, validation)
    upper = found.max_seconds if config.budget is None else min(found.max_seconds, config.budget)
    level = logging.WARNING if upper > ANNOUNCE_SECONDS else logging.INFO
    log.log(level, found.sentence(config))
    return found


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.2f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
