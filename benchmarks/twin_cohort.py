"""Cohort estimate: N twins x 20 drugs x 500 trajectories on the BRAF model (37 nodes).

Builds seeded synthetic profiles (a few mutations drawn from the model's genes, hotspot
gains and truncating losses, plus expression z-scores for every mapped gene), ranks 20
treatments (single drugs and combinations) for each, and times it. By default it runs a
measured subset and extrapolates linearly to 1,000 twins (every twin costs the same
21 simulations: one untreated + 20 treated), saying so in the output.

    python benchmarks/twin_cohort.py [--twins 20] [--cohort 1000] [--workers 1]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from concurrent.futures import ThreadPoolExecutor

from kgtwin.twin.models import published_model
from kgtwin.twin.profile import Effect, Mutation, PatientProfile, personalise
from kgtwin.twin.response import Action, Drug, rank_treatments
from kgtwin.twin.simulate import SimulationSettings, simulate

SINGLE = {
    "vemurafenib": ("BRAF",),
    "trametinib": ("MAP2K1", "MAP2K2"),
    "ulixertinib": ("MAPK1", "MAPK3"),
    "cetuximab": ("EGFR",),
    "alpelisib": ("PIK3CA",),
    "capivasertib": ("AKT1",),
    "everolimus": ("MTOR",),
    "capmatinib": ("MET",),
    "erdafitinib": ("FGFR2",),
    "lapatinib": ("EGFR", "ERBB2"),
    "tucatinib": ("ERBB2",),
    "naporafenib": ("RAF1",),
    "BI-3406": ("SOS1",),
    "GSK2334470": ("PDPK1",),
    "LY2584702": ("RPS6KB1",),
}
COMBINATIONS = [
    ("vemurafenib", "cetuximab"),
    ("vemurafenib", "trametinib"),
    ("trametinib", "alpelisib"),
    ("cetuximab", "alpelisib"),
    ("vemurafenib", "capmatinib"),
]
HOTSPOTS = [("BRAF", "V600E"), ("KRAS", "G12D"), ("PIK3CA", "H1047R"), ("EGFR", "L858R")]
LOSSES = ["PTEN", "TP53", "TSC2"]


def treatments() -> list[tuple[Drug, ...]]:
    drugs = {
        name: Drug(name=name, targets=targets, action=Action.INHIBITOR)
        for name, targets in SINGLE.items()
    }
    return [(d,) for d in drugs.values()] + [tuple(drugs[n] for n in c) for c in COMBINATIONS]


def profile(index: int, genes: list[str]) -> PatientProfile:
    rng = random.Random(index)
    mutations = [Mutation(gene=g, variant=v) for g, v in rng.sample(HOTSPOTS, rng.randint(0, 2))]
    mutations += [
        Mutation(gene=g, variant="R100*", effect=Effect.LOSS)
        for g in rng.sample(LOSSES, rng.randint(0, 1))
    ]
    expression = {gene: rng.gauss(0, 1) for gene in genes}
    states = {"SOX10": rng.random() < 0.5, "EGF": True, "HGF": rng.random() < 0.3}
    return PatientProfile(
        id=f"twin{index}", mutations=tuple(mutations), expression=expression, node_states=states
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twins", type=int, default=20, help="twins actually simulated")
    parser.add_argument("--cohort", type=int, default=1000, help="cohort to extrapolate to")
    parser.add_argument("--trajectories", type=int, default=500)
    parser.add_argument("--max-time", type=float, default=50.0)
    parser.add_argument("--workers", type=int, default=1, help="threads (the kernel frees the GIL)")
    args = parser.parse_args()
    model = published_model("BRAF_Model")
    genes = sorted({g for node in model.nodes for g in node.genes})
    plan = treatments()
    settings = SimulationSettings(trajectories=args.trajectories, max_time=args.max_time, seed=3)
    simulate(model, SimulationSettings(trajectories=10, max_time=1))  # JIT warm-up

    def one(index: int):
        twin = personalise(model, profile(index, genes))
        return rank_treatments(twin, plan, settings)

    start, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        ranked = list(pool.map(one, range(args.twins)))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    sims = args.twins * (len(plan) + 1)
    print(
        f"model BRAF_Model ({len(model)} nodes); {len(plan)} treatments; "
        f"{args.trajectories} trajectories to t={args.max_time:g}; {os.cpu_count()} cores"
    )
    print(
        f"measured: {args.twins} twins = {sims} simulations = "
        f"{sims * args.trajectories:,} trajectories in {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"({args.workers} worker thread(s))"
    )
    per_twin_cpu = cpu / args.twins
    print(
        f"per twin: {per_twin_cpu:.2f} s CPU ({sims * args.trajectories / cpu:,.0f} "
        "trajectories per CPU second)"
    )
    if args.twins >= args.cohort:
        print(f"MEASURED (not extrapolated): the whole cohort of {args.twins} twins")
    else:
        print(
            f"EXTRAPOLATED (linear, from the measured subset) to {args.cohort} twins: "
            f"{per_twin_cpu * args.cohort / 60:.1f} CPU minutes = "
            f"{per_twin_cpu * args.cohort / 60 / (os.cpu_count() or 1):.1f} min on "
            f"{os.cpu_count()} cores if threads scale"
        )
    best = [r[0].label for r in ranked]
    print("best treatment per twin (first 10):", "; ".join(best[:10]))


if __name__ == "__main__":
    main()
