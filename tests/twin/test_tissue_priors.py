"""The screen's tissue prior: later rows override earlier ones, and every row gives its
reason (a source with a year, or a pointer to the row it repeats)."""

from __future__ import annotations

import re

from kgtwin.twin.screen import _priors, tissue_prior


def test_small_cell_lung_does_not_take_the_lung_ligand() -> None:
    assert tissue_prior("lung_NSCLC")["AREG"] > 0
    assert tissue_prior("lung_SCLC")["AREG"] == 0


def test_receptors_follow_the_tissue() -> None:
    assert tissue_prior("kidney")["TGFA"] > 0
    assert tissue_prior("leukemia")["KIT"] > 0
    assert tissue_prior("leukemia").get("FLT3", 0) == 0
    assert tissue_prior("breast").get("KIT", 0) == 0
    assert tissue_prior("Bladder")["EGF"] > 0


def test_every_row_says_why() -> None:
    for tissue, gene, p_on, note in _priors():
        assert 0 <= p_on <= 1 and note.strip(), (tissue, gene)
        if tissue != "*":  # a tissue row cites its source or repeats a cited row
            assert re.search(r"\b(19|20)\d\d\b", note) or re.search(r"\bas \w", note), (tissue,
                                                                                  gene)
