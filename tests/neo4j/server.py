"""Fixtures for tests that need a real Neo4j (registered for all tests in tests/conftest.py).

Which server: the one named by ``KGTWIN_TEST_NEO4J_URI`` / ``_USERNAME`` / ``_PASSWORD``
(and ``_BROWSER_URL`` for the Browser test) — ``.ci/neo4j-setup.sh`` writes them to
``.ci/neo4j.env``. These tests wipe that server's graph, so they never use the plain
``NEO4J_*`` variables, which may point at someone's real data.

Without those variables, outside CI, the fixtures start a throw-away local server in
``$KGTWIN_TEST_NEO4J_HOME`` (default ``~/.kgtwin/neo4j-test``, ports 17687/17474) and stop
it afterwards. With ``CI=true`` a missing or silent server fails the tests: it never
skips them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kgtwin.neo4j.errors import Neo4jConnectionError
from kgtwin.neo4j.server import LocalServer, ServerConfig
from kgtwin.neo4j.settings import Neo4jSettings

TEST_BOLT_PORT = 17687
TEST_HTTP_PORT = 17474


@dataclass(frozen=True)
class TestServer:
    settings: Neo4jSettings
    browser_url: str | None


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[TestServer]:
    env = os.environ
    started: LocalServer | None = None
    if env.get("KGTWIN_TEST_NEO4J_URI"):
        server = TestServer(
            Neo4jSettings(
                uri=env["KGTWIN_TEST_NEO4J_URI"],
                user=env.get("KGTWIN_TEST_NEO4J_USERNAME", "neo4j"),
                password=env.get("KGTWIN_TEST_NEO4J_PASSWORD"),
            ),
            env.get("KGTWIN_TEST_NEO4J_BROWSER_URL"),
        )
    elif _in_ci():
        pytest.fail(
            "CI=true but KGTWIN_TEST_NEO4J_URI is not set: run .ci/neo4j-setup.sh and "
            "source .ci/neo4j.env before pytest",
            pytrace=False,
        )
    else:
        home = Path(env.get("KGTWIN_TEST_NEO4J_HOME", "~/.kgtwin/neo4j-test")).expanduser()
        local = LocalServer(
            ServerConfig.load(home, bolt_port=TEST_BOLT_PORT, http_port=TEST_HTTP_PORT)
        )
        if local.pid() is None:
            local.start()
            started = local
        settings = Neo4jSettings(
            uri=local.config.bolt_uri,
            password=local.config.password_file.read_text().rstrip("\n"),
        )
        server = TestServer(settings, local.config.browser_url)
    try:
        server.settings.driver().close()
    except Neo4jConnectionError as error:
        pytest.fail(f"the test Neo4j does not answer: {error}", pytrace=False)
    yield server
    if started is not None:
        started.stop()


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_server: TestServer) -> Neo4jSettings:
    return neo4j_server.settings


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Neo4jSettings):
    with neo4j_settings.driver() as driver:
        yield driver


@pytest.fixture
def empty_graph(neo4j_driver):
    """A graph with no nodes (this test server's data is throw-away)."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n")
    return neo4j_driver


def _demo_records() -> dict[str, list]:
    """The graph the example queries are written for, by source, as kgtwin records."""
    from kgtwin.model import DIRECTION, DOWN, KNOWLEDGE_LEVEL, PREDICTED, UP, Edge, Node

    imatinib, abl1, kit = "CHEBI:45783", "HGNC:76", "HGNC:6342"
    pathway, cml, t2d = "REACT:R-HSA-1433557", "MONDO:0011996", "MONDO:0005148"
    patient, sample = "KGTWIN.PATIENT:P001", "KGTWIN.SAMPLE:S001"
    predicted = {KNOWLEDGE_LEVEL: PREDICTED}
    return {
        "curated": [
            Node(imatinib, "biolink:Drug", "imatinib", xrefs=("DRUGBANK:DB00619",)),
            Node(abl1, "biolink:Gene", "ABL1", xrefs=("NCBIGene:25",)),
            Node(kit, "biolink:Gene", "KIT", xrefs=("NCBIGene:3815",)),
            Node(pathway, "biolink:Pathway", "Signaling by SCF-KIT"),
            Node(cml, "biolink:Disease", "chronic myelogenous leukemia"),
            Node(t2d, "biolink:Disease", "type 2 diabetes mellitus"),
            Edge(imatinib, "biolink:directly_physically_interacts_with", abl1,
                 {DIRECTION: DOWN}),
            Edge(imatinib, "biolink:regulates", kit, {DIRECTION: DOWN}),
            Edge(kit, "biolink:participates_in", pathway),
            Edge(imatinib, "biolink:treats", cml),
            Edge(kit, "biolink:gene_associated_with_condition", t2d),
        ],
        "patients": [
            Node(patient, "biolink:Case", "patient P001"),
            Node(sample, "biolink:MaterialSample", "sample S001"),
            Edge(sample, "biolink:derives_from", patient),
            Edge(patient, "biolink:has_phenotype", cml),
            Edge(patient, "biolink:treated_by", imatinib, properties={"status": "active"}),
            Edge(sample, "biolink:has_sequence_variant", abl1, {DIRECTION: UP}),
        ],
        "transe-demo": [
            Edge(imatinib, "biolink:treats", t2d, predicted,
                 {"score": 0.87, "model_id": "transe-demo@1"}),
        ],
        "twin-P001": [
            Edge(patient, "biolink:associated_with_response_to", imatinib,
                 {**predicted, "twin_version": "1"}, {"score": 0.71, "model_id": "twin:P001@v1"}),
            Edge(patient, "biolink:associated_with_response_to", imatinib,
                 {**predicted, "twin_version": "2"}, {"score": 0.83, "model_id": "twin:P001@v2"}),
        ],
    }  # fmt: skip


@pytest.fixture
def demo_graph(empty_graph, neo4j_settings):
    """The example graph, written through :class:`Neo4jStore` like any kgtwin load."""
    from kgtwin.align import Aligner
    from kgtwin.neo4j.store import Neo4jStore
    from kgtwin.store.base import SourceInfo

    align = Aligner()
    with Neo4jStore(neo4j_settings) as store:
        for name, records in _demo_records().items():
            source = SourceInfo(name=name, version="1", checksum=name, loader="test@1")
            store.load([align(record) for record in records], source)
    return empty_graph
