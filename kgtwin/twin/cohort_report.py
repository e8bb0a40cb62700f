"""A cohort run written out: CSV tables, a heatmap (PNG) and a self-contained HTML page.

Kept apart from the simulation (``cohort.py``) so the numbers can be used without
matplotlib; the heatmap shows the response score of every patient (rows, grouped by
diagnosis) x drug (columns), grey where the drug does not act on the twin.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kgtwin.twin.cohort import CohortResult

__all__ = ["heatmap_html", "heatmap_png", "write_cohort"]


def _clip(text: str, width: int = 30) -> str:
    """Whole words of a label up to ``width`` characters, an ellipsis if cut (a row label
    cut mid-word, "non-small cell lung ca", reads as a typo on a slide)."""
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(",")
    return cut + "…"


def _matrix(table: pd.DataFrame) -> pd.DataFrame:
    shown = table.assign(score=table["score"].where(table["acts"]))
    shown = shown.sort_values(["diagnosis", "variants", "label"], kind="stable")
    generic = ~shown["patient_specific"].astype(bool) if "patient_specific" in shown \
        else pd.Series(False, index=shown.index)
    shown = shown.assign(row=shown["label"] + "  " + shown["diagnosis"].map(lambda t: _clip(t, 36))
                         + "  " + shown["variants"].map(_clip)
                         + generic.map({True: "  (no patient-specific change)", False: ""}))
    matrix = shown.pivot_table(index="row", columns="drug", values="score", aggfunc="first",
                               dropna=False, sort=False)
    return matrix.loc[:, sorted(matrix.columns, key=str.lower)]


def heatmap_png(table: pd.DataFrame, path: Path) -> Path:
    """Patients (rows) x drugs (columns), score colour-coded; grey: the drug does not act."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matrix = _matrix(table)
    values = matrix.to_numpy(dtype=float)
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    # At least 4 in tall and ~0.4 in per drug, so a 3-drug, 2-patient map keeps its
    # colour bar and drug names readable.
    height = max(4.0, 1.8 + 0.32 * len(matrix))
    figure, axis = plt.subplots(figsize=(5.0 + 0.4 * matrix.shape[1], height))
    colours = matplotlib.colormaps["RdBu_r"].with_extremes(bad="#dddddd")
    image = axis.imshow(np.ma.masked_invalid(values), cmap=colours, vmin=-limit, vmax=limit,
                        aspect="auto")
    axis.set_xticks(range(matrix.shape[1]), matrix.columns, rotation=90, fontsize=8)
    axis.set_yticks(range(len(matrix)), matrix.index, fontsize=8, family="monospace")
    axis.set_xlabel("drug")
    axis.set_ylabel("patient (pseudonym, diagnosis, variants)")
    figure.colorbar(image, ax=axis, label="response score (-Δprolif + Δapop)",
                    shrink=min(1.0, 4.0 / height), aspect=15)
    # On the figure, not the axes: over a 3-drug map the axes are narrower than the title.
    figure.suptitle("Twin response score, patient x drug\n(grey: the drug does not act on "
                    "the twin)", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)
    return path


def _cell(value: float, limit: float) -> str:
    if not np.isfinite(value):
        return '<td style="background:#ddd"></td>'
    share = min(abs(value) / limit, 1.0) if limit else 0.0
    shade = int(255 - 155 * share)
    colour = f"rgb({shade},{shade},255)" if value < 0 else f"rgb(255,{shade},{shade})"
    return f'<td style="background:{colour}" title="{value:+.3f}">{value:+.2f}</td>'


def heatmap_html(result: CohortResult, path: Path, png: Path | None = None) -> Path:
    """A self-contained HTML page: the score table coloured, associations, calibration."""
    import html

    matrix = _matrix(result.table)
    values = matrix.to_numpy(dtype=float)
    limit = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    head = "".join(f"<th>{html.escape(c)}</th>" for c in matrix.columns)
    body = "".join(
        f"<tr><th>{html.escape(index)}</th>" + "".join(_cell(v, limit) for v in row) + "</tr>"
        for index, row in zip(matrix.index, values, strict=True))
    parts = ["<!doctype html><meta charset='utf-8'><title>kgtwin cohort</title>",
             "<style>body{font-family:sans-serif;font-size:12px}td,th{padding:2px 4px;"
             "text-align:right;font-size:11px}th{white-space:nowrap}</style>",
             "<h1>Twin response scores (patient x drug)</h1>",
             "<p>score = -Δ proliferation + Δ apoptosis against the untreated twin, each "
             "patient on its own twin (the score <code>kgtwin twin rank-drugs</code> gives); "
             "red: the drug helps, blue: it harms, grey: it does not act on the twin (no "
             "target in it, or it needs a mutant the patient lacks; cohort.csv says which)."
             "</p>",
             f"<table><tr><th></th>{head}</tr>{body}</table>"]
    if png is not None:
        parts.append(f"<p><img src='{html.escape(png.name)}' alt='heatmap'></p>")
    if result.skipped:
        parts.append("<h2>Drugs that do not act on these twins</h2><ul>" + "".join(
            f"<li>{html.escape(drug)}: {html.escape(why)}</li>"
            for drug, why in sorted(result.skipped.items())) + "</ul>")
    top = result.associations.head(15)
    if not top.empty:
        parts.append("<h2>Variants that go with response (twins)</h2>" + top.to_html(
            index=False, float_format=lambda v: f"{v:.3g}"))
    if result.calibration is not None:
        c = result.calibration
        auc = "n/a" if c.auc is None else f"{c.auc:.2f}"
        parts.append(f"<h2>Calibration</h2><p>P(objective response) = 1/(1+exp(-({c.intercept:.2f}"
                     f" + {c.slope:.2f} x score))), n = {c.n}, responders = {c.responders}, "
                     f"AUC = {auc}, Brier = {c.brier:.3f}</p>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def write_cohort(result: CohortResult, out: Path) -> dict[str, Path]:
    """cohort.csv, associations.csv, observed.csv, cohort-heatmap.png, cohort.html and
    calibration.json (when observed responses allowed a fit) in ``out``."""
    import json

    out.mkdir(parents=True, exist_ok=True)
    paths = {"table": out / "cohort.csv", "associations": out / "associations.csv",
             "observed": out / "observed.csv"}
    result.table.to_csv(paths["table"], index=False)
    result.associations.to_csv(paths["associations"], index=False)
    result.observed.to_csv(paths["observed"], index=False)
    paths["png"] = heatmap_png(result.table, out / "cohort-heatmap.png")
    paths["html"] = heatmap_html(result, out / "cohort.html", paths["png"])
    if result.calibration is not None:
        paths["calibration"] = out / "calibration.json"
        paths["calibration"].write_text(json.dumps(result.calibration.to_dict(), indent=2),
                                        encoding="utf-8")
    return paths
