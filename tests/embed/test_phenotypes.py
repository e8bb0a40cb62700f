"""Phenotype similarity: rare shared phenotypes count more; neighbours propose their links."""

from __future__ import annotations

import numpy as np

from kgtwin.embed.baselines import PhenotypeOverlapScorer
from kgtwin.embed.phenotypes import PhenotypeIdfScorer, PhenotypeNeighbourScorer

# entities: genes 0-2, diseases 3-5, phenotypes 6 (everyone has it), 7, 8 (rarer)
HAS, LINK = 0, 1
TRAIN = np.array([
    [0, HAS, 6], [0, HAS, 8],
    [1, HAS, 6], [1, HAS, 7],
    [2, HAS, 6], [2, HAS, 8], [2, LINK, 5],  # gene 2 looks like gene 0 and is linked to 5
    [3, HAS, 6], [3, HAS, 7],
    [4, HAS, 6],
    [5, HAS, 7], [5, HAS, 8],
])
QUERY = (np.array([0]), np.array([LINK]), "tail")


def test_a_shared_rare_phenotype_outweighs_a_shared_common_one():
    idf = PhenotypeIdfScorer(TRAIN, 9, [HAS]).scores(*QUERY)[0]
    jaccard = PhenotypeOverlapScorer(TRAIN, 9, [HAS]).scores(*QUERY)[0]
    assert jaccard[4] > jaccard[5]  # gene 0 shares the common phenotype with disease 4
    assert idf[5] > idf[4]  # and the rarer one with disease 5: IDF puts that first
    assert np.isclose(idf[2], 1.0)  # gene 2 has the same profile
    assert idf[6] == 0  # a phenotype has no profile of its own


def test_neighbours_propose_what_similar_entities_are_linked_to():
    similarity = PhenotypeIdfScorer(TRAIN, 9, [HAS])
    scorer = PhenotypeNeighbourScorer(similarity, TRAIN, 9, neighbours=1)
    tail = scorer.scores(*QUERY)[0]
    assert np.flatnonzero(tail).tolist() == [5]  # gene 2, the nearest, is linked to 5
    own = scorer.scores(np.array([2]), np.array([LINK]), "tail")[0]
    assert own[5] == 0  # the query is not its own neighbour (gene 0 is, and links nothing)
