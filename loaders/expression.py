"""Gene x sample matrices (TSV/CSV): expression and copy number as per-sample measurements.

The first column names the gene (symbol, Ensembl id or CURIE; ``gene_column=NAME``
picks another); cBioPortal's ``Entrez_Gene_Id`` column is a fallback id, and the
annotation columns in :data:`ANNOTATION` (GSEA's probe ``NAME`` next to a gene column,
``Description``, …) and any named by ``skip_columns=A,B`` are skipped. Every other
column is a sample, its header pseudonymised; an empty name after the last sample (a
trailing tab) is no column. GSEA's GCT (``#1.2`` and its dimensions line; ``#1.3``
with its row and column metadata) is read the same way.

Several rows of one gene (microarray probes) are combined per sample, as
``duplicates=`` says: ``mean`` (the default: the mean of the rows' present values),
``max``, ``first``, or ``refuse`` (each later row a bad record); the load warns how
many genes were combined. cBioPortal's RPPA rows (``GENE|antibody``) name their gene
before the ``|``; an antibody against a protein family names several
(``AKT1 AKT2 AKT3|Akt``) and, as cBioPortal maps it, its values count for each of them
(combined with the gene's other antibody rows like probes).

Each gene's values get a z-score against the cohort in the
file (mean and sample standard deviation over the row's values; none when the row has
no spread). Empty, ``NA`` and ``NaN`` cells are missing values, not records.

The file streams in chunks of rows (about :data:`BLOCK_CELLS` values each): a chunk is
parsed by pandas' C parser into one array and becomes one
:class:`~kgtwin.model.MeasurementBlock` (ten million values as Python records cost
minutes; as blocks, seconds). A chunk the fast parse refuses (a quote, a wrong number
of fields, a cell that is not a number) is read again row by row, so a bad record is
still named by file, line and reason, and ``--skip-bad`` skips only that row.

Copy number (cBioPortal ``data_CNA.txt``: GISTIC calls -2..2) is the same matrix; with
``scale=gistic`` (the default) a deep deletion (-2) or amplification (2) also becomes a
variant edge from the sample to the gene, so twins see the gene as altered. A segmented
copy-number file (Sample, Chromosome, Start, End, a segment mean) loads as copy number
too, placed on genes by their coordinates (:mod:`kgtwin.loaders.segments`; below).
"""

from __future__ import annotations

import csv
import io
import logging
import math
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from kgtwin.loaders.base import open_binary, split_cr, text_lines
from kgtwin.loaders.patient_base import (
    PatientLoader,
    checked_header,
    delimiter_for,
    split_line,
)
from kgtwin.loaders.segments import (
    SEGMENT_ROLES,
    GenePositions,
    is_segment_file,
    is_segment_header,
    segment_records,
)
from kgtwin.loaders.tables import parse_column_map

from kgtwin.errors import InputError
from kgtwin.model import MeasurementBlock, Record
from kgtwin.patient_schema import COPY_NUMBER, EXPRESSION, sample_node, variant_edge

log = logging.getLogger(__name__)

ANNOTATION = {"Entrez_Gene_Id", "Description", "Cytoband", "Locus ID", "NAME", "Name",
              "probe", "Probe", "probe_id", "ProbeID", "Probe_ID", "ID_REF", "Accession"}
DUPLICATES = ("mean", "max", "first", "refuse")
MISSING = {"", "NA", "NaN", "nan", "N/A", "null", "."}
GISTIC_CALLS = {2.0: "amplification", -2.0: "deep deletion"}
#: Values per chunk of rows (and per block): bounds memory whatever the file's size.
BLOCK_CELLS = 500_000


def zscores(values: list[float]) -> list[float | None]:
    """Per-value z-scores against the others (sample sd); None without spread."""
    scores = row_zscores(np.asarray([values], dtype=np.float64))[0]
    return [None if math.isnan(s) else s for s in scores.tolist()]


def row_zscores(values: np.ndarray) -> np.ndarray:
    """Each row's z-scores against its own present (non-NaN) values, rounded to 6
    decimals; NaN where a value is missing or its row has fewer than two values or
    no spread."""
    present = ~np.isnan(values)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, values, 0.0).sum(axis=1) / count
        deviation = np.where(present, values - mean[:, None], 0.0)
        sd = np.sqrt((deviation**2).sum(axis=1) / (count - 1))
        usable = (count >= 2) & (sd > 0.0) & np.isfinite(sd)
        scores = (values - mean[:, None]) / np.where(usable, sd, np.nan)[:, None]
    return np.round(scores, 6)


SEGMENTS_REFUSED = (
    "a segmented copy-number file (Chromosome, Start, End and a segment mean per row): "
    "genomic segments, not genes, and not expression: load it as copy-number with its "
    "build (`kgtwin load copy-number FILE --option build=GRCh37`), which places the "
    "segments on genes by their coordinates (`kgtwin genes fetch --coordinates GRCh37` "
    "once, or --option coordinates=FILE)")


class ExpressionLoader(PatientLoader):
    """Genes x samples matrices -> measurement blocks with cohort z-scores (module docs)."""

    name = "expression"
    description = "Expression matrix (genes x samples, TSV/CSV) -> per-sample measurements"
    kind = EXPRESSION
    #: The roles ``--option columns=`` may map.
    column_roles: ClassVar[tuple[str, ...]] = ("gene", "entrez")

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
        skip_columns: str | None = None,
        duplicates: str = "mean",
        dataset: str | None = None,
        columns: str | None = None,
        unresolved_genes: str = "reject",
    ):
        super().__init__(paths, skip_bad=skip_bad, key_file=key_file, allow=allow, genes=genes,
                         dataset=dataset, unresolved_genes=unresolved_genes)
        mapped = parse_column_map(columns, self.column_roles)
        #: A segment file's roles the columns option maps (copy number only).
        self.segment_columns = {r: c for r, c in mapped.items() if r in SEGMENT_ROLES}
        self.gene_column = mapped.get("gene", gene_column)
        self.entrez_column = mapped.get("entrez", "Entrez_Gene_Id")
        self.delimiter = delimiter
        self.skip_columns = {c.strip() for c in (skip_columns or "").split(",") if c.strip()}
        if duplicates not in DUPLICATES:
            raise InputError(None, None, f"duplicates must be one of {', '.join(DUPLICATES)}, "
                             f"not {duplicates!r}")
        self.duplicates = duplicates

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            yield from self._file(path)

    def _file(self, path: Path) -> Iterator[Record]:
        delimiter = delimiter_for(path, self.delimiter)
        layout: _Layout | None = None
        seen_genes: set[str] = set()
        self._row_metadata = 0
        for header, lines in self._chunks(path, delimiter):
            if layout is None:
                layout = self._layout(path, header, delimiter)
                layout.repeated = self._repeated_genes(path, layout)
                for sample in layout.samples:
                    if self.first_time(sample):
                        yield sample_node(sample)
            yield from self._chunk(lines, layout, seen_genes)
        if layout is not None and layout.held:
            yield from self._combined(path, layout)

    def sample_ids(self, path: Path) -> list[str]:
        """The pseudonymised ids of a matrix's sample columns, in column order, exactly
        as loading it names them (a GSEA CLS file's labels are given to these)."""
        self._row_metadata = 0
        chunks = self._chunks(path, delimiter_for(path, self.delimiter))
        try:
            header, _ = next(chunks)
        except StopIteration:
            raise InputError(path, None, "no header and rows: no sample columns") from None
        finally:
            chunks.close()
        return self._layout(path, header, delimiter_for(path, self.delimiter)).samples

    def _repeated_genes(self, path: Path, layout: _Layout) -> set[str]:
        """Genes more than one row names (read ahead from the gene column alone), so
        their rows are held and combined instead of refused; empty with ``refuse``."""
        if self.duplicates == "refuse":
            return set()
        width = max(layout.gene, layout.entrez or 0) + 1
        separator = layout.delimiter.encode()
        names: dict[tuple[bytes, bytes | None], int] = {}
        header_seen = False
        for raw in _raw_lines(path):  # bytes: only the first fields are ever decoded
            if not raw.strip() or raw.startswith(b"#"):
                continue
            fields = raw.split(separator, width)
            if not header_seen or len(fields) < width:
                header_seen = True
                continue
            key = (fields[layout.gene], fields[layout.entrez] if layout.entrez is not None
                   else None)
            names[key] = names.get(key, 0) + 1
        counts: dict[str, int] = {}
        for (name, entrez), count in names.items():
            for gene in self._genes(_text(name).strip('"'),
                                    _text(entrez) if entrez is not None else None, quiet=True):
                counts[gene] = counts.get(gene, 0) + count
        return {gene for gene, count in counts.items() if count > 1}

    def _combined(self, path: Path, layout: _Layout) -> Iterator[Record]:
        """One block of the genes whose rows were held, each combined per sample."""
        genes = sorted(layout.held)
        rows = []
        for gene in genes:
            stacked = np.vstack(layout.held[gene])
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
                if self.duplicates == "max":
                    rows.append(np.nanmax(stacked, axis=0))
                elif self.duplicates == "first":
                    rows.append(stacked[0])
                else:
                    rows.append(np.nanmean(stacked, axis=0))
        self.pass_over(f"a gene's further row (probe), combined into one value per sample "
                       f"({self.duplicates})", sum(len(layout.held[g]) - 1 for g in genes))
        log.warning("%s: %d gene(s) had several rows (probes); each one's values are the "
                    "%s of its rows per sample (--option duplicates=mean|max|first|refuse)",
                    path.name, len(genes), self.duplicates)
        for gene in genes:
            yield from self.gene_node(gene)
        matrix = np.vstack(rows)
        yield MeasurementBlock(self.kind, genes, layout.samples, matrix, row_zscores(matrix))
        if self.implies_edges:
            yield from self.call_edges(genes, layout.samples, matrix)

    # --- reading ----------------------------------------------------------------------
    def _chunks(
        self, path: Path, delimiter: str
    ) -> Iterator[tuple[list[str], list[tuple[int, str]]]]:
        """(header, [(line number, line), ...]) chunks; leading ``#`` lines are comments."""
        header: list[str] | None = None
        rows = 1
        chunk: list[tuple[int, str]] = []
        gct: str | None = None
        column_metadata = 0
        for text in text_lines(self, path):
            if self.position == 1 and text.startswith(("#1.2", "#1.3")):
                gct = text[1:4]
                continue
            if gct and header is None and self.position == 2:
                column_metadata = self._gct_dimensions(gct, text)
                continue
            if not text.strip() or (header is None and text.startswith("#")):
                continue
            if header is None:
                row = split_line(self, text, delimiter)
                if row is None:
                    raise InputError(path, self.position, "malformed header")
                while len(row) > 1 and not row[-1].strip():
                    row.pop()  # a trailing tab names no column
                header = checked_header(self, row)
                if is_segment_header(header):
                    raise InputError(path, self.position, SEGMENTS_REFUSED)
                rows = max(1, BLOCK_CELLS // max(1, len(header) - 1))
                continue
            if column_metadata:
                column_metadata -= 1  # GCT 1.3: a row of sample metadata, not a gene
                continue
            chunk.append((self.position, text))
            if len(chunk) >= rows:
                yield header, chunk
                chunk = []
        if chunk and header is not None:
            yield header, chunk

    @classmethod
    def columns_help(cls) -> str:
        return ("  gene: the first column unless mapped (symbol, Ensembl id, CURIE)\n"
                "  entrez: Entrez_Gene_Id (a fallback id)\n"
                f"  skipped, not samples: {', '.join(sorted(ANNOTATION))} and skip_columns\n"
                "  every other column: a sample")

    def _gct_dimensions(self, version: str, text: str) -> int:
        """GCT's second line: rows, columns (and in 1.3 row and column metadata counts).
        Returns how many column-metadata lines follow the header."""
        fields = text.split()
        if not fields or not all(f.isdigit() for f in fields):
            raise InputError(self.path, self.position, "a GCT file's second line gives its "
                             "dimensions (rows, columns)")
        if version == "1.3" and len(fields) >= 4:
            self._row_metadata = int(fields[2])
            return int(fields[3])
        return 0

    def _layout(self, path: Path, header: list[str], delimiter: str) -> _Layout:
        gene_index = 0
        if self.gene_column:
            if self.gene_column not in header:
                raise InputError(path, self.position, f"no gene column {self.gene_column!r}")
            gene_index = header.index(self.gene_column)
        entrez = header.index(self.entrez_column) if self.entrez_column in header else None
        missing = self.skip_columns - set(header)
        if missing:
            raise InputError(path, self.position, f"skip_columns names column(s) the header "
                             f"lacks: {', '.join(sorted(missing))}")
        metadata = set(range(gene_index + 1, gene_index + 1 + self._row_metadata))
        columns = [
            i for i, name in enumerate(header)
            if i != gene_index and i != entrez and i not in metadata and name not in ANNOTATION
            and name not in self.skip_columns
        ]
        if not columns:
            raise InputError(path, self.position, "no sample columns after the gene column")
        if any(not header[i] for i in columns):
            raise InputError(path, self.position, "a sample column has an empty name")
        samples = [self.sample_id(header[i]) for i in columns]
        return _Layout(gene_index, entrez, columns, samples, len(header), delimiter)

    # --- one chunk of rows ------------------------------------------------------------
    def _chunk(
        self, lines: list[tuple[int, str]], layout: _Layout, seen_genes: set[str]
    ) -> Iterator[Record]:
        parsed = _parse_fast(lines, layout)
        genes: list[str] = []
        kept: list[np.ndarray] = []
        for index, (number, text) in enumerate(lines):
            self.position = number
            if parsed is None:
                row = split_line(self, text, layout.delimiter)
                if row is None:
                    continue
                if len(row) != layout.width:
                    self.reject(f"expected {layout.width} fields, found {len(row)}")
                    continue
                name, entrez = row[layout.gene], _cell(row, layout.entrez)
                values = None
            else:
                name, entrez = parsed.names[index], parsed.entrez[index]
                row = None
                values = parsed.values[index]
            named = self._genes(name, entrez)
            if not named:
                continue
            twice = [gene for gene in named if gene in seen_genes
                     and gene not in layout.repeated]
            if twice:
                self.reject(f"duplicate row for gene {twice[0]} (--option duplicates=mean "
                            "combines a gene's rows)")
                continue
            if values is None or not np.isfinite(values[~np.isnan(values)]).all():
                values = self._values_with_gaps(row or split_line(self, text, layout.delimiter),
                                                layout)
                if values is None:
                    continue
            for gene in named:  # an RPPA family antibody's row: each of its genes
                if gene in layout.repeated:
                    layout.held.setdefault(gene, []).append(values)
                    continue
                seen_genes.add(gene)
                genes.append(gene)
                kept.append(values)
        if not genes:
            return
        for gene in genes:
            yield from self.gene_node(gene)
        matrix = np.vstack(kept)
        yield MeasurementBlock(self.kind, genes, layout.samples, matrix, row_zscores(matrix))
        if self.implies_edges:
            yield from self.call_edges(genes, layout.samples, matrix)

    def _genes(self, value: str, entrez: str | None, *, quiet: bool = False) -> tuple[str, ...]:
        """The genes a row measures: one, or an RPPA family antibody's every gene
        (``AKT1 AKT2 AKT3|Akt``, as cBioPortal maps it); none (rejected) if any is
        unknown."""
        value = value.strip()
        if "|" in value:  # cBioPortal RPPA: GENE|antibody, GENE GENE|antibody
            symbols = value.split("|", 1)[0].split()
            if len(symbols) > 1:
                found = []
                for symbol in symbols:
                    gene = self.genes.resolve(symbol)
                    if gene is None:
                        if not quiet:
                            self.reject(f"{self.genes.explain(symbol)} (one of the genes of "
                                        f"the antibody row {value[:60]!r})")
                        return ()
                    found.append(gene)
                return tuple(dict.fromkeys(found))
            value = symbols[0] if symbols else ""
        gene = self.genes.resolve(value, entrez=entrez)
        if gene is None:
            if not quiet:
                self.reject(self.genes.explain(value))
            return ()
        return (gene,)

    def _values_with_gaps(self, row: list[str], layout: _Layout) -> np.ndarray | None:
        """A row's values checked cell by cell (the slow path; names the bad column)."""
        values: list[float] = []
        for i in layout.columns:
            text = row[i].strip()
            if text in MISSING:
                values.append(math.nan)
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
        return np.asarray(values, dtype=np.float64)

    #: Whether values imply edges (copy-number calls do, expression does not).
    implies_edges = False

    def call_edges(
        self, genes: list[str], samples: list[str], values: np.ndarray
    ) -> Iterator[Record]:
        """Edges implied by a block's values (none for expression)."""
        return iter(())


def _raw_lines(path: Path) -> Iterator[bytes]:
    """A file's lines as bytes (lone CRs end lines too): the read-ahead of the gene
    column, which reports nothing (the main pass names bad bytes, once)."""
    with open_binary(path) as handle:
        for raw in handle:
            yield from split_cr(raw) if b"\r" in raw else (raw,)


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace").strip()


def _cell(row: list[str], index: int | None) -> str | None:
    return row[index] if index is not None else None


class _Parsed:
    """A chunk parsed in one go: gene names, Entrez ids and the values matrix."""

    __slots__ = ("entrez", "names", "values")

    def __init__(self, names: list[str], entrez: list[str | None], values: np.ndarray):
        self.names, self.entrez, self.values = names, entrez, values


def _parse_fast(lines: list[tuple[int, str]], layout: _Layout) -> _Parsed | None:
    """The chunk through pandas' C parser, or None when any line needs the row-by-row
    checks (a quote, a wrong field count, a cell that is not a number)."""
    separators = layout.width - 1
    delimiter = layout.delimiter
    if any('"' in text or text.count(delimiter) != separators for _, text in lines):
        return None
    text_columns = {layout.gene} | ({layout.entrez} if layout.entrez is not None else set())
    try:
        frame = pd.read_csv(
            io.StringIO("".join(text for _, text in lines)),
            sep=delimiter,
            header=None,
            names=list(range(layout.width)),
            usecols=[layout.gene, *([layout.entrez] if layout.entrez is not None else []),
                     *layout.columns],
            dtype={i: (str if i in text_columns else np.float64)
                   for i in (layout.gene, *layout.columns)} | (
                       {layout.entrez: str} if layout.entrez is not None else {}),
            na_values={i: sorted(MISSING) for i in layout.columns},
            keep_default_na=False,
            quoting=csv.QUOTE_NONE,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError):
        return None
    if len(frame) != len(lines):
        return None
    values = frame[layout.columns].to_numpy(dtype=np.float64)
    names = frame[layout.gene].tolist()
    entrez = frame[layout.entrez].tolist() if layout.entrez is not None else [None] * len(lines)
    return _Parsed(names, entrez, values)


class _Layout:
    """Which columns hold the gene, the Entrez fallback and the samples of a matrix."""

    __slots__ = ("columns", "delimiter", "entrez", "gene", "held", "repeated", "samples",
                 "width")

    def __init__(self, gene: int, entrez: int | None, columns: list[int], samples: list[str],
                 width: int, delimiter: str):
        self.gene, self.entrez, self.columns, self.samples = gene, entrez, columns, samples
        self.width, self.delimiter = width, delimiter
        #: Genes several rows name, and their rows' values held until the file ends.
        self.repeated: set[str] = set()
        self.held: dict[str, list[np.ndarray]] = {}


class CopyNumberLoader(ExpressionLoader):
    """Copy-number matrices; GISTIC amplifications/deep deletions also become variants.

    Segmented copy number (DNAcopy/CBS ``.seg``: Sample, Chromosome, Start, End,
    Num_Probes, Segment_Mean) is placed on genes: each gene of a sample gets the mean of
    the segment means overlapping it, weighted by the bases each shares with the gene;
    a gene no segment overlaps gets no value. The values are stored as a ``log2`` matrix
    is (continuous, with z-scores; no amplification or deletion calls are made from
    them). It needs ``build=GRCh37|GRCh38`` (``hg19``/``hg38`` too: a segment file does
    not say its build) and gene coordinates on that build: the GENCODE annotation
    ``kgtwin genes fetch --coordinates BUILD`` cached, or ``coordinates=FILE`` (a GTF,
    gzip or not, or a gene table). Chromosomes may be written ``1``, ``chr1``, ``X`` or
    ``23``. Each segment is placed, passed over (no gene, no mean) or rejected, counted.
    Columns are found by their usual spellings; others are named with
    ``columns=sample:COLUMN,chromosome:COLUMN,start:COLUMN,end:COLUMN,value:COLUMN``.

    Example:
      kgtwin genes fetch --coordinates GRCh37
      kgtwin load copy-number TCGA.AB.3009.hg19.seg.txt --option build=GRCh37
      kgtwin load copy-number cohort.seg --option build=hg19 \\
          --option coordinates=gencode.v19.annotation.gtf
      kgtwin load copy-number gistic_input.seg --option build=GRCh38 \\
          --option "columns=start:Start Position,end:End Position,value:Seg.CN"
    """

    name = "copy-number"
    description = "Copy number: genes x samples (GISTIC calls, log2) or .seg segments -> values"
    kind = COPY_NUMBER
    implies_edges = True
    column_roles = ("gene", "entrez", *SEGMENT_ROLES)

    @classmethod
    def columns_help(cls) -> str:
        spelled = "\n".join(
            f"  {role}: {', '.join(sorted(spellings))}"
            + (" (else the first column)" if role == "sample" else "")
            for role, spellings in SEGMENT_ROLES.items())
        return (f"{super().columns_help()}\nA segment file (.seg), one segment a row, by "
                f"role (mapping any segment role reads the file as segments; spellings in any "
                f"case):\n{spelled}\n"
                "  e.g. --option \"columns=start:Start Position,end:End Position,"
                "value:Seg.CN\" (GISTIC 2's segment input)")

    def __init__(self, paths: list[Path], *, scale: str = "gistic", build: str | None = None,
                 coordinates: str | None = None, **options):
        super().__init__(paths, **options)
        if scale not in ("gistic", "log2"):
            raise InputError(None, None, f"scale must be gistic or log2, not {scale!r}")
        self.scale = scale
        self.build = build
        self.coordinates = coordinates
        #: The gene coordinates, read once for all the load's segment files.
        self.positions: GenePositions | None = None
        #: The last segment file's account: read, placed, no_gene, no_mean, rejected.
        self.segment_counts: dict[str, int] = {}

    def _file(self, path: Path) -> Iterator[Record]:
        delimiter = delimiter_for(path, self.delimiter)
        if is_segment_file(path, delimiter, self.segment_columns):
            yield from segment_records(self, path, delimiter)
        else:
            yield from super()._file(path)

    def call_edges(
        self, genes: list[str], samples: list[str], values: np.ndarray
    ) -> Iterator[Record]:
        if self.scale != "gistic":
            return
        for i, j in np.argwhere(np.isin(values, list(GISTIC_CALLS))).tolist():
            value = float(values[i, j])
            yield variant_edge(
                samples[j], genes[i], GISTIC_CALLS[value],
                variant_class="copy_number_alteration",
                properties={"copy_number_call": value},
            )
