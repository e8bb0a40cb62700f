"""PROFILE parity: kgtwin's personalised BRAF-model twins vs Béal et al. 2021's published runs.

For every cell line of ``../shared/data/profile_braf/`` (PROFILE's node-level mutation
and normalised-RNA tables), personalise the BRAF model three ways (mutations only, RNA
only, both), simulate it untreated and with BRAF held off (PROFILE's "BRAF" drug,
strength 1), and compare per line with the published MaBoSS simulations:

- Proliferation = mean of ``Proliferation_b1`` and ``_b2`` at the end of the run, as in
  the paper's ``Analysis.Rmd``; the normalised score is treated / untreated;
- a line agrees when |kgtwin - published| < 4 standard errors of the difference of two
  independent runs (both Monte-Carlo: kgtwin's per-cell variance, published n = 5000);
- the paper's correlations (Pearson r of normalised Proliferation with PLX-4720 AUC and
  with BRAF CRISPR scaled Bayes factor) are printed for the published runs and kgtwin's;
- ``--maboss``: the same personalised twins run in MaBoSS (cmaboss) beside kgtwin, with
  each tool's CPU seconds for the simulations alone and the share of lines where the two
  agree within 4 s.e. (MaBoSS reports the last tick window's average, kgtwin t = 50);
- ``--seeds N``: kgtwin's correlations over N seeds (mean and s.d.), to show how much of
  a correlation is Monte-Carlo noise (RNA alone: the two published runs, same inputs,
  give r 0.22 and 0.01 with AUC).

    python benchmarks/twin_profile_parity.py [--trajectories 5000] [--lines 0] [--maboss]
        [--seeds 1] [--cases mut RNA mut_RNA]
"""

from __future__ import annotations

import argparse
import csv
import math
import time
from pathlib import Path

import numpy as np

from kgtwin.twin.models import published_model
from kgtwin.twin.profile import personalise
from kgtwin.twin.profile_tables import profiles_from_tables
from kgtwin.twin.response import Drug, Readout, treatment_response
from kgtwin.twin.simulate import SimulationSettings

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "profile_braf"
CASES = {"mut": ("mut",), "RNA": ("RNA",), "mut_RNA": ("mut", "RNA")}
RUNS = ("simulations_2020-04-14", "simulations_2020-10-08")
PUBLISHED_N = 5000
BRAF_OFF = Drug(name="BRAF", targets=("BRAF",))
PROLIFERATION = (Readout("Proliferation", -1.0),)


def published(run: str, case: str) -> dict[str, tuple[float, float]]:
    """Line -> (untreated, BRAF-treated) Proliferation of one published simulation file."""
    rows: dict[str, dict[str, float]] = {}
    with (DATA / run / f"BRAF_Model_CL_{case}.txt").open() as handle:
        next(handle)
        for line in handle:
            _, sample, drug, _, b1, b2 = line.split()
            rows.setdefault(sample, {})[drug] = (float(b1) + float(b2)) / 2
    return {s: (d["Zero"], d["BRAF"]) for s, d in rows.items() if s != "WT"}


def observed() -> dict[str, tuple[float | None, float | None]]:
    """Line -> (PLX-4720 AUC, BRAF CRISPR scaled BF), None where not measured."""
    with (DATA / "observed_BRAF_sensitivity.csv").open() as handle:
        return {
            r["Patient_ID"]: tuple(  # type: ignore[misc]
                float(r[k]) if r[k] else None
                for k in ("PLX4720_AUC", "BRAF_CRISPR_Broad_scaledBF")
            )
            for r in csv.DictReader(handle)
        }


def pearson(scores: dict[str, float], measured: dict, column: int) -> tuple[float, int]:
    """Pearson r of scores with one observed column over the lines that have both."""
    pairs = [(v, measured[s][column]) for s, v in scores.items()
             if s in measured and measured[s][column] is not None]
    x, y = np.array(pairs).T
    return float(np.corrcoef(x, y)[0, 1]), len(pairs)


def run_maboss(twin, trajectories: int) -> tuple[tuple[float, float], float]:
    """(untreated, BRAF-off) Proliferation of a twin in MaBoSS, and its CPU seconds."""
    import tempfile

    import cmaboss

    from kgtwin.twin.formats import save_model

    values, seconds = [], 0.0
    for held in (dict(twin.fixed), {**twin.fixed, "BRAF": 0}):
        with tempfile.TemporaryDirectory() as folder:
            save_model(twin.model.fix(held), Path(folder) / "m.bnd")
            network = cmaboss.MaBoSSNet(network=str(Path(folder) / "m.bnd"))
            config = cmaboss.MaBoSSCfg(network, str(Path(folder) / "m.cfg"))
            sim = cmaboss.MaBoSSSim(net=network, cfg=config)
            sim.update_parameters(sample_count=trajectories, max_time=50, time_tick=0.5,
                                  thread_count=1)
            start = time.process_time()
            result = sim.run()
            seconds += time.process_time() - start
        probabilities, _, names, *_ = result.get_last_nodes_probtraj()
        final = dict(zip(names, probabilities[0], strict=True))
        values.append((final.get("Proliferation_b1", 0.0) + final.get("Proliferation_b2", 0.0))
                      / 2)
    return (values[0], values[1]), seconds


def simulate_case(case: str, lines: list[str], settings: SimulationSettings, threads: int,
                  maboss: bool = False):
    """Line -> (untreated, treated) from kgtwin; the same from MaBoSS if asked; the CPU
    seconds of each tool's simulations."""
    tables = {"mut": DATA / "BRAF_Model_CL_mut.csv", "RNA": DATA / "BRAF_Model_CL_RNA_norm.csv"}
    profiles = profiles_from_tables(
        mutations=tables["mut"] if "mut" in CASES[case] else None,
        levels=tables["RNA"] if "RNA" in CASES[case] else None,
        samples=lines,
    )
    model = published_model("BRAF_Model")
    result, theirs, seconds = {}, {}, [0.0, 0.0]
    for sample, profile in profiles.items():
        twin = personalise(model, profile)
        # RNA of a mutated node is overridden by the mutation, as in PROFILE; anything
        # else left out would break parity.
        unexpected = [line for line in twin.ignored if "node held" not in line]
        if unexpected:
            raise SystemExit(f"{sample}: ignored {unexpected}")
        start = time.process_time()
        readout = treatment_response(
            twin, [BRAF_OFF], settings, readouts=PROLIFERATION, threads=threads
        ).readouts[0]
        seconds[0] += time.process_time() - start
        result[sample] = (readout.untreated, readout.treated)
        if maboss:
            theirs[sample], spent = run_maboss(twin, settings.trajectories)
            seconds[1] += spent
    return result, theirs, seconds


def _se(p: float, n: int) -> float:
    # Proliferation is the mean of two Bernoulli levels; p(1-p)/n bounds its variance / n
    # from above when the levels are positively correlated, as b2 needs b1 here.
    return math.sqrt(max(p * (1 - p), 1e-6) / n)


def compare(ours, theirs, n: int) -> tuple[float, float, float]:
    """(share of values within 4 s.e., mean |difference|, largest |z|) over both runs."""
    z, diff = [], []
    for sample, values in ours.items():
        for mine, published_value in zip(values, theirs[sample], strict=True):
            se = math.hypot(_se(mine, n), _se(published_value, PUBLISHED_N))
            diff.append(abs(mine - published_value))
            z.append(diff[-1] / se)
    z_arr = np.array(z)
    return float((z_arr < 4).mean()), float(np.mean(diff)), float(z_arr.max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=5000)
    parser.add_argument("--lines", type=int, default=0, help="first N lines only (0: all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", type=int, default=1, help="repeat kgtwin with N seeds")
    parser.add_argument("--maboss", action="store_true", help="also run MaBoSS (cmaboss)")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    args = parser.parse_args()
    measured = observed()
    simulate_case("mut", ["A375"], SimulationSettings(trajectories=10, max_time=1), 1)  # JIT
    print(f"kgtwin {args.trajectories} trajectories per run vs published MaBoSS n={PUBLISHED_N}")
    print(f"{'case':8} {'run':24} {'lines':>5} {'within 4 se':>11} {'mean |d|':>9} "
          f"{'max z':>6}  {'r AUC (pub)':>15} {'r CRISPR (pub)':>15}")
    for case in args.cases:
        reference = {run: published(run, case) for run in RUNS}
        lines = sorted(reference[RUNS[0]])
        lines = lines[: args.lines] if args.lines else lines
        r_values = []
        for k in range(args.seeds):
            settings = SimulationSettings(trajectories=args.trajectories, max_time=50,
                                          seed=args.seed + k)
            ours, maboss, seconds = simulate_case(case, lines, settings, args.threads,
                                                  args.maboss and k == 0)
            norm = {s: t / u for s, (u, t) in ours.items()}
            r_auc, n_auc = pearson(norm, measured, 0)
            r_crispr, n_crispr = pearson(norm, measured, 1)
            r_values.append((r_auc, r_crispr))
            if k:
                continue
            first, first_seconds, first_maboss = ours, seconds, maboss
        ours, seconds, maboss = first, first_seconds, first_maboss
        r_auc, r_crispr = r_values[0]
        for run in RUNS:
            theirs = {s: reference[run][s] for s in ours}
            share, mean_diff, worst = compare(ours, theirs, args.trajectories)
            published_norm = {s: t / u for s, (u, t) in theirs.items()}
            p_auc, _ = pearson(published_norm, measured, 0)
            p_crispr, _ = pearson(published_norm, measured, 1)
            print(f"{case:8} {run:24} {len(ours):5d} {share:11.1%} {mean_diff:9.4f} "
                  f"{worst:6.1f}  {r_auc:+.3f} ({p_auc:+.3f}) {r_crispr:+.3f} ({p_crispr:+.3f})")
        if maboss:
            share, mean_diff, worst = compare(ours, maboss, args.trajectories)
            m_norm = {s: t / u for s, (u, t) in maboss.items()}
            print(f"{case:8} {'MaBoSS, same twins':24} {len(ours):5d} {share:11.1%} "
                  f"{mean_diff:9.4f} {worst:6.1f}  {pearson(m_norm, measured, 0)[0]:+.3f} "
                  f"{'':8}{pearson(m_norm, measured, 1)[0]:+.3f}")
            print(f"{'':8} CPU s for {2 * len(ours)} runs: kgtwin {seconds[0]:.1f}, "
                  f"MaBoSS {seconds[1]:.1f}")
        else:
            print(f"{'':8} kgtwin: {seconds[0]:.1f} CPU s for {len(ours)} lines x 2 runs")
        if args.seeds > 1:
            auc, crispr = np.array(r_values).T
            print(f"{'':8} over {args.seeds} seeds: r AUC {auc.mean():+.3f} ± {auc.std():.3f}, "
                  f"r CRISPR {crispr.mean():+.3f} ± {crispr.std():.3f}")
        print(f"{'':8} r over {n_auc} lines with AUC, {n_crispr} with CRISPR")


if __name__ == "__main__":
    main()
