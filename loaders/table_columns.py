"""Bulk edge tables read as columns: the columnar path of ``triples`` (here),
``primekg`` (:mod:`kgtwin.loaders.primekg_columns`) and ``drug-targets``
(:mod:`kgtwin.loaders.drug_columns`).

A PyKEEN benchmark graph or PrimeKG's ``kg.csv`` holds millions of rows of few distinct
values. Read record by record each row becomes a dict and an
:class:`~kgtwin.model.Edge`; here a block of lines is split into fields with numpy and
each column factorised from the bytes (:meth:`~kgtwin.columns.Factor.of_fields`), so
what the record loader does to a value (strip it, keep it in ``--namespace``, give it
PrimeKG's prefix and padding, map a relation through ``graph_kinds.yaml``) is done once
per distinct value and applied to all rows with numpy. Ids are then aligned once each
(the same :class:`~kgtwin.align.Aligner`, so the same gene resolution and the same
``unresolved_genes`` policy) by :mod:`kgtwin.load_columnar`.

The path takes only what it reads exactly as the record path would: lines of exactly
the expected number of fields, no carriage return, no NUL byte, no blank or comment
line, strict UTF-8, no value the loader would refuse. A CSV line with a quote is split
by Python's ``csv`` module, as the record path splits it. Anything else raises
:class:`~kgtwin.columns.NotColumnar`, and the load is redone record by record, which
names the bad row as ``file:line: reason`` (or skips it with ``--skip-bad``).
"""

from __future__ import annotations

import codecs
import csv
import lzma
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from kgtwin.loaders.base import MAX_LINE_BYTES, Loader, open_binary
from kgtwin.loaders.drugs import DrugTargetLoader
from kgtwin.loaders.kgx_columns import line_blocks
from kgtwin.loaders.primekg import PrimeKgLoader
from kgtwin.loaders.triples import TriplesLoader

from kgtwin.biolink import default_biolink
from kgtwin.columns import FIELD_PAD, EdgeColumns, Factor, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.ids import default_normaliser, namespaced

#: Bytes of a file parsed at once (whole lines).
BLOCK_BYTES = 32 << 20
_TAB, _LF, _QUOTE = 9, 10, 34

EdgeSource = Callable[[], Iterator[EdgeColumns]]


def plan_parts(loader: Loader) -> tuple[Loader | None, EdgeSource] | None:
    """(the loader of the nodes alone, the edge chunks) when ``loader`` is a table
    loader with a columnar path (triples, PrimeKG, drug–target tables), else None
    (:func:`kgtwin.load_columnar.columnar_plan`)."""
    if type(loader) is TriplesLoader:
        def triples() -> Iterator[EdgeColumns]:
            for path in loader.paths:
                yield from triples_columns(path, loader.namespace)

        return None, triples
    if type(loader) is PrimeKgLoader:
        from kgtwin.loaders.primekg_columns import PrimeKgColumns

        nodes = PrimeKgColumns(loader.paths, skip_bad=loader.skip_bad)
        nodes.allow_empty = loader.allow_empty
        return nodes, nodes.edge_chunks
    if type(loader) is DrugTargetLoader:
        from kgtwin.loaders.drug_columns import drug_target_columns

        reader = drug_target_columns(loader)
        return None if reader is None else (reader, reader.edge_chunks)
    return None


# --- reading a block of lines into fields ---------------------------------------------
def blocks(path: Path, *, header: bool, block_bytes: int | None = None
           ) -> Iterator[bytes]:
    """The file's bytes in blocks of whole lines (the first line apart if ``header``)."""
    try:
        with open_binary(path) as handle:
            if header:
                yield handle.readline(MAX_LINE_BYTES + 1)
            yield from line_blocks(handle, block_bytes or BLOCK_BYTES)
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as error:
        raise NotColumnar(f"unreadable: {error}") from None


def header_columns(raw: bytes, delimiter: str) -> list[str]:
    """The header line's column names as :func:`~kgtwin.loaders.base.read_rows` reads
    them (BOM dropped, CSV quoting for a comma-separated file, names stripped)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotColumnar("header not UTF-8") from None
    if not text.strip() or text.startswith("#") or "\r" in text or "\0" in text \
            or not text.endswith("\n"):
        raise NotColumnar("header line not plain")
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    try:
        rows = list(csv.reader([text], delimiter=delimiter, strict=True, quoting=quoting))
    except csv.Error:
        raise NotColumnar("header not one row") from None
    if len(rows) != 1:
        raise NotColumnar("header not one row")
    columns = [c.strip() for c in rows[0]]
    if len(set(columns)) != len(columns):
        raise NotColumnar("duplicate column names")
    return columns


@dataclass(frozen=True)
class Spans:
    """A block's fields as (start, length) of ``text``, column by column on demand, so
    a caller factorises only the columns it needs and decodes only what it uses.

    ``stops`` holds each plain line's separator positions (one row a line, one column
    a field); the lines that held a quote (``quoted``, their indices) were read by
    ``csv`` and have their fields' starts and lengths in ``quoted_starts`` and
    ``quoted_lengths``, into bytes appended to the block.
    """

    text: bytes
    first: np.ndarray
    stops: np.ndarray
    plain: np.ndarray | None = None
    quoted: np.ndarray | None = None
    quoted_starts: np.ndarray | None = None
    quoted_lengths: np.ndarray | None = None
    #: Whether a field of a plain line may be one quoted whole (``"a, b"``: its quotes
    #: are dropped); a tab-separated block has no quoting.
    unquote: bool = False

    def __len__(self) -> int:
        return len(self.first)

    @cached_property
    def padded(self) -> np.ndarray:
        return np.frombuffer(self.text + bytes(FIELD_PAD), dtype=np.uint8)

    def column(self, column: int) -> tuple[np.ndarray, np.ndarray]:
        """Each line's (start, length) of ``column``."""
        first = self.first if self.plain is None else self.first[self.plain]
        starts = first if column == 0 else self.stops[:, column - 1] + 1
        lengths = self.stops[:, column] - starts
        if self.unquote:
            whole = (self.padded[starts] == _QUOTE).astype(np.int64)
            starts, lengths = starts + whole, lengths - 2 * whole
        if self.plain is None:
            return starts, lengths
        all_starts = np.empty(len(self), dtype=np.int64)
        all_lengths = np.empty(len(self), dtype=np.int64)
        all_starts[self.plain], all_lengths[self.plain] = starts, lengths
        all_starts[self.quoted] = self.quoted_starts[:, column]
        all_lengths[self.quoted] = self.quoted_lengths[:, column]
        return all_starts, all_lengths

    def factor(self, *columns: int) -> Factor:
        """The columns' fields as one factor (the first column's rows, then the next's:
        one table of values for, say, PrimeKG's x_id and y_id)."""
        parts = [self.column(c) for c in columns]
        starts = np.concatenate([p[0] for p in parts]) if len(parts) > 1 else parts[0][0]
        lengths = np.concatenate([p[1] for p in parts]) if len(parts) > 1 else parts[0][1]
        try:
            return Factor.of_fields(self.text, self.padded, starts, lengths)
        except UnicodeDecodeError as error:
            raise NotColumnar(f"not UTF-8: {error}") from None

    @cached_property
    def _plain_line(self) -> np.ndarray:
        """Each line's row in ``stops`` (for a plain line)."""
        return np.cumsum(self.plain) - 1

    def value(self, row: int, column: int) -> str:
        if self.plain is not None and not self.plain[row]:
            at = int(np.searchsorted(self.quoted, row))
            start, length = self.quoted_starts[at, column], self.quoted_lengths[at, column]
        else:
            line = row if self.plain is None else int(self._plain_line[row])
            start = self.first[row] if column == 0 else self.stops[line, column - 1] + 1
            length = self.stops[line, column] - start
            if self.unquote and self.text[start:start + 1] == b'"':
                start, length = start + 1, length - 2
        return self.text[int(start):int(start) + int(length)].decode("utf-8")


#: Bytes that end a field of a comma-separated line (by delimiter: see split_fields).
_ENDS = {d: np.isin(np.arange(256), [ord(d), _LF]) for d in ",;|"}


def split_fields(block: bytes, width: int, delimiter: str) -> Spans:
    """The fields of a block of lines, each line exactly ``width`` of them.

    The block must be UTF-8 (the record path decodes every line whole, columns it
    does not use included), no field may hold a CR or NUL byte, and no line be longer
    than the record path reads. Tab-separated lines are not quoted (as the record path
    reads TSV); the comma-separated lines that hold a quote are split by the ``csv``
    module with the record path's dialect and their fields appended to the text, so
    every field is still a (start, length) of one buffer.
    """
    if b"\r" in block or b"\0" in block:
        raise NotColumnar("carriage return or NUL byte")
    if not block.isascii():  # the record path decodes every line whole
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            raise NotColumnar("not UTF-8") from None
    data = np.frombuffer(block, dtype=np.uint8)
    if delimiter == "\t":
        separators = np.flatnonzero(data <= _LF)  # one comparison finds tabs and line ends
        kinds = data[separators]
        if np.any(kinds < _TAB):  # another control character: look again, exactly
            separators = np.flatnonzero((data == _TAB) | (data == _LF))
            kinds = data[separators]
    else:
        ends_field = _ENDS.get(delimiter)
        separators = np.flatnonzero(ends_field[data] if ends_field is not None
                                    else (data == ord(delimiter)) | (data == _LF))
        kinds = data[separators]
    is_end = kinds == _LF
    ends = separators[is_end]
    lines = len(ends)
    if not lines or np.any(np.diff(ends, prepend=-1) > MAX_LINE_BYTES):
        raise NotColumnar("no line, or a line too long")
    first = np.concatenate(([0], ends[:-1] + 1))
    quoted = np.zeros(lines, dtype=bool)
    if delimiter != "\t":
        quoted[np.searchsorted(ends, np.flatnonzero(data == _QUOTE))] = True
    if not quoted.any():
        if np.any(np.diff(np.flatnonzero(is_end), prepend=-1) != width):
            raise NotColumnar("a line with another number of fields")
        return Spans(block, first, separators.reshape(lines, width))
    line_of = np.cumsum(is_end) - is_end  # each separator's line
    quotes = np.flatnonzero(data == _QUOTE)
    before = np.searchsorted(quotes, first)  # the quotes before each line
    hard = _hard_lines(data, quotes, first, ends, before, ord(delimiter))
    inside = np.zeros(len(separators), dtype=bool)  # within a quoted field
    simple = np.flatnonzero((quoted & ~hard)[line_of])
    inside[simple] = (np.searchsorted(quotes, separators[simple])
                      - before[line_of[simple]]) % 2 == 1
    kept = ~hard[line_of] & ~inside
    separators, is_end = separators[kept], is_end[kept]
    if np.any(np.diff(np.flatnonzero(is_end), prepend=-1) != width):
        raise NotColumnar("a line with another number of fields")
    stops = separators.reshape(-1, width)
    if not hard.any():
        return Spans(block, first, stops, unquote=True)
    rows = np.flatnonzero(hard)
    text, starts, lengths = _quoted_fields(block, first[rows], ends[rows], width, delimiter)
    return Spans(text, first, stops, ~hard, rows, starts, lengths, unquote=True)


def _hard_lines(data: np.ndarray, quotes: np.ndarray, first: np.ndarray, ends: np.ndarray,
                before: np.ndarray, delimiter: int) -> np.ndarray:
    """The lines whose quotes are not all whole-field quotes (``,"a, b",``: an opening
    quote at a field's start, its closing one right before the next delimiter or the
    line end, nothing doubled), which ``csv`` must read; the others are split here with
    the delimiters between a pair of quotes ignored, and lose their quotes."""
    line = np.searchsorted(ends, quotes)
    opening = (np.arange(len(quotes)) - before[line]) % 2 == 0
    after = data[quotes + 1]  # a quote is never a block's last byte (it ends in LF)
    at_start = (quotes == first[line]) | (data[np.maximum(quotes - 1, 0)] == delimiter)
    at_end = (after == delimiter) | (after == _LF)
    hard = np.zeros(len(first), dtype=bool)
    hard[line[~np.where(opening, at_start, at_end)]] = True
    hard |= np.bincount(line, minlength=len(first)) % 2 == 1
    return hard


def _quoted_fields(block: bytes, first: np.ndarray, ends: np.ndarray, width: int,
                   delimiter: str) -> tuple[bytes, np.ndarray, np.ndarray]:
    """The fields of the lines that hold a quote, read by one ``csv`` reader as the
    record path reads them, appended to the block's bytes. Each line must give one row
    (a quoted field running across lines is for the record path)."""
    try:
        lines = [block[a:b + 1].decode("utf-8") for a, b in
                 zip(first.tolist(), ends.tolist(), strict=True)]
        rows = list(csv.reader(lines, delimiter=delimiter, strict=True,
                               quoting=csv.QUOTE_MINIMAL))
    except (UnicodeDecodeError, csv.Error):
        raise NotColumnar("a quoted line the record path reads otherwise") from None
    if len(rows) != len(lines) or any(len(row) != width for row in rows):
        raise NotColumnar("a quoted line the record path reads otherwise")
    fields = [field for row in rows for field in row]
    joined = "".join(fields)
    extra = joined.encode("utf-8")
    if len(extra) == len(joined):  # ASCII: characters are bytes
        lengths = np.fromiter(map(len, fields), dtype=np.int64, count=len(fields))
    else:
        lengths = np.fromiter((len(f.encode("utf-8")) for f in fields), dtype=np.int64,
                              count=len(fields))
    starts = len(block) + np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return block + extra, starts.reshape(-1, width), lengths.reshape(-1, width)


def compact(factor: Factor, rows: np.ndarray) -> Factor:
    """The factor's ``rows`` (a mask or indices) with only the values they use."""
    import pandas as pd

    codes, used = pd.factorize(factor.codes[rows], sort=False)
    return Factor(codes.astype(np.int64, copy=False), [factor.values[i] for i in used])


def _stripped(factor: Factor) -> Factor:
    factor = factor.mapped(str.strip)
    if "" in factor.values:
        raise NotColumnar("an empty subject, predicate or object")
    return factor


# --- triples ---------------------------------------------------------------------------
def triples_columns(path: Path, namespace: str | None, *,
                    block_bytes: int | None = None) -> Iterator[EdgeColumns]:
    """The edges of a headerless subject/predicate/object TSV, a block at a time; with
    ``namespace``, each row aligned or kept in it as :class:`TriplesLoader` decides."""
    rows = 0
    for number, block in enumerate(blocks(path, header=False, block_bytes=block_bytes)):
        if number == 0 and block.startswith(codecs.BOM_UTF8):
            raise NotColumnar("a byte order mark")
        spans = split_fields(block, 3, "\t")
        raw_subject, predicate, object_ = (spans.factor(c) for c in range(3))
        if any(value.startswith("#") for value in raw_subject.values):
            raise NotColumnar("a comment line")  # the record path skips it
        subject, predicate, object_ = map(_stripped, (raw_subject, predicate, object_))
        rows += len(subject)
        if namespace is None:
            yield EdgeColumns(subject, predicate, object_, Factor.constant("", len(subject)),
                              Factor.constant("{}", len(subject)))
        else:
            yield from _namespaced(subject, predicate, object_, namespace)
    if rows == 0:
        raise NotColumnar("no rows")  # the record path says whether that is an error


def _namespaced(subject: Factor, predicate: Factor, object_: Factor, namespace: str
                ) -> Iterator[EdgeColumns]:
    """Rows whose ids are CURIEs and predicate Biolink's, aligned; the others with their
    values kept in ``namespace`` (each distinct value looked at once)."""
    ids, biolink = default_normaliser(), default_biolink()
    try:
        valid_subject = np.array([ids.is_valid(v) for v in subject.values], dtype=bool)
        valid_object = np.array([ids.is_valid(v) for v in object_.values], dtype=bool)
        known = np.array([biolink.is_predicate(v) for v in predicate.values], dtype=bool)
        aligned = (valid_subject[subject.codes] & known[predicate.codes]
                   & valid_object[object_.codes])
        kept = [Factor(s.codes, [ids.normalize(v) if ok else namespaced(namespace, v)
                                 for v, ok in zip(s.values, valid, strict=True)])
                for s, valid in ((subject, valid_subject), (object_, valid_object))]
        predicates = Factor(predicate.codes, [
            biolink.predicate(v) if ok else namespaced(namespace, v)
            for v, ok in zip(predicate.values, known, strict=True)])
    except KgTwinError as error:
        raise NotColumnar(str(error)) from None
    for mask, parts, flag in ((aligned, (subject, predicate, object_), True),
                              (~aligned, (kept[0], predicates, kept[1]), False)):
        rows = int(mask.sum())
        if rows:
            s, p, o = (compact(part, mask) for part in parts)
            yield EdgeColumns(s, p, o, Factor.constant("", rows), Factor.constant("{}", rows),
                              aligned=flag)


__all__ = ["BLOCK_BYTES", "Spans", "blocks", "compact", "header_columns", "plan_parts",
           "split_fields", "triples_columns"]
