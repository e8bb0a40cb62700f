"""KGX (``nodes.tsv`` / ``edges.tsv``, ``.json``, ``.jsonl``): the Biolink exchange format.

Columns follow KGX: lists are ``|``-separated; ``category`` may list a class and its
ancestors (the most specific is kept); columns ending in ``_qualifier`` (and
``qualified_predicate``) become qualifiers; every other column is a property. A TSV
file is read as nodes or edges from its header, so the files may be given in any
order; a row short of the header's fields is read with the missing trailing fields
empty (KGX's own writer and spreadsheet tools drop them).

KGX JSON (``{"nodes": [...], "edges": [...]}``) and JSON Lines (one node or edge
object a line, ``*_nodes.jsonl`` / ``*_edges.jsonl``; each object told apart by its
keys) carry the same fields with lists as JSON arrays. A JSON document is read whole,
so very large graphs belong in JSON Lines or TSV; compressed files (``.gz``, ``.bz2``,
``.xz``) are read as they are. OBO Graphs JSON (``{"graphs": [...]}``) is not KGX: the
loader says so and names the loader that reads it (``obographs``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, open_text, read_rows, text_lines

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

    fixed_columns: ClassVar[Mapping[str, str]] = {
        "nodes: id (required), category, name, xref": "the node; every other column a "
                                                      "property",
        "edges: subject, predicate, object (required), id": "the edge; *_qualifier and "
            "qualified_predicate columns qualifiers, every other column a property "
            "(publications, knowledge sources accumulate)",
    }
    fixed_why = ("KGX's field names are Biolink's, fixed by the KGX specification; any "
                 "column beyond them is kept as a property, so none is ever ignored")

    name = "kgx"
    description = "KGX TSV, JSON or JSON Lines: nodes and/or edges with Biolink fields"

    def records(self) -> Iterator[Record]:
        json_files = [p for p in self.paths if _json_kind(p)]
        tsv_files = [p for p in self.paths if p not in json_files]
        node_files = [p for p in tsv_files if self._kind(p) == "nodes"]
        edge_files = [p for p in tsv_files if p not in node_files]
        for path in node_files:
            yield from self._nodes(path)
        for path in sorted(json_files, key=lambda p: "edge" in p.name.lower()):
            if _json_kind(path) == "jsonl":
                yield from self._json_lines(path)
            else:
                yield from self._json_document(path)
        for path in edge_files:
            yield from self._edges(path)

    def _json_document(self, path: Path) -> Iterator[Record]:
        """A KGX JSON document: its nodes, then its edges."""
        self.path, self.position = path, None
        try:
            with open_text(path) as handle:
                document = json.load(handle)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self.reject(f"not valid JSON: {error}")
            return
        if isinstance(document, dict) and "graphs" in document and "nodes" not in document:
            self.reject("an OBO Graphs JSON file, not KGX: load it with "
                        "`kgtwin load obographs`")
            return
        if not isinstance(document, dict) or not {"nodes", "edges"} & set(document):
            self.reject('KGX JSON is an object with "nodes" and/or "edges" arrays')
            return
        for kind in ("nodes", "edges"):
            items = document.get(kind) or []
            if not isinstance(items, list):
                self.reject(f'"{kind}" must be an array')
                continue
            for number, item in enumerate(items, start=1):
                self.position = f"{kind}[{number}]"
                yield from self._json_object(item, kind)

    def _json_lines(self, path: Path) -> Iterator[Record]:
        """KGX JSON Lines: one node or edge object a line (blank lines skipped)."""
        for line in text_lines(self, path):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                self.reject(f"not valid JSON: {error}")
                continue
            kind = "edges" if isinstance(item, dict) and "subject" in item else "nodes"
            yield from self._json_object(item, kind)

    def _json_object(self, item: object, kind: str) -> Iterator[Record]:
        """One KGX JSON node or edge object, as the TSV row it stands for."""
        if not isinstance(item, dict):
            self.reject(f"a KGX {kind[:-1]} must be a JSON object")
            return
        row = {str(k): _json_text(v) for k, v in item.items() if v is not None}
        if kind == "nodes":
            yield from self._node_rows([row])
        else:
            yield from self._edge_rows([row], json_rows=True)

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
        yield from self._node_rows(read_rows(self, path, pad=True, comments=False))

    def _node_rows(self, rows: Iterable[dict[str, str]]) -> Iterator[Node]:
        biolink = default_biolink()
        for row in rows:
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
        yield from self._edge_rows(read_rows(self, path, pad=True, comments=False))

    def _edge_rows(self, rows: Iterable[dict[str, str]], *,
                   json_rows: bool = False) -> Iterator[Edge]:
        columns: tuple[list[str], list[str]] | None = None
        for row in rows:
            if columns is None or json_rows:  # TSV: which columns are which, once per file
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


def _json_kind(path: Path) -> str | None:
    """``json`` or ``jsonl`` by the file's extension (before any compression suffix)."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in {".gz", ".bz2", ".xz"}]
    last = suffixes[-1] if suffixes else ""
    return {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(last)


def _json_text(value: object) -> str:
    """A JSON value as the text KGX TSV would hold (lists ``|``-joined)."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(_json_text(v) for v in value if v is not None)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _properties(row: dict[str, str], skip: set[str]) -> dict[str, object]:
    return {
        k: parse_value(v.strip())
        for k, v in row.items()
        if k not in skip and not is_qualifier(k) and v.strip()
    }
