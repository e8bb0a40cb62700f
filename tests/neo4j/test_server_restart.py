"""The server stops in the middle of an incremental load, then comes back.

Committed as one transaction (``commit="load"``), the stop ends the load uncommitted: it
fails with one clear line and nothing of it (not even a batch) remains. Committed batch
by batch (``commit="batch"``), the batches before the stop stay, none half-written, and
the ledger does not list the load. Either way, loading it again gives the graph an
uninterrupted load gives. The server is this test's own (tests/neo4j/conftest.py),
never the shared one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from kgtwin.errors import StoreError
from kgtwin.model import DIRECTION, UP, Edge, Node, Record
from kgtwin.neo4j.store import Neo4jStore
from tests.store.records import RECORDS, aligned, source

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

GENES = 6_000
BIG = source("big", checksum="b16")


def _big(halfway: threading.Event | None = None, resume: threading.Event | None = None
         ) -> Iterator[Record]:  # fmt: skip
    """Genes and a regulatory chain between them; pauses after some batches went in."""
    for i in range(GENES):
        yield Node(f"HGNC:{20_000 + i}", "biolink:Gene", f"G{i}", xrefs=(f"NCBIGene:{90_000 + i}",))
        if i == GENES // 2 and halfway is not None and resume is not None:
            halfway.set()  # three batches of 1,000 nodes are in the open transaction
            resume.wait(300)
    for i in range(GENES - 1):
        yield Edge(f"HGNC:{20_000 + i}", "biolink:regulates", f"HGNC:{20_001 + i}",
                   {DIRECTION: UP}, {"score": i / GENES})  # fmt: skip


def _wait_for_node(settings, node_id: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    with settings.driver() as driver:
        while time.monotonic() < deadline:
            records, _, _ = driver.execute_query(
                "MATCH (n:NamedThing {id: $id}) RETURN n.id", id=node_id
            )
            if records:
                return
            time.sleep(0.05)
    raise AssertionError(f"no batch with {node_id} was committed within {timeout:.0f} s")


def _state(store: Neo4jStore) -> tuple:
    ledger = [(e.source, e.nodes, e.edges, e.measurements) for e in store.ledger()]
    return store.counts(), store.checksum(), ledger


@pytest.mark.parametrize("commit", ["load", "batch"])
def test_server_stopped_mid_load_then_load_again(own_server, own_settings, commit):
    with Neo4jStore(own_settings, batch_size=1_000) as store:
        store.load(aligned(RECORDS), source())
        before = _state(store)

    halfway, resume = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def load() -> None:
        try:
            with Neo4jStore(own_settings, batch_size=1_000, commit=commit) as store:
                store.load(_big(halfway, resume), BIG)
        except BaseException as error:  # handed to the test's thread
            failure.append(error)

    loader = threading.Thread(target=load)
    loader.start()
    try:
        assert halfway.wait(120), "the load never reached halfway"
        if commit == "batch":  # the source is read ahead: wait for a committed batch
            _wait_for_node(own_settings, "HGNC:20000")
        own_server.stop()
    finally:
        resume.set()
        loader.join(300)
        own_server.start()
    assert not loader.is_alive()
    (error,) = failure
    assert isinstance(error, StoreError)
    message = str(error)
    assert "went away during the load of big 1" in message and "\n" not in message

    with Neo4jStore(own_settings, commit=commit) as store:
        counts, _, ledger = _state(store)
        assert ledger == before[2] and not store.is_loaded(BIG)
        if commit == "load":
            assert _state(store) == before  # not one batch of the stopped load is there
            assert store.node("HGNC:20000") is None and store.resolve("NCBIGene:90000") is None
        else:  # the batches before the stop are in, each whole
            assert "load it again to complete it" in message
            assert before[0].nodes < counts.nodes <= before[0].nodes + GENES
            assert store.resolve("NCBIGene:90000") == "HGNC:20000"
            assert [s.name for s in store.incomplete_loads()] == ["big"]
        store.load(_big(), BIG)  # the same load again completes
        resumed = _state(store)
        assert resumed[0].nodes == before[0].nodes + GENES

    with Neo4jStore(own_settings) as store:  # the same loads, never interrupted
        store.clear()
        store.load(aligned(RECORDS), source())
        store.load(_big(), BIG)
        assert _state(store) == resumed
