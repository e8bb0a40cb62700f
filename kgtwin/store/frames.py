"""Nodes and edges as pandas DataFrames, the same for every back end."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from kgtwin.model import Edge, Node

NODE_COLUMNS = ["id", "category", "name", "xrefs", "properties", "sources", "aligned"]
EDGE_COLUMNS = ["subject", "predicate", "object", "qualifiers", "properties", "sources",
                "aligned"]


def frame_row(record: Node | Edge) -> dict:
    """A record as a data-frame row: provenance reduced to its source names."""
    row = record.to_dict()
    row["sources"] = [p["source"] for p in row.pop("provenance")]
    return row


def nodes_frame(nodes: Iterable[Node]) -> pd.DataFrame:
    return pd.DataFrame([frame_row(n) for n in nodes], columns=NODE_COLUMNS)


def edges_frame(edges: Iterable[Edge]) -> pd.DataFrame:
    return pd.DataFrame([frame_row(e) for e in edges], columns=EDGE_COLUMNS)
