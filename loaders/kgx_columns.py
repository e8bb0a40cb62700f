"""KGX TSV edges read as columns: the bulk path of the ``kgx`` loader.

A KGX edges file of millions of rows is split into fields with numpy, block by block,
and each column factorised straight from the bytes
(:meth:`~kgtwin.columns.Factor.of_fields`) into :class:`~kgtwin.columns.EdgeColumns`,
instead of one dict and one :class:`~kgtwin.model.Edge` per row (or one string per
field). The path takes only what it reads exactly as the record path would: a block
must hold lines of exactly the header's number of fields, no carriage return and no
NUL byte; each distinct value is decoded as strict UTF-8; an empty subject, predicate
or object is refused. Anything else (a short or long row, a blank line, a Windows line
end, a bad byte) raises
:class:`~kgtwin.columns.NotColumnar`, and the load is redone record by record, which
accepts, pads or rejects the row with ``file:line: reason`` as it always did.
"""

from __future__ import annotations

import io
import lzma
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.base import open_binary
from kgtwin.loaders.kgx import EDGE_FIELDS, _json_kind, is_qualifier, parse_value

from kgtwin.columns import FIELD_PAD, EdgeColumns, Factor, NotColumnar
from kgtwin.model import properties_text, qualifier_key

#: Bytes of a file parsed at once (whole lines): about a million edges, ~0.3 GB parsed.
BLOCK_BYTES = 32 << 20
_TAB, _LF = 9, 10


def tsv_kinds(paths: list[Path]) -> tuple[list[Path], list[Path]] | None:
    """Node files and edge files when every file is a KGX TSV, else None (record path).

    Told apart by the header as :meth:`KgxLoader._kind` does; a file that is neither,
    or a JSON file, leaves the load to the record path.
    """
    nodes: list[Path] = []
    edges: list[Path] = []
    for path in paths:
        if _json_kind(path):
            return None
        try:
            header = set(_header(path))
        except NotColumnar:
            return None
        if {"subject", "predicate", "object"} <= header:
            edges.append(path)
        elif {"id", "category"} <= header:
            nodes.append(path)
        else:
            return None
    return nodes, edges


def _header(path: Path) -> list[str]:
    with open_binary(path) as handle:
        return _read_header(handle)


def _read_header(handle: io.BufferedIOBase) -> list[str]:
    try:
        raw = handle.readline()
        text = raw.decode("utf-8-sig")
    except (UnicodeDecodeError, OSError, EOFError, lzma.LZMAError, zlib.error) as error:
        raise NotColumnar(f"header unreadable: {error}") from None
    if "\r" in text.rstrip("\n") or not text.strip():
        raise NotColumnar("header line not plain")
    columns = [c.strip() for c in text.rstrip("\n").split("\t")]
    if len(set(columns)) != len(columns):
        raise NotColumnar("duplicate column names")
    return columns


def edge_columns(path: Path, *, block_bytes: int | None = None) -> Iterator[EdgeColumns]:
    """The edges of a KGX TSV file, a block of whole lines (:data:`BLOCK_BYTES`) at a time."""
    block_bytes = block_bytes or BLOCK_BYTES
    with open_binary(path) as handle:
        columns = _read_header(handle)
        qualifier_columns = [c for c in columns if is_qualifier(c)]
        property_columns = [c for c in columns
                            if c not in EDGE_FIELDS and c not in qualifier_columns]
        rows = 0
        for block in line_blocks(handle, block_bytes):
            fields = _fields(block, columns)
            rows += len(fields["subject"])
            yield _edges(fields, qualifier_columns, property_columns)
    if rows == 0:
        raise NotColumnar("a header but no rows")  # the record path says so, or allows it


def line_blocks(handle: io.BufferedIOBase, size: int) -> Iterator[bytes]:
    """Blocks of about ``size`` bytes ending at a line end (one is added at the end), so
    each block splits into whole lines; a read error is :class:`NotColumnar` (the record
    path then reads the file and names what is wrong)."""
    try:
        while block := handle.read(size):
            if not block.endswith(b"\n"):
                block += handle.readline()
                if not block.endswith(b"\n"):
                    block += b"\n"
            yield block
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as error:
        raise NotColumnar(f"unreadable: {error}") from None


def _fields(block: bytes, columns: list[str]) -> dict[str, Factor]:
    """Each column of a block of lines, factorised straight from the bytes (numpy, no
    Python object a row). Every line must hold exactly the header's number of fields,
    with no CR and no NUL byte: the fields are then the bytes between tabs and line
    ends, as a tab-separated reader without quoting reads them."""
    if b"\r" in block or b"\0" in block:
        raise NotColumnar("carriage return or NUL byte")
    data = np.frombuffer(block, dtype=np.uint8)
    separators = np.flatnonzero(data <= _LF)  # one comparison finds tabs and line ends
    kinds = data[separators]
    if np.any(kinds < _TAB):
        raise NotColumnar("a control character")
    ends = np.flatnonzero(kinds == _LF)
    if np.any(np.diff(ends, prepend=-1) != len(columns)):
        raise NotColumnar("a line with another number of fields")
    lines = len(ends)
    stops = separators.reshape(lines, len(columns))
    starts = np.concatenate(([0], separators[:-1] + 1)).reshape(lines, len(columns))
    padded = np.frombuffer(block + bytes(FIELD_PAD), dtype=np.uint8)
    try:
        return {name: Factor.of_fields(block, padded, starts[:, i], stops[:, i] - starts[:, i])
                for i, name in enumerate(columns)}
    except UnicodeDecodeError as error:
        raise NotColumnar(f"not UTF-8: {error}") from None


def _edges(fields: dict[str, Factor], qualifier_columns: list[str],
           property_columns: list[str]) -> EdgeColumns:
    subject, predicate, object_ = (fields[c].mapped(str.strip)
                                   for c in ("subject", "predicate", "object"))
    for factor in (subject, predicate, object_):
        if "" in factor.values:
            raise NotColumnar("edge without subject, predicate or object")
    rows = len(subject)
    qualifiers = (_texts(fields, qualifier_columns, str.strip, qualifier_key)
                  if qualifier_columns else Factor.constant("", rows))
    properties = (_texts(fields, property_columns, parse_value, properties_text)
                  if property_columns else Factor.constant("{}", rows))
    return EdgeColumns(subject, predicate, object_, qualifiers, properties)


def _texts(fields: dict[str, Factor], columns: list[str], convert, canonical) -> Factor:
    """Each row's canonical text of ``columns`` (empty values left out), as the record
    path builds it; each distinct value converted once, each distinct row once."""
    factors = [fields[c] for c in columns]
    converted = [[convert(v.strip()) if v.strip() else None for v in f.values]
                 for f in factors]
    made: dict[tuple[int, ...], str] = {}
    texts = []
    for key in zip(*(f.codes.tolist() for f in factors), strict=True):
        text = made.get(key)
        if text is None:
            text = made[key] = canonical({
                name: values[code] for name, values, code in zip(columns, converted, key,
                                                                 strict=True)
                if values[code] is not None
            })
        texts.append(text)
    return Factor.of(texts)


__all__ = ["BLOCK_BYTES", "edge_columns", "tsv_kinds"]
