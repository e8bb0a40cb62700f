"""Build the compact gene index shipped in ``ontologies/hgnc_genes.tsv.xz``.

The index kgtwin resolves genes against when no HGNC release was fetched
(``kgtwin genes fetch``) nor given (``--option genes=FILE``): the approved genes of an
HGNC complete set, with only the columns resolution reads, xz-compressed (about
0.65 MB). The first line records the release and the sha256 of the input, so a
rebuilt index shows up as a diff. HGNC data is free to use (genenames.org)::

    python scripts/build_gene_index.py hgnc_complete_set_2026-10-02.txt "HGNC 2026-10-02"
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import lzma
from pathlib import Path

from kgtwin.genes import ID_COLUMNS, SHIPPED, SYMBOL_COLUMNS, _open, table_rows

OUT = Path(__file__).resolve().parent.parent / "ontologies" / SHIPPED
COLUMNS = ["hgnc_id", "symbol", *SYMBOL_COLUMNS, *ID_COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table", type=Path, help="an HGNC complete set (.txt, .gz, .xz)")
    parser.add_argument("release", help='what the table is, e.g. "HGNC 2026-10-02"')
    args = parser.parse_args()
    digest = hashlib.sha256(args.table.read_bytes()).hexdigest()
    text = io.StringIO()
    text.write(f"# {args.release} (input sha256 {digest})\n")
    writer = csv.writer(text, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                        escapechar="\\")
    writer.writerow(COLUMNS)
    kept = 0
    with _open(args.table) as handle:
        table = table_rows(handle, str(args.table))
        for cells in table.rows:
            row = dict(zip(table.columns, cells, strict=False))
            if row.get("status", "Approved").lower().startswith("entry withdrawn"):
                continue
            writer.writerow([(row.get(c) or "").strip().strip('"') for c in COLUMNS])
            kept += 1
    OUT.write_bytes(lzma.compress(text.getvalue().encode("utf-8"), preset=9))
    print(f"{OUT}: {kept} genes, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
