"""Nodes and edges as pandas DataFrames, the same for every back end."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from kgtwin.model import Edge, Node

NODE_COLUMNS = ["id", "category", "name", "xrefs", "properties", "sources", "aligned"]
EDGE_COLUMNS = ["subject", "predicate", "object", "qualifiers", "properties", "sources",
                "aligned"]
SUBGRAPH_NODE_COLUMNS = ["id", "category", "name"]
SUBGRAPH_EDGE_COLUMNS = ["key", "subject", "predicate", "object", "qualifiers"]


@dataclass(frozen=True)
class SubgraphFrames:
    """A subgraph as data: ``nodes`` (id, category, name; sorted by id) and ``edges``
    (key, subject, predicate, object, qualifiers as a mapping; in load order). Subject,
    predicate and object are pandas categoricals (codes into shared categories: cheap to
    build, compare and group by). ``key`` is the back end's edge key, the same one
    :meth:`GraphStore.subgraph` gives networkx.

    For analysis in pandas, or any graph library (``networkx.from_pandas_edgelist``,
    igraph, graph-tool) without paying for networkx objects that are not needed.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame


def frame_row(record: Node | Edge) -> dict:
    """A record as a data-frame row: provenance reduced to its source names."""
    row = record.to_dict()
    row["sources"] = [p["source"] for p in row.pop("provenance")]
    return row


def nodes_frame(nodes: Iterable[Node]) -> pd.DataFrame:
    return pd.DataFrame([frame_row(n) for n in nodes], columns=NODE_COLUMNS)


def edges_frame(edges: Iterable[Edge]) -> pd.DataFrame:
    return pd.DataFrame([frame_row(e) for e in edges], columns=EDGE_COLUMNS)


def subgraph_frames(nodes: list[tuple], edges: list[tuple]) -> SubgraphFrames:
    """Frames from row tuples (in the columns' order), with the documented dtypes."""
    edge_frame = pd.DataFrame.from_records(edges, columns=SUBGRAPH_EDGE_COLUMNS)
    for column in ("subject", "predicate", "object"):
        edge_frame[column] = edge_frame[column].astype("category")
    return SubgraphFrames(
        nodes=pd.DataFrame.from_records(nodes, columns=SUBGRAPH_NODE_COLUMNS), edges=edge_frame
    )
