"""Shared fixtures: the KGX drug–gene–disease fixture loaded into a real store, and one
small model trained on it (module-scoped, so the suite trains a handful of models)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtwin.load import load_files
from kgtwin.store import open_store

DATA = Path(__file__).parent.parent / "data" / "embed"
KGX = [DATA / "nodes.tsv", DATA / "edges.tsv"]
#: Small and quick, but trained for real.
QUICK = dict(model="TransE", embedding_dim=32, epochs=40, batch_size=64, early_stopping=False,
             progress=False)


def load_fixture(path: Path):
    store = open_store(path)
    load_files(store, "kgx", KGX, source="embed-fixture", version="1")
    return store


@pytest.fixture
def store(tmp_path):
    store = load_fixture(tmp_path / "store")
    yield store
    store.close()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """(store path, model dir) of a TransE model trained on the fixture."""
    from kgtwin import embed

    root = tmp_path_factory.mktemp("trained")
    with load_fixture(root / "store") as store:
        embed.train(store, root / "model", **QUICK)
    return root / "store", root / "model"
