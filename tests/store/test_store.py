"""The store contract, run on every back end (see conftest.BACKENDS)."""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgtwin.errors import NotFoundError
from kgtwin.model import DIRECTION, UP, Edge, Node
from tests.store.conftest import WHOLE_LOADS
from tests.store.records import (
    BRAF,
    MAP2K1,
    RAF_MEK,
    RECORDS,
    VEM_BRAF,
    aligned,
    source,
)


def snapshot(store):
    nodes = sorted((n.id, n.category, n.name, n.xrefs, dict(n.properties)) for n in store.nodes())
    edges = sorted(
        (e.subject, e.predicate, e.object, tuple(sorted(e.qualifiers.items())),
         tuple(sorted(e.properties.items())))
        for e in store.edges()
    )
    return nodes, edges


def test_load_is_idempotent(store):
    store.load(aligned(RECORDS), source())
    first = snapshot(store)
    store.load(aligned(RECORDS), source())
    assert snapshot(store) == first
    assert store.counts().nodes == 4
    assert store.counts().edges == 3


def test_second_source_adds_provenance_not_duplicates(store):
    store.load(aligned(RECORDS), source("signor"))
    store.load(aligned([RAF_MEK]), source("reactome", checksum="beef"))
    edges = list(store.edges(predicate="biolink:regulates"))
    assert len(edges) == 1
    assert sorted(p.source for p in edges[0].provenance) == ["reactome", "signor"]


def test_conflicting_properties_latest_source_wins_key_by_key(store):
    store.load([Edge("HGNC:1097", "biolink:regulates", "HGNC:6840", {DIRECTION: UP},
                     {"score": 0.5, "evidence": "PMID:1"})], source("a"))
    store.load([Edge("HGNC:1097", "biolink:regulates", "HGNC:6840", {DIRECTION: UP},
                     {"score": 0.8})], source("b", checksum="2"))
    (edge,) = store.edges()
    assert dict(edge.properties) == {"score": 0.8, "evidence": "PMID:1"}


#: Property maps one edge may be stated with: lists and multivalued keys accumulate,
#: scalars and maps (JSON text in Neo4j) go to the latest statement.
_STATED_PROPERTIES = st.fixed_dictionaries({}, optional={
    "publications": st.one_of(st.sampled_from(["PMID:1", "PMID:2"]),
                              st.lists(st.sampled_from(["PMID:1", "PMID:2", "PMID:3"]),
                                       min_size=1, max_size=3)),
    "source": st.sampled_from(["infores:a", "infores:b"]),
    "tags": st.lists(st.sampled_from(["x", "y"]), min_size=1, max_size=2),
    "score": st.sampled_from([0.5, 0.8]),
    "meta": st.sampled_from([{"a": 1}, {"b": 2}]),
})


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(stated=st.lists(_STATED_PROPERTIES, min_size=1, max_size=4), one_load=st.booleans())
def test_list_properties_accumulate_on_one_edge(make_store, stated, one_load):
    """Every back end folds a node's and an edge's statements by the one merge rule
    (:func:`kgtwin.model.merge_properties`), in one load or across loads."""
    from functools import reduce

    from kgtwin.model import merge_properties

    statements = [[Node("HGNC:1097", "biolink:Gene", "BRAF", properties=props),
                   Edge("HGNC:1097", "biolink:regulates", "HGNC:6840", {DIRECTION: UP}, props)]
                  for props in stated]
    store = make_store()
    if one_load:
        store.load([r for pair in statements for r in pair], source())
    else:
        for index, pair in enumerate(statements):
            store.load(pair, source(str(index), checksum=str(index)))
    (edge,) = store.edges()
    expected = reduce(merge_properties, stated, {})
    assert dict(edge.properties) == expected
    assert dict(store.node("HGNC:1097").properties) == expected


def test_property_values_keep_their_type_within_one_load(store):
    # Equal under ==, different in meaning: true, 1 and 1.0 must not share one text.
    values = [True, 1, 1.0, "1"]
    store.load([Edge("HGNC:1097", "biolink:related_to", f"HGNC:{6840 + i}", {},
                     {"flag": value}) for i, value in enumerate(values)], source())
    stored = {e.object: e.properties["flag"] for e in store.edges()}
    assert [stored[f"HGNC:{6840 + i}"] for i in range(4)] == values
    assert [type(stored[f"HGNC:{6840 + i}"]) for i in range(4)] == [bool, int, float, str]


def test_qualifiers_are_part_of_edge_identity(store):
    up = Edge("HGNC:1097", "biolink:regulates", "HGNC:6840", {DIRECTION: UP})
    down = Edge("HGNC:1097", "biolink:regulates", "HGNC:6840", {DIRECTION: "decreased"})
    store.load([up, down], source())
    assert sorted(e.sign for e in store.edges()) == [-1, 1]


def test_lookup_by_any_equivalent_id_in_any_spelling(store):
    store.load(aligned(RECORDS), source())
    for alias in ("HGNC:1097", "hgnc:1097", "NCBIGene:673", "ncbigene:673",
                  "ENSEMBL:ENSG00000157764"):
        assert store.node(alias).id == "HGNC:1097"
    assert store.node("DrugBank:DB08881").id == "CHEBI:63637"
    assert store.node("DOID:1909").name == "melanoma"
    assert store.node("HGNC:99999") is None


def test_edges_stated_with_other_ids_point_to_the_preferred_node(store):
    store.load(aligned(RECORDS), source())
    restated = Edge("DrugBank:DB08881", "treats", "DOID:1909")
    store.load(aligned([restated]), source("x", checksum="1"))
    assert store.counts().edges == 3
    (edge,) = store.edges(predicate="biolink:treats")
    assert (edge.subject, edge.object) == ("CHEBI:63637", "MONDO:0005105")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(5)))
def test_equivalence_merge_does_not_depend_on_load_order(make_store, order):
    """Ensembl-named edges and nodes loaded before or after HGNC's record end the same."""
    records = [
        Node("ENSEMBL:ENSG00000157764", "biolink:Gene", "ENSG name"),
        Edge("ENSEMBL:ENSG00000157764", "biolink:regulates", "NCBIGene:5604", {DIRECTION: UP}),
        BRAF,
        MAP2K1,
        Node("UniProtKB:P15056", "biolink:Protein", "B-Raf", xrefs=("HGNC:1097",)),
    ]
    store = make_store()
    for index in order:
        store.load(aligned([records[index]]), source(str(index), checksum=str(index)))
    node = store.node("UniProtKB:P15056")
    assert node.id == "HGNC:1097"
    assert node.category == "biolink:Gene"
    assert node.name == "BRAF"
    assert set(node.xrefs) >= {"NCBIGene:673", "ENSEMBL:ENSG00000157764", "UniProtKB:P15056"}
    (edge,) = store.edges()
    assert (edge.subject, edge.object) == ("HGNC:1097", "HGNC:6840")
    assert store.counts().nodes == 2


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(3)))
def test_a_term_is_named_by_its_own_id_not_an_alt_id(make_store, order):
    """DO's lymphoma DOID:0060058 lists alt_ids DOID:1033 and DOID:353 (which sort
    first): whatever names the old ids, before or after, the node is DOID:0060058."""
    records = [
        Node("DOID:0060058", "biolink:Disease", "lymphoma", xrefs=("DOID:353", "DOID:1033"),
             properties={"alt_ids": ["DOID:1033", "DOID:353"]}),
        Node("DOID:353", "biolink:Disease", "lymphoma (an old id)"),
        Edge("CHEBI:63637", "biolink:treats", "DOID:1033"),
    ]
    store = make_store()
    for index in order:
        store.load(aligned([records[index]]), source(str(index), checksum=str(index)))
    assert store.node("DOID:353").id == store.node("DOID:1033").id == "DOID:0060058"
    assert store.node("DOID:0060058").name == "lymphoma"
    assert [e.object for e in store.edges(subject="CHEBI:63637")] == ["DOID:0060058"]


def test_category_queries_include_descendants(store):
    store.load(aligned(RECORDS), source())
    chemicals = [n.id for n in store.nodes(category="biolink:ChemicalEntity")]
    assert chemicals == ["CHEBI:63637"]
    assert {n.id for n in store.nodes(category="Gene")} == {"HGNC:1097", "HGNC:6840"}


def test_neighbors_filter_by_predicate_category_and_direction(store):
    store.load(aligned(RECORDS), source())
    around = store.neighbors("HGNC:1097")
    assert {(n.node.id, n.direction) for n in around} == {
        ("HGNC:6840", "out"), ("CHEBI:63637", "in")}
    drugs = store.neighbors("HGNC:1097", category="ChemicalEntity")
    assert [n.node.name for n in drugs] == ["vemurafenib"]
    assert store.neighbors("HGNC:1097", direction="out")[0].edge.sign == 1
    assert store.neighbors("HGNC:1097", predicate="biolink:treats") == []
    with pytest.raises(NotFoundError):
        store.neighbors("HGNC:99999")


def test_subgraph_around_seeds_is_a_networkx_multidigraph(store):
    store.load(aligned(RECORDS), source())
    one = store.subgraph(["MONDO:0005105"], hops=1)
    assert set(one.nodes) == {"MONDO:0005105", "CHEBI:63637"}
    two = store.subgraph(["MONDO:0005105"], hops=2)
    assert set(two.nodes) == {"MONDO:0005105", "CHEBI:63637", "HGNC:1097"}
    assert two.nodes["HGNC:1097"]["name"] == "BRAF"
    assert two.number_of_edges() == 2
    signed = store.subgraph(["HGNC:1097"], hops=3, predicates=["biolink:regulates"])
    assert set(signed.nodes) == {"HGNC:1097", "HGNC:6840"}


def test_paths_between_two_nodes_up_to_a_length(store):
    store.load(aligned(RECORDS), source())
    found = store.paths("MONDO:0005105", "HGNC:6840", max_length=3)
    assert [[(e.subject, e.object) for e in p] for p in found] == [
        [("CHEBI:63637", "MONDO:0005105"), ("CHEBI:63637", "HGNC:1097"),
         ("HGNC:1097", "HGNC:6840")]
    ]
    assert store.paths("MONDO:0005105", "HGNC:6840", max_length=2) == []


def test_counts_and_frames(store):
    store.load(aligned(RECORDS), source())
    counts = store.counts()
    assert counts.nodes_by_category == {
        "biolink:Gene": 2, "biolink:Drug": 1, "biolink:Disease": 1}
    assert counts.edges_by_predicate["biolink:treats"] == 1
    nodes = store.nodes_frame()
    assert list(nodes.columns[:3]) == ["id", "category", "name"]
    assert len(nodes) == 4
    edges = store.edges_frame(predicate="biolink:regulates")
    assert edges.loc[0, "qualifiers"] == {DIRECTION: UP}


def test_remove_source_withdraws_only_its_statements(store):
    store.load(aligned(RECORDS), source("curated"))
    predicted = Edge(
        "CHEBI:63637", "biolink:treats", "HGNC:6840", {"knowledge_level": "prediction"}
    )
    store.load([predicted, VEM_BRAF], source("model-1", checksum="m1"))
    assert store.counts().edges == 4
    assert store.remove_source("model-1") == 1
    assert store.counts().edges == 3
    (edge,) = store.edges(predicate="biolink:affects")
    assert [p.source for p in edge.provenance] == ["curated"]


@pytest.mark.parametrize("make_store", WHOLE_LOADS, indirect=True)
def test_a_failed_load_leaves_the_store_as_it_was(store):
    store.load(aligned(RECORDS), source())
    before = (snapshot(store), store.checksum(), len(store.ledger()))

    def broken():
        yield Node("HGNC:6407", "biolink:Gene", "KRAS")
        yield Edge("HGNC:6407", "biolink:regulates", "HGNC:1097")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        store.load(broken(), source("broken", checksum="b"))
    assert (snapshot(store), store.checksum(), len(store.ledger())) == before
    assert store.node("HGNC:6407") is None and store.incomplete_loads() == []


@pytest.mark.parametrize("make_store", ["neo4j-batch"], indirect=True)
@pytest.mark.neo4j
def test_a_load_committed_by_batch_that_failed_is_completed_by_loading_again(make_store):
    """Committed batches stay, the ledger does not list the load, and loading the source
    again gives the graph an uninterrupted load gives."""
    store = make_store()
    store.load(aligned(RECORDS), source())
    before = (len(store.ledger()), store.revision())
    more = [Node("HGNC:6407", "biolink:Gene", "KRAS"), Node("HGNC:1097", "biolink:Gene", "BRAF"),
            Edge("HGNC:6407", "biolink:regulates", "HGNC:1097", {DIRECTION: UP})]  # fmt: skip
    extra = source("extra", checksum="x")

    def broken():
        yield from more
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        store.load(broken(), extra)
    assert len(store.ledger()) == before[0] and not store.is_loaded(extra)
    assert [s.name for s in store.incomplete_loads()] == ["extra"]
    assert store.node("HGNC:6407") is not None  # its batch was committed
    assert store.revision() > before[1]  # caches see that the graph changed
    store.load(more, extra)
    assert store.is_loaded(extra) and store.incomplete_loads() == []
    completed = (snapshot(store), store.checksum())

    uninterrupted = make_store()  # on Neo4j: the same database, emptied
    uninterrupted.load(aligned(RECORDS), source())
    uninterrupted.load(more, extra)
    assert (snapshot(uninterrupted), uninterrupted.checksum()) == completed


@pytest.mark.parametrize("make_store", ["neo4j-batch"], indirect=True)
@pytest.mark.neo4j
def test_a_stopped_batch_load_leaves_no_trace_before_its_first_batch_or_once_removed(store):
    store.load(aligned(RECORDS), source())
    before = snapshot(store)

    def at_once():
        raise RuntimeError("unreadable file")
        yield  # pragma: no cover

    with pytest.raises(RuntimeError):
        store.load(at_once(), source("empty", checksum="e"))
    assert store.incomplete_loads() == []

    def halfway():
        yield Node("HGNC:6407", "biolink:Gene", "KRAS")
        yield Node("HGNC:6840", "biolink:Gene", "MAP2K1")
        yield Edge("HGNC:6407", "biolink:regulates", "HGNC:1097", {DIRECTION: UP})
        raise RuntimeError("bad line")

    with pytest.raises(RuntimeError):
        store.load(halfway(), source("half", checksum="h"))
    assert [s.name for s in store.incomplete_loads()] == ["half"]
    store.remove_source("half")  # takes its committed batches out again
    assert store.incomplete_loads() == [] and snapshot(store) == before


def test_a_load_pauses_the_cycle_collector_and_restores_it(store):
    """Millions of records go by in a big load: full collections would walk them all."""
    seen = []

    def watched(fail: bool):
        seen.append(gc.isenabled())
        yield from aligned(RECORDS)
        if fail:
            raise RuntimeError("bad record")

    assert gc.isenabled()
    store.load(watched(False), source())
    with pytest.raises(RuntimeError):
        store.load(watched(True), source("other", checksum="o"))
    assert seen == [False, False] and gc.isenabled()


def test_ledger_and_checksum_track_loads(store):
    empty = store.checksum()
    store.load(aligned(RECORDS), source())
    assert store.is_loaded(source())
    assert not store.is_loaded(source(version="2"))
    assert store.checksum() != empty
    (entry,) = store.ledger()
    assert (entry.source.name, entry.nodes, entry.edges) == ("demo", 4, 3)
