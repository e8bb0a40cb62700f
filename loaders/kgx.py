"""KGX TSV (``nodes.tsv`` / ``edges.tsv``): the Biolink exchange format.

Columns follow KGX: lists are ``|``-separated; ``category`` may list a class and its
ancestors (the most specific is kept); columns ending in ``_qualifier`` (and
``qualified_predicate``) become qualifiers; every other column is a property. A file is
read as nodes or edges from its header, so the files may be given in any order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.base import Loader, open_text, read_rows

from kgtwin.biolink import default_biolink
from kgtwin.errors import KgTwinError
from kgtwin.model import Edge, Node, Record

LIST_SEPARATOR = "|"
NODE_FIELDS = {"id", "category", "name", "xref"}
EDGE_FIELDS = {"id", "subject", "predicate", "object"}


def is_qualifier(column: str) -> bool:
    return column.endswith("_qualifier") or column == "qualified_predicate"


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


def parse_value(value: str) -> object:
    """KGX writes every value as text; numbers and lists are given back their type."""
    if LIST_SEPARATOR in value:
        return split_list(value)
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


class KgxLoader(Loader):
    """KGX TSV nodes and edges files (any order; kind told by the header)."""

    name = "kgx"
    description = "KGX TSV: nodes.tsv and/or edges.tsv with Biolink columns"

    def records(self) -> Iterator[Record]:
        node_files = [p for p in self.paths if self._kind(p) == "nodes"]
        edge_files = [p for p in self.paths if p not in node_files]
        for path in node_files:
            yield from self._nodes(path)
        for path in edge_files:
            yield from self._edges(path)

    def _kind(self, path: Path) -> str:
        with open_text(path) as handle:
            header = {c.strip() for c in handle.readline().rstrip("\r\n").split("\t")}
        if {"subject", "predicate", "object"} <= header:
            return "edges"
        if {"id", "category"} <= header:
            return "nodes"
        self.path, self.position = path, 1
        self.reject(
            "header has neither nodes columns (id, category) nor edges columns "
            "(subject, predicate, object)"
        )
        return "unknown"

    def _nodes(self, path: Path) -> Iterator[Node]:
        biolink = default_biolink()
        for row in read_rows(self, path):
            if not row.get("id", "").strip():
                self.reject("node without id")
                continue
            try:
                category = biolink.resolve_category(split_list(row.get("category", "")))
            except KgTwinError as error:
                self.reject(str(error))
                continue
            yield Node(
                id=row["id"].strip(),
                category=category,
                name=row.get("name", "").strip() or None,
                xrefs=tuple(split_list(row.get("xref", ""))),
                properties=_properties(row, NODE_FIELDS),
            )

    def _edges(self, path: Path) -> Iterator[Edge]:
        columns: tuple[list[str], list[str]] | None = None
        for row in read_rows(self, path):
            if columns is None:  # which columns are qualifiers and properties: once per file
                qualifier_columns = [k for k in row if is_qualifier(k)]
                property_columns = [
                    k for k in row if k not in EDGE_FIELDS and k not in qualifier_columns
                ]
                columns = (qualifier_columns, property_columns)
            subject, predicate, object_ = (
                row.get("subject", "").strip(),
                row.get("predicate", "").strip(),
                row.get("object", "").strip(),
            )
            if not (subject and predicate and object_):
                self.reject("edge without subject, predicate or object")
                continue
            qualifiers = {k: v.strip() for k in columns[0] if (v := row[k]).strip()}
            properties = {k: parse_value(v.strip()) for k in columns[1] if (v := row[k]).strip()}
            yield Edge(subject, predicate, object_, qualifiers, properties)


def _properties(row: dict[str, str], skip: set[str]) -> dict[str, object]:
    return {
        k: parse_value(v.strip())
        for k, v in row.items()
        if k not in skip and not is_qualifier(k) and v.strip()
    }
