"""Gene coordinates on a genome build: where each gene lies, to place segments on genes.

A segmented copy-number file states values for stretches of a chromosome, not for genes;
placing them on genes needs each gene's position on the *same* build. The coordinates
come from a gene annotation the user gives (``--option coordinates=FILE``) or the one
``kgtwin genes fetch --coordinates BUILD`` cached (:mod:`kgtwin.coordinates_fetch`).

Files read (gzip or plain, by extension):

* a GTF (GENCODE, Ensembl): its ``gene`` records, with ``gene_id`` and ``gene_name``;
  every other feature is passed over. A header that names its build (GENCODE's
  ``(GRCh37)``, Ensembl's ``#!genome-build GRCh38.p14``) is checked against the build
  the load was given.
* kgtwin's compact cache: a header ``gene_name gene_id chrom start end`` (a ``#`` line
  above it may say ``build=GRCh37``), positions 1-based and inclusive as in GTF.
* a headerless BED-like table: ``chrom start end name`` (BED's 0-based start, so
  ``start + 1``), further columns ignored.

Chromosomes are compared by one spelling (:func:`chromosome`): ``chr1`` and ``1`` are
one; ``23``/``24`` are X/Y as in Affymetrix/CBS segment files; ``M`` is ``MT``.
"""

from __future__ import annotations

import gzip
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kgtwin.errors import InputError

#: Build spellings users and files write -> the build's name here.
BUILDS = {"grch37": "GRCh37", "hg19": "GRCh37", "grch38": "GRCh38", "hg38": "GRCh38"}
#: The compact table's header (what :func:`write_compact` writes).
COMPACT_HEADER = ("gene_name", "gene_id", "chrom", "start", "end")
_ATTRIBUTE = re.compile(r'(\w+) "([^"]*)"')
_HEADER_BUILD = re.compile(r"\b(GRCh3[78])\b")
_NUMBERED = {"23": "X", "24": "Y", "M": "MT"}


@dataclass(frozen=True, slots=True)
class GeneLocus:
    """One gene record of an annotation: its name, id and 1-based inclusive span."""

    name: str
    gene_id: str
    chrom: str
    start: int
    end: int


def build_name(value: str) -> str:
    """``GRCh37``/``hg19``/``GRCh38``/``hg38`` (any case) -> ``GRCh37`` or ``GRCh38``."""
    found = BUILDS.get(value.strip().lower())
    if found is None:
        raise InputError(None, None, f"build must be GRCh37 (hg19) or GRCh38 (hg38), "
                         f"not {value!r}")
    return found


def chromosome(value: str) -> str:
    """One spelling of a chromosome name: no ``chr`` prefix, ``23``/``24`` as X/Y,
    ``M`` as ``MT`` (segment files and annotations spell them each their own way)."""
    text = value.strip()
    if text[:3].lower() == "chr":
        text = text[3:]
    text = text.upper() if len(text) <= 2 else text
    return _NUMBERED.get(text, text)


def read_loci(path: Path) -> tuple[list[GeneLocus], str | None]:
    """The gene records of an annotation file and the build its header names (or None).

    Refuses a file that holds no gene record, naming the file and what was expected.
    """
    with _open(path) as handle:
        numbered = enumerate(handle, start=1)
        opening = next(((n, line) for n, line in numbered if line.strip()), (1, ""))
        first = opening[1]
        rest = itertools.chain([opening], numbered)
        if first.startswith("#") and not first.startswith("# kgtwin"):
            loci, build = _gtf(path, rest)
        elif first.startswith("# kgtwin") or first.split("\t")[:5] == list(COMPACT_HEADER):
            loci, build = _compact(path, rest)
        elif len(first.split("\t")) >= 9 and first.split("\t")[2:3] != [""]:
            loci, build = _gtf(path, rest)
        else:
            loci, build = _bed(path, rest), None
    if not loci:
        raise InputError(path, None, "no gene records: expected a GTF with `gene` lines "
                         "(GENCODE, Ensembl), kgtwin's gene table (gene_name, gene_id, "
                         "chrom, start, end) or a BED-like table (chrom, start, end, name)")
    return loci, build


def write_compact(path: Path, loci: list[GeneLocus], comment: str) -> None:
    """Writes gene records as kgtwin's compact gzip table (``comment`` on its ``#`` line)."""
    with gzip.open(path, "wt", encoding="utf-8", newline="\n", compresslevel=6) as out:
        out.write(f"# kgtwin gene coordinates; {comment}\n")
        out.write("\t".join(COMPACT_HEADER) + "\n")
        for locus in loci:
            out.write(f"{locus.name}\t{locus.gene_id}\t{locus.chrom}\t{locus.start}\t"
                      f"{locus.end}\n")


def _open(path: Path):
    if path.suffix.lower() == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")


def _gtf(path: Path, lines: Iterator[tuple[int, str]]) -> tuple[list[GeneLocus], str | None]:
    loci: list[GeneLocus] = []
    build = None
    for number, line in lines:
        if line.startswith("#"):
            found = _HEADER_BUILD.search(line)
            build = build or (found.group(1) if found else None)
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) < 9:
            if line.strip():
                raise InputError(path, number, f"a GTF line has 9 tab-separated fields, "
                                 f"found {len(fields)}")
            continue
        if fields[2] != "gene":
            continue
        attributes = dict(_ATTRIBUTE.findall(fields[8]))
        gene_id = attributes.get("gene_id", "")
        name = attributes.get("gene_name", "") or gene_id
        loci.append(_locus(path, number, name, gene_id, fields[0], fields[3], fields[4]))
    return loci, build


def _compact(path: Path, lines: Iterator[tuple[int, str]]) -> tuple[list[GeneLocus], str | None]:
    loci: list[GeneLocus] = []
    build = None
    for number, line in lines:
        if line.startswith("#"):
            found = re.search(r"build=(\w+)", line)
            build = build or (found.group(1) if found else None)
            continue
        fields = line.rstrip("\r\n").split("\t")
        if fields[:5] == list(COMPACT_HEADER) or not line.strip():
            continue
        if len(fields) < 5:
            raise InputError(path, number, f"expected gene_name, gene_id, chrom, start, end; "
                             f"found {len(fields)} field(s)")
        loci.append(_locus(path, number, fields[0], fields[1], fields[2], fields[3], fields[4]))
    return loci, build


def _bed(path: Path, lines: Iterator[tuple[int, str]]) -> list[GeneLocus]:
    loci: list[GeneLocus] = []
    for number, line in lines:
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) < 4:
            raise InputError(path, number, "a BED-like gene table has chrom, start, end and "
                             f"name; found {len(fields)} field(s)")
        if not fields[1].strip().isdigit():
            raise InputError(path, number, f"start {fields[1][:20]!r} is not a position "
                             "(not a gene table kgtwin reads: GTF, its own or BED-like)")
        start = str(int(fields[1]) + 1)  # BED starts are 0-based
        loci.append(_locus(path, number, fields[3], "", fields[0], start, fields[2]))
    return loci


def _locus(path: Path, number: int, name: str, gene_id: str, chrom: str, start: str,
           end: str) -> GeneLocus:
    try:
        first, last = int(start), int(end)
    except ValueError:
        raise InputError(path, number, f"start/end {start[:20]!r}/{end[:20]!r} are not "
                         "whole numbers") from None
    if first > last or first < 1:
        raise InputError(path, number, f"gene span {first}-{last} is empty or before 1")
    if not name.strip() or not chrom.strip():
        raise InputError(path, number, "a gene record without a name or chromosome")
    return GeneLocus(name.strip(), gene_id.strip(), chromosome(chrom), first, last)
