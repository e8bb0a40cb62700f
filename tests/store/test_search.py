"""Finding nodes by name (kgtwin.store.search), the same on every back end."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.errors import NotFoundError
from kgtwin.model import Node
from kgtwin.store.search import resolve_term, score, search
from tests.store.records import RECORDS, aligned, source

# Real names: BRAF's HGNC alias and full name, MONDO's melanoma and HPO's phenotype.
NAMED = [
    Node("HGNC:1097", "biolink:Gene", "BRAF", xrefs=("NCBIGene:673",),
         properties={"symbol": "BRAF", "alias_symbols": ["BRAF1"],
                     "full_name": "B-Raf proto-oncogene, serine/threonine kinase"}),
    Node("HGNC:6840", "biolink:Gene", "MAP2K1", xrefs=("NCBIGene:5604",),
         properties={"full_name": "mitogen-activated protein kinase kinase 1"}),
    Node("CHEBI:75045", "biolink:Drug", "dabrafenib"),
    Node("MONDO:0005105", "biolink:Disease", "melanoma",
         properties={"synonyms": ["malignant melanoma"]}),
    Node("HP:0002861", "biolink:PhenotypicFeature", "Melanoma"),
]


def test_search_ranks_exact_names_then_prefixes_then_fragments(store):
    store.load(aligned([*RECORDS, *NAMED]), source())
    assert [(m.node.id, m.score) for m in search(store, "braf")] == [
        ("HGNC:1097", 90), ("CHEBI:75045", 40)]
    assert search(store, "BRAF1")[0].field == "alias_symbols"
    assert [m.node.id for m in search(store, "kinase", category="Gene")] == [
        "HGNC:1097", "HGNC:6840"]
    assert [m.node.id for m in search(store, "melanoma")] == ["MONDO:0005105", "HP:0002861"]
    assert [m.node.id for m in search(store, "Melanoma")] == ["HP:0002861", "MONDO:0005105"]
    assert [m.node.id for m in search(store, "melanoma", category="biolink:Disease")] == [
        "MONDO:0005105"]
    assert search(store, "ncbigene:673")[0].node.id == "HGNC:1097"
    assert search(store, "673")[0].field == "xref"  # a bare accession, whole
    assert search(store, "67") == []  # ids never match by a fragment
    assert search(store, "  ") == []


def test_resolve_term_takes_ids_then_one_exact_name(store):
    store.load(aligned([*RECORDS, *NAMED]), source())
    assert resolve_term(store, "NCBIGene:673") == "HGNC:1097"
    assert resolve_term(store, "braf") == "HGNC:1097"
    assert resolve_term(store, "malignant melanoma") == "MONDO:0005105"
    assert resolve_term(store, "melanoma") == "MONDO:0005105"  # same case wins the tie
    with pytest.raises(NotFoundError, match=r"did you mean: HGNC:1097 \(BRAF\)"):
        resolve_term(store, "raf")
    with pytest.raises(NotFoundError, match="no id, name or synonym contains it"):
        resolve_term(store, "xyzzy")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_a_node_always_finds_itself_by_its_own_name(name):
    node = Node("HGNC:1", "biolink:Gene", name)
    if name.strip():
        found = score(node, name.strip())
        assert found is not None and found.score >= 90
