"""A load killed with SIGKILL halfway leaves the previous state intact and readable."""

from __future__ import annotations

import sys
import textwrap

from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore
from tests.crash import sigkill_at_marker

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kgtwin.model import Edge
    from kgtwin.store import EmbeddedStore
    from kgtwin.store.base import SourceInfo

    store = EmbeddedStore(sys.argv[1])
    marker = Path(sys.argv[2])

    def records():
        for i in range(500_000):
            yield Edge(f"HGNC:{i % 30000 + 1}", "biolink:interacts_with",
                       f"HGNC:{(i * 7) % 30000 + 1}", properties={"i": i})
            if i == 70_000:
                marker.write_text("halfway")
                time.sleep(120)

    store.load(records(), SourceInfo("big", "1", "0" * 64, "test@1"))
    """
)


def test_sigkill_mid_load_keeps_previous_state(data, tmp_path):
    path = tmp_path / "kg"
    store = EmbeddedStore(path)
    load_files(store, "kgx", [data / "core" / "nodes.tsv", data / "core" / "edges.tsv"])
    before = (store.counts(), store.checksum(), store.ledger())
    store.close()

    marker = tmp_path / "marker"
    sigkill_at_marker([sys.executable, "-c", WRITER, str(path), str(marker)], marker)

    reopened = EmbeddedStore(path)
    assert (reopened.counts(), reopened.checksum(), reopened.ledger()) == before
    assert reopened.node("HGNC:1097").name == "BRAF"
    # The store still takes loads after the crash.
    report = load_files(reopened, "triples", [data / "core" / "aligned.triples.tsv"])
    assert report.counts.edges == 2
