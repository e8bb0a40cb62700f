"""OncoKB's annotated variant list as PROFILE ships it (profile/allAnnotatedVariants.txt)."""

from __future__ import annotations

import pytest
from kgtwin.loaders.oncokb import alteration_kind

from kgtwin.errors import InputError
from kgtwin.patients import patient_profile
from kgtwin.privacy import pseudonymiser
from kgtwin.twin.effects import Effect
from kgtwin.twin.personal import alterations
from tests.real.conftest import load

FILE = "profile/allAnnotatedVariants.txt"
HEADER = ("Gene\tAlteration\tOncogenicity\tMutation Effect\tPMIDs for Mutation Effect\t"
          "Abstracts for Mutation Effect\n")


def test_oncokb_variants_with_effects_and_publications(store):
    report = load(store, "oncokb", [FILE])
    account = report.reconciliation
    # 3,753 rows: 3,208 protein variants (a node and an edge each, 193 genes) and 545
    # gene-level or other alterations passed over by kind; nothing refused
    assert report.counts.edges == 3208 and report.bad == 0
    assert (account.read, account.stored, account.merged, account.passed_over,
            account.rejected) == (7154, 6609, 0, 545, 0)
    passed = account.passed_over_reasons
    assert passed[alteration_kind("Amplification")] == 171
    assert passed[alteration_kind("TMPRSS2-ERG Fusion")] == 195
    assert passed[alteration_kind("Truncating Mutations")] == 123

    braf = store.node("KGTWIN.VARIANT:HGNC-1097-p.V600E")
    assert braf.category == "biolink:SequenceVariant" and braf.name == "BRAF V600E"
    assert braf.properties["oncogenicity"] == "Oncogenic"
    assert braf.properties["mutation_effect"] == "Gain-of-function"
    (edge,) = store.edges(subject=braf.id)
    assert edge.predicate == "biolink:is_sequence_variant_of" and edge.object == "HGNC:1097"
    assert "PMID:12068308" in edge.properties["publications"]
    assert len(edge.properties["publications"]) == 5
    egfr = store.node("KGTWIN.VARIANT:HGNC-3236-p.E746_A750del")
    assert egfr.properties["mutation_effect"] == "Gain-of-function"
    # a gene-level alteration never becomes a protein variant
    assert not [n for n in store.nodes(category="biolink:SequenceVariant")
                if "Truncating" in (n.name or "") or "Amplification" in (n.name or "")]


@pytest.mark.parametrize("alteration, kind", [
    ("Truncating Mutations", "gene-level group"),
    ("Deletion", "copy-number"),
    ("EML4-ALK Fusion", "fusion"),
    ("Exon 19 deletion", "exon- or domain-level"),
    ("R1627", "a position"),
    ("422_605trunc", "truncated protein region"),
    ("EGFRvIII", "another kind"),
    ("p61BRAF", "another kind"),
])
def test_non_protein_alterations_are_passed_over_by_kind(alteration, kind):
    assert kind in alteration_kind(alteration)


@pytest.mark.parametrize("row, reason", [
    ("BRAF\tV600E\tOncogenic\tGain-of-function\t2017x\t\n", "'2017x' is not a PubMed id"),
    ("NOTAGENE1\tV600E\tOncogenic\tGain-of-function\t1\t\n", "unknown gene 'NOTAGENE1'"),
    ("BRAF\tV600E\tOncogenic\n", "expected 6 fields, found 3"),
])
def test_bad_rows_name_file_line_and_reason(store, tmp_path, row, reason):
    path = tmp_path / "variants.txt"
    path.write_text(HEADER + "KRAS\tG12C\tOncogenic\tGain-of-function\t25705018\t\n" + row)
    with pytest.raises(InputError) as error:
        load(store, "oncokb", [path])
    assert "variants.txt:3: " in str(error.value) and reason in str(error.value)


def test_a_table_without_oncokb_columns_is_refused(store, tmp_path):
    path = tmp_path / "other.txt"
    path.write_text("Hugo_Symbol\tHGVSp_Short\nBRAF\tp.V600E\n")
    with pytest.raises(InputError, match=r"other\.txt:2: missing column"):
        load(store, "oncokb", [path])


def test_a_patients_variant_meets_its_oncokb_node_and_the_twin_reads_its_effect(store):
    """TCGA LAML (maftools) with OncoKB: PTPN11 A72V, no shipped hotspot, is read as the
    gain OncoKB states; DNMT3A R882H keeps the shipped tumour-suppressor reading."""
    load(store, "clinical-csv", ["maf/tcga_laml_annot.tsv"],
         columns="patient:Tumor_Sample_Barcode")
    load(store, "maf", ["maf/tcga_laml.maf.gz"], unresolved_genes="keep")
    load(store, "oncokb", [FILE])
    ptpn11 = alterations(patient_profile(store, pseudonymiser().patient("TCGA-AB-2914")))
    (a72v,) = [a for a in ptpn11 if a.label == "PTPN11 A72V"]
    assert a72v.effect is Effect.GAIN and "knowledge base: Gain-of-function" in a72v.reason
    dnmt3a = alterations(patient_profile(store, pseudonymiser().patient("TCGA-AB-2809")))
    (r882h,) = [a for a in dnmt3a if a.label == "DNMT3A R882H"]
    assert r882h.effect is Effect.LOSS and "Likely Gain-of-function" in r882h.reason
