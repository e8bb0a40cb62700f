"""Property tests: whatever the graph, a split never leaks and never strands an entity."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.embed.split import edge_split, entity_split
from kgtwin.embed.triples import GraphTriples, parse_reference

ENTITIES = [f"E:{i}" for i in range(8)]
RELATIONS = ["biolink:treats", "biolink:treated_by", "biolink:affects[decreased]",
             "biolink:related_to"]

triples = st.lists(
    st.tuples(st.sampled_from(ENTITIES), st.sampled_from(RELATIONS), st.sampled_from(ENTITIES)),
    min_size=4, max_size=40, unique=True,
).filter(lambda rows: any(r == "biolink:treats" for _, r, _ in rows))


def graph_of(rows, derive: bool) -> GraphTriples:
    array = np.array(rows, dtype=str)
    derived = {}
    if derive:  # related_to statements derive from one or two treats statements
        treats = [(s, r, o) for s, r, o in rows if r == "biolink:treats"]
        derived = {i: tuple(treats[: 1 + i % 2]) for i, (_, r, _) in enumerate(rows)
                   if r == "biolink:related_to"}
    entities = set(array[:, 0]) | set(array[:, 2])
    return GraphTriples(array, {e: "biolink:NamedThing" for e in entities},
                        {e: None for e in entities}, derived)


@settings(max_examples=150, deadline=None)
@given(rows=triples, seed=st.integers(0, 1000), derive=st.booleans(),
       by_entity=st.booleans())
def test_splits_never_leak_and_keep_every_held_out_entity(rows, seed, derive, by_entity):
    graph = graph_of(rows, derive)
    split = (entity_split(graph, ["biolink:treats"], seed=seed, test_fraction=0.5)
             if by_entity else edge_split(graph, ["biolink:treats"], seed=seed, test_fraction=0.5))
    train = set(split.train.tolist())
    held = set(split.test.tolist()) | set(split.valid.tolist())
    assert not train & held
    held_pairs = {frozenset((graph.triples[i, 0], graph.triples[i, 2])) for i in held}
    for i in train:
        s, _, o = graph.triples[i]
        assert frozenset((s, o)) not in held_pairs
    trained_on = set(graph.triples[split.train][:, [0, 2]].ravel()) if len(train) else set()
    for i in held:
        assert {graph.triples[i, 0], graph.triples[i, 2]} <= trained_on
    out = set(range(len(graph))) - train
    for i, refs in graph.derived.items():
        sources = [j for j, row in enumerate(graph.triples.tolist()) if tuple(row) in refs]
        if all(j in out for j in sources):  # every source gone: the derived one goes too
            assert i not in train
    accounted = len(train) + len(held) + split.removed_for_leakage
    assert accounted == len(graph)


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc")),
                        min_size=1, max_size=12), min_size=1, max_size=5))
def test_statement_references_parse_only_with_three_parts(parts):
    parsed = parse_reference(" ".join(parts))
    words = " ".join(parts).split()
    assert (parsed is not None) == (len(words) == 3)
    if parsed:
        assert list(parsed) == words
