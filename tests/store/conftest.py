"""The store test suite runs on every back end: add a back end to ``BACKENDS``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kgtwin.store import EmbeddedStore
from kgtwin.store.base import GraphStore

BACKENDS = ["embedded"]


@pytest.fixture(params=BACKENDS)
def make_store(request, tmp_path) -> Iterator[Callable[[], GraphStore]]:
    """Builds fresh, empty stores of one back end (several per test when needed)."""
    opened: list[GraphStore] = []

    def make() -> GraphStore:
        if request.param == "embedded":
            store = EmbeddedStore(tmp_path / f"store{len(opened)}")
        else:  # pragma: no cover - other back ends register themselves here
            raise ValueError(request.param)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store) -> GraphStore:
    return make_store()
