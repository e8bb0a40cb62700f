"""How a load is committed; a module of its own so the CLI can name the choices without
loading a store."""

from __future__ import annotations

from typing import Literal

#: Whole, in one transaction (every store), or batch by batch (the Neo4j store only;
#: see :class:`~kgtwin.neo4j.store.Neo4jStore`).
Commit = Literal["load", "batch"]
COMMITS: tuple[Commit, ...] = ("load", "batch")
