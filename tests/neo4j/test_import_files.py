"""The import files read an embedded store from its tables exactly as through the protocol
(no Neo4j needed: only the files are compared)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kgtwin.neo4j.import_files import write_import_files
from kgtwin.store import EmbeddedStore
from tests.neo4j.test_bulk import _sources
from tests.store.records import aligned, source

TIMES = ("sources-", "loads-")  # they hold the time of writing


class _Protocol:
    """The embedded store seen only through the store protocol (not an EmbeddedStore)."""

    def __init__(self, store: EmbeddedStore):
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name in ("db", "_provenance"):
            raise AttributeError(name)
        return getattr(self._store, name)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())
            if not p.name.startswith(TIMES)}  # fmt: skip


def test_embedded_tables_and_protocol_give_the_same_files(tmp_path: Path) -> None:
    with EmbeddedStore(tmp_path / "store") as store:
        for name, records in _sources():
            store.load(aligned(records), source(name, checksum=name))
        fast = write_import_files(store, tmp_path / "fast")
        slow = write_import_files(_Protocol(store), tmp_path / "slow")  # type: ignore[arg-type]
    assert (fast.node_count, fast.edge_count) == (slow.node_count, slow.edge_count)
    assert fast.node_count > 0 and fast.multiline == slow.multiline
    assert _files(tmp_path / "fast") == _files(tmp_path / "slow")
