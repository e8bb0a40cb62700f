"""Several seeds of one configuration: mean and spread instead of one lucky number.

Each seed changes the split (which statements are held out) and the training (initial
weights, batch order); each model is saved under ``OUT/seed-N``, and ``OUT/seeds.json``
holds, per scorer, the mean and standard deviation of overall MRR and Hits@10.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from kgtwin.embed.api import train
from kgtwin.embed.train import TrainConfig
from kgtwin.errors import KgTwinError
from kgtwin.store.base import GraphStore


def train_seeds(
    store: GraphStore, out: str | Path, seeds: int, *, config: TrainConfig | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Trains ``seeds`` models (seeds ``config.seed``, +1, ...); returns the summary."""
    if seeds < 1:
        raise KgTwinError(f"--seeds must be at least 1, not {seeds}")
    base = config or TrainConfig()
    root = Path(out)
    runs = []
    for offset in range(seeds):
        seed = base.seed + offset
        trained = train(store, root / f"seed-{seed}", config=replace(base, seed=seed), **options)
        runs.append({"seed": seed, "model_id": trained.model_id,
                     "overall": trained.metrics["overall"],
                     "epochs_run": trained.info["epochs_run"]})
    summary = {"config": base.to_dict(), "seeds": [r["seed"] for r in runs],
               "runs": runs, "overall": spread([r["overall"] for r in runs])}
    root.mkdir(parents=True, exist_ok=True)
    (root / "seeds.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return summary


def spread(reports: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per scorer: mean and sample standard deviation of MRR and Hits@10 over runs."""
    out: dict[str, dict[str, float]] = {}
    for scorer in sorted({name for report in reports for name in report}):
        entry = {}
        for metric in ("mrr", "hits@10"):
            values = np.array([r[scorer][metric] for r in reports
                               if metric in r.get(scorer, {})])
            if len(values):
                entry[f"{metric}_mean"] = float(values.mean())
                entry[f"{metric}_sd"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        out[scorer] = entry
    return out
