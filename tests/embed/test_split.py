"""Splits: held-out statements leave training with everything that leaks them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kgtwin.embed.split import edge_split, entity_split, explicit_split
from kgtwin.embed.triples import base_predicate, triples_from_labels, triples_from_store
from kgtwin.errors import KgTwinError
from kgtwin.model import KNOWLEDGE_LEVEL, PREDICTED, Edge
from kgtwin.store.base import SourceInfo

TREATS = "biolink:treats"


def pairs(graph, indices):
    return {frozenset((s, o)) for s, _, o in graph.triples[indices].tolist()}


def test_triples_keep_direction_categories_and_provenance(store):
    graph = triples_from_store(store)
    relations = set(graph.relations)
    assert "biolink:affects[decreased]" in relations
    assert "biolink:affects[increased]" in relations
    assert graph.categories["HGNC:3236"] == "biolink:Gene"
    assert graph.categories["MONDO:0005148"] == "biolink:Disease"
    assert graph.names["CHEBI:6801"] == "metformin"
    # propagated indications name the statement they were derived from
    assert any(key[1] == TREATS for refs in graph.derived.values() for key in refs)
    assert graph.store_checksum == store.checksum()


def test_triples_leave_out_predictions_and_filter_predicates(store):
    before = triples_from_store(store)
    store.load(
        [Edge("CHEBI:6801", TREATS, "MONDO:0004975", qualifiers={KNOWLEDGE_LEVEL: PREDICTED})],
        SourceInfo("kgtwin.embed:test", "1", "x", "kgtwin.embed"),
    )
    assert len(triples_from_store(store)) == len(before)
    only = triples_from_store(store, ["treats"])
    assert {base_predicate(r) for r in only.relations} == {TREATS}


INDICATIONS = """doid_id\tdrugbank_id\tdisease\tdrug\tcategory
DOID:10652\tDB00843\tAlzheimer's disease\tDonepezil\tDM
DOID:10652\tDB00810\tAlzheimer's disease\tBiperiden\tNOT
DOID:10652\tDB00674\tAlzheimer's disease\tGalantamine\tSYM
"""


@pytest.mark.parametrize("predicates", [None, ["biolink:related_to"],
                                        ["biolink:treats", "biolink:related_to"]])
def test_negated_statements_never_train_whatever_the_predicates(tmp_path, predicates):
    from kgtwin.load import load_files
    from kgtwin.store import open_store

    (tmp_path / "indications.tsv").write_text(INDICATIONS)
    with open_store(tmp_path / "store") as store:
        load_files(store, "drug-indications", [tmp_path / "indications.tsv"])
        # the NOT row is in the store as a negated related_to, and a KGX-style negated
        # treats statement (text "true") beside it
        assert any(e.properties.get("negated") is True for e in store.edges())
        store.load([Edge("DRUGBANK:DB00674", TREATS, "DOID:10652",
                         properties={"negated": "true"})],
                   SourceInfo("test:negated", "1", "x", "test"))
        graph = triples_from_store(store, predicates)
    pairs_trained = {(s, o) for s, _, o in graph.triples.tolist()}
    assert ("DRUGBANK:DB00810", "DOID:10652") not in pairs_trained  # NOT: never trained
    rows = set(map(tuple, graph.triples.tolist()))
    # related_to names its Biolink descendants too: the asserted treats statement trains
    assert ("DRUGBANK:DB00843", TREATS, "DOID:10652") in rows
    assert ("DRUGBANK:DB00674", TREATS, "DOID:10652") not in rows  # negated treats


def test_negated_treats_is_no_known_link_for_predictions(trained, tmp_path):
    """A negated statement added after training does not hide a candidate as known."""
    import shutil

    from kgtwin.embed.predict import Predictor
    from kgtwin.store import open_store

    store_path, model_dir = trained
    copy = tmp_path / "store"
    (shutil.copytree if store_path.is_dir() else shutil.copy)(store_path, copy)
    with open_store(copy) as store:
        before = Predictor.open(model_dir, store).rank(
            "MONDO:0005148", TREATS, "head", k=50, explain=False)
        negated, asserted = before["candidate"].iloc[0], before["candidate"].iloc[1]
        store.load([Edge(negated, TREATS, "MONDO:0005148", properties={"negated": True}),
                    Edge(asserted, TREATS, "MONDO:0005148")],
                   SourceInfo("test:after-training", "1", "x", "test"))
        after = Predictor.open(model_dir, store).rank(
            "MONDO:0005148", TREATS, "head", k=50, explain=False)
    assert negated in set(after["candidate"])  # a NOT statement is no known link
    assert asserted not in set(after["candidate"])  # an asserted one is


def test_edge_split_removes_every_statement_of_a_held_out_pair(store):
    graph = triples_from_store(store)
    split = edge_split(graph, seed=3)
    held = pairs(graph, np.concatenate([split.test, split.valid]))
    assert held and not held & pairs(graph, split.train)
    assert split.removed["inverse_or_duplicate"] > 0 or split.removed["derived"] > 0
    assert split.removed_for_leakage == sum(split.removed.values())
    # the inverse statements (treated_by) of held-out indications are gone from training
    inverse = {frozenset((s, o)) for s, r, o in graph.triples.tolist() if r == "biolink:treated_by"}
    assert not inverse & held & pairs(graph, split.train)


def test_edge_split_removes_statements_derived_from_held_out_ones(store):
    graph = triples_from_store(store)
    split = edge_split(graph, test_fraction=0.5, seed=1)
    train = set(split.train.tolist())
    keys = {(s, base_predicate(r), o): i for i, (s, r, o) in enumerate(graph.triples.tolist())}
    for index, references in graph.derived.items():
        sources = [keys[k] for k in references if k in keys]
        if sources and not set(sources) & train:
            assert index not in train
    assert split.removed["derived"] > 0


def test_derived_statement_leaves_only_when_all_its_sources_are_held_out():
    assoc, phenotype = "biolink:gene_associated_with_condition", "biolink:has_phenotype"
    rows = [("G:1", assoc, "D:1"), ("G:1", assoc, "D:2"), ("G:1", phenotype, "P:1"),
            ("G:1", phenotype, "P:2"), ("D:1", phenotype, "P:1"), ("D:2", phenotype, "P:1"),
            ("D:1", phenotype, "P:2"), ("G:2", assoc, "D:2"), ("G:2", phenotype, "P:1")]
    graph = triples_from_labels(rows)
    graph = replace(graph, derived={2: (rows[0], rows[1]), 3: (rows[0],), 8: (rows[7],)})
    _, one = explicit_split(graph, [rows[0]])
    assert 2 in one.train  # P:1 still comes from D:2, a training disease
    assert 3 not in one.train  # P:2 came from D:1 only
    assert one.removed["derived"] == 1 and one.kept["derived_still_supported"] == 1
    _, both = explicit_split(graph, [rows[0], rows[1]])
    assert 2 not in both.train and 3 not in both.train
    assert both.removed["derived"] == 2 and both.kept["derived_still_supported"] == 0


def test_every_held_out_entity_still_appears_in_training(store):
    graph = triples_from_store(store)
    for split in (edge_split(graph, seed=7), entity_split(graph, seed=7)):
        trained_on = set(graph.triples[split.train][:, [0, 2]].ravel())
        tested = set(graph.triples[split.test][:, [0, 2]].ravel())
        assert tested <= trained_on


def test_split_is_reproducible_and_seed_dependent(store):
    graph = triples_from_store(store)
    first, again = edge_split(graph, seed=11), edge_split(graph, seed=11)
    assert np.array_equal(first.test, again.test)
    assert not np.array_equal(first.test, edge_split(graph, seed=12).test)


def test_entity_split_holds_out_whole_diseases(store):
    graph = triples_from_store(store)
    split = entity_split(graph, [TREATS], side="object", test_fraction=0.3, seed=5)
    assert split.held_out_entities
    train = graph.triples[split.train]
    for disease in split.held_out_entities:
        assert not ((train[:, 1] == TREATS) & (train[:, 2] == disease)).any()
        assert disease in set(train[:, 0]) | set(train[:, 2])  # keeps its genes
    tested = set(graph.triples[split.test][:, 2])
    assert tested == set(split.held_out_entities)


def test_explicit_split_and_leak_switch():
    graph = triples_from_labels(
        [("a", "r", "b"), ("b", "inv_r", "a"), ("a", "s", "c"), ("b", "s", "c"),
         ("c", "r", "d"), ("d", "s", "a")]
    )
    extended, split = explicit_split(graph, [("a", "r", "b")], same_pair=True)
    assert split.test.tolist() == [0]
    assert 1 not in split.train and split.removed["inverse_or_duplicate"] == 1
    # by default a benchmark's training set stays as published (no same-pair removal)
    _, published = explicit_split(graph, [("a", "r", "b")])
    assert 1 in published.train and published.removed_for_leakage == 0
    _, kept = explicit_split(graph, [("a", "r", "b")], remove_leaks=False)
    assert 1 in kept.train and kept.removed_for_leakage == 0
    # a test statement not in the graph is added; one naming an unseen entity is dropped
    extended, split = explicit_split(graph, [("c", "r", "a"), ("zz", "r", "a")])
    assert len(split.test) == 1 and tuple(extended.triples[split.test[0]]) == ("c", "r", "a")


def test_split_without_task_statements_says_so(store):
    graph = triples_from_store(store)
    with pytest.raises(KgTwinError, match="task predicates"):
        edge_split(graph, ["biolink:physically_interacts_with"])


def test_derived_from_references_are_read_in_the_store_s_ids(tmp_path):
    """HPO names genes NCBIGene:N; the store keeps the canonical node (HGNC): every
    reference must still find its gene–disease statement, or nothing derived ever leaves."""
    from pathlib import Path

    from kgtwin.load import load_files
    from kgtwin.store import open_store

    hpo = Path(__file__).resolve().parents[1] / "data" / "embed" / "hpo"
    with open_store(tmp_path / "store") as store:
        load_files(store, "hpo-genes", [hpo / "genes_to_phenotype.txt"], source="hpo-genes",
                   version="test")
        graph = triples_from_store(store)
    assert not any(s.startswith("NCBIGene:") for s in graph.triples[:, 0])  # canonicalised
    keys = {(s, base_predicate(r), o) for s, r, o in graph.triples.tolist()}
    references = [key for refs in graph.derived.values() for key in refs]
    assert references and all(key in keys for key in references)
