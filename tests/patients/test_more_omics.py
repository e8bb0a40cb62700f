"""AnnData .h5ad and annotated VCF loaders on small real files."""

from __future__ import annotations

import pytest
from kgtwin.loaders import get_loader

from kgtwin.errors import InputError
from kgtwin.load import load_files
from kgtwin.model import Edge, measurement_rows
from kgtwin.privacy import pseudonymiser


def records(format, path, **options):
    loader = get_loader(format)([path], **options)
    return list(loader.records()), loader


def test_h5ad_matches_the_tsv_matrix(data):
    from_h5ad, _ = records("h5ad", data / "expression.h5ad")
    from_tsv, _ = records("expression", data / "expression.tsv")
    h5ad = {(m.entity, m.feature): m for m in measurement_rows(from_h5ad)}
    tsv = {(m.entity, m.feature): m for m in measurement_rows(from_tsv)}
    assert len(h5ad) == 19  # 4 x 5, one NaN
    for key, measurement in h5ad.items():
        assert measurement.value == pytest.approx(tsv[key].value, abs=1e-5)
        assert measurement.zscore == pytest.approx(tsv[key].zscore, abs=1e-4)


def test_h5ad_gene_column_layer_and_small_chunks(data):
    found, _ = records("h5ad", data / "expression.h5ad", gene_column="gene_ids",
                       layer="counts", chunk="1")
    values = measurement_rows(found)
    assert {m.feature for m in values} == {"HGNC:1097", "HGNC:3072", "HGNC:3236",
                                           "HGNC:3467", "HGNC:7107"}
    braf = sorted(m.value for m in values if m.feature == "HGNC:1097")
    assert braf == [239.0, 274.0, 338.0, 5793.0]
    with pytest.raises(InputError, match="no layer 'tpm'"):
        records("h5ad", data / "expression.h5ad", layer="tpm")


def test_h5ad_not_a_file_of_that_format(tmp_path):
    path = tmp_path / "x.h5ad"
    path.write_text("not hdf5")
    with pytest.raises(InputError, match=r"not a readable \.h5ad file"):
        records("h5ad", path)


def test_vcf_carriers_become_variant_edges(data):
    found, _ = records("vcf", data / "variants.vcf")
    edges = [e for e in found if isinstance(e, Edge)]
    tumour = pseudonymiser().sample("TCGA-ZZ-A001-01A")
    assert {(e.subject, e.object, e.qualifiers["sequence_variant_qualifier"]) for e in edges} == {
        (tumour, "HGNC:1097", "p.V600E"), (tumour, "HGNC:11998", "p.R175H")}  # KRAS: 0/0
    braf = next(e for e in edges if e.object == "HGNC:1097")
    assert braf.predicate == "biolink:has_missense_variant"
    assert braf.properties["allele_fraction"] == 0.417
    tp53 = next(e for e in edges if e.object == "HGNC:11998")
    assert tp53.properties["allele_fraction"] == pytest.approx(40 / 90, abs=1e-4)
    assert tp53.properties["classification"] == "Pathogenic"


def test_vcf_and_maf_meet_on_one_statement(store, data):
    load_files(store, "maf", [data / "mutations.maf"])
    load_files(store, "vcf", [data / "variants.vcf"])
    tumour = pseudonymiser().sample("TCGA-ZZ-A001-01A")
    edges = list(store.edges(subject=tumour))
    assert len(edges) == 2
    assert all({p.source for p in e.provenance} == {"maf", "vcf"} for e in edges)


def test_vcf_bad_rows(tmp_path, data):
    lines = (data / "variants.vcf").read_text().splitlines()
    path = tmp_path / "bad.vcf"
    path.write_text("\n".join([*lines, "chr1\tx\t.\tA\tT\t.\tPASS\tGENE=BRAF\tGT\t0/1\t0/0"]))
    with pytest.raises(InputError, match=r"bad.vcf:16: POS must be a number"):
        records("vcf", path)
    path.write_text("\n".join([*lines[:-3], "chr1\t5\t.\tA\tT\t.\tPASS\tGENE=XYZZY\tGT\t0/1\t0/0"]))
    found, loader = records("vcf", path, skip_bad=True)
    assert loader.bad.count == 1 and not [e for e in found if isinstance(e, Edge)]
    path.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                    "chr7\t140753336\t.\tA\tT\t.\tPASS\tGENE=BRAF\n")
    with pytest.raises(InputError, match="sample=NAME"):
        records("vcf", path)
    found, _ = records("vcf", path, sample="S-1")
    assert [e.subject for e in found if isinstance(e, Edge)] == [pseudonymiser().sample("S-1")]
