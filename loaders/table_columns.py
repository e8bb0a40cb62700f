"""Bulk edge tables read as columns: the columnar path of ``triples`` and ``primekg``.

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
import io
import lzma
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.base import MAX_LINE_BYTES, Loader, open_binary
from kgtwin.loaders.graph_kinds import curie, edge_kind, graph_kinds
from kgtwin.loaders.primekg import COLUMNS, GRAPH, PrimeKgLoader
from kgtwin.loaders.triples import TriplesLoader

from kgtwin.biolink import default_biolink
from kgtwin.columns import FIELD_PAD, EdgeColumns, Factor, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.ids import default_normaliser, namespaced
from kgtwin.model import Node, Record, properties_text, qualifier_key

#: Bytes of a file parsed at once (whole lines).
BLOCK_BYTES = 32 << 20
_LF, _QUOTE = 10, 34

EdgeSource = Callable[[], Iterator[EdgeColumns]]


def plan_parts(loader: Loader) -> tuple[Loader | None, EdgeSource] | None:
    """(the loader of the nodes alone, the edge chunks) when ``loader`` is a table
    loader with a columnar path, else None (:func:`kgtwin.load_columnar.columnar_plan`)."""
    if type(loader) is TriplesLoader:
        def triples() -> Iterator[EdgeColumns]:
            for path in loader.paths:
                yield from triples_columns(path, loader.namespace)

        return None, triples
    if type(loader) is PrimeKgLoader:
        nodes = PrimeKgColumns(loader.paths, skip_bad=loader.skip_bad)
        nodes.allow_empty = loader.allow_empty
        return nodes, nodes.edge_chunks
    return None


# --- reading a block of lines into fields ---------------------------------------------
def blocks(path: Path, *, header: bool, block_bytes: int | None = None
           ) -> Iterator[bytes]:
    """The file's bytes in blocks of whole lines (the first line apart if ``header``)."""
    size = block_bytes or BLOCK_BYTES
    try:
        with open_binary(path) as handle:
            if header:
                yield handle.readline(MAX_LINE_BYTES + 1)
            while block := handle.read(size):
                if not block.endswith(b"\n"):
                    block += handle.readline()
                    if not block.endswith(b"\n"):
                        block += b"\n"
                yield block
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


def split_fields(block: bytes, width: int, delimiter: str) -> list[Factor]:
    """Each of the ``width`` columns of a block of lines, factorised from the bytes.

    Every line must hold exactly ``width`` fields, none may hold a CR or NUL byte, and
    no line may be longer than the record path reads. Tab-separated lines are not quoted
    (as the record path reads TSV); a comma-separated line holding a quote is split by
    the ``csv`` module with the record path's dialect and its fields' bytes appended to
    the text, so every field is still a (start, length) of one buffer.
    """
    if b"\r" in block or b"\0" in block:
        raise NotColumnar("carriage return or NUL byte")
    data = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(data == _LF)
    lines = len(ends)
    if not lines or np.any(np.diff(ends, prepend=-1) > MAX_LINE_BYTES):
        raise NotColumnar("no line, or a line too long")
    separators = np.flatnonzero((data == ord(delimiter)) | (data == _LF))
    starts = np.empty((lines, width), dtype=np.int64)
    lengths = np.empty((lines, width), dtype=np.int64)
    text = block
    quoted = np.zeros(lines, dtype=bool)
    if delimiter != "\t":
        quoted[np.searchsorted(ends, np.flatnonzero(data == _QUOTE))] = True
    if quoted.any():
        text, extra = _quoted_fields(block, ends, np.flatnonzero(quoted), width, delimiter)
        starts[quoted], lengths[quoted] = extra
        separators = separators[~quoted[np.searchsorted(ends, separators)]]
    plain = ~quoted
    line_ends = np.flatnonzero(data[separators] == _LF)
    if np.any(np.diff(line_ends, prepend=-1) != width):
        raise NotColumnar("a line with another number of fields")
    stops = separators.reshape(-1, width)
    first = np.concatenate(([0], ends[:-1] + 1))[plain]
    plain_starts = np.concatenate((first[:, None], stops[:, :-1] + 1), axis=1)
    starts[plain], lengths[plain] = plain_starts, stops - plain_starts
    padded = np.frombuffer(text + bytes(FIELD_PAD), dtype=np.uint8)
    try:
        return [Factor.of_fields(text, padded, starts[:, i], lengths[:, i])
                for i in range(width)]
    except UnicodeDecodeError as error:
        raise NotColumnar(f"not UTF-8: {error}") from None


def _quoted_fields(block: bytes, ends: np.ndarray, lines: np.ndarray, width: int,
                   delimiter: str) -> tuple[bytes, tuple[np.ndarray, np.ndarray]]:
    """The fields of the lines that hold a quote, read by ``csv`` one line at a time (a
    quoted field across lines is not read: csv reports the line cut short)."""
    extra = io.BytesIO()
    offset = len(block)
    starts = np.empty((len(lines), width), dtype=np.int64)
    lengths = np.empty((len(lines), width), dtype=np.int64)
    first = np.concatenate(([0], ends[:-1] + 1))
    for row, line in enumerate(lines.tolist()):
        try:
            text = block[first[line]:ends[line] + 1].decode("utf-8")
            fields = next(csv.reader([text], delimiter=delimiter, strict=True,
                                     quoting=csv.QUOTE_MINIMAL))
        except (UnicodeDecodeError, csv.Error, StopIteration):
            raise NotColumnar("a quoted line the record path reads otherwise") from None
        if len(fields) != width:
            raise NotColumnar("a line with another number of fields")
        for column, field in enumerate(fields):
            raw = field.encode("utf-8")
            starts[row, column], lengths[row, column] = offset + extra.tell(), len(raw)
            extra.write(raw)
    return block + extra.getvalue(), (starts, lengths)


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
        raw_subject, predicate, object_ = split_fields(block, 3, "\t")
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


# --- PrimeKG ---------------------------------------------------------------------------
class PrimeKgColumns(PrimeKgLoader):
    """A PrimeKG load read as columns: :meth:`records` reads the files, yields each node
    the first time a row names it (as :class:`PrimeKgLoader` does) and keeps the edges
    as column chunks for :meth:`edge_chunks` (a columnar load takes the nodes first).
    A row the record path would refuse raises NotColumnar, so it is named there."""

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 block_bytes: int | None = None):
        super().__init__(paths, skip_bad=skip_bad)
        self.block_bytes = block_bytes
        self._chunks: list[EdgeColumns] = []

    def reject(self, reason: str) -> None:
        """A node the aligner refuses: the record path names its line."""
        raise NotColumnar(reason)

    def records(self) -> Iterator[Record]:
        self._chunks = []
        kinds = graph_kinds(GRAPH)
        nodes = _PrimeNodes(kinds)
        edge_kinds: dict[tuple[str, str, str], tuple[str, str, bool]] = {}
        texts: dict[tuple[str, str | None], str] = {}
        for path in self.paths:
            self.path = path
            rows = 0
            parts = blocks(path, header=True, block_bytes=self.block_bytes)
            columns = header_columns(next(parts, b""), ",")
            if any(c not in columns for c in COLUMNS):
                raise NotColumnar("missing columns")  # the record path names them
            for block in parts:
                fields = dict(zip(columns, split_fields(block, len(columns), ","),
                                  strict=True))
                rows += len(fields["relation"])
                yield from nodes.read(fields)
                self._chunks.extend(_edges(fields, nodes, edge_kinds, texts))
            if rows == 0:
                raise NotColumnar("a header but no rows")

    def edge_chunks(self) -> Iterator[EdgeColumns]:
        """The edges :meth:`records` read, once."""
        chunks, self._chunks = self._chunks, []
        yield from chunks


class _PrimeNodes:
    """PrimeKG's nodes, numbered in the order rows first name them (x before y)."""

    def __init__(self, kinds: dict):
        self.kinds = kinds
        self.numbers: dict[tuple[str, str], int] = {}
        self.ids: list[str] = []
        self.aligned: list[bool] = []
        self.x = self.y = np.zeros(0, dtype=np.int64)

    def read(self, fields: dict[str, Factor]) -> Iterator[Node]:
        """The block's new nodes; sets ``x`` and ``y``, each row's node numbers."""
        import pandas as pd

        keys = []
        for side in ("x", "y"):
            source, ident = fields[f"{side}_source"], fields[f"{side}_id"]
            keys.append(source.codes * max(len(ident.values), 1) + ident.codes)
        both = np.empty(2 * len(keys[0]), dtype=np.int64)
        both[0::2], both[1::2] = keys[0] + (1 << 40), keys[1]  # x and y keys apart
        codes, uniques = pd.factorize(both, sort=False)
        seen = np.maximum.accumulate(codes)
        first = np.flatnonzero(np.concatenate(([True], codes[1:] > seen[:-1])))
        numbers = np.empty(len(uniques), dtype=np.int64)
        for code, at in enumerate(first.tolist()):
            row, side = divmod(at, 2)
            side_name = "xy"[side]
            key = (fields[f"{side_name}_source"].values[fields[f"{side_name}_source"].codes[row]],
                   fields[f"{side_name}_id"].values[fields[f"{side_name}_id"].codes[row]])
            number = self.numbers.get(key)
            if number is None:
                node = self._node(fields, row, side_name, key)
                number = self.numbers[key] = len(self.ids)
                self.ids.append(node.id)
                self.aligned.append(node.aligned)
                yield node
            numbers[code] = number
        rows = numbers[codes]
        self.x, self.y = rows[0::2], rows[1::2]

    def _node(self, fields: dict[str, Factor], row: int, side: str,
              key: tuple[str, str]) -> Node:
        def value(column: str) -> str:
            factor = fields[f"{side}_{column}"]
            return factor.values[factor.codes[row]]

        kind, (source, raw) = value("type"), key
        identifier = raw.strip()
        if kind not in self.kinds["nodes"] or not identifier:
            raise NotColumnar("a node of unknown type or without id")
        rule = self.kinds["sources"].get(source, {})
        try:
            ident, aligned = curie(GRAPH, rule.get("prefix"), identifier, rule.get("pad", 0))
        except KgTwinError as error:
            raise NotColumnar(str(error)) from None
        return Node(id=ident, category=self.kinds["nodes"][kind]["category"],
                    name=value("name") or None, aligned=aligned,
                    properties={"primekg_source": source})


def _edges(fields: dict[str, Factor], nodes: _PrimeNodes,
           edge_kinds: dict[tuple[str, str, str], tuple[str, str, bool]],
           texts: dict[tuple[str, str | None], str]) -> Iterator[EdgeColumns]:
    """The block's edges as :class:`PrimeKgLoader` states them: relation mapped, rows
    naming the subject type second turned round, aligned and unaligned edges apart."""
    import pandas as pd

    relation, x_type, y_type = fields["relation"], fields["x_type"], fields["y_type"]
    kind_key = (relation.codes * len(x_type.values) + x_type.codes) * len(y_type.values) \
        + y_type.codes
    kind_codes, kind_uniques = pd.factorize(kind_key, sort=False)
    predicates, qualifiers, reverse = [], [], []
    for code in kind_uniques.tolist():
        rest, y = divmod(code, len(y_type.values))
        r, x = divmod(rest, len(x_type.values))
        key = (relation.values[r], x_type.values[x], y_type.values[y])
        found = edge_kinds.get(key)
        if found is None:
            mapped = edge_kind(GRAPH, *key)
            turned = bool(mapped.subject) and key[1] != mapped.subject == key[2]
            found = edge_kinds[key] = (mapped.predicate, qualifier_key(mapped.qualifier_map),
                                       turned)
        predicates.append(found[0])
        qualifiers.append(found[1])
        reverse.append(found[2])
    turned = np.array(reverse, dtype=bool)[kind_codes]
    subject = np.where(turned, nodes.y, nodes.x)
    object_ = np.where(turned, nodes.x, nodes.y)
    display = fields.get("display_relation")
    if display is None:
        display = Factor.constant("", len(relation))
    text_key = relation.codes * len(display.values) + display.codes
    text_codes, text_uniques = pd.factorize(text_key, sort=False)
    properties = []
    for code in text_uniques.tolist():
        r, d = divmod(code, len(display.values))
        key = (relation.values[r], display.values[d] or None)
        text = texts.get(key)
        if text is None:
            found: dict[str, object] = {"primekg_relation": key[0]}
            if key[1]:
                found["display_relation"] = key[1]
            text = texts[key] = properties_text(found)
        properties.append(text)
    ids = np.array(nodes.ids, dtype=object)
    aligned = np.array(nodes.aligned, dtype=bool)
    both = aligned[subject] & aligned[object_]
    whole = [Factor(subject, ids), Factor(kind_codes, predicates), Factor(object_, ids),
             Factor(kind_codes, qualifiers), Factor(text_codes, properties)]
    for mask, flag in ((both, True), (~both, False)):
        if mask.any():
            yield EdgeColumns(*(compact(part, mask) for part in whole), aligned=flag)


__all__ = ["BLOCK_BYTES", "PrimeKgColumns", "blocks", "header_columns", "plan_parts",
           "split_fields", "triples_columns"]
