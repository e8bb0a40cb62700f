"""kgtwin query and run_query against a real Neo4j: reads, refused writes, injection."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.neo4j.errors import WriteRefusedError
from kgtwin.neo4j.query import run_query

pytestmark = pytest.mark.neo4j

PAYLOADS = [
    "x'}) DETACH DELETE n //",
    "HGNC:76'}) MATCH (m) DETACH DELETE m RETURN 1 AS name //",
    '" OR true WITH 1 AS x MATCH (m) DETACH DELETE m //',
    "$id",
    "`) DETACH DELETE n; MATCH (n) DETACH DELETE n //",
    "*/ MATCH (m) SET m.hacked = true /*",
]


def fingerprint(driver) -> list:
    """Every node and relationship with all its properties, in a stable order."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p ORDER BY id"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p "
        "ORDER BY a, t, b, p.model_id"
    )
    return [json.dumps(r.data(), sort_keys=True) for r in [*nodes, *rels]]


def invoke(settings, *args: str):
    env = {
        "NEO4J_URI": settings.uri,
        "NEO4J_USERNAME": settings.user,
        "NEO4J_PASSWORD": settings.password,
    }
    return CliRunner().invoke(cli, ["query", *args], env=env, catch_exceptions=False)


def test_read_query_returns_a_dataframe(demo_graph):
    frame = run_query(
        demo_graph,
        "MATCH (g:Gene) WHERE g.id IN $ids RETURN g.id AS id, g.name AS name ORDER BY id",
        {"ids": ["HGNC:76", "HGNC:6342"]},
    )
    assert list(frame.columns) == ["id", "name"]
    assert frame.to_dict(orient="records") == [
        {"id": "HGNC:6342", "name": "KIT"},
        {"id": "HGNC:76", "name": "ABL1"},
    ]


def test_nodes_come_back_as_plain_dicts(demo_graph):
    frame = run_query(demo_graph, "MATCH (g:Gene {id: 'HGNC:76'}) RETURN g")
    node = frame.loc[0, "g"]
    assert node["labels"] == sorted(["Gene", "BiologicalEntity", "NamedThing", "Entity"])
    assert node["xrefs"] == ["NCBIGene:25"]


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_cli_formats(neo4j_settings, demo_graph, fmt):
    result = invoke(
        neo4j_settings,
        "MATCH (g:Gene {id: $id}) RETURN g.name AS name, g.xrefs AS xrefs",
        "--param", "id=HGNC:76", "--format", fmt,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output) == [{"name": "ABL1", "xrefs": ["NCBIGene:25"]}]
    elif fmt == "csv":
        assert result.output.splitlines() == ["name,xrefs", 'ABL1,"[""NCBIGene:25""]"']
    else:
        assert "ABL1" in result.output and "name" in result.output


def test_write_refused_with_one_line(neo4j_settings, demo_graph):
    before = fingerprint(demo_graph)
    result = invoke(neo4j_settings, "MATCH (g:Gene) SET g.name = 'x' RETURN g")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: the query writes (SET); add --write to allow it"
    ]
    assert fingerprint(demo_graph) == before


def test_server_refuses_writes_the_text_check_cannot_see(demo_graph):
    # A procedure that writes: no write clause in the text, so the server's plan (its
    # procedure's WRITE mode) stops it, and the READ transaction would have.
    before = fingerprint(demo_graph)
    with pytest.raises(WriteRefusedError, match=r"db\.createLabel \(WRITE\)"):
        run_query(demo_graph, "CALL db.createLabel('Injected')")
    assert fingerprint(demo_graph) == before
    labels = run_query(demo_graph, "CALL db.labels() YIELD label RETURN collect(label) AS l")
    assert "Injected" not in labels.loc[0, "l"]


def test_write_with_flag(neo4j_settings, demo_graph):
    result = invoke(
        neo4j_settings, "--write", "--format", "json",
        "MATCH (g:Gene {id: $id}) SET g.note = $note RETURN g.note AS note",
        "--param", "id=HGNC:76", "--param", "note=checked",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"note": "checked"}]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_through_param_changes_nothing(neo4j_settings, demo_graph, payload):
    before = fingerprint(demo_graph)
    result = invoke(
        neo4j_settings,
        "MATCH (g:Gene {id: $id}) RETURN g.name AS name",
        "--param", f"id={payload}", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
    assert fingerprint(demo_graph) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_in_a_write_is_stored_as_text(neo4j_settings, demo_graph, payload):
    before = fingerprint(demo_graph)
    result = invoke(
        neo4j_settings, "--write", "--format", "json",
        "MATCH (g:Gene {id: 'HGNC:76'}) SET g.note = $note RETURN g.note AS note",
        "--param", f"note={payload}",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"note": payload}]
    demo_graph.execute_query("MATCH (g:Gene {id: 'HGNC:76'}) REMOVE g.note")
    assert fingerprint(demo_graph) == before


def test_bad_password_is_one_line(neo4j_settings):
    env = {"NEO4J_URI": neo4j_settings.uri, "NEO4J_PASSWORD": "wrong-password"}
    result = CliRunner().invoke(cli, ["query", "RETURN 1"], env=env)
    assert result.exit_code == 1
    assert "refused user 'neo4j'" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cypher_error_is_one_line(neo4j_settings, demo_graph):
    result = invoke(neo4j_settings, "MATCH (n RETURN n")
    assert result.exit_code == 1
    assert result.output.startswith("Error: Neo.ClientError.Statement.SyntaxError")


def test_a_property_the_graph_lacks_gives_rows_not_warnings(neo4j_settings, demo_graph,
                                                              caplog):
    # Server notifications ("property key does not exist") would be logged as a
    # screen-wide warning for every query naming a property a sparse graph lacks.
    with caplog.at_level("INFO", logger="neo4j"):
        result = invoke(neo4j_settings, "MATCH (g:Gene) RETURN g.no_such_property AS x "
                        "LIMIT 1", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == [{"x": None}]
    assert not [r for r in caplog.records if r.name.startswith("neo4j.notifications")]
