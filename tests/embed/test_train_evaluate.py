"""Training through PyKEEN, the saved model directory, and the evaluation report."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from kgtwin import embed
from kgtwin.embed import modeldir
from kgtwin.embed.baselines import DegreeScorer, MetapathScorer, PathCountScorer
from kgtwin.embed.evaluation import Queries, chance_metrics, filtered_ranks, rank_metrics
from kgtwin.model import Edge
from kgtwin.store import open_store
from kgtwin.store.base import SourceInfo

from .conftest import QUICK


def test_model_directory_holds_model_maps_config_metrics_and_graph_version(trained):
    store_path, model_dir = trained
    names = {p.name for p in model_dir.iterdir()}
    assert {"weights.pt", "entities.tsv", "relations.tsv", "triples.tsv.gz", "config.json",
            "metrics.json", "graph.json"} <= names
    info = json.loads((model_dir / "graph.json").read_text())
    with open_store(store_path) as store:
        assert info["store_checksum"] == store.checksum()
        loaded = modeldir.load(model_dir, store)
    assert loaded.config.model == "TransE"
    assert loaded.graph.categories["HGNC:1097"] == "biolink:Gene"
    # stable ids: sorted labels of the whole graph
    assert list(loaded.entity_to_id) == sorted(loaded.entity_to_id)
    assert loaded.model.num_entities == len(loaded.entity_to_id)


def test_loading_against_a_changed_graph_warns(trained):
    store_path, model_dir = trained
    with open_store(store_path) as store:
        store.load([Edge("CHEBI:6801", "biolink:treats", "MONDO:0011122")],
                   SourceInfo("new-source", "1", "c", "test"))
        with pytest.warns(modeldir.StaleModelWarning, match="graph changed"):
            modeldir.load(model_dir, store)
        store.remove_source("new-source")
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            modeldir.load(model_dir, store)


def test_report_has_pykeen_metrics_tasks_baselines_and_verdicts(trained):
    _, model_dir = trained
    report = embed.evaluate(model_dir)
    assert 0 < report["pykeen"]["mrr"] <= 1
    assert report["removed_for_leakage"] == report["split"]["removed_for_leakage"] > 0
    treats = report["tasks"]["biolink:treats"]
    for side in ("head", "tail"):
        assert {"model", "degree", "path_count", "metapath", "chance"} <= set(treats[side])
    # drugs are ranked among drugs only: the candidate count is the number of chemicals
    assert treats["head"]["candidates"] == 42
    assert any("degree" in line for line in report["verdicts"])
    frame = embed.evaluation_frame(report)
    assert set(frame["scorer"]) >= {"model", "degree", "path_count", "metapath", "chance"}


def test_same_seed_same_model(store, tmp_path):
    first = embed.train(store, tmp_path / "a", **{**QUICK, "epochs": 5})
    again = embed.train(store, tmp_path / "b", **{**QUICK, "epochs": 5})
    assert first.model_id == again.model_id
    assert first.metrics["pykeen"] == again.metrics["pykeen"]


@pytest.mark.parametrize("model", ["RotatE", "ComplEx", "DistMult"])
def test_documented_models_train(store, tmp_path, model):
    trained = embed.train(store, tmp_path / model, **{**QUICK, "model": model, "epochs": 2})
    assert trained.metrics["tasks"]


class FixedScorer:
    name = "fixed"

    def __init__(self, scores):
        self.values = np.asarray(scores, dtype=float)

    def scores(self, anchors, relations, side):
        return np.tile(self.values, (len(anchors), 1))


def test_filtered_realistic_ranks_among_candidates():
    queries = Queries(
        relation="r", side="tail", anchors=np.array([0, 0]), relations=np.array([0, 0]),
        answers=np.array([3, 4]),
        candidates=np.array([False, True, True, True, True, True]),
        known=[np.array([3, 4]), np.array([3, 4])],
    )
    # entity 0 outscores all but is no candidate; 4 is filtered when ranking 3 and v.v.
    ranks, counts = filtered_ranks(FixedScorer([9, 5, 5, 4, 6, 1]), queries)
    assert ranks.tolist() == [3.0, 1.0]
    assert counts.tolist() == [4, 4]
    ties, _ = filtered_ranks(FixedScorer([0, 1, 1, 1, 1, 1]), queries)
    assert ties.tolist() == [2.5, 2.5]  # four tied candidates: the realistic rank
    assert rank_metrics(np.array([1.0, 4.0]))["mrr"] == pytest.approx(0.625)
    assert chance_metrics(np.array([4.0]))["mrr"] == pytest.approx((1 + 1/2 + 1/3 + 1/4) / 4)


def test_degree_and_path_count_baselines():
    train = np.array([[0, 0, 2], [1, 0, 2], [1, 0, 3], [0, 1, 1]])
    degree = DegreeScorer(train, num_entities=4, num_relations=2)
    scores = degree.scores(np.array([1]), np.array([0]), "tail")[0]
    assert scores[2] > scores[3] > scores[0]  # 2 is the object of r0 twice, 3 once
    paths = PathCountScorer(train, num_entities=4).scores(np.array([0]), np.array([0]), "tail")[0]
    assert paths[3] > 0  # 0 - 1 - 3 and 0 - 2 - 1 - 3


def test_metapath_baseline_learns_the_typed_path_of_the_task():
    # drug i affects gene i; gene i is associated with disease i % 3; drug i treats it.
    # Genes also sit in pathways that say nothing about diseases (an untyped distractor).
    affects, associated, treats, member = 0, 1, 2, 3
    drugs, genes, diseases, pathways = range(0, 12), range(12, 24), range(24, 27), range(27, 29)
    rows = []
    for i in range(12):
        rows += [[drugs[i], affects, genes[i]], [genes[i], associated, diseases[i % 3]],
                 [genes[i], member, pathways[i % 2]]]
        if i < 11:
            rows.append([drugs[i], treats, diseases[i % 3]])
    train = np.array(rows)
    scorer = MetapathScorer(train, num_entities=29, num_relations=4, seed=1)
    scores = scorer.scores(np.array([drugs[11]]), np.array([treats]), "tail")[0]
    assert int(np.argmax(scores[list(diseases)])) == 11 % 3
    chosen, _, _ = scorer.fitted[(treats, "tail")]
    assert (affects, associated) in chosen


def test_zero_shot_split_through_training(store, tmp_path):
    trained = embed.train(store, tmp_path / "zs", split="entities", tasks=("biolink:treats",),
                          **{**QUICK, "epochs": 3})
    report = trained.metrics
    assert report["split"]["kind"] == "entities" and report["split"]["held_out_entities"] > 0
    assert set(report["tasks"]) == {"biolink:treats"}
    test_diseases = set(trained.graph.triples[trained.split.test][:, 2])
    train = trained.graph.triples[trained.split.train]
    assert not (np.isin(train[:, 2], list(test_diseases)) & (train[:, 1] == "biolink:treats")).any()
