"""One gene index: every way a human gene is named, resolved to its HGNC id.

Every loader and the aligner ask this index, so a gene named ``BRAF``, ``NCBIGene:673``,
``ENSG00000157764``, ``UniProtKB:P15056``, ``HGNC:1097`` or a bare ``1097`` in an
``hgnc_id`` column lands on one node. Symbols resolve approved first, then previous
symbols, then aliases; a previous symbol or alias shared by several genes is ambiguous
and reported with its candidates, never guessed. So is an id HGNC gives to several
approved genes (UniProt P69905 is on HBA1 and HBA2, P04745 on AMY1A, AMY1B and AMY1C):
any one of them would be a guess.

Where the table comes from (first found wins, see :func:`gene_index_source`):
``--option genes=FILE``, the ``KGTWIN_GENES`` environment variable, a release fetched
once with ``kgtwin genes fetch`` (:mod:`kgtwin.genes_fetch`), else the compact index
shipped in ``ontologies/hgnc_genes.tsv.xz`` (built from an HGNC complete set by
``scripts/build_gene_index.py``; HGNC data is free to use). Nothing here touches the
network.
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from kgtwin.errors import InputError, KgTwinError

#: Prefixes whose ids name a human gene (or its product) and so go through the index.
GENE_PREFIXES = frozenset({"HGNC", "hgnc.symbol", "NCBIGene", "ENSEMBL", "UniProtKB"})
SYMBOL = "hgnc.symbol"
#: Environment variable naming a gene table to use instead of the cached or shipped one.
GENES_ENV = "KGTWIN_GENES"
SHIPPED = "hgnc_genes.tsv.xz"
#: Columns of an HGNC complete set that the index reads (the first two are required).
REQUIRED = ("hgnc_id", "symbol")
ID_COLUMNS = {"entrez_id": "NCBIGene", "ensembl_gene_id": "ENSEMBL", "uniprot_ids": "UniProtKB"}
SYMBOL_COLUMNS = ("prev_symbol", "alias_symbol")
#: HGNC's custom downloads (genenames.org/download/custom) spell the complete set's
#: columns otherwise and separate list items with ", " instead of "|".
CUSTOM_HEADERS = {
    "hgnc id": "hgnc_id", "approved symbol": "symbol", "approved name": "name",
    "status": "status", "previous symbols": "prev_symbol", "alias symbols": "alias_symbol",
    "ncbi gene id": "entrez_id", "entrez gene id": "entrez_id",
    "ensembl gene id": "ensembl_gene_id", "uniprot id(supplied by uniprot)": "uniprot_ids",
    "omim id(supplied by omim)": "omim_id", "locus group": "locus_group",
    "locus type": "locus_type", "chromosome": "location",
}


def hgnc_columns(header: list[str]) -> tuple[list[str], str]:
    """A header in the complete set's spelling, and the list separator its file uses
    (``|``; ``,`` for a custom download, recognised by its spelling). A column two
    custom spellings would give one name keeps its own name after the first."""
    stripped = [c.strip() for c in header]
    if "hgnc_id" in stripped or not any(c.lower() in CUSTOM_HEADERS for c in stripped):
        return stripped, "|"
    named: list[str] = []
    for column in stripped:
        canonical = CUSTOM_HEADERS.get(column.lower(), column)
        named.append(canonical if canonical not in named else column)
    return named, ","

_ENSEMBL = re.compile(r"^ENSG\d{11}(\.\d+)?$")
_UNIPROT = re.compile(r"^([OPQ]\d[A-Z0-9]{3}\d|[A-NR-Z]\d([A-Z][A-Z0-9]{2}\d){1,2})(-\d+)?$")


#: What an ambiguous name's reason says (the end of a load lists such names apart).
AMBIGUOUS = " is ambiguous: "


class GeneTableError(KgTwinError, ValueError):
    """A gene table cannot be used (wrong header, unreadable, missing)."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """What the index made of one value: the HGNC id, or why there is none."""

    value: str
    hgnc: str | None
    #: approved, previous, alias, id — or unknown, ambiguous.
    how: str
    candidates: tuple[str, ...] = ()
    #: What an ambiguous value is to each candidate.
    shared_as: str = "a previous symbol or alias"

    def reason(self) -> str:
        """Why a value did not resolve, for a rejection or a report line."""
        if self.how == "ambiguous":
            return (f"gene {self.value!r}{AMBIGUOUS}{self.shared_as} of "
                    f"{', '.join(self.candidates)}")
        return f"unknown gene {self.value!r}"


class GeneIndex:
    """Symbols, previous symbols, aliases, Entrez, Ensembl, UniProt and HGNC ids -> HGNC."""

    def __init__(self, table: GeneTable, release: str):
        separators = table.separators
        self.release = release
        self.names: dict[str, str] = {}
        self._approved: dict[str, str] = {}
        self._other: dict[str, dict[str, set[str]]] = {c: {} for c in SYMBOL_COLUMNS}
        self._ids: dict[str, str] = {}
        #: Ids HGNC gives to several approved genes -> those genes (never one of them).
        self._shared: dict[str, set[str]] = {}
        self._resolved: dict[str, Resolution] = {}
        at = {c: i for i, c in enumerate(table.columns)}
        status = at.get("status")
        ids = [(at[c], p) for c, p in ID_COLUMNS.items() if c in at]
        others = [(at[c], self._other[c]) for c in SYMBOL_COLUMNS if c in at]
        width = len(table.columns)
        for row in table.rows:
            if len(row) < width:
                row = row + [""] * (width - len(row))
            if status is not None and row[status].lower().startswith("entry withdrawn"):
                continue
            number = row[at["hgnc_id"]].strip().upper().removeprefix("HGNC:")
            symbol = row[at["symbol"]].strip()
            if not number.isdigit() or not symbol:
                continue
            hgnc = f"HGNC:{number}"
            self.names[hgnc] = symbol
            self._approved[symbol.upper()] = hgnc
            self._ids[hgnc] = hgnc
            for i, prefix in ids:
                if row[i]:
                    for value in _items(row[i], separators):
                        curie = f"{prefix}:{value.removeprefix(prefix + ':')}"
                        owner = self._ids.setdefault(curie, hgnc)
                        if owner != hgnc:
                            self._shared.setdefault(curie, {owner}).add(hgnc)
            for i, table_ in others:
                if row[i]:
                    for value in _items(row[i], separators):
                        table_.setdefault(value.upper(), set()).add(hgnc)
        for curie in self._shared:
            del self._ids[curie]

    def __len__(self) -> int:
        return len(self.names)

    def symbol(self, hgnc: str) -> str | None:
        """The approved symbol of an HGNC id (a node's name)."""
        return self.names.get(hgnc)

    def resolve(self, value: str, *, kind: str | None = None) -> Resolution:
        """Resolves a symbol, an id of any gene namespace or a CURIE.

        ``kind`` says what a bare number is: ``"hgnc"`` (an ``hgnc_id`` column) or
        ``"entrez"`` (the default, as in MAF and HPO tables).
        """
        key = f"{kind}|{value}" if kind else value
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(value.strip(), kind)
        return found

    def _resolve(self, text: str, kind: str | None) -> Resolution:
        if text.isdigit():
            prefix = "HGNC" if kind == "hgnc" else "NCBIGene"
            return self._by_id(text, f"{prefix}:{int(text)}")
        if _ENSEMBL.match(text):
            return self._by_id(text, "ENSEMBL:" + text.split(".")[0])
        prefix, sep, local = text.partition(":")
        if sep and prefix.casefold() in _PREFIX_SPELLINGS:
            canonical = _PREFIX_SPELLINGS[prefix.casefold()]
            if canonical == SYMBOL:
                return self.resolve_symbol(local, value=text)
            local = local.strip()
            if canonical == "HGNC":
                local = local.upper().removeprefix("HGNC:")
                local = str(int(local)) if local.isdigit() else local
            elif canonical == "ENSEMBL":
                local = local.split(".")[0]
            elif canonical == "UniProtKB":
                found = self._by_id(text, f"{canonical}:{local.split('-')[0]}")
                if found.how == "unknown" and _UNIPROT.match(local):
                    # A symbol spelt like an accession (B3GNT6, P2RY10, H2AC21) that a
                    # loader took for one: no accession of a human gene has this
                    # spelling, so the symbol is what the file meant.
                    by_symbol = self.resolve_symbol(local, value=text)
                    if by_symbol.hgnc is not None:
                        return by_symbol
                return found
            return self._by_id(text, f"{canonical}:{local}")
        if _UNIPROT.match(text):  # a symbol may look like an accession: both are tried
            found = self._by_id(text, "UniProtKB:" + text.split("-")[0])
            if found.how != "unknown" and text.upper() not in self._approved:
                return found
        return self.resolve_symbol(text)

    def _by_id(self, value: str, curie: str) -> Resolution:
        hgnc = self._ids.get(curie)
        if hgnc:
            return Resolution(value, hgnc, "id")
        owners = self._shared.get(curie)
        if owners:
            id_ = "an id" if value == curie else f"an id ({curie})"
            return Resolution(value, None, "ambiguous", tuple(sorted(owners, key=_number)),
                              shared_as=f"{id_} HGNC gives to each")
        return Resolution(value, None, "unknown")

    def resolve_symbol(self, symbol: str, *, value: str | None = None) -> Resolution:
        """Approved symbol, else a previous symbol, else an alias naming one gene only."""
        value = value or symbol
        key = symbol.strip().upper()
        hgnc = self._approved.get(key)
        if hgnc:
            return Resolution(value, hgnc, "approved")
        for column, how in (("prev_symbol", "previous"), ("alias_symbol", "alias")):
            owners = self._other[column].get(key)
            if owners and len(owners) == 1:
                return Resolution(value, next(iter(owners)), how)
            if owners:
                return Resolution(value, None, "ambiguous", tuple(sorted(owners, key=_number)))
        return Resolution(value, None, "unknown")


def _number(hgnc: str) -> int:
    return int(hgnc.partition(":")[2])


_PREFIX_SPELLINGS = {
    "hgnc": "HGNC", "hgnc.symbol": SYMBOL, "ncbigene": "NCBIGene", "entrez": "NCBIGene",
    "geneid": "NCBIGene", "ensembl": "ENSEMBL", "uniprotkb": "UniProtKB",
    "uniprot": "UniProtKB",
}


def _items(cell: str | None, separators: str = "|") -> list[str]:
    if not cell:
        return []
    text = cell.strip().strip('"')
    if separators != "|":
        text = text.replace(separators, "|")
    return [v.strip() for v in text.split("|") if v.strip()]


def _open(path: Path) -> io.TextIOWrapper:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    if path.suffix == ".xz":
        return io.TextIOWrapper(lzma.open(path, "rb"), encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


@dataclass(frozen=True)
class GeneTable:
    """An HGNC complete-set table being read: its header and its rows as lists."""

    columns: list[str]
    rows: Iterator[list[str]]
    #: What separates a list cell's items (``|``; ``,`` in HGNC's custom downloads).
    separators: str = "|"


def table_rows(handle: io.TextIOBase, where: str) -> GeneTable:
    """An HGNC complete-set TSV (``#`` comment lines skipped), header checked."""
    lines = (line.rstrip("\r\n") for line in handle if not line.startswith("#"))
    header = next(lines, None)
    if header is None:
        raise GeneTableError(f"{where}: the gene table is empty")
    columns, separators = hgnc_columns(header.split("\t"))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(where, 1, f"not an HGNC complete set: no {', '.join(missing)} "
                         f"column(s) in the header (found {', '.join(columns[:6])}"
                         f"{', ...' if len(columns) > 6 else ''}); HGNC's complete set "
                         "and its custom downloads (HGNC ID, Approved symbol, …) are read")
    return GeneTable(columns, (line.split("\t") for line in lines if line), separators)


def read_gene_table(path: str | Path, release: str | None = None) -> GeneIndex:
    """An index over an HGNC complete-set file (plain, .gz or .xz; its own columns)."""
    path = Path(path)
    try:
        with _open(path) as handle:
            return GeneIndex(table_rows(handle, str(path)), release or path.name)
    except OSError as error:
        raise GeneTableError(f"cannot read the gene table {path}: {error.strerror or error}"
                             ) from None
    except (UnicodeDecodeError, EOFError, lzma.LZMAError) as error:
        raise GeneTableError(f"cannot read the gene table {path}: {error}") from None


def _shipped() -> io.TextIOWrapper:
    raw = resources.files("kgtwin.ontologies").joinpath(SHIPPED).read_bytes()
    return io.StringIO(lzma.decompress(raw).decode("utf-8"))  # type: ignore[return-value]


@cache
def shipped_release() -> str:
    """The release line recorded in the shipped index's header."""
    with _shipped() as handle:
        first = handle.readline()
    if not first.startswith("#"):
        return "shipped"
    return first.removeprefix("#").split(" (input sha256")[0].strip()


def gene_index_source(genes: str | Path | None = None) -> tuple[Path | None, str]:
    """Which table the index is read from, and why: (path or None for shipped, origin)."""
    if genes:
        return Path(genes), "--option genes"
    if os.environ.get(GENES_ENV):
        return Path(os.environ[GENES_ENV]), GENES_ENV
    from kgtwin.genes_fetch import cached_release

    cached = cached_release()
    if cached is not None:
        return cached, "kgtwin genes fetch"
    return None, "shipped"


@cache
def _index_for(path: Path | None) -> GeneIndex:
    if path is None:
        with _shipped() as handle:
            return GeneIndex(table_rows(handle, SHIPPED), f"shipped {shipped_release()}")
    if not path.exists():
        raise GeneTableError(f"gene table {path} not found (from --option genes or "
                             f"{GENES_ENV}); `kgtwin genes fetch` downloads HGNC's")
    return read_gene_table(path)


def gene_index(genes: str | Path | None = None) -> GeneIndex:
    """The gene index every loader uses (built once per table and process)."""
    path, _origin = gene_index_source(genes)
    return _index_for(path.resolve() if path is not None else None)


def fetch_hint(index: GeneIndex) -> str:
    """What a user can do about an unknown gene, given which index answered."""
    if index.release.startswith("shipped"):
        return (f"gene index: {index.release}; `kgtwin genes fetch` gets the current "
                "HGNC release, --option unresolved_genes=keep keeps such genes by symbol")
    return (f"gene index: {index.release}; --option unresolved_genes=keep keeps such genes "
            "by symbol")
