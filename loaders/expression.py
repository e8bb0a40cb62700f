"""Gene x sample matrices (TSV/CSV): expression and copy number as per-sample measurements.

The first column names the gene (symbol, Ensembl id or CURIE; ``gene_column=NAME``
picks another); cBioPortal's ``Entrez_Gene_Id`` column is a fallback id, and the
annotation columns in :data:`ANNOTATION` are skipped. Every other column is a sample,
its header pseudonymised. A row gives one :class:`~kgtwin.model.Measurement` per sample
with a z-score of that gene against the cohort in the file (mean and sample standard
deviation over the row's values; None when the row has no spread). Empty, ``NA`` and
``NaN`` cells are missing values, not records. The file streams: a row is one gene.

Copy number (cBioPortal ``data_CNA.txt``: GISTIC calls -2..2) is the same matrix; with
``scale=gistic`` (the default) a deep deletion (-2) or amplification (2) also becomes a
variant edge from the sample to the gene, so twins see the gene as altered.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.patient_base import PatientLoader, delimiter_for, read_table

from kgtwin.errors import InputError
from kgtwin.model import Measurement, Record
from kgtwin.patient_schema import COPY_NUMBER, EXPRESSION, sample_node, variant_edge

ANNOTATION = {"Entrez_Gene_Id", "Description", "Cytoband", "Locus ID"}
MISSING = {"", "NA", "NaN", "nan", "N/A", "null", "."}
GISTIC_CALLS = {2.0: "amplification", -2.0: "deep deletion"}


def zscores(values: list[float]) -> list[float | None]:
    """Per-value z-scores against the others (sample sd); None without spread."""
    n = len(values)
    if n < 2:
        return [None] * n
    array = np.asarray(values, dtype=np.float64)
    sd = array.std(ddof=1)
    if not sd > 0.0 or not math.isfinite(sd):
        return [None] * n
    return np.round((array - array.mean()) / sd, 6).tolist()


class ExpressionLoader(PatientLoader):
    """Genes x samples matrices -> measurements with cohort z-scores (see module docs)."""

    name = "expression"
    description = "Expression matrix (genes x samples, TSV/CSV) -> per-sample measurements"
    kind = EXPRESSION

    def __init__(
        self,
        paths: list[Path],
        *,
        skip_bad: bool = False,
        key_file: str | None = None,
        allow: str | None = None,
        genes: str | None = None,
        gene_column: str | None = None,
        delimiter: str | None = None,
    ):
        super().__init__(paths, skip_bad=skip_bad, key_file=key_file, allow=allow, genes=genes)
        self.gene_column = gene_column
        self.delimiter = delimiter

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            yield from self._file(path)

    def _file(self, path: Path) -> Iterator[Record]:
        layout: _Layout | None = None
        seen_genes: set[str] = set()
        for header, row in read_table(self, path, delimiter=delimiter_for(path, self.delimiter)):
            if layout is None:
                layout = self._layout(path, header)
                for sample in layout.samples:
                    if self.first_time(sample):
                        yield sample_node(sample)
            gene = self._gene(row, layout)
            if gene is None:
                continue
            if gene in seen_genes:
                self.reject(f"duplicate row for gene {gene}")
                continue
            values = self._values(row, layout)
            if values is None:
                continue
            seen_genes.add(gene)
            yield from self.gene_node(gene)
            yield from self._measurements(gene, layout, values)

    def _layout(self, path: Path, header: list[str]) -> _Layout:
        gene_index = 0
        if self.gene_column:
            if self.gene_column not in header:
                raise InputError(path, self.position, f"no gene column {self.gene_column!r}")
            gene_index = header.index(self.gene_column)
        entrez = header.index("Entrez_Gene_Id") if "Entrez_Gene_Id" in header else None
        columns = [
            i for i, name in enumerate(header) if i != gene_index and name not in ANNOTATION
        ]
        if not columns:
            raise InputError(path, self.position, "no sample columns after the gene column")
        if any(not header[i] for i in columns):
            raise InputError(path, self.position, "a sample column has an empty name")
        samples = [self.sample_id(header[i]) for i in columns]
        return _Layout(gene_index, entrez, columns, samples)

    def _gene(self, row: list[str], layout: _Layout) -> str | None:
        value = row[layout.gene].strip()
        entrez = row[layout.entrez] if layout.entrez is not None else None
        gene = self.genes.resolve(value, entrez=entrez)
        if gene is None:
            self.reject(
                f"unknown gene {value!r}: not a symbol in the table, an Ensembl id or a "
                "CURIE (pass --option genes=hgnc_complete_set.txt for more symbols)"
            )
        return gene

    def _values(self, row: list[str], layout: _Layout) -> list[float | None] | None:
        try:  # the common case: every cell a finite number
            values = [float(row[i]) for i in layout.columns]
            if all(map(math.isfinite, values)):
                return values
        except ValueError:
            pass
        return self._values_with_gaps(row, layout)

    def _values_with_gaps(self, row: list[str], layout: _Layout) -> list[float | None] | None:
        values: list[float | None] = []
        for i in layout.columns:
            text = row[i].strip()
            if text in MISSING:
                values.append(None)
                continue
            try:
                value = float(text)
            except ValueError:
                # The cell is not quoted: a misplaced column may hold identifiers.
                self.reject(f"column {i + 1}: not a number")
                return None
            if not math.isfinite(value):
                self.reject(f"column {i + 1}: value is not finite")
                return None
            values.append(value)
        return values

    def _measurements(
        self, gene: str, layout: _Layout, values: list[float | None]
    ) -> Iterator[Record]:
        present = [(s, v) for s, v in zip(layout.samples, values, strict=True) if v is not None]
        scores = zscores([v for _, v in present])
        kind = self.kind
        for (sample, value), score in zip(present, scores, strict=True):
            yield Measurement(sample, gene, kind, value, score)
        if self.implies_edges:
            for sample, value in present:
                yield from self.call_edge(sample, gene, value)

    #: Whether values imply edges (copy-number calls do, expression does not).
    implies_edges = False

    def call_edge(self, sample: str, gene: str, value: float) -> Iterator[Record]:
        """Edges implied by a value (none for expression)."""
        return iter(())


class _Layout:
    """Which columns hold the gene, the Entrez fallback and the samples of a matrix."""

    __slots__ = ("columns", "entrez", "gene", "samples")

    def __init__(self, gene: int, entrez: int | None, columns: list[int], samples: list[str]):
        self.gene, self.entrez, self.columns, self.samples = gene, entrez, columns, samples


class CopyNumberLoader(ExpressionLoader):
    """Copy-number matrices; GISTIC amplifications/deep deletions also become variants."""

    name = "copy-number"
    description = "Copy-number matrix (genes x samples; GISTIC calls or log2) -> measurements"
    kind = COPY_NUMBER
    implies_edges = True

    def __init__(self, paths: list[Path], *, scale: str = "gistic", **options):
        super().__init__(paths, **options)
        if scale not in ("gistic", "log2"):
            raise InputError(None, None, f"scale must be gistic or log2, not {scale!r}")
        self.scale = scale

    def call_edge(self, sample: str, gene: str, value: float) -> Iterator[Record]:
        call = GISTIC_CALLS.get(value) if self.scale == "gistic" else None
        if call:
            yield variant_edge(
                sample, gene, call, variant_class="copy_number_alteration",
                properties={"copy_number_call": value},
            )
