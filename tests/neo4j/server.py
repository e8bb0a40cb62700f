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


# The demo graph the example queries are written for. Labels are Biolink categories with
# their ancestors; relationship types are Biolink predicates in upper snake case.
DEMO_GRAPH = """
CREATE (imatinib:Drug:ChemicalEntity:NamedThing {id: 'CHEBI:45783', name: 'imatinib',
        xrefs: ['DRUGBANK:DB00619']})
CREATE (abl1:Gene:GeneOrGeneProduct:NamedThing {id: 'HGNC:76', name: 'ABL1',
        xrefs: ['NCBIGene:25']})
CREATE (kit:Gene:GeneOrGeneProduct:NamedThing {id: 'HGNC:6342', name: 'KIT',
        xrefs: ['NCBIGene:3815']})
CREATE (pathway:Pathway:NamedThing {id: 'REACT:R-HSA-1433557', name: 'Signaling by SCF-KIT'})
CREATE (cml:Disease:DiseaseOrPhenotypicFeature:NamedThing {id: 'MONDO:0011996',
        name: 'chronic myelogenous leukemia'})
CREATE (t2d:Disease:DiseaseOrPhenotypicFeature:NamedThing {id: 'MONDO:0005148',
        name: 'type 2 diabetes mellitus'})
CREATE (patient:Case:NamedThing {id: 'kgtwin.patient:P001', name: 'patient P001'})
CREATE (imatinib)-[:DIRECTLY_PHYSICALLY_INTERACTS_WITH
        {object_direction_qualifier: 'decreased'}]->(abl1)
CREATE (imatinib)-[:REGULATES {object_direction_qualifier: 'decreased'}]->(kit)
CREATE (kit)-[:PARTICIPATES_IN]->(pathway)
CREATE (imatinib)-[:TREATS]->(cml)
CREATE (kit)-[:GENE_ASSOCIATED_WITH_CONDITION]->(t2d)
CREATE (imatinib)-[:TREATS {knowledge_level: 'prediction', score: 0.87,
        model_id: 'transe-demo@1'}]->(t2d)
CREATE (patient)-[:HAS_PHENOTYPE]->(cml)
CREATE (patient)-[:HAS_SEQUENCE_VARIANT {object_direction_qualifier: 'increased'}]->(abl1)
CREATE (patient)-[:ASSOCIATED_WITH_RESPONSE_TO {knowledge_level: 'prediction', score: 0.71,
        model_id: 'twin:P001@v1'}]->(imatinib)
CREATE (patient)-[:ASSOCIATED_WITH_RESPONSE_TO {knowledge_level: 'prediction', score: 0.83,
        model_id: 'twin:P001@v2'}]->(imatinib)
"""


@pytest.fixture
def demo_graph(empty_graph):
    empty_graph.execute_query(DEMO_GRAPH)
    return empty_graph
