"""Identifier normalisation: the spellings users bring become the field's canonical CURIE."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgtwin.errors import InvalidIdentifierError
from kgtwin.ids import default_normaliser, normalize

SPELLINGS = {
    "hgnc:1097": "HGNC:1097",
    "HGNC:HGNC:1097": "HGNC:1097",
    "ncbigene:673": "NCBIGene:673",
    "ENSEMBL:ENSG00000157764": "ENSEMBL:ENSG00000157764",
    "uniprot:P15056": "UniProtKB:P15056",
    "DrugBank:DB08881": "DRUGBANK:DB08881",
    "CHEBI:63637": "CHEBI:63637",
    "MONDO:0005105": "MONDO:0005105",
    "DOID:1909": "DOID:1909",
    "HP:0002861": "HP:0002861",
    "REACT:R-HSA-5673001": "REACT:R-HSA-5673001",
    "GO:0006915": "GO:0006915",
    "  GO:GO:0006915 ": "GO:0006915",
    "http://purl.obolibrary.org/obo/MONDO_0005105": "MONDO:0005105",
}


@pytest.mark.parametrize(("given_id", "canonical"), SPELLINGS.items())
def test_common_spellings_become_the_biolink_spelling(given_id, canonical):
    assert normalize(given_id) == canonical


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("HGNC:abc", r"not a valid HGNC identifier.*\^\\d\{1,5\}\$"),
        ("FOO:123", "unknown prefix 'FOO'"),
        ("BRAF", "not a CURIE.*PREFIX:LOCAL_ID"),
        ("uniprot:xx", "not a valid UniProtKB identifier"),
        ("", "not an identifier"),
        ("MONDO:", "not a CURIE"),
    ],
)
def test_malformed_ids_are_rejected_naming_the_value_and_accepted_form(value, message):
    with pytest.raises(InvalidIdentifierError, match=message):
        normalize(value)


def test_curies_expand_to_iris_with_the_pinned_prefix_map():
    ids = default_normaliser()
    assert ids.expand("HGNC:1097") == "http://identifiers.org/hgnc/1097"
    assert ids.expand("MONDO:0005105") == "http://purl.obolibrary.org/obo/MONDO_0005105"


@given(st.text(max_size=40))
def test_any_text_normalises_or_fails_with_a_kgtwin_error(text):
    try:
        result = normalize(text)
    except InvalidIdentifierError:
        return
    assert normalize(result) == result  # canonical form is a fixed point


@given(st.sampled_from(sorted(SPELLINGS)), st.sampled_from(["", " ", "\t"]))
def test_normalisation_ignores_surrounding_space_and_is_idempotent(value, pad):
    once = normalize(pad + value + pad)
    assert normalize(once) == once == SPELLINGS[value]
