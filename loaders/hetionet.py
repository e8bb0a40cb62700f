"""Hetionet's JSON format (``hetionet-v1.0.json``): metanodes, nodes and edges.

The file is one JSON object; it is streamed with ijson (its C parser), nodes first and
then edges, so memory stays bounded however large the file. Node kinds and edge kinds
become Biolink categories and predicates through ``ontologies/graph_kinds.yaml``
(``Compound binds Gene`` -> ``directly_physically_interacts_with``, ``Compound
downregulates Gene`` -> ``affects`` with aspect expression and direction decreased, …).
Node ids get the prefix of their kind (Entrez genes -> ``NCBIGene``, compounds ->
``DRUGBANK``, …); Hetionet's Pathway Commons pathway ids have no registry and stay as
``hetionet:PC7_…``, unaligned. Each edge's ``data`` (source, unbiased, …) are kept as
properties. Files may be compressed (``.gz``, ``.bz2``, ``.xz``).

Hetnets built with hetnetpy for other metagraphs have kinds Hetionet v1.0 does not
(``Tissue``): such a node is kept as a ``biolink:NamedThing`` in the graph's own
namespace (``hetionet:Tissue/Lung``), unaligned, its kind a property, and the kinds
met this way are named in a warning. Hetionet's node table (``hetionet-v1.0-nodes.tsv``:
``id`` as ``Kind::identifier``, ``name``, ``kind``) loads the nodes alone, and its edge
table (``hetionet-v1.0-edges.sif[.gz]``: ``source``, ``metaedge``, ``target``; rows like
``Gene::9021	GpBP	Biological Process::GO:0071357``) the edges without their ``data``:
a metaedge abbreviation is read through the ``metaedges`` of ``graph_kinds.yaml``
(``GpBP`` -> ``Gene|participates|Biological Process``), then mapped as a JSON edge of
that kind is, and each end must be a node of the metaedge's kind.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, open_binary, read_rows, require_columns
from kgtwin.loaders.graph_kinds import EdgeKind, curie, edge_kind, graph_kinds
from kgtwin.loaders.safe_documents import DepthGuard, capped_events

from kgtwin.ids import namespaced
from kgtwin.model import Edge, Node, Record

log = logging.getLogger(__name__)

GRAPH = "hetionet"
#: The category of a node whose kind the Hetionet v1.0 map does not know.
UNKNOWN_KIND = "biolink:NamedThing"
#: The header of Hetionet's edge table.
SIF_COLUMNS = ("source", "metaedge", "target")


def _properties(data: object, kind: str) -> dict[str, object]:
    """An item's ``data`` as properties (ijson gives floats with ``use_float``)."""
    found = {k: v for k, v in data.items() if v is not None and v != "" and v != []} \
        if isinstance(data, dict) else {}
    found["hetionet_kind"] = kind
    return found


class HetionetLoader(Loader):
    """Hetionet JSON (``.json``, ``.json.bz2``, ``.json.gz``, ``.json.xz``) streamed with
    ijson, and Hetionet's node table (TSV)."""

    name = "hetionet"
    description = ("Hetionet JSON (metanodes/nodes/edges; .json, .json.bz2/.gz/.xz) or its "
                   "node TSV and edge SIF -> Biolink graph")
    suffixes = (".json", ".tsv", ".sif")
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "node TSV: id (required)": "KIND::IDENTIFIER (Gene::1017), the node",
        "node TSV: name, kind": "its name; kind must match the id's KIND",
        "edge SIF: source, target (required)": "KIND::IDENTIFIER of each end",
        "edge SIF: metaedge (required)": "the abbreviation (GpBP, CtD, Gr>G, …) of the "
                                         "edge's kind, its ends' kinds as it names them",
    }
    fixed_why = ("Hetionet is published as JSON (metanodes, nodes, edges), one node "
                 "table and one edge table with these headers")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False):
        super().__init__(paths, skip_bad=skip_bad)
        self.kinds = graph_kinds(GRAPH)
        self._ids: dict[tuple[str, object], tuple[str, bool]] = {}
        self._kinds: dict[tuple[str, str, str], EdgeKind] = {}
        self.unknown_kinds: dict[str, int] = {}

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            self.path = path
            if self.is_node_table(path):
                yield from self._node_table(path)
                continue
            if self.is_edge_table(path):
                yield from self._edge_table(path)
                continue
            yield from self.json_nodes(path)
            yield from self._checked(path, "edge", self._edge_items(path), self._edge)
        self.warn_unknown_kinds()

    def json_nodes(self, path: Path) -> Iterator[Record]:
        """The nodes of one Hetionet JSON file (the columnar path reads its edges apart)."""
        self.path = path
        yield from self._checked(path, "node", self._node_items(path), self._node)

    def warn_unknown_kinds(self) -> None:
        """Names, once per load, the node kinds of another metagraph that were met."""
        if self.unknown_kinds:
            kinds = ", ".join(f"{k} ({n})" for k, n in sorted(self.unknown_kinds.items()))
            log.warning("node kinds Hetionet v1.0 does not have, kept as %s in the %s "
                        "namespace (unaligned): %s", UNKNOWN_KIND, GRAPH, kinds)

    def is_node_table(self, path: Path) -> bool:
        return ".tsv" in [s.lower() for s in path.suffixes]

    def is_edge_table(self, path: Path) -> bool:
        return ".sif" in [s.lower() for s in path.suffixes]

    def _edge_table(self, path: Path) -> Iterator[Record]:
        """``source``, ``metaedge``, ``target``: Hetionet's edges without their ``data``."""
        metaedges = self.kinds["metaedges"]
        checked = False
        for row in read_rows(self, path):
            checked = checked or require_columns(self, row, list(SIF_COLUMNS))
            edge = self.sif_edge(row["source"], row["metaedge"], row["target"], metaedges)
            if edge is not None:
                yield edge

    def sif_edge(self, source: str, metaedge: str, target: str,
                 metaedges: Mapping[str, tuple[str, str, str]]) -> Edge | None:
        """One edge table row as the JSON edge of its metaedge's kind, or None (rejected)."""
        found = metaedges.get(metaedge)
        if found is None:
            self.reject(f"unknown metaedge {metaedge!r} (Hetionet v1.0 has "
                        f"{', '.join(sorted(metaedges))})")
            return None
        source_kind, kind, target_kind = found
        ends = []
        for role, value, expected in (("source", source, source_kind),
                                      ("target", target, target_kind)):
            node_kind, sep, identifier = value.partition("::")
            if not sep or not node_kind or not identifier.strip():
                self.reject(f"the {role} must read KIND::IDENTIFIER, found {value!r}")
                return None
            if node_kind != expected:
                self.reject(f"metaedge {metaedge} joins {source_kind} to {target_kind}; "
                            f"the {role} is {value!r}")
                return None
            ends.append(self._id(node_kind, identifier))
        (subject, subject_aligned), (object_, object_aligned) = ends
        mapped = edge_kind(GRAPH, kind, source_kind, target_kind)
        return Edge(subject, mapped.predicate, object_, qualifiers=mapped.qualifier_map,
                    properties=_properties(None, kind),
                    aligned=subject_aligned and object_aligned)

    def _node_table(self, path: Path) -> Iterator[Record]:
        """``id`` (``Gene::1017``), ``name``, ``kind``: Hetionet's nodes without edges."""
        for row in read_rows(self, path):
            kind, sep, identifier = (row.get("id") or "").partition("::")
            if not sep or kind != (row.get("kind") or kind):
                self.reject("the id column must read KIND::IDENTIFIER, KIND as in 'kind'")
                continue
            node = self._node({"kind": kind, "identifier": identifier,
                               "name": row.get("name") or None})
            if node is not None:
                yield node

    def _node_items(self, path: Path) -> Iterator[object]:
        """Node objects, built from parser events; stops at the end of the nodes array
        so this pass does not read the (much longer) edges."""
        import ijson

        with open_binary(path) as handle:
            builder = None
            events = capped_events(path, ijson.parse(DepthGuard(handle, path), use_float=True))
            for prefix, event, value in events:
                if builder is not None:
                    builder.event(event, value)
                    if prefix == "nodes.item" and event in {"end_map", "end_array"}:
                        yield builder.value
                        builder = None
                elif prefix == "nodes.item":
                    if event in {"start_map", "start_array"}:
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                    else:
                        yield value
                elif prefix == "nodes" and event == "end_array":
                    return

    def _edge_items(self, path: Path) -> Iterator[object]:
        import ijson

        with open_binary(path) as handle:
            yield from ijson.items(DepthGuard(handle, path), "edges.item", use_float=True)

    def _checked(self, path: Path, kind: str, items: Iterator[object],
                 convert) -> Iterator[Record]:
        """Converted items, with the position kept and parse errors named."""
        import ijson

        number = 0
        while True:
            number += 1
            self.position = f"{kind} {number}"
            try:
                item = next(items)
            except StopIteration:
                return
            except (ijson.JSONError, UnicodeDecodeError, OSError, EOFError) as error:
                self.reject(f"not valid Hetionet JSON: {error}")
                return
            if not isinstance(item, dict):
                self.reject(f"a {kind} must be a JSON object")
                continue
            try:
                record = convert(item)
            except (TypeError, ValueError) as error:  # a list where an id should be, …
                self.reject(f"malformed {kind}: {error}")
                continue
            if record is not None:
                yield record

    def _id(self, kind: str, identifier: object) -> tuple[str, bool]:
        key = (kind, identifier)
        found = self._ids.get(key)
        if found is None:
            rule = self.kinds["nodes"].get(kind)
            if rule is None:  # a kind of another metagraph: its own space, unaligned
                found = namespaced(GRAPH, f"{kind}/{identifier}".replace(" ", "_")), False
            else:
                found = curie(GRAPH, rule.get("prefix"), identifier)
            if len(self._ids) < 5_000_000:
                self._ids[key] = found
        return found

    def _node(self, item: dict) -> Node | None:
        kind, identifier = item.get("kind"), item.get("identifier")
        if not isinstance(kind, str) or not kind or identifier in (None, ""):
            self.reject("node without a kind or an identifier")
            return None
        rule = self.kinds["nodes"].get(kind)
        if rule is None:
            self.unknown_kinds[kind] = self.unknown_kinds.get(kind, 0) + 1
        ident, aligned = self._id(kind, identifier)
        properties = _properties(item.get("data"), kind)
        return Node(id=ident, category=rule["category"] if rule else UNKNOWN_KIND,
                    name=item.get("name"), properties=properties, aligned=aligned)

    def _edge(self, item: dict) -> Edge | None:
        # The hot loop of a 2.25M-edge load: plain indexing, ids and kinds from caches.
        try:
            source_kind, source_id = item["source_id"]
            target_kind, target_id = item["target_id"]
            kind = item["kind"]
            subject, subject_aligned = self._ids.get((source_kind, source_id)) \
                or self._id(source_kind, source_id)
            object_, object_aligned = self._ids.get((target_kind, target_id)) \
                or self._id(target_kind, target_id)
        except (KeyError, TypeError, ValueError):
            self.reject("edge needs source_id and target_id as [kind, identifier] and a kind")
            return None
        key = (kind, source_kind, target_kind)
        mapped = self._kinds.get(key)
        if mapped is None:
            mapped = self._kinds[key] = edge_kind(GRAPH, *key)
        properties = _properties(item.get("data"), kind)
        return Edge(subject, mapped.predicate, object_, qualifiers=mapped.qualifier_map,
                    properties=properties, aligned=subject_aligned and object_aligned)
