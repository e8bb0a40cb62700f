"""What every loader is: a source file turned into a stream of typed records.

A loader knows its format and nothing of storage (BioCypher's adapter idea). It reads
lazily so memory stays bounded, keeps ``position`` at the line or record it is reading
so errors can name it, and reports bad records through :meth:`Loader.reject`, which
stops the load by default and only counts them when the user asked to skip bad records.
"""

from __future__ import annotations

import codecs
import csv
import io
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ClassVar

from kgtwin.errors import InputError
from kgtwin.model import Record

#: Longest line a line-based loader reads: a file without line breaks is not read whole.
MAX_LINE_BYTES = 64 << 20
#: How many examples of skipped records a load report keeps.
EXAMPLES_KEPT = 5
#: How many rejections (``file:line: reason``) the load's reconciliation keeps.
REJECTIONS_KEPT = 1000


@dataclass
class BadRecords:
    """Bad records skipped during a load, with the first few examples and the first
    :data:`REJECTIONS_KEPT` rejections for the load's reconciliation."""

    count: int = 0
    examples: list[str] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)

    def add(self, error: InputError) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append(str(error))
        if len(self.rejections) < REJECTIONS_KEPT:
            self.rejections.append(str(error))


@dataclass
class PassedOver:
    """Rows a loader deliberately turned into no record, counted by reason.

    Not bad input (a DGIdb claim tied to no drug, a variant with no gene, the same MAF
    row twice, a probe combined into its gene's value, an hpoa ``NOT`` row): the load
    still accounts for each, so ``read = stored + merged + passed over + rejected``.
    """

    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str, count: int = 1) -> None:
        self.reasons[reason] = self.reasons.get(reason, 0) + count

    @property
    def count(self) -> int:
        return sum(self.reasons.values())


class Loader(ABC):
    """Base of every loader; subclasses set ``name``, ``description`` and ``records``.

    Subclass constructors take the paths and keyword-only, documented options; the CLI
    passes ``--option key=value`` pairs through as keywords.
    """

    #: The format name users type: ``kgtwin load NAME FILE...``.
    name: ClassVar[str]
    #: One line for ``kgtwin load --list``.
    description: ClassVar[str]
    #: The version of the loader's mapping; part of provenance and of the ledger key.
    version: ClassVar[str] = "1"
    #: Whether an empty table is acceptable (``--allow-empty``); the load sets it.
    allow_empty: bool = False
    #: What a folder argument contributes (``.json``; empty: every file in it).
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: Whether a folder is one unit of this format (a cBioPortal study), given whole.
    reads_folders: ClassVar[bool] = False
    #: Whether its node records only add to nodes another load made (a CLS file's class
    #: labels on its matrix's samples): a node the store lacks refuses the load
    #: (:meth:`not_in_store` says why) instead of becoming a node of its own.
    onto_existing_nodes: ClassVar[bool] = False
    #: A fixed published format's columns (column -> what it becomes), which
    #: ``kgtwin load FORMAT --help`` lists; such a loader takes no ``columns=`` option,
    #: and ``fixed_why`` says why (a table read by role has ``columns_help`` instead).
    fixed_columns: ClassVar[Mapping[str, str]] = {}
    fixed_why: ClassVar[str] = ""

    def __init__(self, paths: list[Path], *, skip_bad: bool = False):
        if not paths:
            raise InputError(None, None, f"the {self.name} loader needs at least one file")
        self.paths = [Path(p) for p in paths]
        for path in self.paths:
            if not path.exists():
                raise InputError(path, None, "file not found")
            if path.is_dir() and not self.reads_folders:
                raise InputError(path, None, "a folder: name its files, or load it with "
                                 "`kgtwin load` (which expands folders and patterns)")
        self.skip_bad = skip_bad
        self.bad = BadRecords()
        self.passed = PassedOver()
        self.path: Path = self.paths[0]
        self.position: int | str | None = None

    @abstractmethod
    def records(self) -> Iterator[Record]:
        """Yield nodes and edges; set ``self.path``/``self.position`` while reading."""

    def source_version(self) -> str | None:
        """The version the source declares about itself, if it does (else the user says)."""
        return None

    def not_in_store(self, missing: list[str], read: int) -> InputError:
        """The error for an :attr:`onto_existing_nodes` load whose ``missing`` node ids
        (of ``read`` node records) the store does not hold."""
        return InputError(self.paths[0], None, f"{len(missing)} of {read} nodes it adds to "
                          f"are not in the store (first: {missing[0]})")

    def reject(self, reason: str) -> None:
        """A record at the current position is bad: stop, or count it and go on."""
        error = InputError(self.path, self.position, reason)
        if not self.skip_bad:
            # Without the exception being handled: its message (a validator's, a
            # parser's) may quote the raw value, and --debug prints the whole chain.
            raise error from None
        self.bad.add(error)

    def pass_over(self, reason: str, count: int = 1) -> None:
        """``count`` rows deliberately give no record, for ``reason`` (counted, not bad)."""
        self.passed.add(reason, count)


def open_binary(path: Path) -> IO[bytes]:
    """A file's bytes, decompressed by extension (``.gz``, ``.bz2``, ``.xz``): the
    field ships its big files compressed (Hetionet as ``.json.xz`` or ``.json.bz2``)."""
    suffix = path.suffix.lower()
    if suffix == ".gz":
        import gzip

        return gzip.open(path, "rb")
    if suffix == ".bz2":
        import bz2

        return bz2.open(path, "rb")
    if suffix == ".xz":
        import lzma

        return lzma.open(path, "rb")
    return open(path, "rb")


def open_text(path: Path) -> io.TextIOWrapper:
    """Opens a whole-document text source (JSON, OBO) as UTF-8; compressed by extension."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", newline="")


def split_cr(raw: bytes) -> list[bytes]:
    """A line read up to ``\n`` split at lone carriage returns (old Mac files end lines
    with ``\r`` only; Excel exports mix them), each piece ending in ``\n``."""
    pieces = raw.replace(b"\r\n", b"\n").split(b"\r")
    out = [piece + b"\n" for piece in pieces[:-1]]
    return [*out, pieces[-1]] if pieces[-1] else out


def text_lines(loader: Loader, path: Path) -> Iterator[str]:
    """Lines of a text file decoded one by one, so a bad byte names its own line.

    Keeps ``loader.path``/``loader.position`` on the current line; a line that is not
    UTF-8 goes to ``loader.reject`` (stop, or skip that line only). Lines may end in
    ``\n``, ``\r\n`` or a lone ``\r``; the text given back ends in ``\n``.
    """
    loader.path = path
    number = 0
    with open_binary(path) as handle:
        while raw := handle.readline(MAX_LINE_BYTES + 1):
            if len(raw) > MAX_LINE_BYTES:
                raise InputError(path, number + 1, f"line longer than {MAX_LINE_BYTES:,} bytes"
                                 " (a damaged file, or not a line-based format)")
            pieces = split_cr(raw) if b"\r" in raw else (raw,)
            for piece in pieces:
                number += 1
                loader.position = number
                if number == 1 and piece.startswith(codecs.BOM_UTF8):
                    piece = piece[len(codecs.BOM_UTF8) :]
                try:
                    yield piece.decode("utf-8")
                except UnicodeDecodeError as error:
                    loader.reject(f"not valid UTF-8 ({error.reason} at byte {error.start})")


def read_rows(
    loader: Loader,
    path: Path,
    *,
    delimiter: str = "\t",
    header: bool = True,
    quoted: bool | None = None,
    comments: bool = True,
    pad: bool = False,
    skip: int = 0,
) -> Iterator[dict[str, str] | list[str]]:
    """Rows of a delimited file (dicts when it has a header), tracking the line number.

    Malformed rows (wrong number of fields, undecodable bytes) go to ``loader.reject``.
    Tab-separated files of the field (KGX, Hetionet, HGNC) are not quoted, so by default
    a quote in them is part of the value; CSV files, and TSV files exported with quotes
    (ChEMBL's), use CSV quoting (``quoted=True``). With ``comments``, lines starting
    with ``#`` before the header are skipped (cBioPortal's four description lines, a
    MAF's ``#version``). With ``pad``, a row short of the header's fields gets empty
    ones (exporters that drop trailing empty fields); a longer row is still bad.
    ``skip`` lines (a title above the header) are passed over unread.
    """
    if quoted is None:
        quoted = delimiter != "\t"
    quoting = csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE
    lines = text_lines(loader, path)
    if skip:
        lines = (line for line in lines if not isinstance(loader.position, int)
                 or loader.position > skip)
    reader = csv.reader(lines, delimiter=delimiter, strict=True, quoting=quoting)
    columns: list[str] | None = None
    rows = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            if columns is not None and rows == 0 and not loader.allow_empty:
                loader.position = None
                loader.reject("a header but no rows (an empty or cut-short table); pass "
                              "--allow-empty to load it anyway")
            return
        except csv.Error as error:
            loader.reject(f"malformed row: {error}")
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if comments and columns is None and row[0].startswith("#"):
            continue
        if header and columns is None:
            columns = [c.strip() for c in row]
            if len(set(columns)) != len(columns):
                loader.reject(f"duplicate column names in header: {columns}")
            continue
        rows += 1
        if columns is None:
            yield row
        elif pad and len(row) < len(columns):
            yield dict(zip(columns, row + [""] * (len(columns) - len(row)), strict=True))
        elif len(row) != len(columns):
            loader.reject(f"expected {len(columns)} fields, found {len(row)}")
        else:
            yield dict(zip(columns, row, strict=True))


def require_columns(loader: Loader, row: dict[str, str], columns: list[str]) -> bool:
    """Checks the first row of a table has the columns a loader needs."""
    missing = [c for c in columns if c not in row]
    if missing:
        raise InputError(loader.path, loader.position, f"missing column(s): {', '.join(missing)}")
    return True


__all__ = [
    "BadRecords", "Loader", "open_binary", "open_text", "read_rows", "require_columns",
    "split_cr", "text_lines",
]
