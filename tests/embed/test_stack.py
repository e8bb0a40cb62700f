"""The stacked ranker: fitted on validation statements only, saved, reported beside the
model, used by predictions, and off with ``stack=False``."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from kgtwin import embed
from kgtwin.embed import modeldir
from kgtwin.embed.stack import StackedScorer, feature_scorers, fit_stack, standardized

from .conftest import QUICK


def test_stack_is_fitted_saved_and_reported_beside_the_model(trained):
    _, model_dir = trained
    config = json.loads((model_dir / "config.json").read_text())
    assert config["stack"] is True
    stack = json.loads((model_dir / "stack.json").read_text())
    loaded = modeldir.load(model_dir)
    assert stack == loaded.stack
    assert "biolink:treats|head" in stack["weights"]
    assert set(stack["weights"]["biolink:treats|head"]) == set(stack["features"])
    assert {"model", "degree", "path_count"} <= set(stack["features"])
    assert sum(stack["validation_queries"].values()) <= len(loaded.split.valid) * 2
    report = embed.evaluate(model_dir)
    for side in ("head", "tail"):
        entry = report["tasks"]["biolink:treats"][side]
        assert {"model", "stacked"} <= set(entry)  # the pure model's number stays beside it
    assert any("stacked ranker" in line for line in report["verdicts"])
    # each step of train() says its wall and CPU seconds (benchmarks print them)
    phases = json.loads((model_dir / "graph.json").read_text())["phases"]
    assert set(phases) == {"triples and split", "training", "stack fit", "evaluation"}
    assert all(spent["cpu_s"] >= 0 and spent["wall_s"] >= 0 for spent in phases.values())


def test_stack_weights_never_see_the_test_statements(trained):
    _, model_dir = trained
    loaded = modeldir.load(model_dir)
    # the same model with its test statements gone from the graph altogether
    keep = np.setdiff1d(np.arange(len(loaded.graph)), loaded.split.test)
    moved = np.full(len(loaded.graph), -1)
    moved[keep] = np.arange(len(keep))
    no_test = replace(
        loaded,
        graph=replace(loaded.graph, triples=loaded.graph.triples[keep], derived={}),
        split=replace(loaded.split, train=moved[loaded.split.train],
                      valid=moved[loaded.split.valid], test=loaded.split.test[:0]),
    )
    assert len(no_test.graph) < len(loaded.graph)
    refit = fit_stack(no_test, feature_scorers(no_test), seed=loaded.config.seed)
    assert refit == loaded.stack


def test_standardized_scores_are_z_scores_over_candidates_only():
    scores = np.array([[1.0, 2.0, 3.0, 100.0], [5.0, 5.0, 5.0, 0.0]])
    mask = np.array([True, True, True, False])
    z = standardized("model", scores, mask)
    assert np.allclose(z[0, :3], [-1.2247449, 0.0, 1.2247449])
    assert np.allclose(z[1], 0.0)  # no spread among the candidates: no information
    counts = standardized("path_count", np.array([[0.0, np.e - 1, 0.0, 7.0]]), mask)
    assert counts[0, 1] > counts[0, 0] == counts[0, 2]


def test_without_fitted_weights_the_stack_ranks_by_the_model(trained):
    _, model_dir = trained
    loaded = modeldir.load(model_dir)
    scorer = StackedScorer(loaded, {"weights": {}}, feature_scorers(loaded))
    relation = np.array([loaded.relation_to_id["biolink:treats"]] * 3)
    anchors = np.array(sorted(loaded.entity_to_id.values())[:3])
    stacked = scorer.scores(anchors, relation, "head")
    model = scorer.scorers["model"].scores(anchors, relation, "head")
    mask = scorer.pools.mask("biolink:treats", "head")
    for row in range(3):
        assert (np.argsort(-stacked[row, mask], kind="stable")
                == np.argsort(-model[row, mask], kind="stable")).all()


def test_predictions_rank_by_the_stack_and_keep_the_model_score(trained):
    _, model_dir = trained
    frame = embed.predict_repurpose(model_dir, disease="MONDO:0005148", k=10)
    assert (np.diff(frame["score"]) <= 0).all()
    assert frame["model_score"].notna().all()
    assert not np.allclose(frame["score"], frame["model_score"])


def test_no_stack_reports_and_predicts_with_the_model_alone(store, tmp_path):
    trained = embed.train(store, tmp_path / "m", stack=False, **QUICK)
    assert trained.stack is None and not (tmp_path / "m" / "stack.json").exists()
    assert json.loads((tmp_path / "m" / "config.json").read_text())["stack"] is False
    entry = trained.metrics["tasks"]["biolink:treats"]["head"]
    assert "model" in entry and "stacked" not in entry
    frame = embed.predict_repurpose(tmp_path / "m", disease="MONDO:0005148", k=5)
    assert np.allclose(frame["score"], frame["model_score"])
