"""The embedding step of ``kgtwin demo``: train, evaluate honestly, predict, write back.

:func:`demo_step` is what the demo calls with the demo store loaded. It trains the
documented demo configuration (a couple of seconds per ten epochs on two CPU cores),
reports the model next to chance and the two baselines on held-out approved
indications — saying plainly where it does not beat them — writes the top
repurposing candidates of a few diseases into the graph as predicted edges, and draws
one bar chart.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from kgtwin.embed.predict import Predictor, predict_repurpose
from kgtwin.embed.train import TrainConfig
from kgtwin.embed.writeback import write_predictions
from kgtwin.store.base import GraphStore

log = logging.getLogger(__name__)

#: kgtwin's defaults, the standard recipe (see :mod:`kgtwin.embed.train`), with at most
#: 100 epochs so that ``kgtwin demo`` stays within a few minutes on a busy laptop.
DEMO_CONFIG = TrainConfig(epochs=100)
#: Diseases the demo's story is about (BRAF-inhibitor response), asked first when present.
FEATURED = ("MONDO:0005105", "MONDO:0005575")  # melanoma, colorectal cancer
SCORERS = ("model", "degree", "path_count", "metapath", "chance")


def demo_step(
    store: GraphStore,
    out_dir: str | Path,
    *,
    config: TrainConfig = DEMO_CONFIG,
    top_k: int = 5,
    diseases: int = 3,
    plot: bool = True,
) -> dict[str, Any]:
    """Trains on the store, evaluates, writes top predictions back; returns a summary."""
    from kgtwin.embed.api import train

    out = Path(out_dir)
    trained = train(store, out / "model", config=config, tasks=("biolink:treats",),
                    progress=False)
    report = trained.metrics
    treats = report["tasks"].get("biolink:treats", {})
    drugs_for_disease = treats.get("head", {})
    predictor = Predictor(trained, store)
    asked = _diseases(trained, diseases)
    predictions, written = [], 0
    for disease in asked:
        frame = predict_repurpose(predictor, disease=disease, k=top_k)
        written += write_predictions(store, frame, model_id=trained.model_id, task="repurpose",
                                     model_dir=out / "model")
        predictions.append({
            "disease": disease,
            "name": trained.graph.names.get(disease),
            "candidates": [
                {"drug": r["candidate"], "name": r["name"], "score": round(r["score"], 4),
                 "percentile": round(r["percentile"], 1),
                 "path": r["paths"][0]["path"] if r["paths"] else None}
                for r in frame.to_dict("records")
            ],
        })
    summary = {
        "model_id": trained.model_id,
        "model_dir": str(out / "model"),
        "model": config.model,
        "epochs": trained.info["epochs_run"],
        "train_seconds": round(trained.info["train_seconds"], 1),
        "split": report["split"],
        "removed_for_leakage": report["removed_for_leakage"],
        "drugs_for_held_out_indications": {
            name: round(drugs_for_disease[name]["mrr"], 4)
            for name in SCORERS if name in drugs_for_disease
        },
        "overall_mrr": {name: round(v["mrr"], 4) for name, v in report["overall"].items()},
        "beats": {
            name: report["overall"]["model"]["mrr"] > report["overall"][name]["mrr"]
            for name in SCORERS[1:] if name in report["overall"]
        },
        "verdicts": report["verdicts"],
        "predictions": predictions,
        "written": written,
    }
    if plot:
        summary["plot"] = str(plot_metrics(report, out / "embed_metrics.png"))
    # Timings vary from run to run; they go to a file of their own so that the report
    # (everything else in the summary) is the same bytes for the same store and seed.
    (out / "timings.json").write_text(json.dumps({
        "train_seconds": summary["train_seconds"],
        "evaluate_seconds": round(trained.info.get("evaluate_seconds", 0.0), 1),
    }, indent=1) + "\n", encoding="utf-8")
    return summary


def summary_markdown(summary: dict[str, Any]) -> list[str]:
    """The summary as Markdown lines for the demo report (a table, verdicts, top picks)."""
    split = summary["split"]
    lines = [
        f"{summary['model']} model `{summary['model_id']}` trained for "
        f"{summary['epochs']} epochs. Held out "
        f"{split['test']} approved indications (+{split['valid']} for early stopping); "
        f"{summary['removed_for_leakage']} statements removed with them for leakage.",
        "",
        "| held-out indications, filtered MRR | " + " | ".join(
            name.replace("_", "-") for name in summary["overall_mrr"]) + " |",
        "|---|" + "---:|" * len(summary["overall_mrr"]),
        "| drugs ranked for each disease | " + " | ".join(
            f"{summary['drugs_for_held_out_indications'].get(name, float('nan')):.3f}"
            for name in summary["overall_mrr"]) + " |",
        "| both directions | " + " | ".join(
            f"{value:.3f}" for value in summary["overall_mrr"].values()) + " |",
        "",
    ]
    lines += [f"- {line}" for line in summary["verdicts"]]
    for entry in summary["predictions"]:
        picks = ", ".join(
            f"{c['name'] or c['drug']} (percentile {c['percentile']:.0f})"
            for c in entry["candidates"]
        )
        lines += ["", f"**{entry['name'] or entry['disease']}** — top new candidates: {picks}."]
        best = next((c for c in entry["candidates"] if c["path"]), None)
        if best:
            lines.append(f"Why {best['name'] or best['drug']}: `{best['path']}`")
    lines += ["", f"{summary['written']} predictions written to the graph as edges with "
              f"`knowledge_level: prediction` and `model_id: {summary['model_id']}`."]
    return lines


def _diseases(trained: Any, wanted: int) -> list[str]:
    """Featured diseases first, then those with the most known indications."""
    rows = trained.graph.triples
    treated = rows[rows[:, 1] == "biolink:treats"][:, 2]
    counts: dict[str, int] = {}
    for disease in treated.tolist():
        counts[disease] = counts.get(disease, 0) + 1
    ranked = [d for d in FEATURED if d in counts]
    ranked += [d for d, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
               if d not in ranked]
    return ranked[:wanted]


def plot_metrics(report: dict, path: Path) -> Path:
    """Bar chart: MRR of the model, the stacked ranker, the baselines and chance, per
    task and side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = [("all", report["overall"])]
    for relation, sides in report["tasks"].items():
        for side, entry in sides.items():
            asked = "subjects" if side == "head" else "objects"
            groups.append((f"{relation.removeprefix('biolink:')}\n{asked}", entry))
    # The stacked ranker (what predictions rank by) beside the model alone, where fitted.
    scorers = [s for s in ("model", "stacked", *SCORERS[1:]) if s in report["overall"]]
    figure, axes = plt.subplots(figsize=(3.4 + 1.8 * len(groups), 4.0))
    width = 0.8 / len(scorers)
    for offset, scorer in enumerate(scorers):
        values = [entry.get(scorer, {}).get("mrr", 0.0) for _, entry in groups]
        positions = [i + offset * width for i in range(len(groups))]
        label = "model + graph features (stacked)" if scorer == "stacked" else scorer
        axes.bar(positions, values, width, label=label.replace("_", "-"))
    axes.set_xticks([i + 0.4 - width / 2 for i in range(len(groups))])
    axes.set_xticklabels([name for name, _ in groups], fontsize=9)
    axes.set_xlabel("held-out edges: all, and per predicate the side being ranked")
    axes.set_ylabel("filtered MRR (higher is better)")
    axes.set_title(f"{report.get('model')} ({report.get('model_id')}) next to the baselines",
                   fontsize=10)
    # Outside the axes: a legend inside covered a bar.
    axes.legend(title="scorer", fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path
