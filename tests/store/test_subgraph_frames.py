"""Subgraphs as data: ``subgraph_frames`` holds exactly the nodes and edges of
``subgraph``, on every back end, without networkx objects."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgtwin.model import DIRECTION, DOWN, UP, Edge, Node
from kgtwin.store import EmbeddedStore, sqlite_subgraph
from kgtwin.store.frames import SUBGRAPH_EDGE_COLUMNS, SUBGRAPH_NODE_COLUMNS
from kgtwin.store.sqlite_adjacency import Adjacency
from tests.store.records import RECORDS, aligned, source


def as_sets(graph) -> tuple[set, set]:
    """A networkx subgraph's nodes (id, category, name) and edges."""
    nodes = {(id, data.get("category"), data.get("name")) for id, data in graph.nodes(data=True)}
    edges = {
        (key, s, data["predicate"], o, tuple(sorted(data["edge"].qualifiers.items())))
        for s, o, key, data in graph.edges(keys=True, data=True)
    }
    return nodes, edges


def frame_sets(frames) -> tuple[set, set]:
    nodes = set(frames.nodes.itertuples(index=False, name=None))
    edges = {(k, s, p, o, tuple(sorted(q.items())))
             for k, s, p, o, q in frames.edges.itertuples(index=False, name=None)}
    return nodes, edges


@pytest.mark.parametrize(
    ("seeds", "hops", "predicates"),
    [
        (["MONDO:0005105"], 1, None),
        (["MONDO:0005105"], 2, None),
        (["DOID:1909", "HGNC:6840"], 3, None),  # an xref finds its node
        (["HGNC:1097"], 3, ["biolink:regulates"]),
    ],
)
def test_frames_hold_the_subgraph(store, seeds, hops, predicates):
    store.load(aligned(RECORDS), source())
    graph = store.subgraph(seeds, hops=hops, predicates=predicates)
    frames = store.subgraph_frames(seeds, hops=hops, predicates=predicates)
    assert list(frames.nodes.columns) == SUBGRAPH_NODE_COLUMNS
    assert list(frames.edges.columns) == SUBGRAPH_EDGE_COLUMNS
    assert frames.nodes["id"].tolist() == sorted(frames.nodes["id"])
    assert frame_sets(frames) == as_sets(graph)


def test_frames_of_the_named_example(store):
    store.load(aligned(RECORDS), source())
    frames = store.subgraph_frames(["HGNC:1097"], hops=1)
    assert frames.nodes["name"].tolist() == ["vemurafenib", "BRAF", "MAP2K1"]
    signed = frames.edges.set_index("object")["qualifiers"].to_dict()
    assert signed == {"HGNC:1097": {DIRECTION: DOWN}, "HGNC:6840": {DIRECTION: UP}}


_IDS = [f"HGNC:{n}" for n in range(1, 9)]
_edges = st.lists(
    st.tuples(st.sampled_from(_IDS),
              st.sampled_from(["biolink:regulates", "biolink:interacts_with"]),
              st.sampled_from(_IDS), st.sampled_from([None, UP, DOWN])),
    max_size=20,
)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edges=_edges, seed=st.sampled_from(_IDS), hops=st.integers(1, 3),
       regulates_only=st.booleans())
def test_frames_equal_the_subgraph_on_random_graphs(tmp_path_factory, edges, seed, hops,
                                                     regulates_only):
    records = [Node(id, "biolink:Gene", f"gene {id}") for id in _IDS]
    records += [Edge(s, p, o, {DIRECTION: sign} if sign else None) for s, p, o, sign in edges]
    predicates = ["biolink:regulates"] if regulates_only else None
    with EmbeddedStore(tmp_path_factory.mktemp("random")) as store:
        store.load(aligned(records), source())
        expected = as_sets(store.subgraph([seed], hops=hops, predicates=predicates))
        by_sql = store.subgraph_frames([seed], hops=hops, predicates=predicates)
        assert frame_sets(by_sql) == expected
        sqlite_subgraph._indexes[store] = Adjacency.read(store.db, store.revision())
        by_index = store.subgraph_frames([seed], hops=hops, predicates=predicates)
        assert frame_sets(by_index) == expected
        for column in ("id", "category", "name"):
            assert by_index.nodes[column].tolist() == by_sql.nodes[column].tolist()
        assert by_index.edges["key"].tolist() == by_sql.edges["key"].tolist()


def test_a_large_walk_builds_the_index_and_a_load_retires_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_subgraph, "INDEX_AFTER_EDGES", 2)
    with EmbeddedStore(tmp_path / "store") as store:
        store.load(aligned(RECORDS), source())
        first = store.subgraph_frames(["HGNC:1097"], hops=2)
        index = sqlite_subgraph._indexes[store]
        assert index.revision == store.revision()
        again = store.subgraph_frames(["HGNC:1097"], hops=2)
        assert frame_sets(again) == frame_sets(first)
        extra = Node("HGNC:3236", "biolink:Gene", "EGFR")
        store.load(aligned([extra, Edge("HGNC:3236", "biolink:regulates", "HGNC:1097")]),
                   source("more"))
        after = store.subgraph_frames(["HGNC:1097"], hops=1)  # the old index is not used
        assert "HGNC:3236" in set(after.nodes["id"])
        assert sqlite_subgraph._indexes[store].revision == store.revision()
        assert frame_sets(after) == as_sets(store.subgraph(["HGNC:1097"], hops=1))
