"""Training options are honoured and recorded; quiet is quiet; several seeds give a spread."""

from __future__ import annotations

import json
import logging

import pytest
import torch
from click.testing import CliRunner

from kgtwin import embed
from kgtwin.cli.main import cli
from kgtwin.embed.train import TrainConfig, resolve_device
from kgtwin.errors import KgTwinError

from .conftest import QUICK, load_fixture

TINY = {**QUICK, "epochs": 3, "embedding_dim": 8}


def test_options_are_recorded_in_the_model_directory(store, tmp_path):
    trained = embed.train(store, tmp_path / "m", evaluate_baselines=False, **{
        **TINY, "training_loop": "slcwa", "negatives": 4, "loss": "softplus",
        "inverse_triples": False, "regularizer": "lp", "regularizer_weight": 0.001,
        "threads": 1})
    saved = json.loads((tmp_path / "m" / "config.json").read_text())
    assert saved["training_loop"] == "slcwa" and saved["negatives"] == 4
    assert saved["loss"] == "softplus" and saved["inverse_triples"] is False
    assert saved["regularizer"] == "lp" and saved["threads"] == 1
    assert trained.info["epochs_run"] == 3


def test_auto_loop_is_1_vs_all_on_small_graphs_and_negative_sampling_on_large(
        store, tmp_path, monkeypatch, caplog):
    import importlib

    train_module = importlib.import_module("kgtwin.embed.train")

    small = embed.train(store, tmp_path / "small", evaluate_baselines=False, **TINY)
    assert small.config.training_loop == "lcwa"
    saved = json.loads((tmp_path / "small" / "config.json").read_text())
    assert saved["training_loop"] == "lcwa"  # recorded as trained, not as "auto"
    monkeypatch.setattr(train_module, "LCWA_WORK_LIMIT", 10.0)  # as if the graph were huge
    with caplog.at_level(logging.WARNING):
        large = embed.train(store, tmp_path / "large", evaluate_baselines=False, **TINY)
    assert large.config.training_loop == "slcwa"
    assert large.config.batch_size == train_module.AUTO_SLCWA_BATCH  # dense Adam steps
    assert json.loads((tmp_path / "large" / "config.json").read_text())["training_loop"] == "slcwa"
    assert any("negative sampling" in r.getMessage() for r in caplog.records)
    assert large.model_id != small.model_id


def test_budget_ends_training_and_keeps_the_best_validation_weights(store, tmp_path):
    trained = embed.train(store, tmp_path / "m", evaluate_baselines=False,
                          **{**TINY, "early_stopping": True, "epochs": 500, "budget": 0.01})
    assert trained.info["ended_by"] == "budget"
    assert trained.info["epochs_run"] < 500
    assert trained.info["validation_curve"]  # it evaluated before stopping


@pytest.mark.parametrize("loop", ["lcwa", "slcwa"])
def test_budget_ends_inside_an_epoch_and_still_keeps_the_best_weights(store, tmp_path, loop):
    # batches of 8: an epoch has dozens; the budget is spent before the first one ends
    trained = embed.train(store, tmp_path / "m", evaluate_baselines=False, **{
        **TINY, "training_loop": loop, "batch_size": 8, "early_stopping": True,
        "epochs": 500, "budget": 1e-6})
    info = trained.info
    assert info["ended_by"] == "budget" and info["epochs_run"] == 1
    cut = info["budget_cut_epoch"]
    assert cut["batches_run"] == 1 < cut["batches_per_epoch"]
    assert info["validation_curve"]  # evaluated on validation after the cut epoch
    saved = json.loads((tmp_path / "m" / "graph.json").read_text())
    assert saved["budget_cut_epoch"] == cut
    assert len(trained.metrics["losses"]) == 1


def test_train_quiet_prints_no_pykeen_logs(store, tmp_path, capfd, caplog):
    with caplog.at_level(logging.INFO):
        embed.train(store, tmp_path / "m", evaluate_baselines=False, **TINY)
    captured = capfd.readouterr()
    assert captured.out == ""
    assert "INFO" not in captured.err and "torch_max_mem" not in captured.err
    assert not [r for r in caplog.records if r.name.startswith(("pykeen", "torch_max_mem"))]


def test_bad_options_are_named():
    with pytest.raises(KgTwinError, match="training loop"):
        TrainConfig(training_loop="owa")
    with pytest.raises(KgTwinError, match="budget"):
        TrainConfig(budget=0)


def test_device_auto_uses_a_gpu_where_there_is_one():
    found = resolve_device("auto")
    if torch.cuda.is_available():
        assert found == "cuda"
    else:  # this machine has no GPU: auto means the CPU, and the test says so
        assert found == "cpu", "no GPU here, so auto must choose the CPU"


def test_seeds_report_mean_and_spread(tmp_path):
    load_fixture(tmp_path / "store").close()
    result = CliRunner().invoke(cli, [
        "--store", str(tmp_path / "store"), "embed", "train", "--model", "TransE", "--dim", "8",
        "--epochs", "2", "--no-early-stopping", "--no-baselines", "--seeds", "2",
        "--out", str(tmp_path / "m"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{"):])
    assert summary["seeds"] == [42, 43]
    assert {"mrr_mean", "mrr_sd"} <= set(summary["overall"]["model"])
    assert (tmp_path / "m" / "seed-43" / "weights.pt").exists()


def test_complex_starts_from_glorot_and_older_complex_models_keep_their_start():
    from kgtwin.embed.train import CONFIG_VERSION, model_kwargs

    now = TrainConfig(model="ComplEx")
    assert model_kwargs(now)["entity_initializer"] == "xavier_normal"
    assert model_kwargs(TrainConfig(model="ComplEx", model_kwargs={
        "entity_initializer": "normal"}))["entity_initializer"] == "normal"  # asked wins
    assert "entity_initializer" not in model_kwargs(TrainConfig(model="RotatE"))
    older = TrainConfig.from_dict({**now.to_dict(), "config_version": 2})
    assert model_kwargs(older)["entity_initializer"] == "normal"  # as it was trained
    again = TrainConfig.from_dict(now.to_dict())
    assert again == now and again.config_version == CONFIG_VERSION
