"""Hetionet JSON edges read by one regular expression when the file has a known layout.

ijson builds a Python dictionary per edge (2.25 million in Hetionet v1.0). A file written
one edge per line, ``{"source_id": [KIND, ID], "target_id": [KIND, ID], "kind": ...,
"direction": ..., "data": {...}}``, or indented as hetnetpy writes Hetionet's own files
(``json.dump(..., indent=2)``), is instead matched as bytes: each edge becomes three
byte strings (its two ends; its kind, direction and data), each distinct one parsed
by :func:`json.loads` once. Both layouts have fixed whitespace outside ``data``, so
every byte of the array is accounted for by lengths alone; other spacing is matched by a
slower expression that allows any JSON whitespace and counts it. Only text whose meaning
cannot differ from ijson's is taken: strings without escapes, control characters or
braces, identifiers that are short integers or such strings, ``data`` one flat object
(arrays one level deep), the edges covering the whole ``edges`` array and the document
before it a valid JSON object whose last key is ``edges``. Anything else returns None
before an edge is given and the caller reads the file with ijson
(:func:`~kgtwin.loaders.hetionet_columns.edge_columns`)."""

from __future__ import annotations

import contextlib
import gc
import json
import math
import mmap
import os
import re
from collections.abc import Callable, Iterator
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
from kgtwin.loaders.base import open_binary
from kgtwin.loaders.graph_kinds import edge_kind
from kgtwin.loaders.hetionet import GRAPH, HetionetLoader, _properties
from kgtwin.loaders.safe_documents import RAW_DEPTH_LIMIT
from kgtwin.loaders.table_columns import compact

from kgtwin.columns import EdgeColumns, Factor, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.model import properties_text, qualifier_key

_W = rb"[ \t\n\r]*"
_STRING = rb'"[^"\\\x00-\x1f\[\]{}]*+"'  # possessive (*+): nothing to give back
_END = _STRING + _W + rb"," + _W + rb"(?:" + _STRING + rb"|-?(?:0|[1-9][0-9]{0,14}))"
_FLAT_LINE = rb"[^{}\[\]\\\x00-\x1f]*+"
_DATA_LINE = rb"\{" + _FLAT_LINE + rb"(?:\[" + _FLAT_LINE + rb"\]" + _FLAT_LINE + rb")*\}"
#: One edge a line, as kgtwin's generator writes (the fast case): ``\n`` then the object,
#: then ``,`` or (the last) the ``\n`` closing the array.
_EDGE_LINE = re.compile(
    rb'\n\{"source_id": \[(' + _STRING + rb", (?:" + _STRING + rb"|-?(?:0|[1-9][0-9]{0,14}))"
    + rb')\], "target_id": \[(' + _STRING + rb", (?:" + _STRING + rb"|-?(?:0|[1-9][0-9]{0,14}))"
    + rb')\], ("kind": ' + _STRING + rb", " + rb'(?:"direction": ' + _STRING + rb", |)"
    + rb'"data": ' + _DATA_LINE + rb")\}(?:,|(?=\n\Z))")
#: Inside ``data``: no brackets, backslashes or control characters but JSON's whitespace
#: (a raw newline inside a string passes here and is refused when the text is parsed).
_FLAT = rb"[^{}\[\]\\\x00-\x08\x0b\x0c\x0e-\x1f]*+"
_DATA = rb"\{" + _FLAT + rb"(?:\[" + _FLAT + rb"\]" + _FLAT + rb")*\}"
#: One edge, with any JSON whitespace between its tokens (one edge a line as kgtwin's
#: generator writes, or indented as hetnetpy writes Hetionet), then ``,`` or (the last)
#: the end of the array.
_EDGE = re.compile(
    _W + rb'\{' + _W + rb'"source_id"' + _W + rb":" + _W + rb"\[" + _W + rb"(" + _END + rb")"
    + _W + rb"\]" + _W + rb"," + _W + rb'"target_id"' + _W + rb":" + _W + rb"\[" + _W
    + rb"(" + _END + rb")" + _W + rb"\]" + _W + rb"," + _W
    + rb'("kind"' + _W + rb":" + _W + _STRING + _W + rb"," + _W
    + rb'(?:"direction"' + _W + rb":" + _W + _STRING + _W + rb"," + _W + rb")?"
    + rb'"data"' + _W + rb":" + _W + _DATA + rb")" + _W + rb"\}" + _W + rb"(?:,|(?=\Z))")
_INDENTS = re.compile(rb"(\n[ \t]*)\{(\n[ \t]*)\"source_id\"")


def _indented(document: bytes | mmap.mmap, start: int
              ) -> tuple[re.Pattern[bytes], int, bytes] | None:
    """For the indented layout ``json.dump`` writes with ``indent`` (hetnetpy: 2), whose
    whitespace outside ``data`` is fixed: the expression for one edge (indented as the
    first edge is), the bytes of a match outside its groups, and the bytes after the last
    edge (the array's closing newline and indentation). None if the first edge is not
    indented so. Inside ``data`` any JSON whitespace passes; its text is parsed."""
    found = _INDENTS.match(document, start)
    if found is None or not found[2].startswith(found[1]):
        return None
    edge, key = found[1], found[2]  # the newline and indentation before "{" and a key
    item = key + key[len(edge):]
    closing = edge[:len(edge) - (len(key) - len(edge))]
    if not edge.endswith(key[len(edge):]) or len(closing) < 1:
        return None
    n0, n1, n2 = map(re.escape, (edge, key, item))
    value = _STRING + rb"," + n2 + rb"(?:" + _STRING + rb"|-?(?:0|[1-9][0-9]{0,14}))"
    pattern = re.compile(
        n0 + rb'\{' + n1 + rb'"source_id": \[' + n2 + rb"(" + value + rb")" + n1 + rb"\],"
        + n1 + rb'"target_id": \[' + n2 + rb"(" + value + rb")" + n1 + rb"\]," + n1
        + rb'("kind": ' + _STRING + rb"," + n1 + rb'(?:"direction": ' + _STRING + rb"," + n1
        + rb"|)" + rb'"data": ' + _DATA + rb")" + n0 + rb"\}(?:,|(?=" + re.escape(closing)
        + rb"\Z))")
    fixed = (2 * len(edge) + 5 * len(key) + 2 * len(item)
             + len(b'{"source_id": [],"target_id": [],}'))
    return pattern, fixed, closing


#: Bytes of an :data:`_EDGE_LINE` match outside its three groups.
_FIXED_LINE = len(b'\n{"source_id": [], "target_id": [], }')
#: Bytes of an edge match outside its three groups and its whitespace.
_FIXED = len(b'{"source_id":[],"target_id":[],}')
_OPEN = re.compile(rb'"edges"' + _W + rb":" + _W + rb"\[")
_CLOSE = re.compile(rb"\][ \t\n\r]*\}[ \t\n\r]*\Z")
_SPACES = (b" ", b"\t", b"\n", b"\r")
_SLICE = 1 << 26
_COMPRESSED = (".gz", ".bz2", ".xz")
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _refuse(constant: str) -> None:
    raise ValueError(constant)  # NaN, Infinity: ijson refuses them


def _integer(text: str) -> int:
    """An integer as ijson reads it; ValueError past 64 bits (ijson refuses those)."""
    value = int(text)
    if not -2**63 <= value < 2**63:
        raise ValueError(text)
    return value


def _float(text: str) -> float:
    """A float as ijson reads it; ValueError for one past the range (1e999)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


_DECODER = json.JSONDecoder(parse_constant=_refuse, parse_int=_integer, parse_float=_float)
_SPACE = re.compile(r"[ \t\n\r]*")


def _loads(text: str) -> Any:
    """``text`` parsed by json, refusing what ijson would read otherwise or refuse."""
    return _DECODER.decode(text)


def _top_keys(text: str) -> list[str]:
    """The keys of the one JSON object ``text`` holds, in order, repeats kept (ValueError
    if it is not one valid object); its values parsed as :func:`_loads` does."""
    at = _SPACE.match(text).end()
    if text[at:at + 1] != "{":
        raise ValueError("not an object")
    keys = []
    while True:
        at = _SPACE.match(text, at + 1).end()
        key, at = _DECODER.raw_decode(text, at)
        at = _SPACE.match(text, at).end()
        if type(key) is not str or text[at:at + 1] != ":":
            raise ValueError("not a key")
        _, at = _DECODER.raw_decode(text, _SPACE.match(text, at + 1).end())
        keys.append(key)
        at = _SPACE.match(text, at).end()
        if text[at:at + 1] == "}":
            break
        if text[at:at + 1] != ",":
            raise ValueError("not an object")
    if _SPACE.match(text, at + 1).end() != len(text):
        raise ValueError("extra data")
    return keys


def _edges_span(document: bytes | mmap.mmap) -> tuple[int, int] | None:
    """Where the ``edges`` array's items lie (after its ``[``, up to its ``\\n]``), if the
    document is one JSON object ending with that array, read alike by json and ijson."""
    close = _CLOSE.search(document, max(0, len(document) - 4096))
    opened = _OPEN.search(document)
    if close is None or opened is None:
        return None
    start = opened.end()
    head = document[:start]
    if _SURROGATE.search(head):
        return None
    steps = np.zeros(256, dtype=np.int32)
    steps[list(b"[{")], steps[list(b"]}")] = 1, -1
    depth = np.cumsum(steps[np.frombuffer(head, dtype=np.uint8)], dtype=np.int32)
    if len(depth) == 0 or depth.max() > RAW_DEPTH_LIMIT - 4:
        return None  # ijson's depth guard decides
    try:
        keys = _top_keys(head.decode("utf-8") + "]}")
    except (ValueError, RecursionError):
        return None
    if keys[-1] != "edges" or len(set(keys)) != len(keys):
        return None
    return start, close.start()


def scanned_columns(loader: HetionetLoader, path: Path, *, chunk: int
                    ) -> Iterator[EdgeColumns] | None:
    """The edges of one Hetionet JSON file in a layout the patterns cover, as chunks of
    columns, or None (then ijson reads it)."""
    with _document(path) as document:
        span = _edges_span(document)
        if span is None:
            return None
        start, end = span
        collecting = gc.isenabled()
        gc.disable()  # millions of tuples of bytes, none in a cycle: no collection over them
        try:
            for pattern, covers in _patterns(document, start):
                found = pattern.findall(document, start, end)  # bytes: copies, not views
                if not found:
                    continue
                factors = [_factor(found, group) for group in range(3)]
                del found
                if covers(document, start, end, factors):
                    return _columns(loader, *factors, chunk)
                del factors
            return None
        except (UnicodeDecodeError, ValueError, TypeError, KeyError, RecursionError,
                KgTwinError):
            return None  # the ijson reader decides
        finally:
            if collecting:
                gc.enable()


@contextlib.contextmanager
def _document(path: Path) -> Iterator[bytes | mmap.mmap]:
    """The whole file's bytes: an uncompressed file mapped read-only (reading 643 MB into
    memory cost about 0.3 CPU s of page faults and copying), a compressed one decompressed."""
    with open_binary(path) as handle:
        if path.suffix.lower() in _COMPRESSED or os.fstat(handle.fileno()).st_size == 0:
            yield handle.read()
            return
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield mapped
        finally:
            mapped.close()


def _patterns(document: bytes | mmap.mmap, start: int
              ) -> Iterator[tuple[re.Pattern[bytes], Callable]]:
    """The expressions to try, each with its coverage check: a fixed layout's (one edge a
    line, or indented) where the first edge has it, the fastest; then any whitespace."""
    if _EDGE_LINE.match(document, start):
        yield _EDGE_LINE, partial(_covers_fixed, fixed=_FIXED_LINE, closing=b"\n")
    indented = _indented(document, start)
    if indented is not None and indented[0].match(document, start):
        pattern, fixed, closing = indented
        yield pattern, partial(_covers_fixed, fixed=fixed, closing=closing)
    yield _EDGE, _covers


def _covers_fixed(document: bytes | mmap.mmap, start: int, end: int, factors: list,
                  *, fixed: int, closing: bytes) -> bool:
    """:func:`_covers` for an expression whose whitespace outside the groups is fixed
    (``fixed`` bytes an edge, ``closing`` after the last): by lengths alone.

    The array must end with ``}`` and ``closing``: only then did the last match end there
    without a comma (count - 1 commas); had every match ended with one (a trailing comma),
    the lengths alone would leave ``len(closing) - 1`` bytes unread."""
    if document[end - len(closing) - 1:end] != b"}" + closing:
        return False
    count = len(factors[0][0])
    covered = count * fixed + count - 1 + len(closing)  # the commas between edges
    return covered + _in_groups(factors, len) == end - start


def _in_groups(factors: list, measure: Callable[[bytes], int]) -> int:
    """``measure`` summed over every group of every match: each distinct value's times its
    count (the groups' bytes are not walked again)."""
    total = 0
    for codes, values in factors:
        counts = np.bincount(codes, minlength=len(values))
        total += int(counts @ np.array([measure(value) for value in values], dtype=np.int64))
    return total


def _covers(document: bytes | mmap.mmap, start: int, end: int, factors: list) -> bool:
    """Whether the matches are the whole array, byte for byte: every byte of it is in a
    group, one of an edge's fixed tokens, a comma between edges, or JSON whitespace outside
    the groups (so nothing but whitespace lies between two matches)."""
    count = len(factors[0][0])
    in_groups = _in_groups(factors, len)
    spaces_in_groups = _in_groups(factors, lambda value: sum(map(value.count, _SPACES)))
    spaces = 0
    for at in range(start, end, _SLICE):  # by slices: a mapped file has no count()
        part = document[at:min(end, at + _SLICE)]
        spaces += sum(part.count(space) for space in _SPACES)
        del part
    outside = spaces - spaces_in_groups
    return count * _FIXED + count - 1 + in_groups + outside == end - start


def _factor(found: list[tuple[bytes, ...]], group: int) -> tuple[np.ndarray, list[bytes]]:
    """One group of every match as codes and distinct values (in order of appearance)."""
    import pandas as pd

    column = np.fromiter(map(itemgetter(group), found), dtype=object, count=len(found))
    codes, uniques = pd.factorize(column, sort=False)
    return codes.astype(np.int64, copy=False), list(uniques)


def _columns(loader: HetionetLoader, sources: tuple[np.ndarray, list[bytes]],
             targets: tuple[np.ndarray, list[bytes]], rests: tuple[np.ndarray, list[bytes]],
             chunk: int) -> Iterator[EdgeColumns]:
    """Each distinct end and (kind, direction, data) parsed once (may raise ValueError:
    not taken)."""
    import pandas as pd

    rest_codes, rest_values = rests
    items = [_loads("{" + value.decode("utf-8") + "}") for value in rest_values]
    kind_of_rest, kind_names = pd.factorize(np.array([item["kind"] for item in items],
                                                     dtype=object), sort=False)
    kind_names = list(kind_names)
    kind_codes = kind_of_rest.astype(np.int64)[rest_codes]
    texts = [properties_text(_properties(item["data"], item["kind"])) for item in items]
    ends = []
    for codes, values in (sources, targets):
        ends.append((codes, [_loads("[" + v.decode("utf-8") + "]") for v in values]))
    return _chunks(loader, ends, kind_codes, kind_names, Factor(rest_codes, texts), chunk, pd)


def _chunks(loader: HetionetLoader, ends: list, kind_codes: np.ndarray, kind_names: list[str],
            text: Factor, chunk: int, pd: Any) -> Iterator[EdgeColumns]:
    """The edges' columns, aligned and unaligned apart, ``chunk`` rows at most each."""
    node_kinds: dict[str, int] = {}
    mapped_ends = []
    try:
        for codes, values in ends:
            ids = [loader._id(kind, identifier) for kind, identifier in values]
            numbers = np.array([node_kinds.setdefault(kind, len(node_kinds))
                                for kind, _ in values], dtype=np.int64)
            mapped_ends.append((codes, [i for i, _ in ids],
                                np.array([a for _, a in ids], dtype=bool), numbers))
        (source, source_ids, source_aligned, source_kinds), \
            (target, target_ids, target_aligned, target_kinds) = mapped_ends
        width = max(len(node_kinds), 1)
        triple = (kind_codes * width + source_kinds[source]) * width + target_kinds[target]
        kind, distinct = pd.factorize(triple, sort=False)
        names = list(node_kinds)
        found = []
        for value in distinct.tolist():
            rest, target_kind = divmod(value, width)
            kind_code, source_kind = divmod(rest, width)
            found.append(edge_kind(GRAPH, kind_names[kind_code], names[source_kind],
                                   names[target_kind]))
    except (KgTwinError, TypeError, ValueError) as error:
        raise NotColumnar(f"not read as columns: {error}") from None
    kind = kind.astype(np.int64, copy=False)
    columns = (Factor(source, source_ids), Factor(kind, [k.predicate for k in found]),
               Factor(target, target_ids),
               Factor(kind, [qualifier_key(k.qualifier_map) for k in found]),
               text)
    aligned = source_aligned[source] & target_aligned[target]
    rows = np.arange(len(aligned))
    for flag in (True, False):
        chosen = rows[aligned == flag]
        for at in range(0, len(chosen), chunk):
            yield EdgeColumns(*(compact(part, chosen[at:at + chunk]) for part in columns),
                              aligned=flag)
