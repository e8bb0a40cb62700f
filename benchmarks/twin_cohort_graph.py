"""Cohort speed: N patient twins x D drugs x T trajectories on a ~50-node graph-built twin.

Target (issue 4): 1,000 twins x 20 drugs x 500 trajectories in under 5 minutes on the
2-core machine. ``twin_cohort.py`` times the engine alone on synthetic profiles of the
published BRAF model; this one runs the whole cohort, every twin built from the graph.

    python benchmarks/twin_cohort_graph.py [--patients 1000] [--drugs 20] [--trajectories 500]
                                     [--hops 2] [--workers 2] [--store PATH] [--no-share]

The twin wiring is built from the demo knowledge graph (the BRAF model's curated rules
plus derived rules from signed edges, --hops 2 gives ~50 nodes) for the union of the
demo patients' seeds and the targets of the chosen drugs. The 20 demo patients are
loaded into a temporary store (or --store is used); 1,000 twins are made by cycling
through their graph-derived profiles (variants, tissue context, expression) with each
expression z-score jittered by N(0, 0.5), so every twin is personalised differently.
Each twin is simulated untreated once and with each drug, in --workers threads (the numba
kernel releases the GIL); drugs that hold the same twin nodes the same way (seven EGFR
inhibitors) share one simulation (``kgtwin.twin.cohort``), so "cells" below counts the
patient x drug cells reported, not the fewer simulated. Prints wall and CPU times; on a
shared machine compare the CPU time and the load average, not only the wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from kgtwin.demo import knowledge_config
from kgtwin.demo.patients import load_demo_patients
from kgtwin.patients import list_patients, patient_profile
from kgtwin.sources import load_sources
from kgtwin.store import open_store
from kgtwin.twin.build import BuildSettings, build_model
from kgtwin.twin.cohort import CohortTwin, simulate_cohort
from kgtwin.twin.drugs import candidate_ids, drug_targets, graph_drugs
from kgtwin.twin.personal import alterations, engine_profile, seed_genes
from kgtwin.twin.profile import PersonalisationSettings, personalise
from kgtwin.twin.simulate import SimulationSettings

DRUGS = ["vemurafenib", "dabrafenib", "encorafenib", "trametinib", "cobimetinib",
         "binimetinib", "selumetinib", "cetuximab", "panitumumab", "erlotinib", "gefitinib",
         "osimertinib", "afatinib", "lapatinib", "sotorasib", "adagrasib", "alpelisib",
         "capivasertib", "everolimus", "crizotinib", "capmatinib", "sorafenib", "neratinib"]


def demo_store(path: Path | None):
    if path is not None:
        return open_store(path, create=False)
    folder = Path(tempfile.mkdtemp(prefix="kgtwin-bench-"))
    store = open_store(folder / "store")
    list(load_sources(store, Path(str(knowledge_config()))))
    load_demo_patients(store, folder)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--drugs", type=int, default=20)
    parser.add_argument("--trajectories", type=int, default=500)
    parser.add_argument("--max-time", type=float, default=50.0)
    parser.add_argument("--hops", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--no-share", action="store_true",
                        help="simulate every drug, even drugs holding the same nodes")
    args = parser.parse_args()

    start = time.perf_counter()
    store = demo_store(args.store)
    loaded = time.perf_counter()
    profiles = [patient_profile(store, row["id"]) for row in list_patients(store)]
    all_drugs = graph_drugs(store)
    by_name = {d.name: d for d in all_drugs.values()}
    seeds, candidates = set(), set()
    for profile in profiles:
        own = seed_genes(store, profile)
        seeds |= set(own)
        candidates |= candidate_ids(store, profile, own)
    chosen = [by_name[n] for n in DRUGS if n in by_name]
    targets = {t for d in chosen for t in drug_targets(store, d.id)}
    graph_model = build_model(store, seeds | targets, BuildSettings(hops=args.hops),
                              name="bench")
    model = graph_model.model
    drugs = [d for d in chosen if any(model.nodes_for_gene(t) for t in d.targets)]
    drugs = drugs[:args.drugs]
    built = time.perf_counter()

    rng = np.random.default_rng(0)
    base = [(p, *engine_profile(store, p, model)) for p in profiles]
    settings = PersonalisationSettings()
    twins = []
    for k in range(args.patients):
        profile, engine, _ = base[k % len(base)]
        jittered = {g: z + rng.normal(0, 0.5) for g, z in engine.expression.items()}
        engine = replace(engine, id=f"synthetic-{k}", expression=jittered)
        twins.append(CohortTwin(
            patient=f"synthetic-{k}", label=f"s{k:04d}",
            diagnosis="; ".join(d.name or d.disease for d in profile.diagnoses),
            variants=tuple(a.label for a in alterations(profile)),
            twin=personalise(model, engine, settings)))
    personalised = time.perf_counter()

    simulation = SimulationSettings(trajectories=args.trajectories, max_time=args.max_time,
                                    seed=1)
    # Warm the numba kernel (compiled once per machine, cached on disk) outside the timing.
    simulate_cohort(twins[:1], drugs[:1], replace(simulation, trajectories=10), workers=1)
    warmed = time.perf_counter()
    cpu = time.process_time()
    table, _ = simulate_cohort(twins, drugs, simulation, workers=args.workers,
                               share=not args.no_share)
    simulated = time.perf_counter()
    cpu = time.process_time() - cpu

    runs = args.patients * (len(drugs) + 1)
    cells = runs * args.trajectories
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()} {os.cpu_count()} cores (load average {load:.1f} at "
          f"the end), python {platform.python_version()}; workers {args.workers}")
    print(f"model: {len(model)} nodes ({len(graph_model.nodes_with('curated'))} curated from "
          f"{graph_model.curated_model}, {len(graph_model.nodes_with('derived'))} derived), "
          f"hops {args.hops}")
    print(f"cohort: {args.patients} twins x {len(drugs)} drugs x {args.trajectories} "
          f"trajectories, max_time {args.max_time:g} ({runs} simulations, {cells:,} cells)")
    print(f"drugs: {', '.join(d.name for d in drugs)}; "
          f"{'every drug simulated' if args.no_share else 'drugs with equal holds share runs'}")
    print(f"load demo store      {loaded - start:8.2f} s")
    print(f"build shared twin    {built - loaded:8.2f} s")
    print(f"personalise twins    {personalised - built:8.2f} s")
    print(f"kernel warm-up       {warmed - personalised:8.2f} s")
    print(f"simulate cohort      {simulated - warmed:8.2f} s  "
          f"({cells / (simulated - warmed):,.0f} cells/s; CPU {cpu:.1f} s over all threads)")
    total = simulated - loaded
    print(f"total (after load)   {total:8.2f} s  -> target < 300 s: "
          f"{'met' if total < 300 else 'NOT met'}")
    print(f"rows {len(table)}; mean score {table['score'].mean():+.3f}")


if __name__ == "__main__":
    main()
