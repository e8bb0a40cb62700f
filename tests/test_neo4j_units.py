"""Parts of the Neo4j back end that need no server: parsing, settings, config."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from kgtwin.neo4j.errors import Neo4jConnectionError, QueryError
from kgtwin.neo4j.examples import examples
from kgtwin.neo4j.query import format_frame, parse_params, write_clauses
from kgtwin.neo4j.server import LocalServer, ServerConfig
from kgtwin.neo4j.settings import Neo4jSettings


@pytest.mark.parametrize(
    ("cypher", "found"),
    [
        ("MATCH (n) RETURN n", []),
        ("MATCH (n) WHERE n.name = 'Set' RETURN n.set, $merge", []),
        ("MATCH (n:`CREATE`) // DELETE it\nRETURN n /* DROP */", []),
        ('RETURN "it\'s a \\"MERGE\\""', []),
        ("match (n) set n.x = 1", ["SET"]),
        ("MATCH (n) DETACH DELETE n", ["DETACH", "DELETE"]),
        ("LOAD  CSV FROM 'file:///x' AS row RETURN row", ["LOAD CSV"]),
        ("CREATE INDEX FOR (n:Gene) ON (n.id)", ["CREATE"]),
        ("CALL { MATCH (n) DELETE n } IN TRANSACTIONS", ["DELETE", "IN TRANSACTIONS"]),
    ],
)
def test_write_clauses(cypher, found):
    assert write_clauses(cypher) == found


def test_parse_params():
    assert parse_params(["id=HGNC:1097", "n=5", "ok=true", 's="5"', 'ids=["a","b"]', "e="]) == {
        "id": "HGNC:1097",
        "n": 5,
        "ok": True,
        "s": "5",
        "ids": ["a", "b"],
        "e": "",
    }
    assert parse_params(["q=a=b"]) == {"q": "a=b"}
    for bad in ["novalue", "1x=2", "a-b=1", "=x"]:
        with pytest.raises(QueryError):
            parse_params([bad])


def test_format_frame():
    frame = pd.DataFrame([{"a": 1, "l": ["x", "y"]}])
    assert json.loads(format_frame(frame, "json")) == [{"a": 1, "l": ["x", "y"]}]
    assert format_frame(frame, "csv") == 'a,l\n1,"[""x"", ""y""]"'
    assert format_frame(pd.DataFrame(columns=["a"]), "table") == "(no rows)"
    with pytest.raises(QueryError):
        format_frame(frame, "xml")


def test_settings_precedence(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "password").write_text("from-file-123\n")
    local = Neo4jSettings.resolve(home=home, env={})
    assert (local.uri, local.user, local.password) == (
        "bolt://127.0.0.1:7687",
        "neo4j",
        "from-file-123",
    )
    env = {"NEO4J_URI": "neo4j://db:7687", "NEO4J_USERNAME": "u", "NEO4J_PASSWORD": "p-env"}
    from_env = Neo4jSettings.resolve(home=home, env=env)
    assert (from_env.uri, from_env.user, from_env.password) == ("neo4j://db:7687", "u", "p-env")
    explicit = Neo4jSettings.resolve("bolt://x:1", "me", "p-arg", "kg", home=home, env=env)
    assert (explicit.uri, explicit.user, explicit.password, explicit.database) == (
        "bolt://x:1",
        "me",
        "p-arg",
        "kg",
    )
    assert "p-arg" not in repr(explicit)


def test_local_password_never_goes_to_another_server(tmp_path):
    (tmp_path / "password").write_text("local-secret\n")
    remote = Neo4jSettings.resolve(home=tmp_path, env={"NEO4J_URI": "neo4j://db.example.org"})
    assert remote.password is None
    local = Neo4jSettings.resolve(home=tmp_path, env={"NEO4J_URI": "neo4j://localhost:7687"})
    assert local.password == "local-secret"


def test_settings_without_password_say_how(tmp_path):
    settings = Neo4jSettings.resolve(home=tmp_path, env={})
    with pytest.raises(Neo4jConnectionError, match="kgtwin neo4j start"):
        settings.driver()


def test_server_config_remembers_the_last_start(tmp_path):
    (tmp_path / "kgtwin-neo4j.json").write_text(json.dumps({"bolt_port": 17001, "heap": "2g"}))
    config = ServerConfig.load(tmp_path, http_port=17002)
    assert (config.bolt_port, config.http_port, config.heap) == (17001, 17002, "2g")
    assert config.bolt_uri == "bolt://127.0.0.1:17001"


def test_conf_listens_on_loopback_only(tmp_path):
    conf = LocalServer(ServerConfig.load(tmp_path, bolt_port=1, http_port=2))._neo4j_conf()
    addresses = [line for line in conf.splitlines() if "_address=" in line]
    assert addresses and all("127.0.0.1" in line for line in addresses)
    assert "dbms.security.auth_enabled=true" in conf


def test_status_of_a_home_that_never_ran(tmp_path):
    status = LocalServer(ServerConfig.load(tmp_path, bolt_port=1)).status()
    assert not status.running and status.password_file is None


def test_examples_are_read_only():
    assert len(examples()) == 4
    assert all(not write_clauses(example.cypher) for example in examples())


def test_codec_round_trips_every_kind_of_value():
    from kgtwin.neo4j import codec

    properties = {
        "score": 0.5, "n": 3, "ok": True, "text": "a'b", "tags": ["x", "y"],
        "nested": {"a": [1, "b"]}, "mixed": [1, "a"], "empty": [], "none": None,
        "id": "shadow", "kgtwin_sources": "shadow too", "big": 2**70,
    }  # fmt: skip
    stored, json_keys = codec.encode(properties)
    assert stored["score"] == 0.5 and stored["tags"] == ["x", "y"]
    assert "id" not in stored and stored["kgtwin_x_id"] == "shadow"
    assert set(json_keys) == {"nested", "mixed", "empty", "none", "big"}
    raw = {**stored, codec.JSON_KEYS: json_keys, "id": "HGNC:1", "kgtwin_sources": [1]}
    assert codec.decode(raw) == properties


def test_codec_labels_and_types_come_from_biolink():
    from kgtwin.biolink import default_biolink
    from kgtwin.errors import VocabularyError
    from kgtwin.neo4j import codec

    biolink = default_biolink()
    gene = codec.labels(biolink, "biolink:Gene")
    # The category and its is_a chain, most specific first; mixins are not labels.
    assert gene == ("Gene", "BiologicalEntity", "NamedThing", "Entity")
    assert "ChemicalEntity" in codec.labels(biolink, "biolink:Drug")
    assert "DiseaseOrPhenotypicFeature" in codec.labels(biolink, "biolink:Disease")
    assert codec.labels(biolink, "madeup:Thing") == codec.labels(biolink, "NamedThing")
    assert "NamedThing" in codec.labels(biolink, "madeup:Thing")
    # What the schema 1 -> 2 upgrade removes: the mixins, never a class label.
    from kgtwin.neo4j.upgrade import stale_labels

    stale = stale_labels(biolink, "biolink:Gene")
    assert {"GeneOrGeneProduct", "ThingWithTaxon"} <= set(stale)
    assert not set(stale) & set(gene)
    assert stale_labels(biolink, "madeup:Thing") == []
    assert codec.relationship_type(biolink, "biolink:treats") == "TREATS"
    assert codec.relationship_type(biolink, "umls:x") == "RELATED_TO"
    for bad in ["TREATS]->() DETACH DELETE n //", "treats", "A-B", ""]:
        with pytest.raises(VocabularyError):
            codec.check_type(bad)


def test_store_locations_that_are_neo4j_uris(tmp_path):
    from pathlib import Path

    from kgtwin.store import EmbeddedStore, neo4j_uri, open_store

    # click's Path type collapses '//': the URI must survive that.
    assert neo4j_uri(Path("bolt://127.0.0.1:7687")) == "bolt://127.0.0.1:7687"
    assert neo4j_uri("neo4j+s://db.example.org:7687") == "neo4j+s://db.example.org:7687"
    assert neo4j_uri(tmp_path / "bolt-store") is None
    assert neo4j_uri("kgtwin-store") is None
    with open_store(tmp_path / "bolt-store") as store:
        assert isinstance(store, EmbeddedStore)
