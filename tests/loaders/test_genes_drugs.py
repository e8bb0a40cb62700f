"""HGNC genes and drug tables: identifiers bridged, actions signed."""

from __future__ import annotations

import pytest
from loader_testing import records

from kgtwin.errors import InputError
from kgtwin.model import DOWN, Edge, Node


def test_hgnc_gene_carries_every_id_as_xref():
    genes = {r.id: r for r in records("hgnc", "hgnc_complete_set_sample.txt")}
    braf = genes["HGNC:1097"]
    assert braf.category == "biolink:Gene" and braf.name == "BRAF"
    assert set(braf.xrefs) >= {"hgnc.symbol:BRAF", "NCBIGene:673", "ENSEMBL:ENSG00000157764",
                               "UniProtKB:P15056", "OMIM:164757"}
    assert braf.properties["alias_symbols"] == ["BRAF1", "B-RAF1"]
    assert "hgnc.symbol:BRAF1" not in braf.xrefs  # aliases are ambiguous: never identity
    assert "HGNC:3" not in genes  # Entry Withdrawn


def test_one_gene_node_whatever_id_a_source_uses(load, store):
    load("hgnc", "hgnc_complete_set_sample.txt")
    for spelling in ("hgnc.symbol:BRAF", "ensembl:ENSG00000157764", "uniprot:P15056",
                     "ncbigene:673", "HGNC:1097"):
        assert store.resolve(spelling) == "HGNC:1097"


def test_hgnc_without_required_columns_names_them(tmp_path, load):
    bad = tmp_path / "genes.txt"
    bad.write_text("symbol\tname\nBRAF\tB-Raf\n")
    with pytest.raises(InputError, match="hgnc_id"):
        load("hgnc", bad)


def test_hgnc_symbol_given_twice_is_bad(tmp_path, load):
    bad = tmp_path / "genes.txt"
    bad.write_text("hgnc_id\tsymbol\nHGNC:1097\tBRAF\nHGNC:6407\tBRAF\n")
    with pytest.raises(InputError, match="BRAF") as raised:
        load("hgnc", bad)
    assert raised.value.where == 3


def test_drug_target_actions_carry_a_sign():
    found = [r for r in records("drug-targets", "drugbank_targets.csv") if isinstance(r, Edge)]
    signs = {(e.subject, e.object): e.sign for e in found}
    assert signs[("DRUGBANK:DB08881", "UniProtKB:P15056")] == -1  # inhibitor
    assert signs[("DRUGBANK:DB00619", "UniProtKB:P10721")] == -1  # inhibitor|antagonist
    assert signs[("DRUGBANK:DB00002", "UniProtKB:P00533")] == -1  # antagonist
    assert signs[("DRUGBANK:DB01590", "UniProtKB:P62942")] == 0  # binder: no sign
    assert signs[("DRUGBANK:DB00316", "UniProtKB:P23219")] == 0  # no action given
    assert all(e.predicate == "biolink:affects" for e in found)
    names = {r.id: r.name for r in records("drug-targets", "drugbank_targets.csv")
             if isinstance(r, Node)}
    assert names["DRUGBANK:DB08881"] == "Vemurafenib"


def test_drug_targets_land_on_hgnc_genes(load, store):
    load("hgnc", "hgnc_complete_set_sample.txt")
    load("drug-targets", "drugbank_targets.csv")
    (edge,) = store.edges(subject="DRUGBANK:DB08881")
    assert edge.object == "HGNC:1097" and edge.qualifiers["object_direction_qualifier"] == DOWN


def test_chembl_threshold_organism_and_target_map():
    found = [r for r in records("chembl-activities", "chembl_activities.tsv")
             if isinstance(r, Edge)]
    assert {(e.subject, e.object) for e in found} == {
        ("CHEMBL.COMPOUND:CHEMBL1229517", "CHEMBL.TARGET:CHEMBL5145"),
        ("CHEMBL.COMPOUND:CHEMBL941", "CHEMBL.TARGET:CHEMBL1862"),
    }  # no pChEMBL, below 6, or mouse: left out
    mapped = records("chembl-activities", "chembl_activities.tsv", pchembl_min="5",
                     target_map=str(records.__globals__["DATA"] / "chembl_uniprot_mapping.txt"))
    targets = {e.object: e for e in mapped if isinstance(e, Edge)}
    assert targets["UniProtKB:P15056"].sign == -1  # Action Type INHIBITOR
    assert targets["UniProtKB:P15056"].properties["pchembl"] == 7.51
    assert "CHEMBL.TARGET:CHEMBL2007" in targets  # above 5 now, not in the map


def test_chembl_non_numeric_pchembl_is_bad(tmp_path, load):
    bad = tmp_path / "act.tsv"
    bad.write_text("Molecule ChEMBL ID\tTarget ChEMBL ID\tpChEMBL Value\n"
                   "CHEMBL941\tCHEMBL1862\thigh\n")
    with pytest.raises(InputError, match="not a number"):
        load("chembl-activities", bad)


def test_indications_approved_treat_trials_do_not():
    found = [r for r in records("drug-indications", "chembl_indications.tsv")
             if isinstance(r, Edge)]
    kinds = {(e.subject, e.object): e.predicate for e in found}
    assert kinds[("CHEMBL.COMPOUND:CHEMBL1229517", "EFO:0000756")] == "biolink:treats"
    assert kinds[("CHEMBL.COMPOUND:CHEMBL1229517", "EFO:0000365")] == \
        "biolink:in_clinical_trials_for"


def test_symbols_spelt_like_uniprot_accessions_are_symbols():
    """B3GNT6 and P2RY10 fit UniProt's accession pattern: a UniProtKB id that no gene
    has but that is a gene's symbol is that gene, and GMT members stay symbols."""
    from kgtwin.loaders.naming import gene_curie

    from kgtwin.genes import gene_index

    index = gene_index()
    assert index.resolve("UniProtKB:B3GNT6").hgnc == "HGNC:24141"
    assert index.resolve("UniProtKB:P2RY10").hgnc == "HGNC:19906"
    assert index.resolve("UniProtKB:P15056").hgnc == "HGNC:1097"  # BRAF's accession
    # a UniProt column means an accession; a symbol column, or one of either kind (SIF,
    # a target column), a symbol: only shapes no symbol has are accessions there
    assert gene_curie("B3GNT6", holds="accessions") == "UniProtKB:B3GNT6"
    assert gene_curie("B3GNT6", holds="symbols") == "hgnc.symbol:B3GNT6"
    assert gene_curie("B3GNT6") == gene_curie("H2BC11").replace("H2BC11", "B3GNT6")
    assert gene_curie("H2BC11") == "hgnc.symbol:H2BC11"
    assert gene_curie("P15056") == "UniProtKB:P15056"
    assert gene_curie("A0A024R161") == "UniProtKB:A0A024R161"


def test_an_hgnc_custom_download_resolves_like_the_complete_set(tmp_path):
    """genenames.org's custom downloads spell the columns otherwise and separate list
    items with ", "; both the gene index and the hgnc loader read them."""
    from kgtwin.genes import read_gene_table

    table = tmp_path / "custom.txt"
    table.write_text("HGNC ID\tApproved symbol\tStatus\tPrevious symbols\tAlias symbols\t"
                     "NCBI Gene ID\tEnsembl gene ID\nHGNC:1097\tBRAF\tApproved\tBRAF1\t"
                     "B-RAF1, NS7\t673\tENSG00000157764\n")
    index = read_gene_table(table)
    for value in ("BRAF", "BRAF1", "B-RAF1", "NS7", "NCBIGene:673", "ENSG00000157764"):
        assert index.resolve(value).hgnc == "HGNC:1097", value
    (gene,) = records("hgnc", table)
    assert gene.properties["alias_symbols"] == ["B-RAF1", "NS7"]
    assert "ENSEMBL:ENSG00000157764" in gene.xrefs
