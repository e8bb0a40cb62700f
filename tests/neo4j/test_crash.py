"""A client killed with SIGKILL halfway through a Neo4j load leaves the graph as it was."""

from __future__ import annotations

import os
import sys
import textwrap

import pytest

from kgtwin.neo4j.store import Neo4jStore
from tests.crash import sigkill_at_marker
from tests.store.records import RECORDS, aligned, source

pytestmark = pytest.mark.neo4j

WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from kgtwin.model import Node
    from kgtwin.neo4j.settings import Neo4jSettings
    from kgtwin.neo4j.store import Neo4jStore
    from kgtwin.store.base import SourceInfo

    settings = Neo4jSettings(os.environ["URI"], os.environ["USER"], os.environ["PASSWORD"])
    store = Neo4jStore(settings, batch_size=1_000)
    marker = Path(sys.argv[1])

    def records():
        for i in range(20_000):
            yield Node(f"HGNC:{100_000 + i}", "biolink:Gene", f"G{i}")
            if i == 5_000:  # five batches of nodes are in the open transaction by now
                marker.write_text("halfway")
                time.sleep(120)

    store.load(records(), SourceInfo("big", "1", "0" * 64, "test@1"))
    """
)


def test_sigkill_mid_load_keeps_previous_state(neo4j_settings, empty_graph, tmp_path):
    with Neo4jStore(neo4j_settings) as store:
        store.load(aligned(RECORDS), source())
        before = (store.counts(), store.checksum(), store.ledger())

    marker = tmp_path / "marker"
    env = dict(
        os.environ,
        URI=neo4j_settings.uri,
        USER=neo4j_settings.user,
        PASSWORD=neo4j_settings.password,
    )
    sigkill_at_marker([sys.executable, "-c", WRITER, str(marker)], marker, env=env)

    with Neo4jStore(neo4j_settings) as store:
        assert (store.counts(), store.checksum(), store.ledger()) == before
        assert store.node("HGNC:100001") is None
        # The graph still takes loads after the crash (no lock left behind).
        store.load(aligned(RECORDS[4:5]), source("again", checksum="a"))
        assert store.counts().edges == before[0].edges
