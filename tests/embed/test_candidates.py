"""One candidate rule: evaluation, the stacked ranker and predictions rank the same entities."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from kgtwin import embed
from kgtwin.embed import modeldir
from kgtwin.embed.candidates import UNCATEGORISED, CandidatePools, candidate_mask
from kgtwin.embed.evaluation import build_queries
from kgtwin.embed.stack import StackedScorer, feature_scorers


def by_rule(trained, relation: str, side: str) -> np.ndarray:
    """The documented rule, written out entity by entity."""
    triples = trained.graph.triples
    column = 0 if side == "head" else 2
    category = lambda e: trained.graph.categories.get(e) or UNCATEGORISED  # noqa: E731
    wanted = {category(e) for e in triples[triples[:, 1] == relation][:, column]}
    return np.array([category(e) in wanted for e in trained.id_to_entity])


@pytest.fixture(scope="module")
def uncategorised(trained):
    """The fixture's model with one drug and one gene that answer test questions left
    without a category (as a graph may leave an entity), in memory, before any save."""
    _, model_dir = trained
    loaded = modeldir.load(model_dir)
    test = loaded.graph.triples[loaded.split.test]
    treats = test[test[:, 1] == "biolink:treats"]
    strip = {treats[0, 0]}
    genes = [e for e, c in loaded.graph.categories.items() if c == "biolink:Gene"]
    strip.add(genes[0])
    categories = {e: c for e, c in loaded.graph.categories.items() if e not in strip}
    return replace(loaded, graph=replace(loaded.graph, categories=categories)), strip


def test_evaluation_stack_and_prediction_use_one_candidate_rule(uncategorised):
    trained, stripped = uncategorised
    queries = build_queries(trained)
    assert queries
    stacked = StackedScorer(trained, trained.stack, feature_scorers(trained))
    predictor = embed.Predictor(trained)
    labels = trained.id_to_entity
    for group in queries:
        expected = by_rule(trained, group.relation, group.side)
        assert np.array_equal(group.candidates, expected), group
        assert np.array_equal(stacked.pools.mask(group.relation, group.side), expected)
        assert np.array_equal(predictor.candidates(group.relation, group.side), expected)
        assert np.array_equal(candidate_mask(trained, group.relation, group.side), expected)
    # the category-less drug answers treats: it and the category-less gene are candidates
    # for treats subjects (both count as NamedThing), drugs stay, diseases are not
    subjects = predictor.candidates("biolink:treats", "head")
    assert all(subjects[trained.entity_to_id[e]] for e in stripped)
    assert not any(subjects[i] for i, e in enumerate(labels)
                   if trained.graph.categories.get(e) == "biolink:Disease")


def test_a_model_ranks_the_same_candidates_after_save_and_load(uncategorised, tmp_path):
    trained, _ = uncategorised
    before = CandidatePools(trained)
    again = CandidatePools(modeldir.load(modeldir.save(trained, tmp_path / "m")))
    for relation in trained.relation_to_id:
        for side in ("head", "tail"):
            assert np.array_equal(before.mask(relation, side), again.mask(relation, side))


def test_masks_are_fresh_copies(uncategorised):
    trained, _ = uncategorised
    pools = CandidatePools(trained)
    first = pools.mask("biolink:treats", "head")
    first[:] = False
    assert pools.mask("biolink:treats", "head").any()
