"""OncoKB's annotated variant list as PROFILE ships it (profile/allAnnotatedVariants.txt)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kgtwin.loaders.oncokb import OTHER, gene_level

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
    # 3,753 rows: 3,208 protein variants and 512 gene-level statements (a node and an
    # edge each, on 275 genes); 33 alterations that are no class of sequence alterations
    # (overexpression, methylation, isoforms) passed over; nothing refused
    assert report.counts.edges == 3208 + 512 and report.bad == 0
    assert (account.read, account.stored, account.merged, account.passed_over,
            account.rejected) == (7748, 7715, 0, 33, 0)
    assert account.passed_over_reasons == {OTHER: 33}
    assert sum(1 for _ in store.nodes(category="biolink:Gene")) == 275

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
    # a gene-level alteration is stored as what it is, never as a protein variant
    levels = Counter(n.properties.get("alteration_level")
                     for n in store.nodes(category="biolink:SequenceVariant"))
    assert levels == {None: 3208, "fusion": 195, "copy number": 171, "mutation group": 123,
                      "exon or domain group": 16, "protein region": 5, "position": 2}
    assert not [n for n in store.nodes(category="biolink:SequenceVariant")
                if n.properties.get("alteration") and "protein_change" in n.properties]


def test_gene_level_statements_keep_effect_oncogenicity_and_publications(store):
    load(store, "oncokb", [FILE])
    brca2 = store.node("KGTWIN.VARIANT:HGNC-1101-Truncating_Mutations")
    assert brca2.name == "BRCA2 Truncating Mutations"
    assert dict(brca2.properties) == {
        "alteration": "Truncating Mutations", "alteration_level": "mutation group",
        "oncogenicity": "Likely Oncogenic", "mutation_effect": "Likely Loss-of-function"}
    (edge,) = store.edges(subject=brca2.id)
    assert (edge.predicate, edge.object) == ("biolink:is_sequence_variant_of", "HGNC:1101")
    assert edge.properties["publications"][:2] == ["PMID:20878484", "PMID:24312913"]
    cdkn2a = store.node("KGTWIN.VARIANT:HGNC-1787-Deletion")
    assert (cdkn2a.properties["alteration_level"], cdkn2a.properties["mutation_effect"]) \
        == ("copy number", "Loss-of-function")
    egfr = store.node("KGTWIN.VARIANT:HGNC-3236-Amplification")
    assert egfr.properties["mutation_effect"] == "Gain-of-function"
    fusion = store.node("KGTWIN.VARIANT:HGNC-3446-TMPRSS2-ERG_Fusion")  # under ERG
    assert fusion.properties["alteration"] == "TMPRSS2-ERG Fusion"
    assert fusion.properties["alteration_level"] == "fusion"


@pytest.mark.parametrize("alteration, level", [
    ("Truncating Mutations", "mutation group"),
    ("Deletion", "copy number"),
    ("EML4-ALK Fusion", "fusion"),
    ("Exon 19 deletion", "exon or domain group"),
    ("R1627", "position"),
    ("422_605trunc", "protein region"),
    ("EGFRvIII", None),
    ("p61BRAF", None),
    ("Overexpression", None),
])
def test_non_protein_alterations_are_told_apart_by_class(alteration, level):
    assert gene_level(alteration) == level


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


def test_a_truncating_change_reads_the_genes_oncokb_truncating_statement(store):
    """BCOR L247fs (TCGA-AB-2970) has no OncoKB row of its own; BCOR's Truncating
    Mutations statement (Likely Loss-of-function) is what OncoKB says of it, and the twin
    reads it beside the shipped rule (a frameshift is a loss)."""
    load(store, "clinical-csv", ["maf/tcga_laml_annot.tsv"],
         columns="patient:Tumor_Sample_Barcode")
    load(store, "maf", ["maf/tcga_laml.maf.gz"], unresolved_genes="keep")
    load(store, "oncokb", [FILE])
    profile = patient_profile(store, pseudonymiser().patient("TCGA-AB-2970"))
    (bcor,) = [v for v in profile.variants if v.symbol == "BCOR"]
    assert (bcor.change, bcor.mutation_effect) == ("p.L247fs", "Likely Loss-of-function")
    assert store.node("KGTWIN.VARIANT:HGNC-20893-p.L247fs") is None
    (reading,) = [a for a in alterations(profile) if a.symbol == "BCOR"]
    assert reading.effect is Effect.LOSS
    assert "knowledge base agrees: Likely Loss-of-function" in reading.reason


def test_a_deep_deletion_reads_the_genes_oncokb_deletion_statement(store):
    """cBioPortal's prostate_msk_2024: P-0034221's PTEN deep deletion (GISTIC -2) is
    what OncoKB's PTEN Deletion statement (Loss-of-function) is about."""
    load(store, "cbioportal", ["cbio"], unresolved_genes="keep")
    load(store, "oncokb", [FILE])
    profile = patient_profile(store, pseudonymiser().patient(
        "P-0034221", "cbioportal:prostate_msk_2024"))
    (pten,) = [v for v in profile.variants if v.symbol == "PTEN"]
    assert (pten.change, pten.mutation_effect) == ("deep deletion", "Loss-of-function")
    (reading,) = [a for a in alterations(profile) if a.symbol == "PTEN"]
    assert reading.effect is Effect.LOSS
    assert "knowledge base agrees: Loss-of-function" in reading.reason


@pytest.mark.parametrize("predicate, change, alteration", [
    ("biolink:has_nonsense_variant", "p.R3128*", "Truncating Mutations"),
    ("biolink:has_frameshift_variant", "p.L247fs", "Truncating Mutations"),
    ("biolink:has_splice_site_variant", "p.X963_splice", "Truncating Mutations"),
    ("biolink:has_sequence_variant", "p.Q61*", "Truncating Mutations"),  # class unknown
    ("biolink:has_sequence_variant", "amplification", "Amplification"),
    ("biolink:has_sequence_variant", "deep deletion", "Deletion"),
    ("biolink:has_missense_variant", "p.V600E", None),
    ("biolink:has_sequence_variant", "BCR::ABL1 fusion", None),
])
def test_which_gene_level_statement_a_patient_variant_falls_under(predicate, change,
                                                                  alteration):
    from kgtwin.patient_schema import gene_level_alteration

    assert gene_level_alteration(predicate, change) == alteration


_ALTERATIONS = st.one_of(
    st.sampled_from(["V600E", "W802*", "E746_A750del", "T779fs", "X963_splice", "R1627",
                     "Truncating Mutations", "Amplification", "Deletion", "Fusions",
                     "EML4-ALK Fusion", "Exon 19 deletion", "422_605trunc", "Overexpression",
                     "EGFRvIII", "3' Deletion", "Oncogenic Mutations"]),
    st.from_regex(r"[A-Z]\d{1,4}[A-Z*]", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["BRAF", "TP53", "NOTAGENE1", "",
                                                "Other Biomarkers"]), _ALTERATIONS,
                               st.sampled_from(["Gain-of-function", "null", ""]),
                               st.sampled_from(["12068308", "", "1, 2", "x"])),
                     min_size=1, max_size=8))
def test_any_oncokb_rows_give_one_kind_of_node_each_or_a_named_refusal(tmp_path, rows):
    """Whatever the rows: a protein variant node or a gene-level statement node, never
    both for one row, or a refusal naming its line; --skip-bad never raises."""
    from kgtwin.loaders import get_loader

    from kgtwin.align import Aligner
    from kgtwin.load import aligned_records

    path = tmp_path / f"rows{abs(hash(tuple(rows)))}.txt"
    path.write_text(HEADER + "".join(
        f"{g}\t{a.replace(chr(9), ' ').replace(chr(10), ' ').replace(chr(13), ' ')}\t"
        f"Oncogenic\t{e}\t{p}\t\n" for g, a, e, p in rows))
    try:
        list(aligned_records(get_loader("oncokb")([path]), Aligner()))
    except InputError as error:
        assert f"{path.name}:" in str(error)
    loader = get_loader("oncokb")([path], skip_bad=True)
    records = list(aligned_records(loader, Aligner()))
    for node in records:
        if getattr(node, "category", None) != "biolink:SequenceVariant":
            continue
        protein = "protein_change" in node.properties
        assert protein != ("alteration_level" in node.properties)
        if protein:
            assert node.id.endswith("-" + node.properties["protein_change"])
        else:
            assert node.id.endswith("-" + re.sub(r"[^A-Za-z0-9.+-]+", "_",
                                                 node.properties["alteration"]).strip("_"))
    assert loader.bad.count + loader.passed.count <= len(rows)
