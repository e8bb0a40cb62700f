"""Reactome files, GMT gene sets and signed interaction tables."""

from __future__ import annotations

import pytest
from loader_testing import records

from kgtwin.errors import InputError
from kgtwin.model import Edge, Node


def edges(found):
    return {(e.subject, e.predicate, e.object, e.sign) for e in found if isinstance(e, Edge)}


def test_reactome_files_human_only_by_default():
    found = records("reactome", "ReactomePathways_sample.txt",
                    "ReactomePathwaysRelation_sample.txt", "Ensembl2Reactome_sample.txt")
    pathways = {r.id: r.name for r in found if isinstance(r, Node)}
    assert pathways["REACT:R-HSA-5673001"] == "RAF/MAP kinase cascade"
    assert not any("R-MMU" in p for p in pathways)
    assert edges(found) == {
        ("REACT:R-HSA-5673001", "biolink:part_of", "REACT:R-HSA-5684996", 0),
        ("ENSEMBL:ENSG00000157764", "biolink:participates_in", "REACT:R-HSA-5673001", 0),
        ("ENSEMBL:ENSG00000133703", "biolink:participates_in", "REACT:R-HSA-5673001", 0),
    }  # the transcript row (ENST) is not a gene
    every = records("reactome", "ReactomePathways_sample.txt", species="all")
    assert "REACT:R-MMU-5673001" in {r.id for r in every}


def test_reactome_row_of_unknown_shape_is_bad(tmp_path, load):
    bad = tmp_path / "Ensembl2Reactome.txt"
    bad.write_text("ENSG00000157764\tR-HSA-5673001\textra\tfields\n")
    with pytest.raises(InputError, match="found 4 fields"):
        load("reactome", bad)


def test_gmt_sets_get_registry_ids_where_they_have_them():
    found = records("gmt", "wikipathways_sample.gmt", "hallmark_sample.gmt")
    sets = {r.id: r.name for r in found if isinstance(r, Node)}
    assert sets["WIKIPATHWAYS:WP254"] == "Apoptosis"
    assert sets["KGTWIN.NODE:geneset.HALLMARK_APOPTOSIS"] == "HALLMARK_APOPTOSIS"
    members = edges(found)
    assert ("NCBIGene:836", "biolink:participates_in", "WIKIPATHWAYS:WP254", 0) in members
    apoptosis = [e for e in found if isinstance(e, Edge) and "APOPTOSIS" in e.object]
    assert len(apoptosis) == 4  # CASP3 listed twice is one member


def test_sif_signs_and_several_targets_per_line():
    found = edges(records("sif", "mapk.sif"))
    assert ("hgnc.symbol:DUSP6", "biolink:regulates", "hgnc.symbol:MAPK1", -1) in found
    assert ("hgnc.symbol:BRAF", "biolink:regulates", "hgnc.symbol:MAP2K2", 1) in found
    assert ("hgnc.symbol:MAP2K1", "biolink:regulates", "hgnc.symbol:MAPK1", 1) in found
    assert ("hgnc.symbol:GRB2", "biolink:interacts_with", "hgnc.symbol:SOS1", 0) in found


def test_sif_unknown_relation_is_bad(tmp_path, load):
    bad = tmp_path / "x.sif"
    bad.write_text("A\tfrobnicates\tB\n")
    with pytest.raises(InputError, match="frobnicates"):
        load("sif", bad)


def test_omnipath_flags_give_signs():
    found = edges(records("signed-interactions", "omnipath_interactions.tsv"))
    assert ("UniProtKB:P15056", "biolink:regulates", "UniProtKB:Q02750", 1) in found
    assert ("UniProtKB:Q16828", "biolink:regulates", "UniProtKB:P28482", -1) in found
    assert ("UniProtKB:P62993", "biolink:interacts_with", "UniProtKB:Q07889", 0) in found
    assert ("UniProtKB:P04637", "biolink:regulates", "UniProtKB:Q00987", 0) in found  # both


def test_signor_effects_mechanisms_and_phenotypes():
    found = records("signed-interactions", "signor_sample.tsv")
    braf = next(e for e in found if isinstance(e, Edge) and e.subject == "UniProtKB:P15056")
    assert braf.sign == 1 and braf.properties["mechanism"] == "phosphorylation"
    assert braf.properties["references"] == ["12620389"]
    phenotype = next(r for r in found if isinstance(r, Node))
    assert (phenotype.id, phenotype.category) == ("signor:SIGNOR-PH2",
                                                  "biolink:BiologicalProcess")
    assert ("UniProtKB:P28482", "biolink:interacts_with", "UniProtKB:P28482", 0) in edges(found)


def test_interaction_table_without_effect_is_bad(tmp_path, load):
    bad = tmp_path / "x.tsv"
    bad.write_text("source\ttarget\nBRAF\tMAP2K1\n")
    with pytest.raises(InputError, match="no effect column"):
        load("signed-interactions", bad)
    # A missing column is the file's fault, not one row's: skipping bad rows cannot help.
    with pytest.raises(InputError, match="no effect column"):
        load("signed-interactions", bad, skip_bad=True)
