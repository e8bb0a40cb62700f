"""Graph stores: one protocol (:class:`GraphStore`), an embedded default and Neo4j."""

from __future__ import annotations

import re
from pathlib import Path

from kgtwin.errors import StoreError
from kgtwin.store.base import Commit, GraphStore, LoadCounts, SourceInfo
from kgtwin.store.embedded import EmbeddedStore

# A Neo4j URI, also after a Path collapsed its '//' (click's --store is a Path).
_NEO4J_URI = re.compile(r"(bolt|neo4j)(\+s|\+ssc)?:/+", re.IGNORECASE)


def neo4j_uri(location: str | Path) -> str | None:
    """``location`` as a Neo4j URI, or None when it names a folder."""
    text = str(location)
    match = _NEO4J_URI.match(text)
    if match is None:
        return None
    return f"{match.group(1)}{match.group(2) or ''}://{text[match.end() :]}"


def open_store(
    location: str | Path, *, create: bool = True, commit: Commit = "load"
) -> GraphStore:
    """The store at ``location``: a folder for the embedded store, or a Neo4j URI
    (``bolt://host:7687``, ``neo4j://…``) with credentials from ``NEO4J_USERNAME`` /
    ``NEO4J_PASSWORD`` or the local server's password file.

    ``commit="batch"`` makes a Neo4j store commit loads batch by batch
    (:class:`~kgtwin.neo4j.store.Neo4jStore`); the embedded store always loads whole.
    """
    uri = neo4j_uri(location)
    if uri is not None:
        # Imported here: the embedded store must work without the driver loaded.
        from kgtwin.neo4j.settings import Neo4jSettings
        from kgtwin.neo4j.store import Neo4jStore

        return Neo4jStore(Neo4jSettings.resolve(uri), commit=commit)
    if commit != "load":
        raise StoreError(
            f"committing batch by batch is for Neo4j stores; {location} is an embedded store, "
            "whose loads are always one transaction"
        )
    return EmbeddedStore(location, create=create)


__all__ = [
    "EmbeddedStore",
    "GraphStore",
    "LoadCounts",
    "SourceInfo",
    "neo4j_uri",
    "open_store",
]
