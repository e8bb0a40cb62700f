"""GraphML export through networkx, for Gephi, Cytoscape and yEd."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kgtwin.store.base import GraphStore


def to_networkx(store: GraphStore) -> nx.MultiDiGraph:
    """The whole graph with GraphML-safe (scalar) attributes."""
    graph = nx.MultiDiGraph()
    for node in store.nodes():
        graph.add_node(
            node.id,
            category=node.category,
            name=node.name or "",
            xrefs="|".join(node.xrefs),
            properties=json.dumps(dict(node.properties), sort_keys=True, default=str),
        )
    for edge in store.edges():
        graph.add_edge(
            edge.subject,
            edge.object,
            predicate=edge.predicate,
            qualifiers=json.dumps(dict(edge.qualifiers), sort_keys=True),
            properties=json.dumps(dict(edge.properties), sort_keys=True, default=str),
        )
    return graph


def export_graphml(store: GraphStore, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(to_networkx(store), path)
    return path
