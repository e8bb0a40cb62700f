"""What the Neo4j store writes, as a Cypher user sees it, and push/pull to and from it."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.model import DIRECTION, UP, Edge, Node
from kgtwin.neo4j.store import Neo4jStore
from kgtwin.store import EmbeddedStore
from tests.store.records import RECORDS, aligned, source

pytestmark = pytest.mark.neo4j


def snapshot(store):
    nodes = sorted(
        (n.id, n.category, n.name, n.xrefs, sorted(n.properties.items()),
         sorted(p.source for p in n.provenance))
        for n in store.nodes()
    )  # fmt: skip
    edges = sorted(
        (e.subject, e.predicate, e.object, sorted(e.qualifiers.items()),
         sorted(e.properties.items()), sorted(p.source for p in e.provenance))
        for e in store.edges()
    )  # fmt: skip
    return nodes, edges


@pytest.fixture
def neo4j_store(empty_graph, neo4j_settings):
    with Neo4jStore(neo4j_settings) as store:
        yield store


def test_graph_reads_as_biolink_in_cypher(neo4j_store, neo4j_driver):
    neo4j_store.load(aligned(RECORDS), source())
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (g:Gene {id: 'HGNC:1097'})-[r:REGULATES]->(m:Gene|Protein) "
        "RETURN labels(g) AS labels, g.xrefs AS xrefs, r.object_direction_qualifier AS sign, "
        "r.score AS score, r.predicate AS predicate, m.name AS target"
    )
    (row,) = records
    # The category and its is_a ancestors; mixins (GeneOrGeneProduct...) are not labels.
    assert set(row["labels"]) == {"Gene", "BiologicalEntity", "NamedThing", "Entity"}
    assert row["xrefs"] == ["ENSEMBL:ENSG00000157764", "NCBIGene:673"]
    assert (row["sign"], row["score"], row["predicate"]) == ("increased", 0.9, "biolink:regulates")
    assert row["target"] == "MAP2K1"
    treats, _, _ = neo4j_driver.execute_query(
        "MATCH (:ChemicalEntity {name: 'vemurafenib'})-[:TREATS]->(d:Disease) RETURN d.id AS id"
    )
    assert [r["id"] for r in treats] == ["MONDO:0005105"]


def test_schema_is_made_on_first_use(neo4j_store, neo4j_driver):
    records, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD labelsOrTypes, properties RETURN labelsOrTypes, properties"
    )
    constraints = {(r["labelsOrTypes"][0], tuple(r["properties"])) for r in records}
    assert ("NamedThing", ("id",)) in constraints
    assert ("KgtwinAlias", ("alias",)) in constraints
    records, _, _ = neo4j_driver.execute_query(
        "SHOW INDEXES YIELD labelsOrTypes, properties WHERE labelsOrTypes = ['NamedThing'] "
        "RETURN properties"
    )
    assert {tuple(r["properties"]) for r in records} >= {("id",), ("name",), ("xrefs",)}


def test_record_values_never_become_cypher(neo4j_store):
    payload = "x'}) DETACH DELETE n WITH 1 AS x MATCH (m) DETACH DELETE m //"
    nasty = Node("HGNC:6407", "biolink:Gene", payload, properties={"note": payload,
                 "nested": {"a": [1, "b"]}, "id": "shadow", "empty": []})  # fmt: skip
    neo4j_store.load(aligned([*RECORDS, nasty]), source())
    neo4j_store.load(
        [Edge("HGNC:6407", "biolink:regulates", "HGNC:1097", {DIRECTION: UP}, {"why": payload})],
        source("b", checksum="b"),
    )
    node = neo4j_store.node("HGNC:6407")
    assert node.name == payload
    assert dict(node.properties) == {
        "note": payload, "nested": {"a": [1, "b"]}, "id": "shadow", "empty": []}  # fmt: skip
    assert neo4j_store.counts().nodes == 5
    (edge,) = neo4j_store.edges(subject="HGNC:6407")
    assert edge.properties["why"] == payload


def test_unaligned_predicates_travel_as_related_to(neo4j_store, neo4j_driver):
    neo4j_store.load([Edge("HGNC:1097", "umls:C0001", "HGNC:6840", aligned=False)], source())
    records, _, _ = neo4j_driver.execute_query(
        "MATCH ()-[r:RELATED_TO]->() RETURN r.predicate AS p, r.aligned AS aligned"
    )
    assert [(r["p"], r["aligned"]) for r in records] == [("umls:C0001", False)]
    (edge,) = neo4j_store.edges()
    assert (edge.predicate, edge.aligned) == ("umls:C0001", False)


def test_push_and_pull_keep_the_graph_and_its_provenance(neo4j_settings, empty_graph, tmp_path):
    local = tmp_path / "local"
    with EmbeddedStore(local) as store:
        store.load(aligned(RECORDS), source("signor"))
        store.load(aligned(RECORDS[4:5]), source("reactome", checksum="beef"))
        original = snapshot(store)
    env = {
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USERNAME": neo4j_settings.user,
        "NEO4J_PASSWORD": neo4j_settings.password,
    }
    runner = CliRunner()
    pushed = runner.invoke(cli, ["--store", str(local), "push"], env=env)
    assert pushed.exit_code == 0, pushed.output
    assert "copied   signor 1" in pushed.output and "4 nodes and 3 edges" in pushed.output
    with Neo4jStore(neo4j_settings) as neo4j:
        assert snapshot(neo4j) == original
        checksum = neo4j.checksum()
    again = runner.invoke(cli, ["--store", str(local), "push"], env=env)
    assert "skipped  signor 1 (already there)" in again.output
    with Neo4jStore(neo4j_settings) as neo4j:
        assert neo4j.checksum() == checksum

    copy = tmp_path / "copy"
    pulled = runner.invoke(cli, ["--store", str(copy), "pull"], env=env)
    assert pulled.exit_code == 0, pulled.output
    with EmbeddedStore(copy) as store:
        assert snapshot(store) == original


def test_measurements_follow_their_node_when_ids_merge(neo4j_store, tmp_path):
    """The same loads give the same measurements on both back ends, re-keyed alike."""
    from kgtwin.model import Measurement

    loads = [
        [Node("KGTWIN.SAMPLE:S1", "biolink:MaterialSample", "S1"),
         Measurement("KGTWIN.SAMPLE:S1", "ENSEMBL:ENSG00000157764", "expression", 2.5, 1.1),
         Measurement("KGTWIN.SAMPLE:S1", "HGNC:6840", "expression", 0.5)],
        [Node("HGNC:1097", "biolink:Gene", "BRAF", xrefs=("ENSEMBL:ENSG00000157764",))],
        [Measurement("KGTWIN.SAMPLE:S1", "NCBIGene:673", "expression", 3.0)],
    ]  # fmt: skip
    with EmbeddedStore(tmp_path / "e") as embedded:
        for index, records in enumerate(loads):
            embedded.load(aligned(records), source(str(index), checksum=str(index)))
            neo4j_store.load(aligned(records), source(str(index), checksum=str(index)))
        expected = embedded.measurements()
        pd.testing.assert_frame_equal(neo4j_store.measurements(), expected)
        # NCBIGene:673 is BRAF's Entrez id: the gene index lands it on HGNC:1097 too,
        # where the later load's value replaces the earlier one.
        assert list(expected["feature"]) == ["HGNC:1097", "HGNC:6840"]
        by_gene = neo4j_store.measurements(feature="ENSEMBL:ENSG00000157764")
        assert list(by_gene["value"]) == [3.0]


def test_moved_edges_keep_every_property(neo4j_store, tmp_path):
    """Edges stated on an id that later folds into another node move whole."""
    loads = [
        [Edge("ENSEMBL:ENSG00000157764", "biolink:regulates", "HGNC:6840", {DIRECTION: UP},
              {"id": "shadow", "nested": {"a": 1}, "score": 0.4})],
        [Node("HGNC:1097", "biolink:Gene", "BRAF", xrefs=("ENSEMBL:ENSG00000157764",))],
    ]  # fmt: skip
    with EmbeddedStore(tmp_path / "e") as embedded:
        for index, records in enumerate(loads):
            embedded.load(aligned(records), source(str(index), checksum=str(index)))
            neo4j_store.load(aligned(records), source(str(index), checksum=str(index)))
        assert snapshot(neo4j_store) == snapshot(embedded)
    (edge,) = neo4j_store.edges()
    assert edge.subject == "HGNC:1097"
    assert dict(edge.properties) == {"id": "shadow", "nested": {"a": 1}, "score": 0.4}


def test_every_graph_command_works_on_neo4j_through_store_uri(
    neo4j_settings, empty_graph, tmp_path, data
):
    """`--store bolt://…` puts the same commands on Neo4j, with the same answers (loaded
    batch by batch there: `--commit batch`, which the embedded store refuses)."""
    env = {"NEO4J_USERNAME": neo4j_settings.user, "NEO4J_PASSWORD": neo4j_settings.password}
    files = [str(data / "core" / "nodes.tsv"), str(data / "core" / "edges.tsv")]
    runner = CliRunner()
    refused = runner.invoke(cli, ["--store", str(tmp_path / "embedded"), "load", "kgx", *files,
                                  "--commit", "batch"], env=env)  # fmt: skip
    assert refused.exit_code != 0 and "for Neo4j stores" in refused.output
    answers = []
    for where, commit in ((str(tmp_path / "embedded"), "load"), (neo4j_settings.uri, "batch")):
        loaded = runner.invoke(
            cli, ["--store", where, "load", "kgx", *files, "--commit", commit], env=env
        )
        assert loaded.exit_code == 0, loaded.output
        status = runner.invoke(cli, ["--store", where, "status", "--json"], env=env)
        node = runner.invoke(cli, ["--store", where, "node", "ncbigene:673", "--json"], env=env)
        near = runner.invoke(cli, ["--store", where, "neighbors", "HGNC:1097", "--json"], env=env)
        assert status.exit_code == node.exit_code == near.exit_code == 0, status.output
        answers.append([_without_times(json.loads(r.output)) for r in (status, node, near)])
    assert answers[0] == answers[1]


def _without_times(data):
    """Provenance and ledger carry load times, which differ between the two loads."""
    if isinstance(data, dict):
        return {k: _without_times(v) for k, v in data.items() if k not in ("loaded_at", "path")}
    if isinstance(data, list):
        return [_without_times(v) for v in data]
    return data
