"""Graph stores: one protocol (:class:`GraphStore`), an embedded default and Neo4j."""

from __future__ import annotations

from pathlib import Path

from kgtwin.store.base import GraphStore, LoadCounts, SourceInfo
from kgtwin.store.embedded import EmbeddedStore


def open_store(location: str | Path, *, create: bool = True) -> GraphStore:
    """The store at ``location``: a folder for the embedded store."""
    return EmbeddedStore(location, create=create)


__all__ = ["EmbeddedStore", "GraphStore", "LoadCounts", "SourceInfo", "open_store"]
