"""Screen twins against a public pharmacogenomic screen (GDSC), on a held-out part.

    python benchmarks/twin_screen_gdsc.py prepare --gdsc DIR --drug-list CSV --out DIR
    python benchmarks/twin_screen_gdsc.py run --tables DIR [--part held-out|dev|both|all]
                                              [--trajectories 500] [--figure PATH]
    python benchmarks/twin_screen_gdsc.py speed [--samples 700 --drugs 26 --trajectories 500]

``prepare`` turns the GDSC tables that the ``gdsctools`` package ships (sdist on PyPI,
``gdsctools/data/genomic_features_v17.csv.gz`` and ``IC50_v17.csv.gz``: 988 cell lines,
gene-level mutation and recurrent copy-number status, tissue, natural-log IC50) and the
GDSC1 drug list (id -> name, synonyms; ``../shared/data/reference/gdsc1_drug_list.csv``)
into the screen's two input tables, kept OUT of the repository:

- ``samples.tsv`` (sample, tissue, gene, change, effect): a mutated oncogene or an
  amplified one (the genes named by a ``gain_cna`` segment) is a gain, a mutated or
  deleted tumour suppressor a loss (roles below, COSMIC Cancer Gene Census); BCR-ABL is
  ABL1 ``BCR-ABL1``; other genes are not written (they have no role to read);
- ``observed.tsv`` (sample, drug, ln_ic50), drugs renamed to the knowledge base's name
  when the GDSC name or a synonym matches it.

``run`` loads the demo knowledge base into a temporary store, screens the chosen part's
cell lines (split by cell line: COSMIC id even = dev, odd = held-out; tune on dev, report
held-out; ``both`` runs the two and prints their means side by side, with the issue's
bars) against every drug both the screen and the knowledge base know, and prints the
per-drug Spearman/AUROC next to the baselines, the textbook associations and the wall
and CPU time (2 shared cores: the load average is printed). Numbers of the last
run: docs/twin-screen.md.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import re
import tempfile
import time
from pathlib import Path

ONCOGENES = {"ABL1", "AKT1", "AKT2", "ALK", "BRAF", "CCND1", "CCNE1", "CDK4", "CDK6",
             "CTNNB1", "EGFR", "ERBB2", "ERBB3", "FGFR1", "FGFR2", "FGFR3", "FLT3", "GNAS",
             "HRAS", "IDH1", "IDH2", "JAK2", "KIT", "KRAS", "MAP2K1", "MAP2K2", "MDM2", "MET",
             "MYC", "MYCN", "NRAS", "PDGFRA", "PIK3CA", "PIK3CB", "RAF1", "RET", "ROS1"}
SUPPRESSORS = {"APC", "ARID1A", "ATM", "BRCA1", "BRCA2", "CDKN1A", "CDKN1B", "CDKN2A",
               "FBXW7", "KEAP1", "NF1", "NF2", "PTEN", "RB1", "SMAD4", "STK11", "TP53", "TSC1",
               "TSC2", "VHL", "PIK3R1"}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def prepare(args: argparse.Namespace) -> None:
    import pandas as pd

    from kgtwin.demo import knowledge_config

    gdsc = Path(args.gdsc)
    features = pd.read_csv(gdsc / "genomic_features_v17.csv.gz")
    ic50 = pd.read_csv(gdsc / "IC50_v17.csv.gz")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "samples.tsv").open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["sample", "tissue", "gene", "change", "effect"])
        for row in features.itertuples(index=False):
            values = dict(zip(features.columns, row, strict=True))
            sample, tissue = str(values["COSMIC_ID"]), str(values["TISSUE_FACTOR"])
            written = False
            for column, value in values.items():
                if value != 1 or column in ("COSMIC_ID", "TISSUE_FACTOR", "MSI_FACTOR"):
                    continue
                for gene, change, effect in _alterations(column):
                    writer.writerow([sample, tissue, gene, change, effect])
                    written = True
            if not written:
                writer.writerow([sample, tissue, "", "", ""])
    knowledge = Path(str(knowledge_config())).parent / "drug_targets.csv"
    kb = {_norm(r["drug_name"]): r["drug_name"] for r in csv.DictReader(knowledge.open())}
    names = {}
    with open(args.drug_list, encoding="utf-8") as handle:
        drug_rows = list(csv.DictReader(handle))
    for row in drug_rows:
        candidates = [row["Name"], *row.get("Synonyms", "").split(",")]
        match = next((kb[_norm(c)] for c in candidates if _norm(c) in kb), None)
        names[int(row["drug_id"])] = match or row["Name"]
    with (out / "observed.tsv").open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["sample", "drug", "ln_ic50"])
        for column in ic50.columns[1:]:
            drug = names.get(int(column.split("_")[1]))
            if drug is None:
                continue
            for sample, value in zip(ic50["COSMIC_ID"], ic50[column], strict=True):
                if value == value:
                    writer.writerow([sample, drug, f"{value:.4f}"])
    print(f"wrote {out}/samples.tsv ({len(features)} cell lines) and observed.tsv "
          f"({sum(1 for n in names.values() if _norm(n) in kb)} drugs named as the KB)")


def _alterations(column: str):
    if column.endswith("_mut"):
        gene = column[:-4]
        if gene == "BCR-ABL":
            yield "ABL1", "BCR-ABL1", "gain"
        elif gene in ONCOGENES:
            yield gene, "mutation", "gain"
        elif gene in SUPPRESSORS:
            yield gene, "mutation", "loss"
        return
    match = re.match(r"(gain|loss)_cna.*?\((.*)\)", column)
    if not match:
        return
    kind, genes = match.groups()
    for gene in (g.strip() for g in genes.split(",")):
        if kind == "gain" and gene in ONCOGENES:
            yield gene, "amplification", "gain"
        elif kind == "loss" and gene in SUPPRESSORS:
            yield gene, "deletion", "loss"


def _part(sample: str, part: str) -> bool:
    if part == "all":
        return True
    odd = int(sample) % 2 == 1
    return odd if part == "held-out" else not odd


def _screen_part(args: argparse.Namespace, part: str):
    """Screen one part's cell lines; print its per-drug table and associations."""
    from kgtwin.demo import knowledge_config
    from kgtwin.sources import load_sources
    from kgtwin.store import open_store
    from kgtwin.twin.drugs import graph_drugs
    from kgtwin.twin.screen import ScreenSettings, read_samples, run_screen
    from kgtwin.twin.screen_eval import (
        association_lines,
        class_lines,
        evaluate_screen,
        per_drug_lines,
        read_observed,
    )

    tables = Path(args.tables)
    samples = [s for s in read_samples(tables / "samples.tsv") if _part(s.id, part)]
    observed = read_observed(tables / "observed.tsv")
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "store")
        list(load_sources(store, Path(str(knowledge_config()))))
        known = {_norm(d.name) for d in graph_drugs(store).values()}
        drugs = sorted({d for d in observed["drug"].unique() if _norm(d) in known})
        settings = ScreenSettings(trajectories=args.trajectories, seed=args.seed, hops=args.hops,
                                  workers=args.workers)
        start, cpu = time.perf_counter(), time.process_time()
        result = run_screen(store, samples, drugs, settings)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        store.close()
    evaluation = evaluate_screen(result, observed)
    print(f"{part}: {len(samples)} cell lines x {len(drugs)} drugs x {args.trajectories}"
          f" trajectories: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"wiring: {len(result.model.model)} nodes")
    print("\n".join(per_drug_lines(evaluation.per_drug, result.not_acting)))
    print("\n".join(association_lines(evaluation.textbook)))
    print("\n".join(class_lines(evaluation)))
    acting = evaluation.per_drug[evaluation.per_drug["acts"]]["drug"].tolist()
    print("summary (acting drugs):", evaluation.summary(acting))
    print("summary (all drugs):", evaluation.summary())
    return evaluation


def _side_by_side(evaluations: dict) -> list[str]:
    """The parts' means next to each other, the issue's bars last."""
    rows = [("twin", "twin"), ("target-mutated rule", "target_mutated"),
            ("tissue mean (leave-one-out)", "tissue_mean"),
            ("twin + tissue (out-of-fold)", "twin_tissue")]
    means = {part: e.summary()["mean_spearman"] for part, e in evaluations.items()}
    lines = [f"{'mean Spearman':30}" + "".join(f"{part:>10}" for part in evaluations)]
    lines += [f"{label:30}" + "".join(f"{means[p][key]:+10.3f}" for p in evaluations)
              for label, key in rows]
    lines.append(f"{'twin - rule (bar +0.10)':30}" + "".join(
        f"{means[p]['twin'] - means[p]['target_mutated']:+10.3f}" for p in evaluations))
    lines.append(f"{'twin+tissue - tissue (bar 0)':30}" + "".join(
        f"{means[p]['twin_tissue'] - means[p]['tissue_mean']:+10.3f}" for p in evaluations))
    lines.append(f"{'textbook reproduced':30}" + "".join(
        f"{e.summary()['textbook_reproduced']:>6} of {e.summary()['textbook_tested']}"
        for e in evaluations.values()))
    return lines


def run(args: argparse.Namespace) -> None:
    parts = ["dev", "held-out"] if args.part == "both" else [args.part]
    evaluations = {part: _screen_part(args, part) for part in parts}
    if len(parts) > 1:
        print("\n".join(_side_by_side(evaluations)))
    if args.figure:
        from kgtwin.twin.screen_report import screen_figure

        screen_figure(evaluations[parts[-1]], Path(args.figure))
        print("figure:", args.figure)


def speed(args: argparse.Namespace) -> None:
    """The issue's size: ``--samples`` cell lines x ``--drugs`` drugs x ``--trajectories``."""
    from kgtwin.demo import knowledge_config
    from kgtwin.sources import load_sources
    from kgtwin.store import open_store
    from kgtwin.twin.drugs import graph_drugs
    from kgtwin.twin.screen import ScreenSettings, read_samples, run_screen

    samples = read_samples(Path(args.tables) / "samples.tsv")[: args.samples]
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "store")
        list(load_sources(store, Path(str(knowledge_config()))))
        drugs = sorted(d.name for d in graph_drugs(store).values())[: args.drugs]
        settings = ScreenSettings(trajectories=args.trajectories, workers=args.workers)
        run_screen(store, samples[:5], drugs[:2], settings)  # compile the kernel first
        start, cpu = time.perf_counter(), time.process_time()
        result = run_screen(store, samples, drugs, settings)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        store.close()
    acting = len(set(result.table["drug"]))
    print(f"{len(samples)} samples x {len(drugs)} drugs ({acting} act) x {args.trajectories} "
          f"trajectories on a {len(result.model.model)}-node wiring: {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU, {args.workers} worker threads; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared machine)")


def main() -> None:
    logging.disable(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("prepare")
    p.add_argument("--gdsc", default="/work/ext/gdsctools/gdsctools-1.0.1/gdsctools/data")
    p.add_argument("--drug-list", default=str(Path(__file__).resolve().parents[2]
                                              / "shared/data/reference/gdsc1_drug_list.csv"))
    p.add_argument("--out", default="/work/ext/gdsc17")
    r = commands.add_parser("run")
    r.add_argument("--tables", default="/work/ext/gdsc17")
    r.add_argument("--part", choices=["dev", "held-out", "both", "all"], default="held-out")
    r.add_argument("--trajectories", type=int, default=500)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--hops", type=int, default=2)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--figure")
    v = commands.add_parser("speed")
    v.add_argument("--tables", default="/work/ext/gdsc17")
    v.add_argument("--samples", type=int, default=700)
    v.add_argument("--drugs", type=int, default=26)
    v.add_argument("--trajectories", type=int, default=500)
    v.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    {"prepare": prepare, "run": run, "speed": speed}[args.command](args)


if __name__ == "__main__":
    main()
