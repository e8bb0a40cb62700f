"""Exchange formats: KGX round-trips, RDF parses back, GraphML reads back."""

from __future__ import annotations

import networkx as nx
import rdflib

from kgtwin.exchange.graphml import export_graphml
from kgtwin.exchange.kgx import export_kgx
from kgtwin.exchange.rdf import export_rdf
from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore


def loaded(data, path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    load_files(store, "kgx", [data / "core" / "nodes.tsv", data / "core" / "edges.tsv"])
    return store


def test_kgx_export_round_trips(data, tmp_path):
    first = loaded(data, tmp_path / "a")
    nodes, edges = export_kgx(first, tmp_path / "out1")
    second = EmbeddedStore(tmp_path / "b")
    load_files(second, "kgx", [nodes, edges])
    export_kgx(second, tmp_path / "out2")
    for name in ("nodes.tsv", "edges.tsv"):
        assert (tmp_path / "out1" / name).read_text() == (tmp_path / "out2" / name).read_text()
    assert first.counts() == second.counts()
    braf = second.node("NCBIGene:673")
    assert (braf.id, braf.properties["description"]) == (
        "HGNC:1097", "B-Raf proto-oncogene, serine/threonine kinase")


def test_rdf_export_parses_back_with_the_expected_triples(data, tmp_path):
    store = loaded(data, tmp_path / "s")
    counts = store.counts()
    nodes = list(store.nodes())
    edges = list(store.edges())
    expected = (
        len(nodes)  # rdf:type
        + sum(1 for n in nodes if n.name)  # rdfs:label
        + sum(len(n.xrefs) for n in nodes)  # skos:exactMatch
        + len(edges)
        + sum(4 + len(e.qualifiers) + len(e.properties) for e in edges
              if e.qualifiers or e.properties)  # reified statements
    )
    for fmt, suffix in (("turtle", "ttl"), ("nt", "nt")):
        path = export_rdf(store, tmp_path / f"g.{suffix}", format=fmt)
        graph = rdflib.Graph().parse(path, format=fmt)
        assert len(graph) == expected
    braf = rdflib.URIRef("http://identifiers.org/hgnc/1097")
    gene = rdflib.URIRef("https://w3id.org/biolink/vocab/Gene")
    assert (braf, rdflib.RDF.type, gene) in graph
    assert counts.edges == 10


def test_graphml_export_reads_back_with_networkx(data, tmp_path):
    store = loaded(data, tmp_path / "s")
    graph = nx.read_graphml(export_graphml(store, tmp_path / "g.graphml"))
    assert graph.number_of_nodes() == store.counts().nodes
    assert graph.number_of_edges() == store.counts().edges
    assert graph.nodes["HGNC:1097"]["name"] == "BRAF"
