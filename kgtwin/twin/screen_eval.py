"""A screen checked against observed sensitivity: per-drug Spearman and AUROC of the twin
score beside two baselines, and the textbook biomarker associations.

Definitions (so every number can be traced):

- observed sensitivity is the negative of the observed value (IC50, log IC50 or AUC of
  the dose-response curve: lower means more sensitive), so every correlation below is
  positive when a method ranks sensitive samples first;
- a sample is *sensitive* to a drug when its observed value lies in the lowest quartile
  of that drug's values (AUROC's positives);
- baseline **target-mutated**: 1 when the sample alters a target gene of the drug,
  else 0 (the simplest biomarker rule);
- baseline **tissue mean**: the mean observed sensitivity to the drug of the *other*
  samples of the same tissue (leave-one-out; the drug's overall mean for a tissue of
  one);
- **twin + tissue**: per drug, a least-squares line sensitivity ~ tissue mean + twin
  score fitted on four fifths of the samples and applied to the fifth (five folds by
  sample id), so each sample's prediction uses no observation of its own fold beyond
  what the tissue mean already uses; where the twin adds nothing its weight is about 0
  and the combination falls back to the tissue mean;
- a textbook association is the twin's: carriers of the marker score higher than
  non-carriers for each drug of the class (one-sided Mann-Whitney U); the observed
  association of the same split is shown beside it. An association (several drugs) is
  reproduced when the median p-value of its drugs is below 0.05.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kgtwin.twin.screen import ScreenError, ScreenResult, normalise_drug

__all__ = ["TEXTBOOK", "Evaluation", "evaluate_screen", "read_observed"]

#: The textbook associations: label, marker genes (any altered), drug targets (any) or
#: drug names that define the class.
TEXTBOOK: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("BRAF -> BRAF inhibitors", ("BRAF",), ("BRAF",), ()),
    ("BRAF/NRAS -> MEK inhibitors", ("BRAF", "NRAS"), ("MAP2K1", "MAP2K2"), ()),
    ("EGFR -> EGFR inhibitors", ("EGFR",), ("EGFR",), ()),
    ("ERBB2 -> lapatinib", ("ERBB2",), (), ("lapatinib",)),
    ("BCR-ABL1 -> imatinib", ("ABL1", "BCR-ABL1", "BCR-ABL", "BCR"), (), ("imatinib",)),
)
_VALUE_COLUMNS = ("ln_ic50", "log_ic50", "ic50", "auc", "value")


def read_observed(path: str | Path) -> pd.DataFrame:
    """``sample, drug`` and one of ``ln_ic50``/``log_ic50``/``ic50``/``auc``/``value``
    (lower = more sensitive) -> frame with ``sample, drug, value``."""
    path = Path(path)
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".txt") else ","
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        fields = [f.lower() for f in reader.fieldnames or ()]
        column = next((c for c in _VALUE_COLUMNS if c in fields), None)
        if "sample" not in fields or "drug" not in fields or column is None:
            raise ScreenError(f"{path}:1: need columns sample, drug and one of "
                              f"{', '.join(_VALUE_COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            row = {k.lower(): v for k, v in row.items()}
            text = (row[column] or "").strip()
            if not text or text.lower() in ("na", "nan"):
                continue
            try:
                value = float(text)
            except ValueError:
                raise ScreenError(f"{path}:{line}: {column} {text!r} is not a number") from None
            rows.append((row["sample"].strip(), row["drug"].strip(), value))
    return pd.DataFrame(rows, columns=["sample", "drug", "value"])


@dataclass(frozen=True, kw_only=True)
class Evaluation:
    """Per-drug metrics, the textbook associations and the paired table they came from."""

    per_drug: pd.DataFrame
    textbook: pd.DataFrame
    pairs: pd.DataFrame

    def summary(self, targeted: Sequence[str] | None = None) -> dict:
        """Means over drugs (``targeted``: only those) and the textbook count."""
        frame = self.per_drug
        if targeted is not None:
            frame = frame[frame["drug"].isin(targeted)]
        means = {c: round(float(frame[c].mean()), 4) for c in
                 ("twin", "target_mutated", "tissue_mean", "twin_tissue",
                  "auroc_twin", "auroc_target_mutated", "auroc_tissue_mean")
                 if c in frame and frame[c].notna().any()}
        classes = self.associations()
        return {"drugs": len(frame), "mean_spearman": means,
                "textbook_reproduced": int(classes["reproduced"].sum()),
                "textbook_tested": len(classes),
                "textbook_drug_tests": f"{int((self.textbook['p'] < 0.05).sum())} of "
                                       f"{len(self.textbook)} with p < 0.05"}

    def associations(self) -> pd.DataFrame:
        """One row per textbook association: its drugs, median p, reproduced or not."""
        rows = []
        for label, group in self.textbook.groupby("association", sort=False):
            p = float(group["p"].median())
            rows.append({"association": label, "drugs": ", ".join(group["drug"]),
                         "median_p": p, "observed_median_p": float(group["observed_p"].median()),
                         "reproduced": p < 0.05})
        return pd.DataFrame(rows, columns=["association", "drugs", "median_p",
                                           "observed_median_p", "reproduced"])


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from scipy.stats import spearmanr

    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return 0.0
    return float(spearmanr(x, y).statistic)


def _auroc(score: np.ndarray, positive: np.ndarray) -> float:
    from scipy.stats import rankdata

    n1 = int(positive.sum())
    n0 = len(positive) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = rankdata(score)
    return float((ranks[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _loo_tissue(frame: pd.DataFrame) -> np.ndarray:
    groups = frame.groupby("tissue")["sensitivity"]
    total, count = groups.transform("sum"), groups.transform("count")
    mean = frame["sensitivity"].mean()
    loo = (total - frame["sensitivity"]) / (count - 1)
    return np.where(count > 1, loo, mean)


def _stacked(frame: pd.DataFrame, folds: int = 5) -> np.ndarray:
    """Out-of-fold twin + tissue: the tissue mean plus w x twin score, w fitted on the
    other folds to what the tissue mean leaves unexplained, and never below 0."""
    import zlib

    fold = np.array([zlib.crc32(str(s).encode()) % folds for s in frame["sample"]])
    tissue = frame["tissue_mean"].to_numpy(float)
    score = frame["score"].to_numpy(float)
    residual = frame["sensitivity"].to_numpy(float) - tissue
    predicted = tissue.copy()
    for k in range(folds):
        test = fold == k
        if test.all() or not test.any():
            continue
        x, y = score[~test], residual[~test]
        spread = float(((x - x.mean()) ** 2).sum())
        weight = float(((x - x.mean()) * (y - y.mean())).sum()) / spread if spread else 0.0
        predicted[test] = tissue[test] + max(weight, 0.0) * score[test]
    return predicted


def _pairs(result: ScreenResult, observed: pd.DataFrame) -> pd.DataFrame:
    table = result.table
    names = {normalise_drug(d): d for d in table["drug"].unique()}
    obs = observed.assign(drug=observed["drug"].map(lambda d: names.get(normalise_drug(d))))
    obs = obs.dropna(subset=["drug"])
    merged = table.merge(obs.groupby(["sample", "drug"], as_index=False)["value"].mean(),
                         on=["sample", "drug"])
    if merged.empty:
        raise ScreenError("no (sample, drug) pair of the screen is in the observed table "
                          "(sample ids and drug names must match)")
    altered = {s.id: {m.gene.upper() for m in s.mutations} for s in result.samples}
    targets = {d.name: {t.upper() for t in d.targets} for d in result.drugs}
    merged["target_mutated"] = [float(bool(altered.get(s, set()) & targets.get(d, set())))
                                for s, d in zip(merged["sample"], merged["drug"], strict=True)]
    merged["sensitivity"] = -merged["value"]
    merged["tissue"] = merged["sample"].map(result.tissues).fillna("")
    parts = []
    for _, frame in merged.groupby("drug"):
        frame = frame.copy()
        frame["tissue_mean"] = _loo_tissue(frame)
        frame["twin_tissue"] = _stacked(frame)
        frame["sensitive"] = frame["value"] <= frame["value"].quantile(0.25)
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def _per_drug(pairs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for drug, frame in pairs.groupby("drug"):
        y = frame["sensitivity"].to_numpy()
        positive = frame["sensitive"].to_numpy(dtype=bool)
        row = {"drug": drug, "samples": len(frame), "acts": bool(frame["acts"].any())}
        for column, label in (("score", "twin"), ("target_mutated", "target_mutated"),
                              ("tissue_mean", "tissue_mean"), ("twin_tissue", "twin_tissue")):
            x = frame[column].to_numpy(dtype=float)
            row[label] = _spearman(x, y)
            row[f"auroc_{label}"] = _auroc(x, positive)
        rows.append(row)
    return pd.DataFrame(rows).sort_values("drug").reset_index(drop=True)


def _members(pairs: pd.DataFrame, result: ScreenResult, targets: Sequence[str],
             names: Sequence[str]) -> list[str]:
    wanted_names = {normalise_drug(n) for n in names}
    found = []
    for drug in result.drugs:
        if drug.name not in set(pairs["drug"]):
            continue
        if normalise_drug(drug.name) in wanted_names or {t.upper() for t in drug.targets} \
                & set(targets):
            found.append(drug.name)
    return sorted(found)


def _textbook(pairs: pd.DataFrame, result: ScreenResult, min_carriers: int) -> pd.DataFrame:
    from scipy.stats import mannwhitneyu

    altered = {s.id: {m.gene.upper() for m in s.mutations}
               | {m.variant.upper() for m in s.mutations} for s in result.samples}
    rows = []
    for label, markers, targets, names in TEXTBOOK:
        for drug in _members(pairs, result, targets, names):
            frame = pairs[pairs["drug"] == drug]
            wanted = set(markers)
            carrier = frame["sample"].map(lambda s, w=wanted: bool(altered.get(s, set()) & w))
            inside, outside = frame[carrier], frame[~carrier]
            if len(inside) < min_carriers or len(outside) < min_carriers:
                continue
            row = {"association": label, "drug": drug, "carriers": len(inside),
                   "others": len(outside),
                   "twin_carriers": inside["score"].mean(), "twin_others": outside["score"].mean()}
            scores = frame["score"].to_numpy()
            row["p"] = (1.0 if np.ptp(scores) == 0 else float(mannwhitneyu(
                inside["score"], outside["score"], alternative="greater").pvalue))
            row["observed_p"] = float(mannwhitneyu(inside["sensitivity"], outside["sensitivity"],
                                                   alternative="greater").pvalue)
            rows.append(row)
    columns = ["association", "drug", "carriers", "others", "twin_carriers", "twin_others",
               "p", "observed_p"]
    return pd.DataFrame(rows, columns=columns)


def evaluate_screen(result: ScreenResult, observed: pd.DataFrame,
                    min_carriers: int = 3) -> Evaluation:
    """The screen's scores against observed values (frame: sample, drug, value)."""
    pairs = _pairs(result, observed)
    return Evaluation(per_drug=_per_drug(pairs), textbook=_textbook(pairs, result, min_carriers),
                      pairs=pairs)


def association_lines(textbook: pd.DataFrame) -> list[str]:
    """One line per textbook association, for text output and the report."""
    lines = []
    for row in textbook.itertuples():
        verdict = "reproduced" if row.p < 0.05 else "not reproduced"
        lines.append(f"{row.association:30} {row.drug:16} carriers {row.carriers:3} "
                     f"twin {row.twin_carriers:+.3f} vs {row.twin_others:+.3f}  p={row.p:.2g} "
                     f"({verdict}; observed p={row.observed_p:.2g})")
    return lines


def class_lines(evaluation: Evaluation) -> list[str]:
    """One line per textbook association (its drugs together: median p)."""
    return [f"{row.association:30} {'reproduced' if row.reproduced else 'NOT reproduced':15} "
            f"median p={row.median_p:.2g} over {row.drugs} (observed median p="
            f"{row.observed_median_p:.2g})" for row in evaluation.associations().itertuples()]


def per_drug_lines(per_drug: pd.DataFrame, not_acting: Mapping[str, str]) -> list[str]:
    """Per-drug Spearman and AUROC beside the baselines; drugs that do not act say why."""
    lines = [f"{'drug':18} {'n':>4} {'twin':>6} {'target':>6} {'tissue':>6} {'tw+ts':>6}"
             f"   AUROC twin/target/tissue"]
    for row in per_drug.itertuples():
        lines.append(f"{row.drug[:18]:18} {row.samples:4d} {row.twin:+6.2f} "
                     f"{row.target_mutated:+6.2f} {row.tissue_mean:+6.2f} {row.twin_tissue:+6.2f}"
                     f"   {row.auroc_twin:.2f}/{row.auroc_target_mutated:.2f}/"
                     f"{row.auroc_tissue_mean:.2f}")
    for drug, why in sorted(not_acting.items()):
        lines.append(f"{drug[:18]:18} does not act: {why}")
    return lines
