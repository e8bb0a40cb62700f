"""The store test suite runs on every back end: add a back end to ``BACKENDS``."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kgtwin.store import EmbeddedStore
from kgtwin.store.base import GraphStore

#: "neo4j-batch" is the Neo4j store committing each batch (of two records, so every
#: test spans many transactions): same answers, a weaker guarantee on failure.
BACKENDS = [
    "embedded",
    pytest.param("neo4j", marks=pytest.mark.neo4j),
    pytest.param("neo4j-batch", marks=pytest.mark.neo4j),
]
#: Back ends whose loads land whole or not at all.
WHOLE_LOADS = BACKENDS[:2]


@pytest.fixture(params=BACKENDS)
def make_store(request, tmp_path) -> Iterator[Callable[[], GraphStore]]:
    """Builds fresh, empty stores of one back end (several per test when needed)."""
    opened: list[GraphStore] = []

    def make() -> GraphStore:
        if request.param == "embedded":
            store = EmbeddedStore(tmp_path / f"store{len(opened)}")
        elif request.param in ("neo4j", "neo4j-batch"):
            from kgtwin.neo4j.store import Neo4jStore

            # Community Neo4j has one user database: a fresh store is an emptied one.
            settings = request.getfixturevalue("neo4j_settings")
            with settings.driver() as driver:
                driver.execute_query("MATCH (n) DETACH DELETE n")
            if request.param == "neo4j":
                store = Neo4jStore(settings)
            else:
                store = Neo4jStore(settings, commit="batch", batch_size=2)
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
