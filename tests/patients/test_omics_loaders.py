"""MAF, expression and copy-number loaders on small files in the real formats."""

from __future__ import annotations

import pytest
from kgtwin.loaders import get_loader

from kgtwin.errors import InputError
from kgtwin.load import load_files
from kgtwin.model import Edge, Node, measurement_rows
from kgtwin.privacy import pseudonymiser


def records(format, path, **options):
    return list(get_loader(format)([path], **options).records())


def test_maf_rows_become_variant_edges_from_pseudonymised_samples(data):
    found = records("maf", data / "mutations.maf")
    edges = [r for r in found if isinstance(r, Edge)]
    assert len(edges) == 5
    braf = next(e for e in edges if e.object == "HGNC:1097")
    assert braf.predicate == "biolink:has_missense_variant"
    assert braf.qualifiers["sequence_variant_qualifier"] == "p.V600E"
    assert braf.properties["allele_fraction"] == pytest.approx(50 / 120, abs=1e-4)
    assert braf.properties["classification"] == "pathogenic"
    assert braf.subject == pseudonymiser().sample("TCGA-ZZ-A001-01A")
    samples = {r.id for r in found if isinstance(r, Node) and r.category.endswith("Sample")}
    assert len(samples) == 4 and all("TCGA" not in s for s in samples)


def test_maf_unknown_symbol_is_a_bad_record(tmp_path, data):
    text = (data / "mutations.maf").read_text().replace("PIK3CA\t5290", "NOTAGENE\t0").replace(
        "ENSG00000121879", ""
    )
    path = tmp_path / "bad.maf"
    path.write_text(text)
    with pytest.raises(InputError, match=r"bad.maf:7: unknown gene 'NOTAGENE'"):
        records("maf", path)
    loader = get_loader("maf")([path], skip_bad=True)
    edges = [r for r in loader.records() if isinstance(r, Edge)]
    assert len(edges) == 4 and loader.bad.count == 1


def test_maf_duplicate_and_missing_column(tmp_path, data):
    lines = (data / "mutations.maf").read_text().splitlines()
    path = tmp_path / "dup.maf"
    # A row repeated exactly is one statement (cBioPortal exports repeat some rows);
    # repeated with another allele fraction it contradicts itself: a bad record.
    path.write_text("\n".join([*lines, lines[2]]) + "\n")
    assert records("maf", path) == records("maf", data / "mutations.maf")
    conflicting = lines[2].replace("\t120\t70\t50\t", "\t120\t60\t60\t")
    assert conflicting != lines[2]
    path.write_text("\n".join([*lines, conflicting]) + "\n")
    with pytest.raises(InputError, match=r"p\.V600E of HGNC:1097 .* another allele fraction"):
        records("maf", path)
    path.write_text("Hugo_Symbol\tChromosome\nBRAF\tchr7\n")
    with pytest.raises(InputError, match=r"missing column.*Tumor_Sample_Barcode"):
        records("maf", path, skip_bad=True)


def test_expression_zscores_against_the_cohort(data):
    found = records("expression", data / "expression.tsv")
    values = measurement_rows(found)
    assert len(values) == 23  # 6 genes x 4 samples, one NA
    braf = {m.entity: m for m in values if m.feature == "HGNC:1097"}
    raw = [12.5, 8.1, 7.9, 8.4]
    mean = sum(raw) / 4
    sd = (sum((v - mean) ** 2 for v in raw) / 3) ** 0.5
    top = braf[pseudonymiser().sample("TCGA-ZZ-A001-01A")]
    assert top.value == 12.5 and top.zscore == pytest.approx((12.5 - mean) / sd, abs=1e-5)
    assert {m.feature for m in values} >= {"HGNC:4141"}  # Ensembl id of GAPDH -> HGNC


def test_expression_bad_cells_and_duplicate_genes(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("gene,S1,S2\nBRAF,1,2\nKRAS,x,3\nBRAF,4,5\nEGFR,1,inf\n")
    with pytest.raises(InputError, match=r"m\.csv:3: column 2: not a number"):
        records("expression", path)
    loader = get_loader("expression")([path], skip_bad=True, duplicates="refuse")
    kept = measurement_rows(loader.records())
    assert {m.feature for m in kept} == {"HGNC:1097"} and loader.bad.count == 3
    # By default a gene's rows (probes) are combined: BRAF is the mean of its two rows.
    loader = get_loader("expression")([path], skip_bad=True)
    kept = measurement_rows(loader.records())
    assert sorted(m.value for m in kept) == [2.5, 3.5] and loader.bad.count == 2


def test_duplicate_sample_columns_named_by_position_not_id(tmp_path):
    path = tmp_path / "m.tsv"
    path.write_text("gene\tSECRET-1\tSECRET-1\nBRAF\t1\t2\n")
    with pytest.raises(InputError) as error:
        records("expression", path)
    assert "SECRET" not in str(error.value) and "column(s) [3]" in str(error.value)


def test_copy_number_gistic_calls_become_variants(data):
    found = records("copy-number", data / "copy_number.tsv")
    calls = {(e.object, e.qualifiers["sequence_variant_qualifier"]) for e in found
             if isinstance(e, Edge)}
    assert calls == {("HGNC:1787", "deep deletion"), ("HGNC:7553", "amplification"),
                     ("HGNC:3430", "amplification")}
    kinds = {m.kind for m in measurement_rows(found)}
    assert kinds == {"copy_number"}


def test_maf_and_expression_samples_meet_in_the_store(store, data):
    load_files(store, "maf", [data / "mutations.maf"])
    load_files(store, "expression", [data / "expression.tsv"])
    sample = pseudonymiser().sample("TCGA-ZZ-A001-01A")
    assert store.node(sample).category == "biolink:MaterialSample"
    assert len(store.measurements(entity=sample)) == 6
    assert {e.object for e in store.edges(subject=sample)} == {"HGNC:1097", "HGNC:11998"}
    again = load_files(store, "maf", [data / "mutations.maf"])
    assert again.skipped


def test_a_bad_record_stops_the_load_and_nothing_of_the_file_is_written(store, tmp_path, data):
    lines = (data / "mutations.maf").read_text().splitlines()
    path = tmp_path / "late-error.maf"
    path.write_text("\n".join([*lines, lines[2].replace("BRAF\t673", "NOTAGENE\t0")
                               .replace("ENSG00000157764", "")]) + "\n")
    with pytest.raises(InputError, match=r"late-error\.maf:8: unknown gene"):
        load_files(store, "maf", [path])
    assert store.counts().edges == 0 and store.counts().nodes == 0 and not store.ledger()
    report = load_files(store, "maf", [path], skip_bad=True)
    assert report.bad == 1 and report.counts.edges == 5
    assert "unknown gene 'NOTAGENE'" in report.bad_examples[0]
