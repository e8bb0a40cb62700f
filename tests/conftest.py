"""Shared fixtures: paths to the small real files under tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

# The real Neo4j the `neo4j`-marked tests use (tests/neo4j and the store suite).
from tests.neo4j.server import (  # noqa: F401
    demo_graph,
    empty_graph,
    neo4j_driver,
    neo4j_server,
    neo4j_settings,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data() -> Path:
    return DATA
