"""A screen written out: the sample x drug table, the evaluation tables and one figure.

The figure is meant for a slide: left, per drug, the Spearman correlation of the twin
score with observed sensitivity next to the two baselines (target-mutated rule, tissue
mean of the other samples); right, the textbook associations as the twin's mean score of
carriers vs non-carriers with the one-sided p-value. Kept apart from ``screen.py`` so
the numbers need no matplotlib.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kgtwin.twin.screen import ScreenResult
from kgtwin.twin.screen_eval import Evaluation

__all__ = ["screen_figure", "write_screen"]

_COLOURS = {"twin": "#c0392b", "target_mutated": "#7f8c8d", "tissue_mean": "#2980b9"}
_LABELS = {"twin": "twin score", "target_mutated": "target-mutated rule",
           "tissue_mean": "tissue mean (leave-one-out)"}


def screen_figure(evaluation: Evaluation, path: Path) -> Path:
    """Per-drug Spearman (twin vs baselines) and textbook associations, one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    per_drug = evaluation.per_drug[evaluation.per_drug["acts"]].sort_values("twin")
    textbook = evaluation.textbook
    rows = max(len(per_drug), len(textbook), 4)
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(12, 1.2 + 0.32 * rows), gridspec_kw={"width_ratios": [1.1, 1]})
    y = np.arange(len(per_drug))
    for k, column in enumerate(("twin", "target_mutated", "tissue_mean")):
        left.barh(y + (k - 1) * 0.27, per_drug[column], height=0.26, color=_COLOURS[column],
                  label=_LABELS[column])
    left.set_yticks(y, per_drug["drug"], fontsize=8)
    left.axvline(0, color="black", linewidth=0.6)
    left.set_xlabel("Spearman correlation with observed sensitivity (−IC50)")
    means = {c: per_drug[c].mean() for c in (*_LABELS, "twin_tissue")}
    left.set_title("Per drug: twin vs baselines. Mean: " + ", ".join(
        f"{c.replace('_', ' ')} {m:+.2f}" for c, m in means.items()), fontsize=8)
    left.legend(fontsize=7, loc="lower right")
    if textbook.empty:
        right.text(0.5, 0.5, "no textbook association testable\n(too few carriers)",
                   ha="center", va="center")
        right.set_axis_off()
    else:
        labels = [f"{r.association}\n{r.drug} (n={r.carriers})" for r in textbook.itertuples()]
        ty = np.arange(len(textbook))
        right.barh(ty + 0.2, textbook["twin_carriers"], height=0.38, color="#c0392b",
                   label="carriers")
        right.barh(ty - 0.2, textbook["twin_others"], height=0.38, color="#bdc3c7",
                   label="non-carriers")
        for k, row in enumerate(textbook.itertuples()):
            mark = "*" if row.p < 0.05 else "n.s."
            right.text(max(row.twin_carriers, row.twin_others) + 0.01, k,
                       f"p={row.p:.1g} {mark}", va="center", fontsize=7)
        right.set_yticks(ty, labels, fontsize=7)
        right.set_xlabel("mean twin score (−Δproliferation + Δapoptosis)")
        reproduced = int((textbook["p"] < 0.05).sum())
        right.set_title(f"Textbook associations: {reproduced} of {len(textbook)} drug tests "
                        "with p < 0.05", fontsize=9)
        right.legend(fontsize=7, loc="lower right")
        right.margins(x=0.25)
    figure.tight_layout()
    figure.savefig(path, dpi=120, bbox_inches="tight")
    plt.close(figure)
    return path


def write_screen(result: ScreenResult, out: Path, evaluation: Evaluation | None = None) -> dict:
    """OUT/screen.csv, and with an evaluation: per_drug.csv, textbook.csv, screen.png."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"table": out / "screen.csv"}
    result.table.to_csv(paths["table"], index=False)
    if evaluation is not None:
        paths["per_drug"] = out / "per_drug.csv"
        paths["textbook"] = out / "textbook.csv"
        evaluation.per_drug.to_csv(paths["per_drug"], index=False)
        evaluation.textbook.to_csv(paths["textbook"], index=False)
        paths["figure"] = screen_figure(evaluation, out / "screen.png")
    return {k: str(v) for k, v in paths.items()}
