"""RDF export with rdflib: CURIEs expanded with the pinned prefix map, Biolink IRIs.

Each node is typed with its Biolink category and labelled; each edge is one triple
``subject predicate object``. Edges with qualifiers or properties are also reified
(``rdf:Statement``) so the qualifier (e.g. the direction of a regulation) is not lost.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from kgtwin.ids import default_normaliser
from kgtwin.store.base import GraphStore

BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
FORMATS = {"turtle": ".ttl", "nt": ".nt"}


def _vocab(curie: str) -> URIRef:
    """biolink:Gene -> https://w3id.org/biolink/vocab/Gene (unaligned predicates too)."""
    if curie.startswith("biolink:"):
        return BIOLINK[curie.partition(":")[2]]
    return URIRef(default_normaliser().expand(curie))


def to_rdf(store: GraphStore) -> Graph:
    ids = default_normaliser()
    graph = Graph()
    graph.bind("biolink", BIOLINK)
    for node in store.nodes():
        subject = URIRef(ids.expand(node.id))
        graph.add((subject, RDF.type, _vocab(node.category)))
        if node.name:
            graph.add((subject, RDFS.label, Literal(node.name)))
        for xref in node.xrefs:
            graph.add((subject, SKOS.exactMatch, URIRef(ids.expand(xref))))
    for edge in store.edges():
        triple = (URIRef(ids.expand(edge.subject)), _vocab(edge.predicate),
                  URIRef(ids.expand(edge.object)))
        graph.add(triple)
        if edge.qualifiers or edge.properties:
            statement = BNode()
            graph.add((statement, RDF.type, RDF.Statement))
            graph.add((statement, RDF.subject, triple[0]))
            graph.add((statement, RDF.predicate, triple[1]))
            graph.add((statement, RDF.object, triple[2]))
            for key, value in {**edge.qualifiers, **edge.properties}.items():
                graph.add((statement, BIOLINK[key], Literal(str(value))))
    return graph


def export_rdf(store: GraphStore, path: Path, *, format: str = "turtle") -> Path:
    if format not in FORMATS:
        raise ValueError(f"unknown RDF format {format!r}; choose one of {sorted(FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    to_rdf(store).serialize(destination=path, format=format, encoding="utf-8")
    return path
