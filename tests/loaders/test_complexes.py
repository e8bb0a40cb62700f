"""OmniPath complexes named by their members (``A_B_C``): the name rule and the records."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kgtwin.loaders.complexes import (
    PREFIX,
    ComplexNames,
    NonGeneMembers,
    UnresolvedMembers,
    complex_id,
)
from loader_testing import records

from kgtwin.errors import InputError, KgTwinError
from kgtwin.genes import gene_index
from kgtwin.model import Edge, Node

#: Approved 2018 symbols and their HGNC ids (the shipped index).
GENES = {"BRAF": "HGNC:1097", "RAF1": "HGNC:9829", "KRAS": "HGNC:6407",
         "ABI1": "HGNC:11320", "EGFR": "HGNC:3236", "GRB2": "HGNC:4566"}
#: Words no gene answers to (checked below against the index itself).
NOT_GENES = ["NOTAGENE1", "ZZZQ9", "XYZW7", "QQQ3"]


def test_the_words_used_here_are_what_they_claim():
    index = gene_index()
    assert {s: index.resolve_symbol(s).hgnc for s in GENES} == GENES
    assert all(index.resolve_symbol(w).hgnc is None for w in NOT_GENES)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(GENES)), min_size=2, max_size=5, unique=True),
       st.randoms(use_true_random=False))
def test_genes_joined_are_one_complex_whatever_the_order(members, random):
    names = ComplexNames()
    shuffled = list(members)
    random.shuffle(shuffled)
    found = names.members("_".join(members))
    again = names.members("_".join(shuffled))
    assert sorted(found) == sorted(GENES[m] for m in members)
    assert complex_id(found) == complex_id(again)
    assert complex_id(found).startswith(f"{PREFIX}:HGNC-")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NOT_GENES + sorted(GENES)))
def test_a_single_symbol_is_never_split(symbol):
    assert ComplexNames().members(symbol) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(GENES)), min_size=1, max_size=3, unique=True),
       st.lists(st.sampled_from(NOT_GENES), min_size=1, max_size=2, unique=True))
def test_a_complex_with_an_unknown_member_names_it(genes, unknown):
    with pytest.raises(UnresolvedMembers) as why:
        ComplexNames().members("_".join(genes + unknown))
    assert all(repr(u) in str(why.value) for u in unknown)
    kept = ComplexNames(keep=True)
    members = kept.members("_".join(genes + unknown))  # still a complex, unknowns by symbol
    assert sorted(members) == sorted([GENES[g] for g in genes] +
                                     [f"hgnc.symbol:{u}" for u in unknown])
    assert set(kept.unresolved) == set(unknown)
    ident = complex_id(members)
    assert ident == complex_id(list(reversed(members)))
    assert all(f"SYMBOL-{u}" in ident for u in unknown)


@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize(("name", "said"), [
    ("CHEBI_16038_CHEBI_28494", ["member CHEBI:16038 is a ChEBI entity",
                                 "member CHEBI:28494 is a ChEBI entity"]),
    ("BARD1_BRCA1_CHEBI_29035_BRAF", ["member CHEBI:29035 is a ChEBI entity"]),
    ("P03205_KRAS", ["member P03205 is a UniProt accession (UniProtKB:P03205) that no "
                     "human gene"]),
    ("P03205_P03212", ["member P03205", "member P03212"]),
])
def test_a_complex_with_a_member_that_is_no_gene_is_no_complex_whatever_the_policy(
        name, said, keep):
    """OmniPath's ChEBI (``CHEBI_29035``) and viral (``P03205``) members: never a gene
    symbol, not even with unresolved_genes=keep (the loaders pass such rows over)."""
    with pytest.raises(NonGeneMembers) as why:
        ComplexNames(keep=keep).members(name)
    assert all(s in str(why.value) for s in said)
    assert "complexes of human genes only" in str(why.value)


def test_a_human_accession_member_is_its_gene():
    assert ComplexNames().members("P15056_RAF1") == ["HGNC:1097", "HGNC:9829"]  # BRAF


def test_parts_none_of_which_is_a_gene_stay_one_symbol():
    assert ComplexNames().members("ZZZQ9_XYZW7") is None
    assert ComplexNames(policy="off").members("BRAF_RAF1") is None
    with pytest.raises(KgTwinError, match="complexes='split'"):
        ComplexNames(policy="split")


def test_signed_table_complex_node_parts_and_edge(tmp_path):
    table = tmp_path / "carnival.tsv"
    table.write_text("source\tinteraction\ttarget\nKRAS\t1\tRAF1_BRAF\n"
                     "BRAF_RAF1\t-1\tEGFR\nEGFR\t1\tGRB2\n")
    found = records("signed-interactions", table)
    ident = "KGTWIN.COMPLEX:HGNC-1097+HGNC-9829"
    nodes = [r for r in found if isinstance(r, Node)]
    assert [(n.id, n.category, n.name) for n in nodes] == [
        (ident, "biolink:MacromolecularComplex", "BRAF_RAF1")]  # one node for both orders
    edges = {(e.subject, e.predicate, e.object, e.sign) for e in found if isinstance(e, Edge)}
    assert edges == {
        (ident, "biolink:has_part", "HGNC:1097", 0), (ident, "biolink:has_part", "HGNC:9829", 0),
        ("hgnc.symbol:KRAS", "biolink:regulates", ident, 1),
        (ident, "biolink:regulates", "hgnc.symbol:EGFR", -1),
        ("hgnc.symbol:EGFR", "biolink:regulates", "hgnc.symbol:GRB2", 1)}
    sif = records("sif", table)
    assert {(e.subject, e.object, e.sign) for e in sif if isinstance(e, Edge)} == \
        {(s, o, sign) for s, _, o, sign in edges}


def test_a_refused_member_refuses_the_row_and_nothing_of_it_is_kept(tmp_path, load):
    table = tmp_path / "carnival.tsv"
    table.write_text("source\tinteraction\ttarget\nBRAF_RAF1\t1\tKRAS_NOTAGENE1\n"
                     "EGFR\t1\tGRB2\n")
    with pytest.raises(InputError, match=r"carnival.tsv:2: complex 'KRAS_NOTAGENE1': "
                                         r"member 'NOTAGENE1' not resolved"):
        load("signed-interactions", table)
    report = load("signed-interactions", table, skip_bad=True)
    account = report.reconciliation
    assert (account.read, account.stored, account.rejected) == (2, 1, 1)
    assert report.counts.nodes == 0  # BRAF_RAF1 came only with the refused row


@pytest.mark.parametrize("loader", ["signed-interactions", "sif"])
@pytest.mark.parametrize("keep", ["reject", "keep"])
def test_a_row_with_a_complex_that_has_a_non_gene_member_is_passed_over_counted(
        tmp_path, load, keep, loader):
    """Valid data kgtwin cannot represent: passed over by kind with its members named,
    under either unresolved_genes policy, and without --skip-bad; other rows load."""
    table = tmp_path / "carnival.tsv"
    table.write_text("source\tinteraction\ttarget\nCHEBI_16038_CHEBI_28494\t1\tBRAF\n"
                     "P03205_KRAS\t-1\tEGFR\nEGFR\t1\tP03212_P03205\nEGFR\t1\tGRB2\n")
    report = load(loader, table, unresolved_genes=keep)
    account = report.reconciliation
    assert (account.read, account.stored, account.passed_over, account.rejected) == \
        (4, 1, 3, 0)
    reasons = account.passed_over_reasons
    chebi = next(r for r in reasons if r.startswith("a complex with a ChEBI member"))
    assert reasons[chebi] == 1 and "(2 such members: CHEBI:16038, CHEBI:28494)" in chebi
    viral = next(r for r in reasons if r.startswith("a complex with a UniProt member"))
    assert reasons[viral] == 2 and "(2 such members: P03205, P03212)" in viral
    assert all("kgtwin builds complexes of human genes only" in r for r in reasons)
    assert report.counts.nodes == 0


def test_a_sif_line_passes_over_only_its_target_that_has_a_non_gene_member(tmp_path, load):
    table = tmp_path / "lines.sif"
    table.write_text("EGFR -> P03205_KRAS GRB2 BRAF\nP03205_KRAS -| EGFR GRB2\n")
    report = load("sif", table)
    account = report.reconciliation
    assert (account.stored, account.passed_over, account.rejected) == (2, 3, 0)
    assert list(account.passed_over_reasons.values()) == [3]  # one edge, then a line of 2


def test_a_member_accession_several_genes_have_is_ambiguous_not_a_non_gene():
    """P69905 is HBA1's and HBA2's: a human protein, so not passed over as a non-gene
    member, and no complex takes one of the two genes for it."""
    with pytest.raises(UnresolvedMembers) as why:
        ComplexNames().members("P69905_BRAF")
    assert not isinstance(why.value, NonGeneMembers)
    assert "gene 'P69905' is ambiguous: an id HGNC gives to each of " \
        "HGNC:4823, HGNC:4824" in str(why.value)
    assert ComplexNames(keep=True).members("P69905_BRAF") == ["hgnc.symbol:P69905",
                                                              "HGNC:1097"]
