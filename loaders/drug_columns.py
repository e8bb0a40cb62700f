"""Drug–target tables read as columns: the bulk path of the ``drug-targets`` loader.

A drug–target table (DrugBank's, DGIdb's, a 1M-row export) repeats few drugs, targets
and actions over many rows. Its columns are found by role from the header exactly as
:class:`~kgtwin.loaders.drugs.DrugTargetLoader` finds them
(:func:`~kgtwin.loaders.tables.resolve_columns`), each block of lines is split into
fields (:func:`~kgtwin.loaders.table_columns.split_fields`) and what the loader does to
a row is done once per distinct value: the drug's and the target's CURIE (a symbol
column's values as symbols), a node record the first time a row names an id, the
qualifiers per action, the properties text per distinct (action, references, source).
Rows with an empty drug or target are passed over and counted, as the record path
counts them. Anything else the record path would refuse raises
:class:`~kgtwin.columns.NotColumnar`, so the record path names it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.drugs import (
    AFFECTS,
    ASPECT,
    UNIDENTIFIED,
    DrugTargetLoader,
    _name,
    target_curie,
)
from kgtwin.loaders.naming import (
    action_sign,
    direction,
    drug_curie,
    split_list,
)
from kgtwin.loaders.table_columns import Spans, blocks, compact, header_columns, split_fields
from kgtwin.loaders.tables import delimiter_for, resolve_columns

from kgtwin.columns import EdgeColumns, Factor, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.model import Node, Record, properties_text, qualifier_key

log = logging.getLogger("kgtwin.loaders.drugs")


def drug_target_columns(loader: DrugTargetLoader) -> DrugTargetColumns | None:
    """The columnar reader of this load, or None where only the record path reads the
    table as the user asked (a delimiter of several characters, a quote as delimiter)."""
    for path in loader.paths:
        delimiter = delimiter_for(path, loader.delimiter or loader.sniff_delimiter(path))
        if len(delimiter) != 1 or delimiter in "\"\n\r" or loader.quoted is not None:
            return None
    reader = DrugTargetColumns(loader.paths, skip_bad=loader.skip_bad,
                               delimiter=loader.delimiter, drug_category=loader.drug_category)
    reader.columns = dict(loader.columns)
    reader.allow_empty = loader.allow_empty
    return reader


class DrugTargetColumns(DrugTargetLoader):
    """A drug–target load read as columns: :meth:`records` reads the files, yields each
    node the first time a row names it and keeps the edges as column chunks for
    :meth:`edge_chunks` (a columnar load takes the nodes first)."""

    def __init__(self, paths: list[Path], **options: object):
        super().__init__(paths, **options)  # type: ignore[arg-type]
        self._chunks: list[EdgeColumns] = []

    def reject(self, reason: str) -> None:
        """A node the aligner refuses: the record path names its line."""
        raise NotColumnar(reason)

    def records(self) -> Iterator[Record]:
        self._chunks = []
        seen: dict[str, int] = {}
        for path in self.paths:
            self.path = path
            delimiter = delimiter_for(path, self.delimiter or self.sniff_delimiter(path))
            parts = blocks(path, header=True)
            header = header_columns(next(parts, b""), delimiter)
            try:
                roles = resolve_columns(self, header, self.roles, self.required, self.columns)
            except KgTwinError:
                raise NotColumnar("columns not found") from None  # the record path names them
            where = {role: header.index(column) for role, column in roles.items()}
            rows = 0
            for block in parts:
                spans = split_fields(block, len(header), delimiter)
                rows += len(spans)
                yield from self._block(spans, where, roles, seen)
            if rows == 0:
                raise NotColumnar("a header but no rows")
        if not seen:  # every row passed over: the record path says whether that is an error
            raise NotColumnar("no records")
        if self.unidentified:
            log.warning("passed over %d row(s) with an empty drug or target id (claims "
                        "not tied to a drug or gene: no statement to store)",
                        self.unidentified)

    def edge_chunks(self) -> Iterator[EdgeColumns]:
        """The edges :meth:`records` read, once."""
        chunks, self._chunks = self._chunks, []
        yield from chunks

    def _block(self, spans: Spans, where: dict[str, int], roles: dict[str, str],
               seen: dict[str, int]) -> Iterator[Node]:
        import pandas as pd

        def stripped(role: str) -> Factor:
            if role not in where:
                return Factor.constant("", len(spans))
            return spans.factor(where[role]).mapped(str.strip)

        drug, target = stripped("drug"), stripped("target")
        empty_drug = np.array([not v for v in drug.values], dtype=bool)[drug.codes]
        empty_target = np.array([not v for v in target.values], dtype=bool)[target.codes]
        keep = ~(empty_drug | empty_target)
        passed = len(spans) - int(keep.sum())
        if passed:
            self.unidentified += passed
            self.pass_over(UNIDENTIFIED, passed)
        try:
            drugs = [drug_curie(v) if v else "" for v in drug.values]
            targets = [target_curie(v, roles["target"]) if v else "" for v in target.values]
        except KgTwinError as error:
            raise NotColumnar(str(error)) from None
        rows = np.flatnonzero(keep)
        # Ids in the order the record path meets them: each row's drug, then its target.
        both = np.empty(2 * len(rows), dtype=np.int64)
        both[0::2] = drug.codes[rows]
        both[1::2] = target.codes[rows] + len(drug.values)
        codes, uniques = pd.factorize(both, sort=False)
        numbers = np.empty(len(uniques), dtype=np.int64)
        seen_at = np.maximum.accumulate(codes) if len(codes) else codes
        first = np.flatnonzero(np.concatenate(([True], codes[1:] > seen_at[:-1]))) \
            if len(codes) else codes
        for code, (value, at) in enumerate(zip(uniques.tolist(), first.tolist(), strict=True)):
            is_target = value >= len(drug.values)
            ident = targets[value - len(drug.values)] if is_target else drugs[value]
            number = seen.get(ident)
            if number is None:
                number = seen[ident] = len(seen)
                yield self._node(spans, where, int(rows[at // 2]), ident, is_target)
            numbers[code] = number
        self._chunks.append(self._edges(spans, where, rows, drugs, targets, drug, target))

    def _node(self, spans: Spans, where: dict[str, int], row: int, ident: str,
              is_target: bool) -> Node:
        def cell(role: str) -> str:
            return spans.value(row, where[role]).strip() if role in where else ""

        if is_target:
            return Node(id=ident, category="biolink:Gene", name=_name(cell("target_name")))
        return Node(id=ident, category=self.drug_category, name=_name(cell("drug_name")),
                    xrefs=tuple(split_list(cell("drug_xrefs"), "|;")))

    def _edges(self, spans: Spans, where: dict[str, int], rows: np.ndarray,
               drugs: list[str], targets: list[str], drug: Factor, target: Factor
               ) -> EdgeColumns:
        """The kept rows' edges: qualifiers per action, properties per distinct
        (action, references, source)."""
        import pandas as pd

        parts = [spans.factor(where[role]).mapped(str.strip) if role in where
                 else Factor.constant("", len(spans))
                 for role in ("action", "references", "source")]
        key = np.zeros(len(spans), dtype=np.int64)
        for part in parts:
            key = key * max(len(part.values), 1) + part.codes
        text_codes, uniques = pd.factorize(key[rows], sort=False)
        texts, qualifiers = [], []
        sizes = [max(len(part.values), 1) for part in parts]
        for value in uniques.tolist():
            source, value = value % sizes[2], value // sizes[2]
            references, action = value % sizes[1], value // sizes[1]
            action_text = parts[0].values[action]
            texts.append(_properties(action_text, parts[1].values[references],
                                     parts[2].values[source]))
            qualifiers.append(qualifier_key({ASPECT: "activity",
                                             **direction(action_sign(action_text))}))
        whole = Factor(text_codes, texts)
        return EdgeColumns(compact(Factor(drug.codes, drugs), rows),
                           Factor.constant(AFFECTS, len(rows)),
                           compact(Factor(target.codes, targets), rows),
                           Factor(text_codes, qualifiers), whole)


def _properties(action: str, references: str, source: str) -> str:
    properties: dict[str, object] = {}
    if action:
        properties["action"] = action.lower()
    listed = split_list(references, "|;,")
    if listed:
        properties["references"] = listed
    if source:
        properties["claim_source"] = source
    return properties_text(properties)


__all__ = ["DrugTargetColumns", "drug_target_columns"]
