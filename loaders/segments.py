"""Segmented copy number placed on genes: each gene gets its segments' length-weighted mean.

A segment file (DNAcopy/CBS output as TCGA, GDC, maftools and IGV share it: sample,
chromosome, start, end, a probe count, a segment mean; 1-based inclusive positions) states
a value for stretches of a chromosome. With the gene coordinates of the file's build
(:mod:`kgtwin.gene_coordinates`), each gene of a sample gets the mean of the segment
values overlapping it, each weighted by the bases it shares with the gene (a gene inside
one segment takes that segment's value; a gene across a breakpoint, the weighted mean of
both sides; a gene partly covered, the value of its covered part). A gene no segment of
the sample overlaps gets no value (not stated, never 0). The values are stored as the file
gives them (segment means: log2 ratios in TCGA/maftools files), as measurements of kind
``copy_number`` with z-scores against the file's samples, exactly as a gene-level
``log2`` matrix is; no amplification or deletion call is made from them (the file makes
none).

Every segment is accounted for: placed on at least one gene, passed over (it overlaps
no gene of the coordinates, or has no mean: ``NA``), or rejected with its
``file:line: reason`` (a wrong field count, a position that is not a whole number, an
end before its start). Annotation genes are resolved through the gene index (the GTF's
Ensembl id, else the gene name); those that are not HGNC genes (clone-named lncRNAs,
pseudogenes) take no value; a gene with several loci (chrX/chrY PAR) is one gene, its
value the weighted mean over all of them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from kgtwin.loaders.base import open_binary, text_lines
from kgtwin.loaders.patient_base import split_line

from kgtwin.errors import InputError
from kgtwin.gene_coordinates import GeneLocus, build_name, chromosome, read_loci
from kgtwin.model import MeasurementBlock, Record
from kgtwin.patient_schema import sample_node

if TYPE_CHECKING:
    from kgtwin.loaders.expression import CopyNumberLoader

log = logging.getLogger(__name__)

#: Header spellings (lower case) of a segment file's columns.
SAMPLE = {"sample", "id", "sample_id", "sampleid", "id_ref", "gdc_aliquot", "sample.name"}
CHROMOSOME = {"chromosome", "chrom", "chr"}
START = {"start", "start.bp", "loc.start", "start_position"}
END = {"end", "end.bp", "loc.end", "end_position"}
VALUE = {"segment_mean", "seg.mean", "seg.cn", "segment.mean", "log2", "log2ratio",
         "log2_ratio", "mean"}
MISSING = {"", "NA", "NaN", "nan", "N/A", "null", "."}
#: A segment file's column roles (``--option columns=ROLE:COLUMN,...``) and the header
#: spellings each is found by without one; the sample is the first column otherwise.
SEGMENT_ROLES = {"sample": SAMPLE, "chromosome": CHROMOSOME, "start": START, "end": END,
                 "value": VALUE}
NO_GENE = "a segment overlapping no gene of the coordinates"
NO_MEAN = "a segment without a mean (NA)"
_NONE = np.zeros(0, dtype=np.int64)
#: Values per measurement block (as the matrix loader's chunks).
BLOCK_CELLS = 500_000


def is_segment_header(header: list[str]) -> bool:
    """Whether a table's header is a segment file's (positions, not genes)."""
    names = {h.strip().lower() for h in header}
    return all(names & spellings for spellings in (CHROMOSOME, START, END))


def is_segment_file(path: Path, delimiter: str, given: Mapping[str, str] | None = None
                    ) -> bool:
    """Whether a file is a segment file: the user mapped a segment column
    (``columns=chromosome:Chr,...``), or its header (its first line that is neither
    empty nor ``#``) is a segment file's."""
    if given:
        return True
    with open_binary(path) as handle:
        for raw in handle:
            text = raw.decode("utf-8", "replace").lstrip("\ufeff")
            if text.strip() and not text.startswith("#"):
                return is_segment_header(text.rstrip("\r\n").split(delimiter))
    return False


class GenePositions:
    """The genes of an annotation resolved to HGNC ids, by chromosome, sorted by start:
    what a segment overlaps is two binary searches away."""

    def __init__(self, loci: list[GeneLocus], resolve) -> None:
        genes: dict[str, int] = {}
        by_chromosome: dict[str, list[tuple[int, int, int]]] = {}
        self.not_hgnc = 0
        for locus in loci:
            hgnc = (resolve(locus.gene_id) if locus.gene_id.startswith("ENSG") else None) \
                or resolve(locus.name)
            if hgnc is None:
                self.not_hgnc += 1
                continue
            index = genes.setdefault(hgnc, len(genes))
            by_chromosome.setdefault(locus.chrom, []).append((locus.start, locus.end, index))
        self.genes = list(genes)
        self.loci = sum(len(v) for v in by_chromosome.values())
        self.chromosomes: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, int]] = {}
        for name, spans in by_chromosome.items():
            spans.sort()
            table = np.asarray(spans, dtype=np.int64)
            longest = int((table[:, 1] - table[:, 0]).max()) + 1
            self.chromosomes[name] = (table[:, 0], table[:, 1], table[:, 2], longest)

    def overlapping(self, chrom: str, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """(gene indices, bases shared) of the loci a segment overlaps (empty if none)."""
        found = self.chromosomes.get(chrom)
        if found is None:
            return _NONE, _NONE
        starts, ends, genes, longest = found
        low = int(np.searchsorted(starts, start - longest, side="left"))
        high = int(np.searchsorted(starts, end, side="right"))
        overlap = np.minimum(ends[low:high], end) - np.maximum(starts[low:high], start) + 1
        hit = overlap > 0
        return genes[low:high][hit], overlap[hit]


def gene_positions(loader: CopyNumberLoader, path: Path) -> GenePositions:
    """The coordinates a segment load needs: the build (required), then the file the
    user gave or the table `kgtwin genes fetch --coordinates BUILD` cached."""
    from kgtwin.coordinates_fetch import cached_coordinates

    if loader.build is None:
        raise InputError(path, None, "a segmented copy-number file (Chromosome, Start, End "
                         "per row) does not say its genome build: give it with --option "
                         "build=GRCh37 (hg19) or build=GRCh38 (hg38)")
    build = build_name(loader.build)
    if loader.positions is not None:
        return loader.positions
    source = Path(loader.coordinates) if loader.coordinates else cached_coordinates(build)
    if source is None:
        raise InputError(path, None, f"placing segments on genes needs gene coordinates on "
                         f"{build}: run `kgtwin genes fetch --coordinates {build}` once "
                         "(a pinned GENCODE annotation), or give a GTF or gene table with "
                         "--option coordinates=FILE")
    if not source.is_file():
        raise InputError(source, None, "coordinates file not found")
    loci, declared = read_loci(source)
    if declared and declared != build:
        raise InputError(source, None, f"gene coordinates on {declared}, but the load says "
                         f"build={build}: give coordinates of the file's build")
    index = loader.genes.index
    positions = GenePositions(loci, lambda value: index.resolve(value).hgnc)
    log.info("gene coordinates %s (%s): %d loci of %d HGNC genes; %d annotation genes are "
             "not HGNC genes and take no value", source.name, build, positions.loci,
             len(positions.genes), positions.not_hgnc)
    loader.positions = positions
    return positions


def segment_records(loader: CopyNumberLoader, path: Path, delimiter: str) -> Iterator[Record]:
    """A segment file's samples, genes and gene values (module docs)."""
    positions = gene_positions(loader, path)
    samples, segments = _read(loader, path, delimiter)
    for sample in samples:
        if loader.first_time(sample):
            yield sample_node(sample)
    if not samples:
        return
    count, mean, sd = _moments(positions, segments, len(samples))
    present = np.flatnonzero(count > 0)
    for i in present.tolist():
        yield from loader.gene_node(positions.genes[i])
    width = max(1, BLOCK_CELLS // max(1, len(present)))
    for first in range(0, len(samples), width):
        columns = range(first, min(first + width, len(samples)))
        values = np.column_stack([_gene_values(positions, segments[j]) for j in columns])
        rows = present[~np.isnan(values[present]).all(axis=1)]
        block = values[rows]
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = np.round((block - mean[rows, None]) / sd[rows, None], 6)
        yield MeasurementBlock(loader.kind, [positions.genes[i] for i in rows.tolist()],
                               [samples[j] for j in columns], block, scores)


def _read(loader: CopyNumberLoader, path: Path, delimiter: str
          ) -> tuple[list[str], list[list[tuple[str, int, int, float]]]]:
    """The file's samples (pseudonymised, in order) and each one's segments; bad rows
    rejected, segments without a mean or gene passed over (counted)."""
    header: list[str] | None = None
    columns: tuple[int, int, int, int, int] | None = None
    samples: dict[str, int] = {}
    segments: list[list[tuple[str, int, int, float]]] = []
    read = placed_none = no_mean = rejected = 0
    rejected_before = loader.bad.count
    for text in text_lines(loader, path):
        if not text.strip() or (header is None and text.startswith("#")):
            continue
        row = split_line(loader, text, delimiter)
        if row is None:
            continue
        if header is None:
            header = [c.strip() for c in row]
            columns = _columns(path, loader.position, header, loader.segment_columns)
            continue
        read += 1
        segment = _segment(loader, row, columns, len(header))
        if segment is None:
            continue
        raw, chrom, start, end, value = segment
        if value is None:
            no_mean += 1
            continue
        sample = loader.sample_id(raw)
        slot = samples.setdefault(sample, len(samples))
        if slot == len(segments):
            segments.append([])
        segments[slot].append((chrom, start, end, value))
    if header is None:
        raise InputError(path, None, "empty: no header and segments")
    positions = loader.positions
    for sample_segments in segments:
        kept = [s for s in sample_segments if len(positions.overlapping(*s[:3])[0])]
        placed_none += len(sample_segments) - len(kept)
        sample_segments[:] = kept
    rejected = loader.bad.count - rejected_before
    if placed_none:
        loader.pass_over(NO_GENE, placed_none)
    if no_mean:
        loader.pass_over(NO_MEAN, no_mean)
    placed = read - placed_none - no_mean - rejected
    log.info("%s: %d segments read: %d placed on genes, %d overlapping no gene, %d without "
             "a mean, %d rejected", path.name, read, placed, placed_none, no_mean, rejected)
    loader.segment_counts = {"read": read, "placed": placed, "no_gene": placed_none,
                             "no_mean": no_mean, "rejected": rejected}
    return list(samples), segments


def _columns(path: Path, line: int | str | None, header: list[str],
             given: Mapping[str, str] | None = None) -> tuple[int, int, int, int, int]:
    """(sample, chromosome, start, end, value) column indices of a segment header: the
    column ``given`` names for a role (``columns=`` option), else its first spelling."""
    lowered = [h.lower() for h in header]
    given = given or {}

    def find(role: str) -> int | None:
        if role in given:
            if given[role].lower() in lowered:
                return lowered.index(given[role].lower())
            raise InputError(path, line, f"columns option: the header has no column "
                             f"{given[role]!r} for {role} (it has: {', '.join(header)})")
        return next((i for i, name in enumerate(lowered) if name in SEGMENT_ROLES[role]), None)

    def required(role: str, what: str) -> int:
        found = find(role)
        if found is None:
            raise InputError(path, line, f"a segment file's header has no {what} column "
                             f"(one of {', '.join(sorted(SEGMENT_ROLES[role]))}; or "
                             f"--option columns={role}:COLUMN)")
        return found

    chrom, start, end = (required(r, r) for r in ("chromosome", "start", "end"))
    value = required("value", "segment mean")
    sample = find("sample")
    if sample is None:
        sample = 0
        if sample in (chrom, start, end, value):
            raise InputError(path, line, "a segment file's first column names the sample "
                             "(or --option columns=sample:COLUMN)")
    chosen = (sample, chrom, start, end, value)
    if len(set(chosen)) < len(chosen):
        raise InputError(path, line, "a segment file's sample, chromosome, start, end and "
                         "value must be five different columns; found "
                         + ", ".join(header[i] for i in chosen))
    return chosen


def _segment(loader: CopyNumberLoader, row: list[str], columns: tuple[int, int, int, int, int],
             width: int) -> tuple[str, str, int, int, float | None] | None:
    """One row as (sample, chromosome, start, end, mean or None); None if rejected."""
    if len(row) != width:
        loader.reject(f"expected {width} fields, found {len(row)}")
        return None
    sample, chrom, start, end, value = (row[i].strip() for i in columns)
    if not sample or not chrom:
        loader.reject("a segment without its sample or chromosome")
        return None
    try:
        first, last = int(start), int(end)
    except ValueError:
        loader.reject(f"start/end {start[:20]!r}/{end[:20]!r} are not whole numbers")
        return None
    if last < first:
        loader.reject(f"segment end {last} is before its start {first}")
        return None
    if value in MISSING:
        return sample, chromosome(chrom), first, last, None
    try:
        mean = float(value)
    except ValueError:
        loader.reject(f"segment mean {value[:20]!r} is not a number")
        return None
    if not math.isfinite(mean):
        loader.reject("segment mean is not finite")
        return None
    return sample, chromosome(chrom), first, last, mean


def _gene_values(positions: GenePositions, segments: list[tuple[str, int, int, float]]
                 ) -> np.ndarray:
    """One sample's value per gene: the base-weighted mean of its overlapping segments,
    NaN where none overlaps."""
    sums = np.zeros(len(positions.genes))
    bases = np.zeros(len(positions.genes), dtype=np.int64)
    for chrom, start, end, value in segments:
        genes, overlap = positions.overlapping(chrom, start, end)
        np.add.at(sums, genes, overlap * value)
        np.add.at(bases, genes, overlap)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bases > 0, sums / np.where(bases > 0, bases, 1), np.nan)


def _moments(positions: GenePositions, segments: list[list[tuple[str, int, int, float]]],
             samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per gene over the file's samples: the number of values, their mean and sample
    standard deviation (NaN with fewer than two values or no spread), as the matrix
    loader's z-scores use them. Shifted by each gene's first value, so a gene with one
    value in every sample has exactly no spread."""
    size = len(positions.genes)
    count = np.zeros(size, dtype=np.int64)
    shift = np.full(size, np.nan)
    total = np.zeros(size)
    squares = np.zeros(size)
    for j in range(samples):
        values = _gene_values(positions, segments[j])
        present = ~np.isnan(values)
        fresh = present & np.isnan(shift)
        shift[fresh] = values[fresh]
        deviation = np.where(present, values - np.where(np.isnan(shift), 0.0, shift), 0.0)
        count += present
        total += deviation
        squares += deviation**2
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = shift + total / count
        variance = (squares - total**2 / count) / (count - 1)
        sd = np.sqrt(np.maximum(variance, 0.0))
        sd = np.where((count >= 2) & (sd > 0.0) & np.isfinite(sd), sd, np.nan)
    return count, mean, sd
