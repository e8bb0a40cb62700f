"""KGX TSV export: the inverse of :mod:`kgtwin.loaders.kgx`, so a store round-trips."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from kgtwin.loaders.kgx import LIST_SEPARATOR
from kgtwin.model import Provenance
from kgtwin.store.base import GraphStore

NODE_COLUMNS = ["id", "category", "name", "xref", "provided_by"]
EDGE_COLUMNS = ["subject", "predicate", "object", "primary_knowledge_source"]


def _text(value: object) -> str:
    """A TSV cell: lists joined with ``|``; tabs and line breaks become spaces (KGX is
    not quoted, so they could not be read back)."""
    if isinstance(value, list | tuple):
        text = LIST_SEPARATOR.join(str(v) for v in value)
    else:
        text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _sources(properties: dict, column: str, provenance: Iterable[Provenance]) -> str:
    """A source column as loaded (KGX to KGX round-trips), else kgtwin's provenance."""
    if properties.get(column) is not None:
        return _text(properties[column])
    return LIST_SEPARATOR.join(sorted({p.source for p in provenance}))


def export_kgx(store: GraphStore, folder: Path) -> tuple[Path, Path]:
    """Writes ``nodes.tsv`` and ``edges.tsv`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = list(store.nodes())
    edges = list(store.edges())
    node_props = sorted({k for n in nodes for k in n.properties} - set(NODE_COLUMNS))
    edge_quals = sorted({k for e in edges for k in e.qualifiers})
    edge_props = sorted({k for e in edges for k in e.properties} - set(EDGE_COLUMNS))
    nodes_path, edges_path = folder / "nodes.tsv", folder / "edges.tsv"
    with open(nodes_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(
            handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None
        )
        writer.writerow(NODE_COLUMNS + node_props)
        for node in nodes:
            writer.writerow(
                [node.id, node.category, _text(node.name), _text(node.xrefs),
                 _sources(node.properties, "provided_by", node.provenance)]
                + [_text(node.properties.get(k)) for k in node_props]
            )
    with open(edges_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(
            handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None
        )
        writer.writerow(EDGE_COLUMNS + edge_quals + edge_props)
        for edge in edges:
            writer.writerow(
                [edge.subject, edge.predicate, edge.object,
                 _sources(edge.properties, "primary_knowledge_source", edge.provenance)]
                + [_text(edge.qualifiers.get(k)) for k in edge_quals]
                + [_text(edge.properties.get(k)) for k in edge_props]
            )
    return nodes_path, edges_path
