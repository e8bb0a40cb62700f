"""Hetionet JSON edges read as columns: the bulk path of the ``hetionet`` loader.

Hetionet v1.0 holds 2.25 million edges; read record by record each becomes an
:class:`~kgtwin.model.Edge` that is aligned and merged alone. Here the edges are still
streamed by ijson's C parser, but each is reduced to its ids, predicate, qualifiers
and properties text (the same mapping :meth:`HetionetLoader._edge` applies, through
the loader's own id and kind caches) and gathered into
:class:`~kgtwin.columns.EdgeColumns` chunks, aligned and unaligned edges apart (an
edge to a Pathway Commons pathway is unaligned). Nodes are read record by record by
:class:`HetionetNodes`. An edge the record path would reject (a missing id, a
malformed item, a parse error) raises :class:`~kgtwin.columns.NotColumnar`: the load is
redone record by record, which names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.base import open_binary
from kgtwin.loaders.graph_kinds import edge_kind
from kgtwin.loaders.hetionet import GRAPH, HetionetLoader, _properties
from kgtwin.loaders.safe_documents import DepthGuard

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
            yield from self._node_table(path) if self.is_node_table(path) \
                else self.json_nodes(path)
        self.warn_unknown_kinds()


class _Rows:
    """Edge rows of one alignment: (subject, kind code, object, properties text); the
    kind code indexes ``kinds``, the (predicate, qualifiers text) of each edge kind."""

    def __init__(self, aligned: bool, kinds: list[tuple[str, str]]):
        self.aligned, self.kinds = aligned, kinds
        self.rows: list[tuple[str, int, str, str]] = []

    def chunk(self) -> EdgeColumns:
        subject, kind, object_, properties = zip(*self.rows, strict=True)
        self.rows = []
        codes = np.array(kind, dtype=np.int64)
        return EdgeColumns(Factor.of(subject), Factor(codes, [k[0] for k in self.kinds]),
                           Factor.of(object_), Factor(codes, [k[1] for k in self.kinds]),
                           Factor.of(properties), self.aligned)


def _properties_text(texts: dict[tuple, str], data: object, kind: str) -> str:
    """An edge's properties text, as the record path makes it; made once per distinct
    ``data`` of plain values (Hetionet repeats a few: source, unbiased, license)."""
    try:
        key = (kind, *data.items()) if type(data) is dict else (kind, data)
        found = texts.get(key)
    except TypeError:  # a list among the values: not hashable, made each time
        return properties_text(_properties(data, kind))
    if found is None:
        found = texts[key] = properties_text(_properties(data, kind))
    return found


def edge_columns(loader: HetionetLoader, path: Path, *, chunk: int | None = None
                 ) -> Iterator[EdgeColumns]:
    """The edges of one Hetionet JSON file as chunks of columns."""
    import ijson

    chunk = chunk or CHUNK_EDGES
    table: list[tuple[str, str]] = []  # (predicate, qualifiers text) per kind code
    rows = {True: _Rows(True, table), False: _Rows(False, table)}
    kinds: dict[tuple[str, str, str], int] = {}
    texts: dict[tuple, str] = {}
    ids, new_id = loader._ids, loader._id
    try:
        with open_binary(path) as handle:
            for item in ijson.items(DepthGuard(handle, path), "edges.item", use_float=True):
                try:
                    source_kind, source_id = item["source_id"]
                    target_kind, target_id = item["target_id"]
                    kind = item["kind"]
                    subject, subject_aligned = (ids.get((source_kind, source_id))
                                                or new_id(source_kind, source_id))
                    object_, object_aligned = (ids.get((target_kind, target_id))
                                               or new_id(target_kind, target_id))
                    key = (kind, source_kind, target_kind)
                    mapped = kinds.get(key)
                    if mapped is None:
                        found = edge_kind(GRAPH, *key)
                        mapped = kinds[key] = len(table)
                        table.append((found.predicate, qualifier_key(found.qualifier_map)))
                    properties = _properties_text(texts, item.get("data"), kind)
                except (KeyError, TypeError, ValueError, AttributeError) as error:
                    raise NotColumnar(f"a malformed edge: {error}") from None
                gathered = rows[subject_aligned and object_aligned]
                gathered.rows.append((subject, mapped, object_, properties))
                if len(gathered.rows) >= chunk:
                    yield gathered.chunk()
    except (ijson.JSONError, UnicodeDecodeError, OSError, EOFError, KgTwinError) as error:
        raise NotColumnar(f"not read as columns: {error}") from None
    if not any(gathered.rows for gathered in rows.values()):
        raise NotColumnar("no edges")  # the record path says whether that is an error
    for gathered in rows.values():
        if gathered.rows:
            yield gathered.chunk()


__all__ = ["CHUNK_EDGES", "HetionetNodes", "edge_columns"]
