"""The pinned Biolink vocabulary: validation, hierarchy and identity preferences."""

from __future__ import annotations

import json
from importlib import metadata, resources

import pytest

from kgtwin.biolink import default_biolink
from kgtwin.errors import VocabularyError


def test_categories_and_predicates_accept_common_spellings():
    biolink = default_biolink()
    assert biolink.category("gene") == biolink.category("biolink:Gene") == "biolink:Gene"
    assert biolink.predicate("treats") == "biolink:treats"
    assert biolink.predicate("subclass of") == "biolink:subclass_of"


def test_unknown_names_fail_with_the_closest_valid_names():
    with pytest.raises(VocabularyError, match="closest: biolink:Gene"):
        default_biolink().category("Gen")
    with pytest.raises(VocabularyError, match="biolink:treats"):
        default_biolink().predicate("treat")


def test_asking_for_chemical_entity_also_finds_drugs():
    biolink = default_biolink()
    assert "biolink:Drug" in biolink.descendants("ChemicalEntity")
    assert biolink.is_a("biolink:Drug", "biolink:ChemicalEntity")
    assert biolink.inverse("treats") == "biolink:treated_by"


def test_preferred_prefixes_follow_identity_yaml_then_biolink():
    biolink = default_biolink()
    assert biolink.preferred_prefixes("biolink:Gene")[:2] == ["HGNC", "NCBIGene"]
    assert biolink.preferred_prefixes("biolink:Drug")[0] == "CHEBI"
    assert biolink.preferred_prefixes("biolink:PhenotypicFeature")[0] == "HP"


def test_category_conflicts_resolve_deterministically():
    biolink = default_biolink()
    assert biolink.resolve_category(["biolink:NamedThing", "biolink:Drug"]) == "biolink:Drug"
    assert biolink.resolve_category(["biolink:Protein", "biolink:Gene"]) == "biolink:Gene"


def test_shipped_extract_matches_the_pinned_biolink_model_package():
    """Fails when the biolink-model pin moved without re-running scripts/pin_ontologies.py."""
    shipped = json.loads(
        resources.files("kgtwin.ontologies").joinpath("biolink.json").read_text()
    )
    assert shipped["version"] == metadata.version("biolink-model")
    assert default_biolink().version == shipped["version"]


def test_another_releases_name_is_taken_only_where_biolink_names_the_same_relation():
    """``involved in`` is an alias Biolink gives ``actively involved in`` (exact mapping
    RO:0002331, labelled 'involved in'): the pinned table maps it. A typo is no other
    release's predicate and maps to nothing."""
    biolink = default_biolink()
    assert biolink.renamed_predicate("biolink:involved_in") == "biolink:actively_involved_in"
    assert biolink.renamed_predicate("involved in") == "biolink:actively_involved_in"
    assert biolink.renamed_predicate("biolink:involves_in") is None
    assert biolink.renamed_predicate("biolink:treats") is None
    with pytest.raises(VocabularyError):
        biolink.predicate("biolink:involved_in")  # still no predicate of the pinned model
    # real predicates of Biolink 1.x-4.0.0 that 4.4.6 lists as aliases of a current one
    # with the same exact mapping (RO:0003307, RO:0003309), or as an alias alone
    assert biolink.renamed_predicate("ameliorates") == "biolink:ameliorates_condition"
    assert biolink.renamed_predicate("exacerbates") == "biolink:exacerbates_condition"
    assert biolink.renamed_predicate("prevents") == "biolink:preventative_for_condition"
    # retired with no same relation named: no mapping, only their history
    assert biolink.renamed_predicate("increases_expression_of") is None
    assert biolink.retired_predicate("biolink:increases_expression_of") == "1.2.0..3.0.3"
    assert biolink.retired_predicate("biolink:involved_in") is None  # never a release's


def test_the_renamed_predicates_table_is_checked_against_the_pinned_model():
    """A table written for another Biolink version, or naming a current predicate as
    renamed, fails when the vocabulary is built, not on a user's file."""
    import yaml

    from kgtwin.biolink import Biolink

    folder = resources.files("kgtwin.ontologies")
    model = json.loads(folder.joinpath("biolink.json").read_text())
    renamed = yaml.safe_load(folder.joinpath("biolink_renamed_predicates.yaml").read_text())
    assert renamed["biolink_version"] == model["version"]
    for spec in renamed["renamed"].values():
        assert spec["why"].strip() and spec["current"] in model["predicates"]
    with pytest.raises(VocabularyError, match=r"checked against Biolink 4\.0\.0"):
        Biolink(model, {}, {**renamed, "biolink_version": "4.0.0"})
    with pytest.raises(VocabularyError, match="needs no renaming"):
        Biolink(model, {}, {**renamed, "renamed": {
            "biolink:treats": {"current": "biolink:treats", "why": "x"}}})
