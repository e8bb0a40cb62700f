"""Mutation Annotation Format (MAF, GDC/TCGA and cBioPortal flavours) -> variant edges.

Each row becomes ``sample --has_*_variant--> gene`` (:mod:`kgtwin.patient_schema`), the
sample named by a pseudonym of ``Tumor_Sample_Barcode``, so a FHIR Specimen with the
same identifier meets it in one node. The gene comes from ``Hugo_Symbol`` through the
symbol table, else ``Entrez_Gene_Id`` (``NCBIGene:``) or an Ensembl ``Gene`` column;
a gene none of them names is a bad record. The protein change (``HGVSp_Short``, else
``HGVSp``, else the genomic change) is the variant's identity; allele fraction is
``t_alt_count / (t_alt_count + t_ref_count)`` (or ``t_depth``), classification comes
from ``CLIN_SIG`` or cBioPortal's ``ONCOGENIC`` when present. ``#`` comment lines
(``#version 2.4``) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.patient_base import PatientLoader, missing_columns, read_table

from kgtwin.errors import InputError
from kgtwin.model import Record
from kgtwin.patient_schema import protein_change, sample_node, variant_edge

REQUIRED = ["Hugo_Symbol", "Tumor_Sample_Barcode"]
CLASSIFICATION_COLUMNS = ("CLIN_SIG", "ONCOGENIC", "Clinical_Significance")
#: The columns read; others are never looked at.
USED = {
    "Hugo_Symbol", "Entrez_Gene_Id", "Gene", "Tumor_Sample_Barcode", "HGVSp_Short", "HGVSp",
    "Chromosome", "Start_Position", "Reference_Allele", "Tumor_Seq_Allele1",
    "Tumor_Seq_Allele2", "Variant_Classification", "t_AF", "tumor_f", "t_alt_count",
    "t_ref_count", "t_depth", *CLASSIFICATION_COLUMNS,
}


class MafLoader(PatientLoader):
    """MAF files: one variant per row, sample pseudonymised (options: key_file, genes)."""

    name = "maf"
    description = "MAF mutations -> sample-to-gene variant edges (pseudonymised samples)"

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            yield from self._file(path)

    def _file(self, path: Path) -> Iterator[Record]:
        seen: set[int] = set()
        columns: list[tuple[str, int]] | None = None
        for header, row in read_table(self, path):
            if columns is None:
                missing = missing_columns(header, REQUIRED)
                if missing:
                    raise InputError(path, self.position, f"missing column(s): {missing}")
                columns = [(name, i) for i, name in enumerate(header) if name in USED]
            values = {name: row[i].strip() for name, i in columns}
            yield from self._row(values, seen)

    def _row(self, row: dict[str, str], seen: set[int]) -> Iterator[Record]:
        get = row.get
        barcode = get("Tumor_Sample_Barcode")
        if not barcode:
            self.reject("empty Tumor_Sample_Barcode")
            return
        symbol = get("Hugo_Symbol", "")
        gene = self.genes.resolve(symbol, entrez=get("Entrez_Gene_Id"))
        if gene is None and get("Gene"):
            gene = self.genes.resolve(get("Gene", ""))
        if gene is None:
            self.reject(
                f"unknown gene {symbol!r}: not in the symbol table and no Entrez or Ensembl "
                "id (pass --option genes=hgnc_complete_set.txt for more symbols)"
            )
            return
        protein = protein_change(get("HGVSp_Short") or get("HGVSp"))
        genomic = _genomic(get)
        change = protein or genomic
        if change is None:
            self.reject("no protein change (HGVSp_Short/HGVSp) and no genomic position")
            return
        fraction = _allele_fraction(get)
        if isinstance(fraction, str):
            self.reject(fraction)
            return
        sample = self.sample_id(barcode)
        key = hash((sample, gene, change))
        if key in seen:
            self.reject(f"duplicate variant {change} of {gene} in sample {sample}")
            return
        seen.add(key)
        if self.first_time(sample):
            yield sample_node(sample)
        yield from self.gene_node(gene)
        classification = next((get(c) for c in CLASSIFICATION_COLUMNS if get(c)), None)
        yield variant_edge(
            sample,
            gene,
            change,
            variant_class=get("Variant_Classification") or None,
            properties={
                "protein_change": protein,
                "classification": classification,
                "allele_fraction": fraction,
                "genomic_change": genomic,
            },
        )


def _genomic(get) -> str | None:
    chromosome, start = get("Chromosome"), get("Start_Position")
    if not (chromosome and start):
        return None
    alt = get("Tumor_Seq_Allele2") or get("Tumor_Seq_Allele1") or ""
    return f"{chromosome}:g.{start}{get('Reference_Allele', '')}>{alt}"


def _allele_fraction(get) -> float | str | None:
    """The tumour allele fraction, None when the counts are absent, a reason if bad."""
    for column in ("t_AF", "tumor_f"):
        if get(column):
            return _fraction_value(column, get(column))
    alt = get("t_alt_count")
    if not alt or alt == "NA":
        return None
    depth = get("t_depth")
    try:
        alt_count = float(alt)
        total = float(depth) if depth and depth != "NA" else alt_count + float(get("t_ref_count"))
    except (ValueError, TypeError):
        return "t_alt_count, t_ref_count and t_depth must be numbers"
    if alt_count < 0 or total <= 0 or alt_count > total:
        return f"allele counts out of range (alt {alt_count:g} of {total:g})"
    return round(alt_count / total, 4)


def _fraction_value(column: str, text: str) -> float | str:
    try:
        value = float(text)
    except ValueError:
        return f"{column} must be a number"
    if not 0.0 <= value <= 1.0:
        return f"{column} must be between 0 and 1"
    return round(value, 4)
