"""A Neo4j graph written under schema 1 (Biolink mixins as labels) is upgraded on open:
the mixin labels go, everything else stays, and the reads and the examples agree."""

from __future__ import annotations

import pytest

from kgtwin.biolink import default_biolink
from kgtwin.neo4j.store import SCHEMA_VERSION, Neo4jStore
from kgtwin.neo4j.upgrade import stale_labels
from tests.store.records import RECORDS, aligned, source

pytestmark = pytest.mark.neo4j


def _labels(driver) -> dict[str, set[str]]:
    records, _, _ = driver.execute_query(
        "MATCH (n:NamedThing) RETURN n.id AS id, labels(n) AS labels")
    return {r["id"]: set(r["labels"]) for r in records}


def test_a_schema_1_graph_loses_its_mixin_labels_on_open(empty_graph, neo4j_settings,
                                                         neo4j_driver):
    biolink = default_biolink()
    with Neo4jStore(neo4j_settings) as store:
        store.load(aligned(RECORDS), source())
        before = sorted((n.id, n.category, n.name) for n in store.nodes())
        gene_products = sorted(n.id for n in store.nodes(category="GeneOrGeneProduct"))
    current = _labels(neo4j_driver)
    # What kgtwin schema 1 wrote: every label of schema 2 plus the category's mixins.
    records, _, _ = neo4j_driver.execute_query("MATCH (n:NamedThing) RETURN n.id, n.category")
    for node_id, category in records:
        neo4j_driver.execute_query("MATCH (n:NamedThing {id: $id}) SET n:$($extra)",
                                   id=node_id, extra=stale_labels(biolink, category))
    neo4j_driver.execute_query("MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.schema = '1'")
    old = _labels(neo4j_driver)
    assert any("GeneOrGeneProduct" in labels for labels in old.values())

    with Neo4jStore(neo4j_settings) as store:
        assert sorted((n.id, n.category, n.name) for n in store.nodes()) == before
        # Mixins stay queryable through the category: the same answer as before.
        assert sorted(n.id for n in store.nodes(category="GeneOrGeneProduct")) == gene_products
    assert _labels(neo4j_driver) == current
    records, _, _ = neo4j_driver.execute_query("MATCH (m:KgtwinMeta) RETURN m.schema AS s")
    assert records[0]["s"] == SCHEMA_VERSION
    records, _, _ = neo4j_driver.execute_query("MATCH (g:Gene) RETURN count(g) AS n")
    assert records[0]["n"] > 0


def test_an_unknown_schema_is_refused(empty_graph, neo4j_settings, neo4j_driver):
    from kgtwin.errors import StoreError

    Neo4jStore(neo4j_settings).close()
    neo4j_driver.execute_query("MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.schema = '9'")
    with pytest.raises(StoreError, match="schema 9, this kgtwin reads 2"):
        Neo4jStore(neo4j_settings)
