"""Drug tables as published: DrugBank-derived targets, PharmacotherapyDB indications,
DGIdb interactions; and their genes meeting the HGNC table's."""

from __future__ import annotations

import csv
import gzip
from collections import Counter

import pytest
from kgtwin.loaders.drugs import UNIDENTIFIED

from kgtwin.errors import InputError
from kgtwin.genes import gene_index
from tests.real.conftest import REFERENCE, load, real, warnings_of


def _indication_rows() -> list[dict[str, str]]:
    with open(real("indications", "indications.tsv"), newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_indications_keep_each_category_as_what_it_states(store):
    rows = _indication_rows()
    categories = Counter(r["category"] for r in rows)
    assert categories == {"DM": 755, "SYM": 390, "NOT": 243}
    report = load(store, "drug-indications", ["indications/indications.tsv"])
    assert (report.counts.edges, report.bad) == (len(rows), 0)
    by_predicate = Counter(e.predicate for e in store.edges())
    assert by_predicate["biolink:treats"] == categories["DM"]
    assert by_predicate["biolink:ameliorates_condition"] == categories["SYM"]
    assert by_predicate["biolink:related_to"] == categories["NOT"]
    assert by_predicate["biolink:in_clinical_trials_for"] == 0


def test_a_non_indication_is_never_a_treatment(store):
    load(store, "drug-indications", ["indications/indications.tsv"])
    # Biperiden (DB00810) is a NOT row for Alzheimer's disease (DOID:10652).
    edges = list(store.edges(subject="DRUGBANK:DB00810", object="DOID:10652"))
    assert [e.predicate for e in edges] == ["biolink:related_to"]
    assert edges[0].properties["negated"] is True
    assert edges[0].properties["indication_category"] == "NOT"
    treats = {e.object for e in store.edges(subject="DRUGBANK:DB00843",
                                            predicate="biolink:treats")}
    assert treats == {"DOID:10652"}  # donepezil: disease-modifying for Alzheimer's


def test_indication_disease_names_are_names_not_ids(store):
    load(store, "drug-indications", ["indications/indications.tsv"])
    assert store.node("DOID:10652").name == "Alzheimer's disease"
    assert store.node("DRUGBANK:DB00843").name == "Donepezil"
    assert store.node("Alzheimer's disease") is None


def test_indication_name_column_mapped_as_id_is_refused_by_name(store):
    with pytest.raises(InputError, match="holds a name, not an id"):
        load(store, "drug-indications", ["indications/indications.tsv"],
             columns="disease:disease,disease_name:doid_id")


def test_drugbank_targets_of_imatinib(store):
    with open(real("drugbank", "proteins.tsv"), newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["drugbank_id"] == "DB00619"]
    report = load(store, "drug-targets", ["drugbank/proteins.tsv"], unresolved_genes="keep")
    assert report.bad == 0
    targets = {e.object for e in store.edges(subject="DRUGBANK:DB00619")}
    # UniProt accessions land on their HGNC genes (the gene index)
    assert targets == {store.resolve(f"UniProtKB:{r['uniprot_id']}") for r in rows}
    assert "HGNC:76" in targets  # ABL1, imatinib's target
    abl1 = next(store.edges(subject="DRUGBANK:DB00619", object="HGNC:76"))
    assert abl1.qualifiers["object_direction_qualifier"] == "decreased"  # an inhibitor


def test_drugbank_accessions_several_genes_have_are_never_guessed(store):
    """HGNC gives 7 of DrugBank's accessions to several genes (P69905: HBA1 and HBA2;
    P04745: AMY1A, AMY1B, AMY1C): 45 rows. Refused as an ambiguous alias is, so the
    file loads with unresolved_genes=keep, which keeps those targets as written."""
    with open(real("drugbank", "proteins.tsv"), newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    index = gene_index()
    shared = [r for r in rows
              if index.resolve(f"UniProtKB:{r['uniprot_id']}").how == "ambiguous"]
    assert (len(shared), len({r["uniprot_id"] for r in shared})) == (45, 7)
    first = next(i for i, r in enumerate(rows, start=2) if r in shared)
    with pytest.raises(InputError, match=f"proteins.tsv:{first}: gene 'UniProtKB:P0C0L5' is "
                                         "ambiguous: an id HGNC gives to each of HGNC:1324, "
                                         "HGNC:42398"):
        load(store, "drug-targets", ["drugbank/proteins.tsv"])
    report = load(store, "drug-targets", ["drugbank/proteins.tsv"], unresolved_genes="keep")
    account = report.reconciliation
    assert (account.read, account.stored, account.merged, account.passed_over,
            account.rejected) == (29_038, 27_195, 1_843, 0, 0)
    ambiguous = {g for g, why in report.unresolved_genes.items() if "is ambiguous" in why}
    assert ambiguous == {f"UniProtKB:{r['uniprot_id']}" for r in shared}
    assert report.unresolved_genes["UniProtKB:P69905"] == (
        "gene 'UniProtKB:P69905' is ambiguous: an id HGNC gives to each of HGNC:4823, "
        "HGNC:4824")
    # a drug of P69905's rows points at the accession, at neither haemoglobin gene
    drug = next(f"DRUGBANK:{r['drugbank_id']}" for r in shared if r["uniprot_id"] == "P69905")
    objects = {e.object for e in store.edges(subject=drug)}
    assert "UniProtKB:P69905" in objects and not {"HGNC:4823", "HGNC:4824"} & objects


def test_dgidb_table_is_read_by_its_own_headers(store, caplog):
    with gzip.open(real("maf", "dgidb_drugs.tsv.gz"), "rt", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    unidentified = sum(1 for r in rows if not r["drug_chembl_id"] or not r["Gene"])
    report = load(store, "drug-targets", ["maf/dgidb_drugs.tsv.gz"])
    assert report.bad == 0
    assert report.counts.edges == len(rows) - unidentified
    assert f"passed over {unidentified} row(s)" in warnings_of(caplog)
    account = report.reconciliation
    assert account.passed_over_reasons == {UNIDENTIFIED: unidentified}
    assert account.read == account.stored + account.merged + account.passed_over + \
        account.rejected
    claims = [e for e in store.edges(subject="CHEMBL.COMPOUND:CHEMBL941")]
    assert {"KIT", "PDGFRA", "RET"} <= {store.node(e.object).name or e.object.split(":")[-1]
                                        for e in claims}
    assert any(e.properties.get("claim_source") == "CIViC" for e in claims)


def test_dgidb_columns_can_be_mapped_by_the_user(store):
    report = load(store, "drug-targets", ["maf/dgidb_drugs.tsv.gz"],
                  columns="drug:drug_chembl_id,target:Gene,drug_name:drug_claim_name")
    assert report.bad == 0 and report.counts.edges > 30_000


def test_drugbank_uniprot_and_hetionet_entrez_meet_on_the_hgnc_gene(store, caplog):
    hgnc = load(store, "hgnc", [REFERENCE / "hgnc_complete_set.txt.gz"])
    with gzip.open(REFERENCE / "hgnc_complete_set.txt.gz", "rt") as handle:
        status = Counter(row["status"] for row in csv.DictReader(handle, delimiter="\t"))
    # every approved gene its own node (an id HGNC gives several genes merges none of
    # them: 141 genes were folded into others); withdrawn rows counted as passed over
    assert status == {"Approved": 41_562, "Entry Withdrawn": 1_179}
    account = hgnc.reconciliation
    assert (hgnc.counts.nodes, account.stored, account.merged) == (41_562, 41_562, 0)
    assert (account.read, account.passed_over, account.rejected) == (42_741, 1_179, 0)
    amylases = [store.node(f"HGNC:{n}") for n in (474, 475, 476)]  # AMY1A, AMY1B, AMY1C
    assert [a.id for a in amylases] == ["HGNC:474", "HGNC:475", "HGNC:476"]
    assert all(a.properties["shared_xrefs"] == ["UniProtKB:P04745"] for a in amylases)
    assert store.node("HGNC:42959").name == "BCL2L2-PABPN1"  # shares Q92843 with BCL2L2
    assert "82 id(s) are given to several approved genes" in warnings_of(caplog)
    load(store, "drug-targets", ["drugbank/proteins.tsv"], unresolved_genes="keep")
    load(store, "hetionet", ["hetio/hetionet-v1.0-nodes.tsv"])
    # CYP2B6: UniProtKB:P20813 in DrugBank, NCBIGene:1555 in Hetionet, HGNC:2615.
    assert store.resolve("UniProtKB:P20813") == store.resolve("NCBIGene:1555") == "HGNC:2615"
    substrates = {e.subject for e in store.edges(object="HGNC:2615")}
    assert "DRUGBANK:DB00169" in substrates


def test_dgidb_symbols_shaped_like_uniprot_accessions_are_symbols(store):
    load(store, "drug-targets", ["maf/dgidb_drugs.tsv.gz"])
    # P2RY12 (HGNC:18124), clopidogrel's target, is a symbol in DGIdb's Gene column
    assert store.node("UniProtKB:P2RY12") is None or store.resolve("UniProtKB:P2RY12") \
        == "HGNC:18124"
    assert any(True for _ in store.edges(object="HGNC:18124"))


def test_hgnc_custom_download_is_a_gene_table_too(store):
    """PROFILE's HUGO_Entrez.txt is an HGNC custom download (``HGNC ID``, ``Approved
    Symbol``, ``Entrez Gene ID``; bare numbers): the hgnc loader and the gene index
    read it as the complete set's columns."""
    from kgtwin.genes import read_gene_table

    path = real("profile", "HUGO_Entrez.txt")
    rows = [line.split("\t") for line in path.read_text().splitlines()[1:] if line]
    index = read_gene_table(path)
    assert len(index) == len(rows) > 40_000
    assert index.resolve("NCBIGene:673").hgnc == index.resolve("BRAF").hgnc == "HGNC:1097"
    report = load(store, "hgnc", ["profile/HUGO_Entrez.txt"])
    assert (report.bad, report.counts.nodes) == (0, len(rows))
    braf = store.node("HGNC:1097")
    assert braf.name == "BRAF" and "NCBIGene:673" in braf.xrefs
