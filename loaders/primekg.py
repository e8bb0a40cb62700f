"""PrimeKG's ``kg.csv``: one edge per row, both ends described on the row.

Columns: ``relation, display_relation, x_index, x_id, x_type, x_name, x_source,
y_index, y_id, y_type, y_name, y_source``. A node's id space is its ``*_source``
(NCBI, DrugBank, MONDO, HPO, UBERON, GO, REACTOME, CTD), with the zero padding PrimeKG
drops restored; its category comes from ``*_type``; ``relation`` becomes a Biolink
predicate (all through ``ontologies/graph_kinds.yaml``). PrimeKG lists undirected
relations in both directions under one name; rows naming the subject type second are
turned round, so ``drug_protein`` is always drug -> gene, and the parent-child
relations, whose direction a row does not say, become ``related_to_at_concept_level``.
Each node is yielded once, the first time a row names it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows, require_columns
from kgtwin.loaders.graph_kinds import curie, edge_kind, graph_kinds

from kgtwin.model import Edge, Node, Record

GRAPH = "primekg"
COLUMNS = ["relation", "x_id", "x_type", "x_name", "x_source", "y_id", "y_type", "y_name",
           "y_source"]


class PrimeKgLoader(Loader):
    """PrimeKG kg.csv (relation, x_id, x_type, x_name, x_source, y_… columns)."""

    name = "primekg"
    description = "PrimeKG kg.csv (x_/y_ id, type, name, source; relation) -> Biolink graph"
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "relation (required)": "the edge, mapped by ontologies/graph_kinds.yaml",
        "display_relation": "kept as a property",
        "x_id, x_type, x_name, x_source (required)": "the subject node (id by source)",
        "y_id, y_type, y_name, y_source (required)": "the object node",
    }
    fixed_why = ("PrimeKG is one published CSV (kg.csv) with this header; its kinds and "
                 "relations map through graph_kinds.yaml, not through a column map")

    def records(self) -> Iterator[Record]:
        kinds = graph_kinds(GRAPH)
        seen: dict[tuple[str, str], tuple[str, bool]] = {}
        for path in self.paths:
            checked = False
            for row in read_rows(self, path, delimiter=","):
                if not checked:
                    checked = require_columns(self, row, COLUMNS)
                ends = []
                for side in ("x", "y"):
                    key = (row[f"{side}_source"], row[f"{side}_id"])
                    if key not in seen:
                        node = self._node(row, side, kinds)
                        if node is None:
                            break
                        seen[key] = (node.id, node.aligned)
                        yield node
                    ends.append(seen[key])
                if len(ends) < 2:
                    continue
                mapped = edge_kind(GRAPH, row["relation"], row["x_type"], row["y_type"])
                if mapped.subject and row["x_type"] != mapped.subject == row["y_type"]:
                    ends.reverse()
                properties = {"primekg_relation": row["relation"]}
                if row.get("display_relation"):
                    properties["display_relation"] = row["display_relation"]
                yield Edge(ends[0][0], mapped.predicate, ends[1][0],
                           qualifiers=mapped.qualifier_map, properties=properties,
                           aligned=ends[0][1] and ends[1][1])

    def _node(self, row: dict[str, str], side: str, kinds: dict) -> Node | None:
        kind, source = row[f"{side}_type"], row[f"{side}_source"]
        identifier = row[f"{side}_id"].strip()
        if kind not in kinds["nodes"] or not identifier:
            self.reject(f"{side} node of unknown type {kind!r} or without id")
            return None
        rule = kinds["sources"].get(source, {})
        ident, aligned = curie(GRAPH, rule.get("prefix"), identifier, rule.get("pad", 0))
        return Node(id=ident, category=kinds["nodes"][kind]["category"],
                    name=row[f"{side}_name"] or None, aligned=aligned,
                    properties={"primekg_source": source})
