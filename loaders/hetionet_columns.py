"""Hetionet JSON edges read as columns: the bulk path of the ``hetionet`` loader.

Hetionet v1.0 holds 2.25 million edges; read record by record each becomes an
:class:`~kgtwin.model.Edge` that is aligned and merged alone. Here the edges are still
streamed by ijson's C parser, but each is reduced to its ids, predicate, qualifiers
and properties text (the same mapping :meth:`HetionetLoader._edge` applies, through
the loader's own id and kind caches) and gathered into
:class:`~kgtwin.columns.EdgeColumns` chunks, aligned and unaligned edges apart (an
edge to a Pathway Commons pathway is unaligned). Nodes are read record by record by
:class:`HetionetNodes`. Hetionet's edge table (``edges.sif``) is read in blocks of lines
split by numpy (:func:`~kgtwin.loaders.table_columns.split_fields`), each distinct
end and metaedge mapped once. An edge the record path would reject (a missing id, a
malformed item, a parse error) raises :class:`~kgtwin.columns.NotColumnar`: the load is
redone record by record, which names it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.base import open_binary
from kgtwin.loaders.graph_kinds import edge_kind
from kgtwin.loaders.hetionet import GRAPH, SIF_COLUMNS, HetionetLoader, _properties
from kgtwin.loaders.safe_documents import DepthGuard
from kgtwin.loaders.table_columns import blocks, compact, header_columns, split_fields

from kgtwin.columns import EdgeColumns, Factor, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.model import Record, properties_text, qualifier_key

#: Edges gathered per chunk (per alignment).
CHUNK_EDGES = 1_000_000


class HetionetNodes(HetionetLoader):
    """A Hetionet load's nodes alone (JSON files and node tables); its edges go as columns."""

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            self.path = path
            if self.is_node_table(path):
                yield from self._node_table(path)
            elif not self.is_edge_table(path):
                yield from self.json_nodes(path)
        self.warn_unknown_kinds()


class _Table:
    """Distinct values (ids, properties texts) of one file, each given a code on first sight."""

    def __init__(self) -> None:
        self.codes: dict[object, int] = {}
        self.values: list[str] = []

    def add(self, key: object, value: str) -> int:
        """A new value's code (``key`` None: a value met once, not looked up again)."""
        code = len(self.values)
        if key is not None:
            self.codes[key] = code
        self.values.append(value)
        return code

    def factor(self, codes: array) -> Factor:
        """Rows given as codes of this table, as a factor of their own distinct values."""
        local, distinct = _factorize(np.frombuffer(codes, dtype=np.int64))
        values = self.values
        return Factor(local, [values[code] for code in distinct.tolist()])


class _Rows:
    """Edge rows of one alignment, as codes: subject and object into the file's id
    table, kind into ``kinds`` (the (predicate, qualifiers text) of each edge kind),
    properties into the file's properties texts."""

    def __init__(self, aligned: bool, kinds: list[tuple[str, str]]):
        self.aligned, self.kinds = aligned, kinds
        self.subject, self.kind, self.object, self.properties = (array("q") for _ in range(4))

    def __len__(self) -> int:
        return len(self.subject)

    def chunk(self, ids: _Table, texts: _Table) -> EdgeColumns:
        kind = np.array(self.kind, dtype=np.int64)
        columns = EdgeColumns(ids.factor(self.subject), Factor(kind, [k[0] for k in self.kinds]),
                              ids.factor(self.object), Factor(kind, [k[1] for k in self.kinds]),
                              texts.factor(self.properties), self.aligned)
        self.subject, self.kind, self.object, self.properties = (array("q") for _ in range(4))
        return columns


def _factorize(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered in order of first appearance, and the distinct codes in that order."""
    import pandas as pd

    local, distinct = pd.factorize(codes, sort=False)
    return local.astype(np.int64, copy=False), distinct


def edge_columns(loader: HetionetLoader, path: Path, *, chunk: int | None = None
                 ) -> Iterator[EdgeColumns]:
    """The edges of one Hetionet JSON file as chunks of columns.

    Each distinct (kind, identifier) is mapped to its id once and each distinct ``data``
    to its properties text once (through the loader's own rules); an edge is then four
    integers, so a chunk is made without a Python string a row. A file one edge a line
    (as Hetionet's generator writes it) is matched as bytes
    (:mod:`~kgtwin.loaders.hetionet_scan`), without a dictionary an edge; any other
    layout is streamed by ijson.
    """
    from kgtwin.loaders.hetionet_scan import scanned_columns

    chunk = chunk or CHUNK_EDGES
    scanned = scanned_columns(loader, path, chunk=chunk)
    yield from scanned if scanned is not None else ijson_edge_columns(loader, path, chunk=chunk)


def ijson_edge_columns(loader: HetionetLoader, path: Path, *, chunk: int | None = None
                       ) -> Iterator[EdgeColumns]:
    """:func:`edge_columns` streamed by ijson: any layout, one dictionary an edge."""
    import ijson

    chunk = chunk or CHUNK_EDGES
    table: list[tuple[str, str]] = []  # (predicate, qualifiers text) per kind code
    rows = {True: _Rows(True, table), False: _Rows(False, table)}
    kinds: dict[tuple[str, str, str], int] = {}
    ids, texts = _Table(), _Table()
    id_codes, text_codes = ids.codes, texts.codes
    aligned: list[bool] = []  # per id code
    new_id = loader._id

    def node(kind: str, identifier: object) -> int:
        found, is_aligned = new_id(kind, identifier)
        aligned.append(is_aligned)
        return ids.add((kind, identifier), found)

    try:
        with open_binary(path) as handle:
            for item in ijson.items(DepthGuard(handle, path), "edges.item", use_float=True):
                try:
                    source_kind, source_id = item["source_id"]
                    target_kind, target_id = item["target_id"]
                    kind = item["kind"]
                    subject = id_codes.get((source_kind, source_id))
                    if subject is None:
                        subject = node(source_kind, source_id)
                    object_ = id_codes.get((target_kind, target_id))
                    if object_ is None:
                        object_ = node(target_kind, target_id)
                    key = (kind, source_kind, target_kind)
                    mapped = kinds.get(key)
                    if mapped is None:
                        found = edge_kind(GRAPH, *key)
                        mapped = kinds[key] = len(table)
                        table.append((found.predicate, qualifier_key(found.qualifier_map)))
                    data = item.get("data")
                    try:  # Hetionet repeats a few plain ``data``: source, unbiased, license
                        # with the types: true, 1 and 1.0 are equal keys but other texts
                        key = (kind, *data.items(), *map(type, data.values())) \
                            if type(data) is dict else (kind, data, type(data))
                        text = text_codes.get(key)
                    except TypeError:  # a list among the values: made each time
                        key = text = None
                    if text is None:
                        text = texts.add(key, properties_text(_properties(data, kind)))
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    raise NotColumnar(f"a malformed edge: {error}") from None
                gathered = rows[aligned[subject] and aligned[object_]]
                gathered.subject.append(subject)
                gathered.kind.append(mapped)
                gathered.object.append(object_)
                gathered.properties.append(text)
                if len(gathered) >= chunk:
                    yield gathered.chunk(ids, texts)
    except (ijson.JSONError, UnicodeDecodeError, OSError, EOFError, KgTwinError) as error:
        raise NotColumnar(f"not read as columns: {error}") from None
    if not ids.values:  # (not the rows left: a last full chunk has gone already)
        raise NotColumnar("no edges")  # the record path says whether that is an error
    for gathered in rows.values():
        if len(gathered):
            yield gathered.chunk(ids, texts)


def sif_columns(loader: HetionetLoader, path: Path, *, block_bytes: int | None = None
                ) -> Iterator[EdgeColumns]:
    """The edges of one Hetionet edge table (``source``, ``metaedge``, ``target``) as
    chunks of columns, aligned and unaligned apart: each distinct end is split and
    mapped to its id once (the loader's own rules), each distinct metaedge to its
    predicate, qualifiers and properties text once; an end whose kind is not its
    metaedge's, or anything else the record path rejects, raises NotColumnar."""
    metaedges = loader.kinds["metaedges"]
    ends: dict[str, tuple[str, bool, int]] = {}  # value -> (id, aligned, kind number)
    kind_numbers: dict[str, int] = {}
    parts = blocks(path, header=True, block_bytes=block_bytes)
    header = header_columns(next(parts, b""), "\t")
    if not set(SIF_COLUMNS) <= set(header):
        raise NotColumnar("columns not found")  # the record path names them
    where = [header.index(column) for column in SIF_COLUMNS]

    def end(value: str) -> tuple[str, bool, int]:
        found = ends.get(value)
        if found is None:
            kind, sep, identifier = value.partition("::")
            if not sep or not kind or not identifier.strip():
                raise NotColumnar(f"a malformed id {value!r}")
            number = kind_numbers.setdefault(kind, len(kind_numbers))
            found = ends[value] = (*loader._id(kind, identifier), number)
        return found

    rows = 0
    for block in parts:
        spans = split_fields(block, len(header), "\t")
        source, metaedge, target = (spans.factor(column) for column in where)
        rows += len(spans)
        kinds = [metaedges.get(value) for value in metaedge.values]
        if None in kinds:
            raise NotColumnar("an unknown metaedge")
        try:
            mapped = [edge_kind(GRAPH, kind, source_kind, target_kind)
                      for source_kind, kind, target_kind in kinds]  # type: ignore[misc]
            subjects = [end(value) for value in source.values]
            objects = [end(value) for value in target.values]
        except KgTwinError as error:
            raise NotColumnar(str(error)) from None
        expected = {role: np.array([kind_numbers.setdefault(k[at], len(kind_numbers))
                                    for k in kinds], dtype=np.int64)  # type: ignore[index]
                    for role, at in (("source", 0), ("target", 2))}
        for role, factor, found in (("source", source, subjects), ("target", target, objects)):
            numbers = np.array([f[2] for f in found], dtype=np.int64)
            if not np.array_equal(numbers[factor.codes], expected[role][metaedge.codes]):
                raise NotColumnar(f"a {role} of another kind than its metaedge's")
        aligned = (np.array([f[1] for f in subjects], dtype=bool)[source.codes]
                   & np.array([f[1] for f in objects], dtype=bool)[target.codes])
        columns = (Factor(source.codes, [f[0] for f in subjects]),
                   Factor(metaedge.codes, [m.predicate for m in mapped]),
                   Factor(target.codes, [f[0] for f in objects]),
                   Factor(metaedge.codes, [qualifier_key(m.qualifier_map) for m in mapped]),
                   Factor(metaedge.codes, [properties_text(_properties(None, k[1]))
                                           for k in kinds]))  # type: ignore[index]
        for mask, flag in ((aligned, True), (~aligned, False)):
            if mask.all():
                yield EdgeColumns(*columns, aligned=flag)
            elif mask.any():
                yield EdgeColumns(*(compact(part, mask) for part in columns), aligned=flag)
    if rows == 0:
        raise NotColumnar("no rows")  # the record path says whether that is an error


__all__ = ["CHUNK_EDGES", "HetionetNodes", "edge_columns", "ijson_edge_columns", "sif_columns"]
