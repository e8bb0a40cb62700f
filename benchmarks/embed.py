"""Embedding benchmarks: kgtwin's overhead over PyKEEN, prediction and explanation speed.

    python benchmarks/embed.py overhead [--dataset umls] [--epochs 20] [--model TransE]
    python benchmarks/embed.py predict  [--drugs 10000]      # Hetionet-scale generated graph
    python benchmarks/embed.py demo                          # demo_step on the demo KB
    python benchmarks/embed.py tune                          # the demo configuration search
    python benchmarks/embed.py scoring [--entities 29000]    # one 1-vs-all batch per model

``overhead`` trains the same configuration on the same triples twice: through kgtwin
(triples file -> store -> kgtwin split and ids -> PyKEEN pipeline) and with PyKEEN
directly on its copy of the files; it prints training throughput (triples/s per epoch),
evaluation time, the metrics of both, and kgtwin's overhead. Timings on a shared
machine are noisy: each side runs ``--repeats`` times, alternating, and the medians are
compared. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np


def quiet() -> None:
    logging.disable(logging.WARNING)
    warnings.filterwarnings("ignore")


def overhead(args: argparse.Namespace) -> None:
    from kgtwin import embed
    from kgtwin.embed.reference import dataset_files, run_direct
    from kgtwin.embed.train import TrainConfig
    from kgtwin.load import load_files
    from kgtwin.store import open_store

    config = TrainConfig(model=args.model, embedding_dim=64, epochs=args.epochs, batch_size=256,
                         early_stopping=False, seed=1, device="cpu")
    files = dataset_files(args.dataset)
    runs: dict[str, list[dict]] = {"kgtwin": [], "pykeen": []}
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        store = open_store(Path(scratch) / "store")
        load_files(store, "triples", [files["train"]], options={"namespace": args.dataset})
        load_seconds = time.perf_counter() - started
        for repeat in range(args.repeats):
            started = time.perf_counter()
            trained = embed.train(
                store, Path(scratch) / f"m{repeat}", config=config, test_triples=files["test"],
                valid_triples=files["valid"], namespace=args.dataset, remove_leaks=False,
                progress=False, evaluate_baselines=False,
            )
            total = time.perf_counter() - started
            runs["kgtwin"].append({
                "train_seconds": trained.info["train_seconds"], "total_seconds": total,
                "evaluate_seconds": trained.info["evaluate_seconds"],
                "metrics": trained.metrics["pykeen"], "triples": len(trained.split.train),
            })
            direct = run_direct(args.dataset, config)
            runs["pykeen"].append({
                "train_seconds": direct.train_seconds, "evaluate_seconds": direct.evaluate_seconds,
                "metrics": direct.metrics, "triples": direct.triples,
            })
        store.close()
    triples = runs["pykeen"][0]["triples"]
    result = {"dataset": args.dataset, "model": args.model, "epochs": args.epochs,
              "triples": triples, "store_load_seconds": round(load_seconds, 2)}
    for side, items in runs.items():
        train_s = statistics.median(r["train_seconds"] for r in items)
        result[side] = {
            "train_seconds_median": round(train_s, 2),
            "triples_per_second_per_epoch": round(triples * args.epochs / train_s, 1),
            "evaluate_seconds_median": round(statistics.median(
                r["evaluate_seconds"] for r in items), 3),
            "mrr": [round(r["metrics"]["mrr"], 4) for r in items],
            "hits@10": [round(r["metrics"]["hits@10"], 4) for r in items],
        }
        if side == "kgtwin":
            result[side]["end_to_end_seconds_median"] = round(
                statistics.median(r["total_seconds"] for r in items), 2)
    result["training_overhead_percent"] = round(
        100 * (result["kgtwin"]["train_seconds_median"] / result["pykeen"]["train_seconds_median"]
               - 1), 1)
    print(json.dumps(result, indent=2))


def generated_graph(drugs: int, seed: int = 0):
    """A Hetionet-scale graph (~47k entities, ~2.25M statements) with skewed degrees."""
    from kgtwin.embed.triples import GraphTriples

    rng = np.random.default_rng(seed)
    sizes = {"Drug": drugs, "Gene": 20_000, "Disease": 5_000, "Pathway": 2_000,
             "AnatomicalEntity": 400, "PhenotypicFeature": 47_000 - drugs - 27_400}
    names: dict[str, list[str]] = {k: [f"GEN.{k.upper()}:{i}" for i in range(n)]
                                   for k, n in sizes.items()}

    def pick(kind: str, count: int) -> np.ndarray:
        weights = 1.0 / np.arange(1, sizes[kind] + 1) ** 0.8  # a few hubs, a long tail
        return np.array(names[kind])[rng.choice(sizes[kind], count, p=weights / weights.sum())]

    plan = [("Drug", "biolink:affects[decreased]", "Gene", 250_000),
            ("Drug", "biolink:affects[increased]", "Gene", 50_000),
            ("Gene", "biolink:interacts_with", "Gene", 1_000_000),
            ("Gene", "biolink:participates_in", "Pathway", 150_000),
            ("Gene", "biolink:gene_associated_with_condition", "Disease", 60_000),
            ("Gene", "biolink:expressed_in", "AnatomicalEntity", 1_300_000),
            ("Disease", "biolink:has_phenotype", "PhenotypicFeature", 120_000),
            ("Drug", "biolink:treats", "Disease", 20_000)]
    blocks = []
    for head, relation, tail, count in plan:
        blocks.append(np.stack([pick(head, count), np.full(count, relation, dtype=object),
                                pick(tail, count)], axis=1))
    import pandas as pd

    triples = pd.DataFrame(np.concatenate(blocks)).drop_duplicates().to_numpy(dtype=str)
    categories = {e: f"biolink:{kind}" for kind, ids in names.items() for e in ids}
    return GraphTriples(triples, categories, {e: None for e in categories})


def predict(args: argparse.Namespace) -> None:
    from pykeen.models import model_resolver
    from pykeen.triples import TriplesFactory

    from kgtwin.embed.modeldir import TrainedModel
    from kgtwin.embed.predict import Predictor, predict_repurpose
    from kgtwin.embed.split import Split
    from kgtwin.embed.train import TrainConfig

    started = time.perf_counter()
    graph = generated_graph(args.drugs)
    made = time.perf_counter() - started
    entity_to_id = {e: i for i, e in enumerate(graph.entities)}
    relation_to_id = {r: i for i, r in enumerate(graph.relations)}
    factory = TriplesFactory(np.zeros((1, 3), dtype=np.int64), entity_to_id, relation_to_id)
    model = model_resolver.make(args.model, triples_factory=factory, embedding_dim=64,
                                random_seed=0)
    everything = np.arange(len(graph))
    trained = TrainedModel(model=model, graph=graph,
                           split=Split("edges", everything, everything[:0], everything[:0]),
                           config=TrainConfig(model=args.model), entity_to_id=entity_to_id,
                           relation_to_id=relation_to_id, info={"model_id": "bench"}, metrics={})
    started = time.perf_counter()
    predictor = Predictor(trained)
    setup = time.perf_counter() - started
    diseases = [e for e in graph.entities if e.startswith("GEN.DISEASE:")][:20]
    rank_times, explain_times, path_counts = [], [], []
    for disease in diseases:
        started = time.perf_counter()
        frame = predict_repurpose(predictor, disease=disease, k=100, explain=False)
        rank_times.append(time.perf_counter() - started)
        drug = entity_to_id[frame["candidate"].iloc[0]]
        started = time.perf_counter()
        paths = predictor.paths.paths(drug, entity_to_id[disease], limit=5)
        explain_times.append(time.perf_counter() - started)
        path_counts.append(len(paths))
    hub_drug = entity_to_id["GEN.DRUG:0"]
    hub_disease = entity_to_id["GEN.DISEASE:0"]
    started = time.perf_counter()
    predictor.paths.paths(hub_drug, hub_disease, limit=5)
    hub = time.perf_counter() - started
    print(json.dumps({
        "entities": len(entity_to_id), "statements": len(graph),
        "candidate_drugs": int(frame["candidates"].iloc[0]) + 0,
        "generate_seconds": round(made, 1), "predictor_setup_seconds": round(setup, 1),
        "top100_seconds_median": round(statistics.median(rank_times), 4),
        "top100_seconds_max": round(max(rank_times), 4),
        "explain_seconds_median": round(statistics.median(explain_times), 4),
        "explain_seconds_max": round(max(explain_times), 4),
        "explain_seconds_biggest_hubs": round(hub, 4),
        "paths_found_median": statistics.median(path_counts),
    }, indent=2))


def demo(args: argparse.Namespace) -> None:
    from kgtwin.demo import knowledge_config
    from kgtwin.embed import demo_step
    from kgtwin.sources import load_sources
    from kgtwin.store import open_store

    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(Path(scratch) / "store")
        list(load_sources(store, Path(str(knowledge_config()))))
        started = time.perf_counter()
        summary = demo_step(store, Path(scratch) / "out", plot=True)
        summary["demo_step_seconds"] = round(time.perf_counter() - started, 1)
        store.close()
    summary.pop("predictions")
    print(json.dumps(summary, indent=2))


def tune(args: argparse.Namespace) -> None:
    """The search behind DEMO_CONFIG: each model over three split seeds on the demo KB."""
    from kgtwin import embed
    from kgtwin.demo import knowledge_config
    from kgtwin.embed.demo import DEMO_CONFIG
    from kgtwin.sources import load_sources
    from kgtwin.store import open_store

    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(Path(scratch) / "store")
        list(load_sources(store, Path(str(knowledge_config()))))
        for model in ("RotatE", "TransE", "ComplEx", "DistMult"):
            mrr, baselines = [], []
            for seed in (1, 2, 3):
                trained = embed.train(store, Path(scratch) / "m", config=DEMO_CONFIG,
                                      tasks=("biolink:treats",), progress=False,
                                      model=model, seed=seed)
                overall = trained.metrics["overall"]
                mrr.append(overall["model"]["mrr"])
                baselines.append({k: round(v["mrr"], 3) for k, v in overall.items()})
            print(json.dumps({"model": model, "mrr_per_seed": [round(m, 3) for m in mrr],
                              "mean": round(float(np.mean(mrr)), 3),
                              "baselines_per_seed": baselines}), flush=True)
        store.close()


def scoring(args: argparse.Namespace) -> None:
    """CPU seconds and peak memory of one 1-vs-all training batch (256 queries against
    every entity, forward and backward, one thread) per model: which score by matrix
    product and which broadcast a queries x entities x dimension tensor."""
    import resource

    import torch
    from pykeen.models import model_resolver
    from pykeen.triples import CoreTriplesFactory

    torch.set_num_threads(1)
    triples = torch.randint(4, (1000, 3)) % args.entities
    factory = CoreTriplesFactory.create(triples, num_entities=args.entities, num_relations=4)
    for name in args.models.split(","):
        model = model_resolver.make(name, triples_factory=factory, embedding_dim=128,
                                    regularizer=None, random_seed=1)
        queries = torch.stack([torch.randint(args.entities, (256,)),
                               torch.randint(4, (256,))], dim=1)
        for _ in range(2):  # the second pass is timed
            started = time.process_time()
            model.score_t(queries).logsumexp(-1).mean().backward()
            cpu = time.process_time() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
        print(f"{name:<10} {cpu:6.2f} s CPU per batch; process peak so far {peak:.1f} GB",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("overhead")
    one.add_argument("--dataset", default="umls")
    one.add_argument("--model", default="TransE")
    one.add_argument("--epochs", type=int, default=20)
    one.add_argument("--repeats", type=int, default=2)
    two = sub.add_parser("predict")
    two.add_argument("--drugs", type=int, default=10_000)
    two.add_argument("--model", default="DistMult")
    sub.add_parser("demo")
    sub.add_parser("tune")
    three = sub.add_parser("scoring")
    three.add_argument("--entities", type=int, default=29_000)
    three.add_argument("--models", default="ComplEx,DistMult")
    args = parser.parse_args()
    quiet()
    {"overhead": overhead, "predict": predict, "demo": demo, "tune": tune,
     "scoring": scoring}[args.command](args)


if __name__ == "__main__":
    main()
