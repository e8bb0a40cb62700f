"""Mutation Annotation Format (MAF, GDC/TCGA and cBioPortal flavours) -> variant edges.

Each row becomes ``sample --has_*_variant--> gene`` (:mod:`kgtwin.patient_schema`), the
sample named by a pseudonym of ``Tumor_Sample_Barcode``, so a FHIR Specimen with the
same identifier meets it in one node. The gene comes from ``Hugo_Symbol`` through the
symbol table, else ``Entrez_Gene_Id`` (``NCBIGene:``) or an Ensembl ``Gene`` column;
a gene none of them names is a bad record. The protein change (``HGVSp_Short``, else
``HGVSp``, else the ``Protein_Change`` of TCGA's older MAFs or an ``amino_acid_change``
such as ``V536L``, else the genomic change) is the variant's identity; allele fraction is
``t_alt_count / (t_alt_count + t_ref_count)`` (or ``t_depth``), classification comes
from ``CLIN_SIG`` or cBioPortal's ``ONCOGENIC`` when present. ``#`` comment lines
(``#version 2.4``) are skipped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.patient_base import PatientLoader, missing_columns, read_table
from kgtwin.loaders.tables import parse_column_map

from kgtwin.errors import InputError
from kgtwin.model import Record
from kgtwin.patient_schema import protein_change, sample_node, variant_edge

log = logging.getLogger(__name__)

REQUIRED = ["Hugo_Symbol", "Tumor_Sample_Barcode"]
CLASSIFICATION_COLUMNS = ("CLIN_SIG", "ONCOGENIC", "Clinical_Significance")
#: The columns read; others are never looked at.
USED = {
    "Hugo_Symbol", "Entrez_Gene_Id", "Gene", "Tumor_Sample_Barcode", "HGVSp_Short", "HGVSp",
    "Chromosome", "Start_Position", "Reference_Allele", "Tumor_Seq_Allele1",
    "Tumor_Seq_Allele2", "Variant_Classification", "t_AF", "tumor_f", "t_alt_count",
    "t_ref_count", "t_depth", "Protein_Change", "amino_acid_change", *CLASSIFICATION_COLUMNS,
}
#: A bare amino-acid change (``V536L``, ``R882H``, ``Q61*``): given its ``p.``.
_BARE_CHANGE = re.compile(r"^[A-Z*]\d+[A-Z*]$|^[A-Z][a-z]{2}\d+([A-Z][a-z]{2}|\*|Ter)$")


#: Why a MAF row exactly repeating an earlier one gives no record.
REPEATED_ROW = "repeats an earlier row (sample, gene, change, allele fraction): one statement"


class MafLoader(PatientLoader):
    """MAF files: one variant per row, sample pseudonymised (options: key_file, genes).

    A MAF may have millions of rows, so a row is read by column index (no dict per row;
    a column the file lacks reads as ''), genes are resolved once per (symbol, Entrez,
    Ensembl) and pseudonyms once per barcode. A MAF-like table whose headers differ
    says which of its columns plays a MAF column with ``columns=MAF_COLUMN:COLUMN,...``
    (``columns=Hugo_Symbol:gene,Tumor_Sample_Barcode:sample_id``).
    """

    name = "maf"
    description = "MAF mutations -> sample-to-gene variant edges (pseudonymised samples)"

    def __init__(self, paths: list[Path], *, columns: str | None = None, **options):
        super().__init__(paths, **options)
        self.renames = {column: role for role, column in
                        parse_column_map(columns, list(_COLUMNS)).items()}

    @classmethod
    def columns_help(cls) -> str:
        need = set(REQUIRED)
        return "\n".join(f"  {c}{' (required)' if c in need else ''}" for c in _COLUMNS)

    def records(self) -> Iterator[Record]:
        self.protein_merges = self.repeated_rows = 0
        for path in self.paths:
            yield from self._file(path)
        if self.repeated_rows:
            log.warning("%d row(s) repeated an earlier row's sample, gene, change and allele "
                        "fraction: passed over (one statement)", self.repeated_rows)
        if self.protein_merges:
            log.warning("%d row(s) had the protein change of an earlier row of the same "
                        "sample and gene from another genomic change: each pair is one "
                        "variant edge (a variant's identity is its protein change)",
                        self.protein_merges)

    def _file(self, path: Path) -> Iterator[Record]:
        seen: dict[int, object] = {}
        genes: dict[tuple[str, str, str], str | None] = {}
        at: tuple[int, ...] | None = None
        for header, row in read_table(self, path):
            if at is None:
                if self.renames:
                    absent = sorted(set(self.renames) - set(header))
                    if absent:
                        raise InputError(path, self.position, "the columns option names "
                                         f"column(s) the header lacks: {', '.join(absent)}")
                    header = [self.renames.get(c, c) for c in header]
                missing = missing_columns(header, REQUIRED)
                if missing:
                    raise InputError(path, self.position, f"missing column(s): {missing}")
                index = {name: i for i, name in enumerate(header) if name in USED}
                at = tuple(index.get(name, -1) for name in _COLUMNS)
            row.append("")  # what a missing column (index -1) reads
            found = self._row([row[i].strip() for i in at], seen, genes)
            if found:
                yield from found

    def _row(self, cells: list[str], seen: dict[int, object], genes: dict) -> list[Record] | None:
        """The records of one row (a list, not a generator: a million rows)."""
        (barcode, symbol, entrez, ensembl, short, long_, chromosome, start, reference,
         allele1, allele2, variant_class, t_af, tumor_f, alt, ref, depth, tcga_change,
         amino_acid, *classes) = cells
        classification = classes[0] or classes[1] or classes[2] or None  # CLASSIFICATION_COLUMNS
        if not barcode:
            self.reject("empty Tumor_Sample_Barcode")
            return None
        gene = genes.get((symbol, entrez, ensembl), False)
        if gene is False:
            gene = self.genes.resolve(symbol, entrez=entrez or None, ensembl=ensembl or None)
            genes[(symbol, entrez, ensembl)] = gene
        if gene is None:
            self.reject(self.genes.explain(symbol or ensembl or entrez))
            return None
        protein = protein_change(short or long_ or tcga_change or _with_p(amino_acid))
        genomic = (f"{chromosome}:g.{start}{reference}>{allele2 or allele1}"
                   if chromosome and start else None)
        change = protein or genomic
        if change is None:
            self.reject("no protein change (HGVSp_Short/HGVSp) and no genomic position")
            return None
        fraction = _allele_fraction(t_af, tumor_f, alt, ref, depth)
        if isinstance(fraction, str):
            self.reject(fraction)
            return None
        sample = self.sample_id(barcode)
        key = hash((sample, gene, change, genomic))
        if key in seen:
            if seen[key] != fraction:
                self.reject(f"variant {change} of {gene} in sample {sample} repeated with "
                            "another allele fraction")
            else:  # the same row again (cBioPortal exports have some): one statement
                self.repeated_rows += 1
                self.pass_over(REPEATED_ROW)
            return None
        seen[key] = fraction
        if protein and genomic:  # two DNA changes, one protein change: one variant edge
            same_protein = hash((sample, gene, change))
            if same_protein in seen:
                self.protein_merges += 1
            seen[same_protein] = fraction
        found: list[Record] = []
        if self.first_time(sample):
            found.append(sample_node(sample))
        if gene not in self._emitted:
            found.extend(self.gene_node(gene))
        found.append(variant_edge(
            sample,
            gene,
            change,
            variant_class=variant_class or None,
            properties={
                "protein_change": protein,
                "classification": classification,
                "allele_fraction": fraction,
                "genomic_change": genomic,
            },
        ))
        return found


#: The columns a row is read into, in :meth:`MafLoader._row`'s order.
_COLUMNS = (
    "Tumor_Sample_Barcode", "Hugo_Symbol", "Entrez_Gene_Id", "Gene", "HGVSp_Short", "HGVSp",
    "Chromosome", "Start_Position", "Reference_Allele", "Tumor_Seq_Allele1",
    "Tumor_Seq_Allele2", "Variant_Classification", "t_AF", "tumor_f", "t_alt_count",
    "t_ref_count", "t_depth", "Protein_Change", "amino_acid_change", *CLASSIFICATION_COLUMNS,
)


def _with_p(change: str) -> str:
    """``V536L`` -> ``p.V536L``; anything else as it is (or '' when empty)."""
    return f"p.{change}" if _BARE_CHANGE.match(change) else change


def _allele_fraction(
    t_af: str, tumor_f: str, alt: str, ref: str, depth: str
) -> float | str | None:
    """The tumour allele fraction, None when the counts are absent, a reason if bad."""
    if t_af:
        return _fraction_value("t_AF", t_af)
    if tumor_f:
        return _fraction_value("tumor_f", tumor_f)
    if not alt or alt == "NA":
        return None
    try:
        alt_count = float(alt)
        total = float(depth) if depth and depth != "NA" else alt_count + float(ref)
    except ValueError:
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
