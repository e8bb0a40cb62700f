"""kgtwin's path (triples file -> store -> train -> evaluate) scores what PyKEEN scores.

Nations ships inside the pykeen package. Its official split goes through kgtwin's
triples loader (namespaced, unaligned), the store, kgtwin's explicit split and id maps,
and PyKEEN's pipeline; PyKEEN runs on its own copy of the files with the same
configuration. Entity and relation ids come out in the same order, so the metrics are
expected to agree to rounding; the tolerance below is the noise band the brief allows.
"""

from __future__ import annotations

import pytest

from kgtwin import embed
from kgtwin.embed.reference import dataset_files, run_direct
from kgtwin.embed.train import TrainConfig
from kgtwin.load import load_files
from kgtwin.store import open_store

NOISE = 0.02


@pytest.mark.slow
def test_nations_through_kgtwin_matches_pykeen_direct(tmp_path):
    config = TrainConfig(model="TransE", embedding_dim=32, epochs=10, batch_size=256,
                         early_stopping=False, seed=7, device="cpu")
    files = dataset_files("nations")
    with open_store(tmp_path / "store") as store:
        load_files(store, "triples", [files["train"]], options={"namespace": "nations"})
        trained = embed.train(
            store, tmp_path / "model", config=config, test_triples=files["test"],
            valid_triples=files["valid"], namespace="nations", remove_leaks=False,
            progress=False, evaluate_baselines=False,
        )
    assert trained.split.summary()["train"] == 1592
    assert trained.split.summary()["test"] == 201
    direct = run_direct("nations", config)
    ours = trained.metrics["pykeen"]
    for metric in ("mrr", "hits@1", "hits@3", "hits@10"):
        assert ours[metric] == pytest.approx(direct.metrics[metric], abs=NOISE), metric
    assert ours["mrr"] > 0.3  # and it learned something: random MRR on Nations is ~0.25
