"""Graph stores: one protocol (:class:`GraphStore`), an embedded default and Neo4j.

The back ends load on first use (``open_store`` or ``kgtwin.store.EmbeddedStore``), so
importing this package, or its light ``commit`` module, costs nothing: the CLI starts fast.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kgtwin.errors import StoreError
from kgtwin.store.commit import Commit

if TYPE_CHECKING:
    from kgtwin.store.base import GraphStore, LoadCounts, SourceInfo
    from kgtwin.store.embedded import EmbeddedStore

# Names this package exports, loaded from their module on first access (PEP 562).
_LAZY = {
    "EmbeddedStore": "kgtwin.store.embedded",
    "GraphStore": "kgtwin.store.base",
    "LoadCounts": "kgtwin.store.base",
    "SourceInfo": "kgtwin.store.base",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
    location: str | Path,
    *,
    create: bool = True,
    commit: Commit = "load",
    lock_wait: float | None = None,
) -> GraphStore:
    """The store at ``location``: a folder for the embedded store, or a Neo4j URI
    (``bolt://host:7687``, ``neo4j://…``) with credentials from ``NEO4J_USERNAME`` /
    ``NEO4J_PASSWORD`` or the local server's password file.

    ``commit="batch"`` makes a Neo4j store commit loads batch by batch
    (:class:`~kgtwin.neo4j.store.Neo4jStore`); the embedded store always loads whole.
    ``lock_wait``: seconds the embedded store waits for another process's load before it
    gives up (None: until that load finishes; Neo4j handles its own locks).
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
    from kgtwin.store.embedded import EmbeddedStore

    return EmbeddedStore(location, create=create, lock_wait=lock_wait)


__all__ = [
    "EmbeddedStore",
    "GraphStore",
    "LoadCounts",
    "SourceInfo",
    "neo4j_uri",
    "open_store",
]
