"""Cancer omics as TCGA, maftools, cBioPortal and GSEA publish them: MAF, a cBioPortal
study (clinical, mutations, copy number), expression matrices, GCT, RPPA, VCF."""

from __future__ import annotations

import csv
import gzip
import logging
import re

import pytest
from kgtwin.loaders.maf import REPEATED_ROW

from kgtwin.errors import InputError
from kgtwin.privacy import pseudonymiser
from tests.real.conftest import GENCODE19, gencode19, load, real, warnings_of

#: cBioPortal ids are pseudonymised within their study (kgtwin.loaders.patient_base).
STUDY = "cbioportal:prostate_msk_2024"


def _sample(raw: str, dataset: str = "") -> str:
    return pseudonymiser().sample(raw, dataset)


def _variants(store, sample: str) -> dict[str, str]:
    """Gene symbol -> protein change of a sample's variant edges."""
    return {store.node(e.object).name: e.qualifiers["sequence_variant_qualifier"]
            for e in store.edges(subject=sample)
            if "sequence_variant_qualifier" in e.qualifiers}


def test_tcga_maf_protein_change_column(store, caplog):
    report = load(store, "maf", ["maf/tcga_laml.maf.gz"], skip_bad=True)
    # PRAMEF16's HGNC entry is withdrawn: its one row is refused by name
    assert report.bad == 1 and "unknown gene 'PRAMEF16'" in report.bad_examples[0]
    found = _variants(store, _sample("TCGA-AB-2802"))
    assert found["DNMT3A"] == "p.R882C" and found["IDH1"] == "p.R132H"
    # NPM1's two insertions at neighbouring positions are one protein change: one edge
    assert found["NPM1"] == "p.I269fs"
    assert "2 row(s) had the protein change of an earlier row" in warnings_of(caplog)


def test_maftools_clinical_annotation_meets_its_maf(store):
    """maftools' tcga_laml_annot.tsv names samples by Tumor_Sample_Barcode only: with the
    column map it loads (a patient per barcode, its sample), and the samples are the
    MAF's own (one pseudonym for one barcode across the two files)."""
    with pytest.raises(InputError, match=r"tcga_laml_annot\.tsv:2: no patient column"):
        load(store, "clinical-csv", ["maf/tcga_laml_annot.tsv"])
    report = load(store, "clinical-csv", ["maf/tcga_laml_annot.tsv"],
                  columns="patient:Tumor_Sample_Barcode")
    rows = len(real("maf", "tcga_laml_annot.tsv").read_text().splitlines()) - 1
    assert (report.bad, report.counts.edges) == (0, rows)  # each sample -> its patient
    load(store, "maf", ["maf/tcga_laml.maf.gz"], unresolved_genes="keep")
    sample = _sample("TCGA-AB-2802")
    assert _variants(store, sample)["DNMT3A"] == "p.R882C"
    assert any(e.object == pseudonymiser().patient("TCGA-AB-2802")
               for e in store.edges(subject=sample))


def test_maftools_maf_with_lone_cr_line_ends(store):
    raw = gzip.decompress(real("maf", "APL_primary.maf.gz").read_bytes())
    assert b"\n" not in raw and raw.count(b"\r") > 200  # an old-Mac text file
    report = load(store, "maf", ["maf/APL_primary.maf.gz"], skip_bad=True)
    # FLT3_ITD is an event, not a gene symbol: refused by name; every other row loads
    flt3_itd = raw.count(b"\rFLT3_ITD\t")
    assert report.bad == flt3_itd > 0
    assert "unknown gene 'FLT3_ITD'" in report.bad_examples[0]
    rows = len(raw.strip(b"\r").split(b"\r")) - 1
    assert report.counts.edges == rows - flt3_itd


def test_cbioportal_study_folder(store, caplog):
    report = load(store, "cbioportal", ["cbio"], skip_bad=True)
    assert report.source.version == "prostate_msk_2024"
    # Only symbols newer than the 2018 HGNC table (H3-3A, …) and an ambiguous one
    # (MLL4) are refused, by name.
    assert report.bad_examples and all("unknown gene" in e or "is ambiguous" in e
                                       for e in report.bad_examples)
    assert "8 row(s) repeated an earlier row" in warnings_of(caplog)
    account = report.reconciliation
    assert account.passed_over_reasons[REPEATED_ROW] == 8
    assert account.read == account.stored + account.merged + account.passed_over + \
        account.rejected
    sample = _sample("P-0061934-T01-IM7", STUDY)
    assert _variants(store, sample)["PIK3CA"] == "p.H1047R"
    patient = pseudonymiser().patient("P-0061934", STUDY)
    assert any(e.object == patient for e in store.edges(subject=sample))
    amplified = {store.node(e.object).name
                 for e in store.edges(subject=_sample("P-0034221-T01-IM6", STUDY))
                 if e.qualifiers.get("sequence_variant_qualifier") == "amplification"}
    assert "AR" in amplified


def test_cbioportal_study_newer_symbols_refused_or_kept_as_the_user_chooses(store):
    """The study's only failures are gene symbols the 2018 HGNC table lacks (H3-3A,
    H1-2, …), cBioPortal's protein names CDKN2Ap14ARF/p16INK4A and an ambiguous alias
    (MLL4). By default the first stops the load with its file:line: reason; with
    unresolved_genes=keep the study loads whole, without --skip-bad, those genes kept
    in the hgnc.symbol namespace, counted and listed in the load's recorded account."""
    with pytest.raises(InputError, match=r"cbio/data_CNA\.txt:12: unknown gene 'H3-3A' "
                       r"\(gene index: hgnc_complete_set\.txt\.gz; --option "
                       r"unresolved_genes=keep keeps such genes by symbol\)"):
        load(store, "cbioportal", ["cbio"])
    report = load(store, "cbioportal", ["cbio"], unresolved_genes="keep")
    account = report.reconciliation
    assert report.bad == account.rejected == 0
    assert account.read == account.stored + account.merged + account.passed_over
    assert account.unresolved_policy == "keep" and account.unresolved_count == 22
    assert account.unresolved_genes["H3-3A"] == "unknown gene 'H3-3A'"
    assert account.unresolved_genes["MLL4"].startswith("gene 'MLL4' is ambiguous: a "
                                                       "previous symbol or alias of HGNC:")
    h33a = store.node("hgnc.symbol:H3-3A")
    assert (h33a.category, h33a.name) == ("biolink:Gene", "H3-3A")
    assert len(store.measurements(feature="hgnc.symbol:H3-3A")) > 0  # its CNA calls
    # the account as `kgtwin status --json` shows it
    recorded = store.ledger()[-1].reconciliation
    assert recorded["unresolved_policy"] == "keep" and recorded["unresolved_count"] == 22
    assert set(recorded["unresolved_genes"]) == set(account.unresolved_genes)


def test_cbioportal_clinical_files_alone_skip_their_description_lines(store):
    with open(real("cbio", "data_clinical_sample.txt"), newline="") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t") if not r[0].startswith("#")][1:]
    report = load(store, "clinical-csv", ["cbio/data_clinical_patient.txt",
                                          "cbio/data_clinical_sample.txt"])
    assert report.bad == 0
    samples = {pseudonymiser().sample(r[0], STUDY) for r in rows}
    assert all(store.node(s) is not None for s in list(samples)[:50])


def test_clinical_table_with_a_title_and_semicolons(store):
    # as a newcomer first tries it: the refusal says which options read it
    with pytest.raises(InputError, match=r"TCGA_clinical.csv:2: no patient column .*; line "
                       r"3 looks like the header \('Case.ID', semicolon-separated\): "
                       r"--option skip=2 --option delimiter=semicolon$"):
        load(store, "clinical-csv", ["profile/TCGA_clinical.csv"])
    with pytest.raises(InputError, match=r"TCGA_clinical.csv:1: duplicate column names"):
        load(store, "clinical-csv", ["profile/TCGA_clinical.csv"], delimiter="semicolon")
    report = load(store, "clinical-csv", ["profile/TCGA_clinical.csv"], skip="2",
                  delimiter="semicolon")
    assert (report.counts.nodes, report.bad) == (817, 0)  # "The TCGA ... (817 cases)"


def test_clinical_table_with_lone_cr_line_ends(store):
    raw = real("profile", "data_clinical_supp_sample.txt").read_bytes()
    assert b"\n" not in raw
    report = load(store, "clinical-csv", ["profile/data_clinical_supp_sample.txt"])
    rows = raw.strip(b"\r").count(b"\r")  # lines after the header
    assert report.bad == 0 and report.counts.edges == rows  # each sample -> its patient


def test_gsea_expression_with_probes_and_its_gct_agree(store, tmp_path, caplog):
    from kgtwin.store import open_store

    txt = load(store, "expression", ["gsea/Leukemia_hgu95av2.trim.txt"],
               skip_bad=True)
    assert "gene(s) had several rows (probes)" in warnings_of(caplog)
    with open_store(tmp_path / "gct") as other:
        gct = load(other, "expression", ["gsea/Leukemia_hgu95av2.trim.gct"],
                   skip_bad=True)
        assert gct.counts.measurements == txt.counts.measurements
        # each gene's further probe rows are passed over, counted: every row accounted
        # for (one row of values per gene, the probes combined into it, the rejected)
        combined = "a gene's further row (probe), combined into one value per sample (mean)"
        account = txt.reconciliation
        assert account.passed_over_reasons == {combined: 2509}
        rows = len(real("gsea", "Leukemia_hgu95av2.trim.txt").read_text().splitlines()) - 1
        assert rows == txt.counts.measurements // 48 + account.passed_over + account.rejected
        assert gct.reconciliation.passed_over == 0  # the GCT holds one row per gene
        sample = _sample("ALL_1")
        braf = other.measurements(entity=sample, feature="HGNC:1097")["value"].tolist()
    assert all("unknown gene" in e for e in txt.bad_examples + gct.bad_examples)
    braf_txt = store.measurements(entity=sample, feature="HGNC:1097")["value"].tolist()
    assert braf == pytest.approx(braf_txt) == [100.6]  # BRAF's one probe, ALL_1


@pytest.mark.parametrize("name", ["TCGA.AB.3009.hg19.seg.txt", "LAML_CBS_segments.tsv.gz"])
def test_segment_files_need_their_build_and_are_not_expression(store, name):
    """maftools' segment files do not say their build: never guessed; as expression
    (genomic segments, not genes) they are refused at their header, saying what to do."""
    with pytest.raises(InputError, match=rf"{name.replace('.', '[.]')}: a segmented "
                       r"copy-number file .* give it with --option build=GRCh37"):
        load(store, "copy-number", [f"maf/{name}"], coordinates=gencode19())
    with pytest.raises(InputError, match=rf"{name.replace('.', '[.]')}:1: a segmented "
                       r"copy-number file .* load it as copy-number with its build"):
        load(store, "expression", [f"maf/{name}"], skip_bad=True, unresolved_genes="keep")
    assert store.counts().nodes == 0


def _segments(caplog) -> dict[str, int]:
    """The load's segment account from its log line (read, placed, no gene, no mean,
    rejected)."""
    found = re.search(r"(\d+) segments read: (\d+) placed on genes, (\d+) overlapping no "
                      r"gene, (\d+) without a mean, (\d+) rejected", caplog.text)
    assert found, caplog.text
    return dict(zip(("read", "placed", "no_gene", "no_mean", "rejected"),
                    map(int, found.groups()), strict=True))


def _seg_rows(name: str) -> list[list[str]]:
    path = real("maf", name)
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))[1:]


def _span(symbol: str) -> tuple[str, int, int]:
    """A gene's GENCODE 19 span, read from the coordinates file itself."""
    with gzip.open(GENCODE19, "rt") as handle:
        for line in handle:
            if f'gene_name "{symbol}";' in line:
                fields = line.split("\t")
                return fields[0].removeprefix("chr"), int(fields[3]), int(fields[4])
    raise AssertionError(f"{symbol} not in {GENCODE19}")


def test_tcga_segments_placed_on_hg19_genes(store, caplog):
    """TCGA-AB-3009's hg19 segments (Affymetrix SNP6, CBS) on GENCODE 19 genes: NF1 lies
    in its 17q11 loss (-0.9157); PARK2 (PRKN) spans a breakpoint of its 6q26 loss and
    takes the base-weighted mean of the segments it shares bases with."""
    with caplog.at_level(logging.INFO):
        report = load(store, "copy-number", ["maf/TCGA.AB.3009.hg19.seg.txt"],
                      build="GRCh37", coordinates=gencode19())
    rows = _seg_rows("TCGA.AB.3009.hg19.seg.txt")
    account, segments = report.reconciliation, _segments(caplog)
    assert segments["read"] == len(rows) == 818 and segments["rejected"] == report.bad == 0
    assert segments["read"] == (segments["placed"] + segments["no_gene"]
                                + segments["no_mean"] + segments["rejected"])
    assert account.passed_over == segments["no_gene"] + segments["no_mean"]
    assert segments["placed"] == 632 and report.counts.edges == 0  # values, not calls
    sample = _sample("TCGA-AB-3009")
    assert store.node(sample) is not None
    assert report.counts.measurements == len(store.measurements(entity=sample)) > 30_000
    value = store.measurements(entity=sample, feature="HGNC:7765")["value"].tolist()  # NF1
    assert value == [-0.9157]
    chrom, start, end = _span("PARK2")
    shared = [(min(end, int(r[3])) - max(start, int(r[2])) + 1, float(r[5]))
              for r in rows if r[1] == chrom and int(r[2]) <= end and int(r[3]) >= start]
    assert len(shared) > 1
    expected = sum(b * v for b, v in shared) / sum(b for b, _ in shared)
    prkn = store.measurements(entity=sample, feature="HGNC:8607")["value"].tolist()
    assert prkn == [pytest.approx(expected)]


def test_tcga_segments_under_other_headers_load_with_a_column_map(store, caplog, tmp_path):
    """The same 818 segments under GISTIC 2's input spellings (``Start Position``,
    ``End Position``, ``Seg.CN``, the sample last) load by ``columns=``, identically."""
    respelled = tmp_path / "TCGA.AB.3009.gistic.txt"
    respelled.write_text("Chrom\tStart Position\tEnd Position\tMarkers\tSeg.CN\tPatient\n"
                         + "".join("\t".join([*row[1:], row[0]]) + "\n"
                                   for row in _seg_rows("TCGA.AB.3009.hg19.seg.txt")))
    with caplog.at_level(logging.INFO):
        report = load(store, "copy-number", [respelled], build="GRCh37",
                      coordinates=gencode19(), columns="sample:Patient,chromosome:Chrom,"
                      "start:Start Position,end:End Position,value:Seg.CN")
    segments = _segments(caplog)
    assert (segments["read"], segments["placed"], segments["no_gene"]) == (818, 632, 186)
    sample = _sample("TCGA-AB-3009")
    assert report.counts.measurements == len(store.measurements(entity=sample)) > 30_000
    nf1 = store.measurements(entity=sample, feature="HGNC:7765")["value"].tolist()
    assert nf1 == [-0.9157]


def test_laml_cbs_segments_of_191_samples(store, caplog):
    """maftools' TCGA-LAML CBS segments (Seg.CN): TCGA-AB-2820's 17p loss takes TP53
    (-0.796276); a chromosome-long 0 is stored as 0, not as missing."""
    with caplog.at_level(logging.INFO):
        report = load(store, "copy-number", ["maf/LAML_CBS_segments.tsv.gz"],
                      build="hg19", coordinates=gencode19())
    rows = _seg_rows("LAML_CBS_segments.tsv.gz")
    segments = _segments(caplog)
    assert segments["read"] == len(rows) == 6_470 and report.bad == 0
    assert segments["read"] == (segments["placed"] + segments["no_gene"]
                                + segments["no_mean"] + segments["rejected"])
    samples = {r[0] for r in rows}
    assert len(samples) == 191
    assert all(store.node(_sample(s)) is not None for s in samples)
    tp53 = "HGNC:11998"
    assert store.measurements(entity=_sample("TCGA-AB-2820"), feature=tp53)[
        "value"].tolist() == [-0.796276]
    assert store.measurements(entity=_sample("TCGA-AB-2868"), feature=tp53)[
        "value"].tolist() == [-0.575403]
    # TCGA-AB-2803's chr1 is one segment of 0 from 3,218,610: NRAS (chr1p13) is 0
    assert store.measurements(entity=_sample("TCGA-AB-2803"), feature="HGNC:7989")[
        "value"].tolist() == [0.0]
    every = store.measurements(feature=tp53)
    assert len(every) == 191 and every["zscore"].notna().all()


def test_expression_probes_can_be_refused(store):
    with pytest.raises(InputError, match="duplicate row for gene"):
        load(store, "expression", ["gsea/Leukemia_hgu95av2.trim.txt"],
             duplicates="refuse")


def test_rppa_gene_antibody_rows(store):
    """An antibody against a protein family (AKT1 AKT2 AKT3|Akt) counts for each of its
    genes, as cBioPortal maps it; only the file's two misspelt symbols are refused."""
    report = load(store, "expression", ["profile/data_rppa.txt"],
                  skip_bad=True)
    assert [e.split(": ", 1)[1][:20] for e in report.bad_examples] == [
        "unknown gene 'GUSP4'", "unknown gene 'IGFR1'"]  # DUSP4, IGF1R (lines 217, 219)
    with open(real("profile", "data_rppa.txt"), newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    header, body = rows[0], rows[1:]
    gene_rows = sum(len(r[0].split("|")[0].split()) for r in body) - 2
    account = report.reconciliation
    # every gene-row is one gene's values or combined into them (a gene's several rows)
    genes = sum(1 for _ in store.nodes(category="biolink:Gene"))
    assert gene_rows == genes + account.passed_over
    sample = _sample(header[1])
    akt3_rows = [r for r in body if "AKT3" in r[0].split("|")[0].split()]
    assert [r[0] for r in akt3_rows] == ["AKT1 AKT2 AKT3|Akt", "AKT1 AKT2 AKT3|Akt_pS473",
                                         "AKT1 AKT2 AKT3|Akt_pT308"]
    expected = sum(float(r[1]) for r in akt3_rows) / 3  # AKT3 (HGNC:393): their mean
    akt3 = store.measurements(entity=sample, feature="HGNC:393")["value"].tolist()
    assert akt3 == pytest.approx([expected])


@pytest.mark.parametrize(("name", "edges", "warned"), [
    ("cyvcf2_test.snpeff.vcf", None, False),   # old SnpEff EFF annotations
    ("mip_test.vcf", 2, False),                # SnpEff ANN, two carriers
    ("htslib_index.vcf", 0, True),             # gVCF blocks, no annotation
    ("htslib_tabix_vcf_file.vcf", 0, True),    # plain, no annotation
    ("mip_643594_vrecal.vcf", 0, False),       # a header and no records
])
def test_vcf_flavours(store, caplog, name, edges, warned):
    report = load(store, "vcf", [f"vcf/{name}"])
    assert report.bad == 0
    if edges is not None:
        assert report.counts.edges == edges
    assert ("with no gene annotation" in warnings_of(caplog)) == warned
    if warned:  # every record passed over, counted in the load's account
        lines = real("vcf", name).read_text().splitlines()
        records = sum(1 for line in lines if line.strip() and not line.startswith("#"))
        account = report.reconciliation
        assert account.passed_over == records > 0 and report.counts.edges == 0


def test_snpeff_eff_missense_variant(store):
    load(store, "vcf", ["vcf/cyvcf2_test.snpeff.vcf"])
    missense = [e for e in store.edges(predicate="biolink:has_missense_variant")]
    assert {e.qualifiers["sequence_variant_qualifier"] for e in missense} >= {"p.D224V"}
    assert {store.node(e.object).name for e in missense} == {"OR4F5"}


def test_h5ad_of_scanpy(store, tmp_path):
    report = load(store, "h5ad", ["h5ad/pbmc68k_reduced.h5ad"],
                  skip_bad=True)
    assert report.counts.measurements > 0
    assert all("unknown gene" in e for e in report.bad_examples)
    # the 12 refused genes are clone-based names with no HGNC symbol (RP11-782C8.1):
    # with unresolved_genes=keep the file loads whole, without --skip-bad, those kept
    from kgtwin.store import open_store

    refused = set(report.unresolved_genes)
    assert len(refused) == report.bad == 12 and "RP11-782C8.1" in refused
    with open_store(tmp_path / "kept") as kept:
        again = load(kept, "h5ad", ["h5ad/pbmc68k_reduced.h5ad"], unresolved_genes="keep")
        assert again.bad == 0 and set(again.unresolved_genes) == refused
        assert again.counts.measurements == 700 * 765  # pbmc68k_reduced: cells x genes
        assert len(kept.measurements(feature="hgnc.symbol:RP11-782C8.1")) == 700


def test_a_study_folder_is_loaded_under_the_patient_rules(store):
    from kgtwin.loaders import get_loader
    from kgtwin.loaders.patient_base import PatientLoader

    assert issubclass(get_loader("cbioportal"), PatientLoader)
    report = load(store, "cbioportal", ["cbio"], skip_bad=True)
    assert report.source.path != "cbio"  # a patient source's files are named by pseudonym
