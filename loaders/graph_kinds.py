"""Kinds of existing knowledge graphs (Hetionet, PrimeKG) mapped to Biolink.

The mapping is data, in ``ontologies/graph_kinds.yaml``; this module reads it and turns
a source's node kind and identifier into a CURIE and category, and an edge kind into a
predicate and qualifiers. Identifiers no registry knows stay in the graph's own
namespace (``hetionet:PC7_7459``) and the records that carry them are marked unaligned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from types import MappingProxyType

import yaml

from kgtwin.biolink import default_biolink
from kgtwin.ids import default_normaliser, namespaced
from kgtwin.model import DIRECTION

ASPECT = "object_aspect_qualifier"


@dataclass(frozen=True)
class EdgeKind:
    predicate: str
    qualifiers: tuple[tuple[str, str], ...] = ()
    #: The node kind that is the subject (rows naming it second are turned round).
    subject: str | None = None

    @cached_property
    def qualifier_map(self) -> Mapping[str, str]:
        """The qualifiers as the read-only mapping edges keep (shared, not copied)."""
        return MappingProxyType(dict(self.qualifiers))


@cache
def graph_kinds(graph: str) -> dict:
    """The validated kind map of one graph (categories and predicates checked)."""
    text = resources.files("kgtwin.ontologies").joinpath("graph_kinds.yaml").read_text()
    spec = yaml.safe_load(text)[graph]
    biolink = default_biolink()
    edges = {}
    for kind, rule in spec["edges"].items():
        qualifiers = []
        if rule.get("aspect"):
            qualifiers.append((ASPECT, rule["aspect"]))
        if rule.get("direction"):
            qualifiers.append((DIRECTION, rule["direction"]))
        edges[kind] = EdgeKind(biolink.predicate(rule["predicate"]), tuple(qualifiers),
                               rule.get("subject"))
    nodes = {kind: {**rule, "category": biolink.category(rule["category"])}
             for kind, rule in spec["nodes"].items()}
    metaedges = {}
    for abbreviation, joined in spec.get("metaedges", {}).items():
        source_kind, kind, target_kind = joined.split("|")
        if source_kind not in nodes or target_kind not in nodes or not (
                joined in spec["edges"] or kind in spec["edges"]):
            raise ValueError(f"graph_kinds.yaml: {graph} metaedge {abbreviation}: "
                             f"{joined} names an unknown node or edge kind")
        metaedges[abbreviation] = (source_kind, kind, target_kind)
    return {"nodes": nodes, "edges": edges, "sources": spec.get("sources", {}),
            "metaedges": metaedges}


def curie(graph: str, prefix: str | None, identifier: object, pad: int = 0) -> tuple[str, bool]:
    """(CURIE, aligned) for an identifier of a node; unknown ones stay in ``graph``'s space."""
    text = str(identifier).strip()
    ids = default_normaliser()
    if ":" in text and ids.is_valid(text):
        return ids.normalize(text), True
    if prefix:
        local = text.zfill(pad) if pad and text.isdigit() else text
        candidate = f"{prefix}:{local}"
        if ids.is_valid(candidate):
            return ids.normalize(candidate), True
    return namespaced(graph, text), False


def edge_kind(graph: str, kind: str, source_kind: str, target_kind: str) -> EdgeKind:
    """The Biolink form of an edge kind; unknown kinds are ``related_to``."""
    edges = graph_kinds(graph)["edges"]
    return (edges.get(f"{source_kind}|{kind}|{target_kind}") or edges.get(kind)
            or EdgeKind("biolink:related_to"))
