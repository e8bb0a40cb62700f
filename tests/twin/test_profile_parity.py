"""PROFILE parity on the real BRAF study (Béal et al. 2021): PROFILE's own node-level
tables through kgtwin give the published per-line Proliferation and the paper's
correlations with observed BRAF-inhibitor sensitivity and BRAF dependency.

The numbers for every line and case are printed by benchmarks/twin_profile_parity.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kgtwin.twin.model import LogicalModel
from kgtwin.twin.profile import personalise
from kgtwin.twin.profile_tables import profiles_from_tables
from kgtwin.twin.response import Drug, Readout, treatment_response
from kgtwin.twin.simulate import SimulationSettings

DATA = Path("../shared/data/profile_braf")
TABLES = {"mut": DATA / "BRAF_Model_CL_mut.csv", "RNA": DATA / "BRAF_Model_CL_RNA_norm.csv"}
RUNS = ("simulations_2020-04-14", "simulations_2020-10-08")
# Lines whose mutations test the semantics: MEK_b1 gains (A2058, MZ2-MEL, SNU-C1, SW48),
# losses of PTEN and p53, RAS/PI3K/ERBB gains, and BRAF-only melanomas.
LINES = ["A2058", "MZ2-MEL", "SNU-C1", "SW48", "HCC2998", "HT-29", "SK-MEL-28", "CW-2",
         "451Lu", "A375"]
SETTINGS = SimulationSettings(trajectories=5000, max_time=50, seed=7)
BRAF_OFF = Drug(name="BRAF", targets=("BRAF",))


def _published(run: str, case: str) -> dict[str, tuple[float, float]]:
    rows: dict[str, dict[str, float]] = {}
    with (DATA / run / f"BRAF_Model_CL_{case}.txt").open() as handle:
        next(handle)
        for line in handle:
            _, sample, drug, _, b1, b2 = line.split()
            rows.setdefault(sample, {})[drug] = (float(b1) + float(b2)) / 2
    return {s: (d["Zero"], d["BRAF"]) for s, d in rows.items() if s != "WT"}


def _kgtwin(model: LogicalModel, case: str, lines: list[str]) -> dict[str, tuple[float, float]]:
    profiles = profiles_from_tables(
        mutations=TABLES["mut"] if "mut" in case else None,
        levels=TABLES["RNA"] if "RNA" in case else None,
        samples=lines,
    )
    result = {}
    for sample, profile in profiles.items():
        twin = personalise(model, profile)
        # Only RNA of mutated nodes is left out (the mutation wins, as in PROFILE).
        assert all("node held" in line for line in twin.ignored), twin.ignored
        readout = treatment_response(
            twin, [BRAF_OFF], SETTINGS, readouts=[Readout("Proliferation", -1.0)]
        ).readouts[0]
        result[sample] = (readout.untreated, readout.treated)
    return result


def _se(p: float) -> float:
    return math.sqrt(max(p * (1 - p), 1e-6) / 5000)


@pytest.mark.parametrize("case", ["mut", "RNA", "mut_RNA"])
def test_published_scores_within_monte_carlo_noise(braf: LogicalModel, case: str) -> None:
    ours = _kgtwin(braf, case, LINES)
    for run in RUNS:
        theirs = _published(run, case)
        for sample, values in ours.items():
            for mine, published in zip(values, theirs[sample], strict=True):
                z = abs(mine - published) / math.hypot(_se(mine), _se(published))
                assert z < 4.5, (run, case, sample, mine, published)


def test_mek_b1_gain_holds_only_mek_b1(braf: LogicalModel) -> None:
    # SNU-C1 carries only a MEK_b1 gain in PROFILE's table: MEK_b2 stays free.
    profile = profiles_from_tables(mutations=TABLES["mut"], samples=["SNU-C1"])["SNU-C1"]
    twin = personalise(braf, profile)
    assert twin.fixed == {"MEK_b1": 1}
    untreated = _kgtwin(braf, "mut", ["SNU-C1"])["SNU-C1"][0]
    assert untreated == pytest.approx(_published(RUNS[0], "mut")["SNU-C1"][0], abs=0.03)


def _observed() -> dict[str, tuple[float | None, float | None]]:
    import csv

    with (DATA / "observed_BRAF_sensitivity.csv").open() as handle:
        return {
            r["Patient_ID"]: (
                float(r["PLX4720_AUC"]) if r["PLX4720_AUC"] else None,
                float(r["BRAF_CRISPR_Broad_scaledBF"]) if r["BRAF_CRISPR_Broad_scaledBF"]
                else None,
            )
            for r in csv.DictReader(handle)
        }


def _pearson(scores: dict[str, float], observed, column: int) -> float:
    pairs = [(v, observed[s][column]) for s, v in scores.items()
             if s in observed and observed[s][column] is not None]
    x, y = np.array(pairs).T
    return float(np.corrcoef(x, y)[0, 1])


# Paper (p_1.svg): Pearson r of normalised Proliferation (BRAF-treated / untreated) with
# PLX-4720 AUC and BRAF CRISPR dependency. RNA alone is within Monte-Carlo spread of the
# published runs, which themselves differ (r AUC 0.224 on 2020-04-14, 0.013 on 2020-10-08,
# same tables and model): its bounds are that spread, not a point.
PAPER = {
    "mut": ((0.56, 0.70), (-0.78, -0.60)),
    "RNA": ((0.0, 0.35), (-0.55, -0.15)),
    "mut_RNA": ((0.60, 0.74), (-0.92, -0.78)),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", ["mut", "RNA", "mut_RNA"])
def test_correlations_with_observed_sensitivity(braf: LogicalModel, case: str) -> None:
    lines = sorted(_published(RUNS[0], case))
    ours = _kgtwin(braf, case, lines)
    normalised = {s: treated / untreated for s, (untreated, treated) in ours.items()}
    observed = _observed()
    (auc_low, auc_high), (crispr_low, crispr_high) = PAPER[case]
    assert auc_low <= _pearson(normalised, observed, 0) <= auc_high
    assert crispr_low <= _pearson(normalised, observed, 1) <= crispr_high
