"""PrimeKG's ``kg.csv`` read as columns: the bulk path of the ``primekg`` loader.

PrimeKG holds about 8 million rows over 130,000 nodes and 30 relations. Each block of
lines is split into fields (:func:`~kgtwin.loaders.table_columns.split_fields`; the
lines with a quoted name go through ``csv``), the x and y columns of a kind (id,
source, type) are factorised together so one table numbers both ends, and what
:class:`~kgtwin.loaders.primekg.PrimeKgLoader` does is done once per distinct value:
a node's CURIE (prefix and padding by source) and record the first time a row names
it, a relation's Biolink form and direction per (relation, x type, y type), the
properties text per (relation, display relation). A row the record path would refuse
(a node of an unknown type or without id, a short row) raises
:class:`~kgtwin.columns.NotColumnar`, so the record path names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.graph_kinds import curie, edge_kind, graph_kinds
from kgtwin.loaders.primekg import COLUMNS, GRAPH, PrimeKgLoader
from kgtwin.loaders.table_columns import Spans, blocks, compact, header_columns, split_fields

from kgtwin.columns import EdgeColumns, Factor, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.model import Node, Record, properties_text, qualifier_key


class PrimeKgColumns(PrimeKgLoader):
    """A PrimeKG load read as columns: :meth:`records` reads the files, yields each node
    the first time a row names it (as :class:`PrimeKgLoader` does) and keeps the edges
    as column chunks for :meth:`edge_chunks` (a columnar load takes the nodes first)."""

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
        nodes, edges = _Nodes(graph_kinds(GRAPH)), _Edges()
        for path in self.paths:
            self.path = path
            rows = 0
            parts = blocks(path, header=True, block_bytes=self.block_bytes)
            columns = header_columns(next(parts, b""), ",")
            if any(c not in columns for c in COLUMNS):
                raise NotColumnar("missing columns")  # the record path names them
            where = {name: columns.index(name) for name in columns}
            for block in parts:
                spans = split_fields(block, len(columns), ",")
                rows += len(spans)
                yield from nodes.read(spans, where)
                self._chunks.extend(edges.read(spans, where, nodes))
            if rows == 0:
                raise NotColumnar("a header but no rows")

    def edge_chunks(self) -> Iterator[EdgeColumns]:
        """The edges :meth:`records` read, once."""
        chunks, self._chunks = self._chunks, []
        yield from chunks


def _sides(spans: Spans, where: dict[str, int], column: str) -> Factor:
    """``x_column`` and ``y_column`` as one factor: x rows, then y rows."""
    return spans.factor(where[f"x_{column}"], where[f"y_{column}"])


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """The first row of each code (codes numbered in order of first appearance)."""
    seen = np.maximum.accumulate(codes)
    return np.flatnonzero(np.concatenate(([True], codes[1:] > seen[:-1])))


class _Nodes:
    """PrimeKG's nodes, numbered in the order rows first name them (x before y)."""

    def __init__(self, kinds: dict):
        self.kinds = kinds
        #: "source<NUL>id" of each node, in number order (a block with NUL is not read).
        self.keys: list[str] = []
        self.numbers: dict[str, int] = {}
        self.ids: list[str] = []
        self.aligned: list[bool] = []
        self.types = Factor(np.zeros(0, dtype=np.int64), [])
        #: Each row's x and y node numbers (of the block last read).
        self.x = self.y = np.zeros(0, dtype=np.int64)

    def read(self, spans: Spans, where: dict[str, int]) -> Iterator[Node]:
        """The block's new nodes, in the order the record path yields them."""
        import pandas as pd

        rows = len(spans)
        source, ident = _sides(spans, where, "source"), _sides(spans, where, "id")
        self.types = _sides(spans, where, "type")
        keys = source.codes * max(len(ident.values), 1) + ident.codes
        both = np.empty(2 * rows, dtype=np.int64)  # x, y of row 0, x, y of row 1, ...
        both[0::2], both[1::2] = keys[:rows], keys[rows:]
        codes, uniques = pd.factorize(both, sort=False)
        width = max(len(ident.values), 1)
        names = [source.values[s] + "\0" + ident.values[i]  # NUL: in no field read
                 for s, i in zip((uniques // width).tolist(), (uniques % width).tolist(),
                                 strict=True)]
        numbers = pd.Index(self.keys).get_indexer(names) if self.keys else \
            np.full(len(names), -1, dtype=np.int64)
        firsts = _first_rows(codes)
        for code in np.flatnonzero(numbers < 0).tolist():
            number = self.numbers.get(names[code])  # named twice in this block
            if number is None:
                row, side = divmod(int(firsts[code]), 2)
                node = self._node(spans, where, row, "xy"[side], names[code].split("\0"),
                                  self.types.values[self.types.codes[side * rows + row]])
                number = self.numbers[names[code]] = len(self.ids)
                self.keys.append(names[code])
                self.ids.append(node.id)
                self.aligned.append(node.aligned)
                yield node
            numbers[code] = number
        ends = numbers[codes]
        self.x, self.y = ends[0::2], ends[1::2]

    def _node(self, spans: Spans, where: dict[str, int], row: int, side: str,
              pair: list[str], kind: str) -> Node:
        source, identifier = pair[0], pair[1].strip()
        if kind not in self.kinds["nodes"] or not identifier:
            raise NotColumnar("a node of unknown type or without id")
        rule = self.kinds["sources"].get(source, {})
        try:
            ident, aligned = curie(GRAPH, rule.get("prefix"), identifier, rule.get("pad", 0))
        except KgTwinError as error:
            raise NotColumnar(str(error)) from None
        return Node(id=ident, category=self.kinds["nodes"][kind]["category"],
                    name=spans.value(row, where[f"{side}_name"]) or None, aligned=aligned,
                    properties={"primekg_source": source})


class _Edges:
    """The edges of each block as :class:`PrimeKgLoader` states them."""

    def __init__(self) -> None:
        #: (relation, x type, y type) -> (predicate, qualifiers text, turned round)
        self.kinds: dict[tuple[str, str, str], tuple[str, str, bool]] = {}
        #: (relation, display relation) -> properties text
        self.texts: dict[tuple[str, str], str] = {}

    def read(self, spans: Spans, where: dict[str, int], nodes: _Nodes
             ) -> Iterator[EdgeColumns]:
        """The block's edges: relation mapped, rows naming the subject type second
        turned round, aligned and unaligned edges apart."""
        import pandas as pd

        rows = len(spans)
        relation = spans.factor(where["relation"])
        types = nodes.types
        width = max(len(types.values), 1)
        kind_key = (relation.codes * width + types.codes[:rows]) * width + types.codes[rows:]
        kind_codes, kind_uniques = pd.factorize(kind_key, sort=False)
        found = [self._kind(relation.values[code // width // width],
                            types.values[code // width % width], types.values[code % width])
                 for code in kind_uniques.tolist()]
        turned = np.array([f[2] for f in found], dtype=bool)[kind_codes]
        subject = np.where(turned, nodes.y, nodes.x)
        object_ = np.where(turned, nodes.x, nodes.y)
        display = (spans.factor(where["display_relation"]) if "display_relation" in where
                   else Factor.constant("", rows))
        span = max(len(display.values), 1)
        text_codes, text_uniques = pd.factorize(relation.codes * span + display.codes,
                                                sort=False)
        texts = [self._text(relation.values[code // span], display.values[code % span])
                 for code in text_uniques.tolist()]
        ids = np.array(nodes.ids, dtype=object)
        aligned = np.array(nodes.aligned, dtype=bool)
        both = aligned[subject] & aligned[object_]
        whole = [Factor(subject, ids), Factor(kind_codes, [f[0] for f in found]),
                 Factor(object_, ids), Factor(kind_codes, [f[1] for f in found]),
                 Factor(text_codes, texts)]
        for mask, flag in ((both, True), (~both, False)):
            if mask.all():
                yield EdgeColumns(*(compact(part, slice(None)) for part in whole),
                                  aligned=flag)
            elif mask.any():
                yield EdgeColumns(*(compact(part, mask) for part in whole), aligned=flag)

    def _kind(self, relation: str, x_type: str, y_type: str) -> tuple[str, str, bool]:
        key = (relation, x_type, y_type)
        found = self.kinds.get(key)
        if found is None:
            mapped = edge_kind(GRAPH, *key)
            turned = bool(mapped.subject) and x_type != mapped.subject == y_type
            found = self.kinds[key] = (mapped.predicate, qualifier_key(mapped.qualifier_map),
                                       turned)
        return found

    def _text(self, relation: str, display: str) -> str:
        text = self.texts.get((relation, display))
        if text is None:
            properties: dict[str, object] = {"primekg_relation": relation}
            if display:
                properties["display_relation"] = display
            text = self.texts[(relation, display)] = properties_text(properties)
        return text


__all__ = ["PrimeKgColumns"]
