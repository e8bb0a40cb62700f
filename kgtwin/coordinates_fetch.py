"""``kgtwin genes fetch --coordinates BUILD``: a pinned GENCODE annotation, downloaded once.

Segmented copy number is placed on genes by their coordinates on the file's build. The
user fetches GENCODE's gene annotation for that build once: the download is checked
against the md5 GENCODE publishes (its release folder's MD5SUMS), its ``gene`` records
are kept as a compact table (gene_name, gene_id, chrom, start, end: about 1 MB instead
of GENCODE's 40 MB GTF) in kgtwin's cache, and every later copy-number load on that build
uses it. Offline, ``--option coordinates=FILE`` gives a GTF or gene table instead.

Pinned releases (each md5 as GENCODE publishes it, confirmed in two independent public
sources when pinned, never computed here): GRCh37 is GENCODE 19, the last release made
on GRCh37 itself (later GRCh37 files are mapped back from GRCh38); GRCh38 is GENCODE 38.
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass
from pathlib import Path

from kgtwin.gene_coordinates import build_name, read_loci, write_compact
from kgtwin.genes_fetch import FetchError, cache_dir, download

GENCODE = "https://ftp.ebi.ac.uk/pub/databases/gencode/Gencode_human"


@dataclass(frozen=True)
class Release:
    """A pinned gene annotation for one build: where it is and the md5 it must have."""

    build: str
    name: str
    url: str
    md5: str


RELEASES = {
    "GRCh37": Release("GRCh37", "GENCODE 19",
                      f"{GENCODE}/release_19/gencode.v19.annotation.gtf.gz",
                      "bd83e28270e595d3bde6bfcb21c9748f"),
    "GRCh38": Release("GRCh38", "GENCODE 38",
                      f"{GENCODE}/release_38/gencode.v38.annotation.gtf.gz",
                      "16fcae8ca8e488cd8056cf317d963407"),
}


@dataclass(frozen=True)
class FetchedCoordinates:
    """Where a build's gene coordinates were kept, from what, and how many genes."""

    path: Path
    build: str
    md5: str
    size: int
    genes: int


def coordinates_dir() -> Path:
    return cache_dir() / "coordinates"


def cached_coordinates(build: str) -> Path | None:
    """The gene table a fetch kept for ``build`` (its marker file is written last)."""
    marker = coordinates_dir() / build_name(build)
    if not marker.is_file():
        return None
    path = marker.parent / marker.read_text(encoding="utf-8").strip()
    return path if path.is_file() else None


def fetch_coordinates(build: str, url: str | None = None, md5: str | None = None, *,
                      timeout: float = 300.0) -> FetchedCoordinates:
    """Downloads ``build``'s pinned annotation (or ``url``, which then needs ``md5``),
    checks it, keeps its gene records as a compact table; nothing partial is kept."""
    build = build_name(build)
    release = RELEASES[build]
    if url and not md5:
        raise FetchError(f"{url}: another annotation URL needs its md5 (a download is only "
                         "kept if it matches)")
    url, md5 = url or release.url, md5 or release.md5
    folder = coordinates_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = url.rstrip("/").rsplit("/", 1)[-1]
    partial = folder / ("partial-" + name)
    _, size = download(url, partial, "md5", md5, timeout=timeout,
                       offline="pass a GTF or gene table with --option coordinates=FILE")
    try:
        loci, declared = read_loci(partial)
        if declared and declared != build:
            raise FetchError(f"{url}: its header says {declared}, not {build}; nothing was "
                             "kept")
        table = folder / (name.removesuffix(".gz").removesuffix(".gtf") + ".genes.tsv.gz")
        written = table.with_name("partial-" + table.name)
        write_compact(written, loci, f"build={build} source={name} md5={md5}")
        os.replace(written, table)
    finally:
        partial.unlink(missing_ok=True)  # the GTF itself is not kept, only its genes
    marker = folder / build
    marker.with_suffix(".tmp").write_text(table.name + "\n", encoding="utf-8")
    os.replace(marker.with_suffix(".tmp"), marker)
    return FetchedCoordinates(table, build, md5, size, len(loci))


@dataclass(frozen=True)
class CachedCoordinates:
    """A build's gene coordinates in the cache: the table, what it was made from (the
    annotation file, its md5 and pinned release when it is one) and how many genes."""

    build: str
    path: Path
    source: str
    md5: str
    release: str | None
    genes: int


def cached_releases() -> list[CachedCoordinates]:
    """Every build whose coordinates a fetch kept (for ``kgtwin genes info``)."""
    found = []
    for build in sorted(RELEASES):
        path = cached_coordinates(build)
        if path is None:
            continue
        loci, _ = read_loci(path)
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            said = dict(re.findall(r"(\w+)=(\S+)", handle.readline()))
        source, md5 = said.get("source", "?"), said.get("md5", "?")
        pinned = RELEASES[build]
        release = pinned.name if (md5, source) == (pinned.md5, pinned.url.rsplit("/", 1)[-1]) \
            else None
        found.append(CachedCoordinates(build, path, source, md5, release, len(loci)))
    return found
