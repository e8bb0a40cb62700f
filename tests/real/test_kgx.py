"""KGX as biolink/kgx's own test files write it: TSV with short rows, JSON, JSON Lines."""

from __future__ import annotations

import csv
import json

import pytest

from kgtwin.errors import InputError
from tests.real.conftest import load, real


def test_tsv_rows_missing_trailing_empty_fields_load(store):
    nodes = real("kgx", "graph_nodes.tsv")
    with open(nodes, newline="") as handle:
        widths = [len(row) for row in csv.reader(handle, delimiter="\t")][1:]
    assert widths.count(3) == 344  # the rows the issue found refused
    report = load(store, "kgx", ["kgx/graph_nodes.tsv", "kgx/graph_edges.tsv"])
    assert (report.counts.nodes, report.counts.edges, report.bad) == (534, 539, 0)
    region = store.node("GO:0005576")  # a 3-field row: taxon left empty
    assert region.name == "extracellular region"
    assert region.category == "biolink:CellularComponent"
    assert store.node("HGNC:10848").name == "SHH"  # the approved symbol names a gene


def test_json_document_loads_nodes_and_edges(store):
    document = json.loads(real("kgx", "graph.json").read_text())
    old = [e for e in document["edges"] if e["predicate"] == "biolink:involved_in"]
    # This copy was written before KGX checked it against a Biolink release: its 22
    # involved_in edges (RO:0002331) are what Biolink calls actively_involved_in (an
    # alias of that slot, exact mapping RO:0002331; KGX's TSV copy of the graph says
    # so too). They load under the current name, the file's kept and counted.
    assert len(old) == 22 and {e["relation"] for e in old} == {"RO:0002331"}
    report = load(store, "kgx", ["kgx/graph.json"])
    assert report.bad == 0
    assert report.counts.nodes == len(document["nodes"])
    assert report.counts.edges == len(document["edges"])
    account = report.reconciliation
    assert account.renamed_predicates == {
        "biolink:involved_in -> biolink:actively_involved_in": 22}
    moved = list(store.edges(subject="MONDO:0010011", object="REACT:R-HSA-5635838"))
    assert [(e.predicate, e.properties["original_predicate"]) for e in moved] == \
        [("biolink:actively_involved_in", "biolink:involved_in")]
    assert sum(1 for _ in store.edges(predicate="biolink:actively_involved_in")) == 22
    edges = list(store.edges(subject="HGNC:10848", object="NCBIGene:6469"))
    assert edges or store.resolve("NCBIGene:6469") == "HGNC:10848"


def test_the_json_graph_and_its_tsv_copy_state_the_same_involvement(store, tmp_path):
    """KGX's TSV copy of graph.json writes these edges actively_involved_in itself: the
    two files give the same statements."""
    from kgtwin.store import open_store

    load(store, "kgx", ["kgx/graph.json"])
    with open_store(tmp_path / "tsv") as other:
        load(other, "kgx", ["kgx/graph_nodes.tsv", "kgx/graph_edges.tsv"])
        tsv = {(e.subject, e.object) for e in
               other.edges(predicate="biolink:actively_involved_in")}
    json_ = {(e.subject, e.object) for e in
             store.edges(predicate="biolink:actively_involved_in")}
    assert json_ == tsv and len(tsv) == 22


def test_a_predicate_no_biolink_release_names_is_still_refused(store, tmp_path):
    edges = tmp_path / "edges.tsv"
    edges.write_text("subject\tpredicate\tobject\n"
                     "HGNC:1097\tbiolink:involved_in\tGO:0000165\n"
                     "HGNC:1097\tbiolink:involves_in\tGO:0000165\n"
                     "CHEBI:63637\tbiolink:increases_expression_of\tHGNC:1097\n"
                     "CHEBI:63637\tbiolink:ameliorates\tMONDO:0005105\n")
    report = load(store, "kgx", [edges], skip_bad=True)
    typo, retired = report.bad_examples
    assert report.bad == 2 and "unknown Biolink predicate 'biolink:involves_in'" in typo
    assert "not a predicate of Biolink 4.4.6" in typo
    # a real predicate of older releases that Biolink retired naming no same relation
    assert "a predicate of Biolink 1.2.0 to 3.0.3, retired with no current predicate " \
        "Biolink names the same relation" in retired
    # the TSV's renamed edge went record by record (the columnar path counts nothing)
    assert report.reconciliation.renamed_predicates == {
        "biolink:ameliorates -> biolink:ameliorates_condition": 1,
        "biolink:involved_in -> biolink:actively_involved_in": 1}
    (edge,) = store.edges(subject="CHEBI:63637", object="MONDO:0005105")
    assert (edge.predicate, edge.properties["original_predicate"]) == \
        ("biolink:ameliorates_condition", "biolink:ameliorates")


def test_json_lines_nodes_and_edges(store):
    report = load(store, "kgx", ["kgx/valid_edges.jsonl", "kgx/valid_nodes.jsonl"])
    assert (report.counts.nodes, report.counts.edges, report.bad) == (7, 5, 0)
    assert store.node("HGNC:11603").name == "TBX4"
    objects = {e.object for e in store.edges(subject="HGNC:11603")}
    assert "MONDO:0005002" in objects


def test_json_with_repeated_nodes_and_a_lone_edges_document(store):
    report = load(store, "kgx", ["kgx/valid.json", "kgx/json_edges.json"])
    assert report.bad == 0
    assert store.node("MONDO:0005002").name == "chronic obstructive pulmonary disease"
    assert store.node("EFO:0000246").name == "age"


@pytest.mark.parametrize("name", ["BFO_2_relaxed.json", "goslim_generic.json", "phenio.json"])
def test_obo_graphs_json_is_named_not_misread(store, name):
    with pytest.raises(InputError, match=r"OBO Graphs JSON file, not KGX.*obographs"):
        load(store, "kgx", [f"kgx/{name}"])


def test_obo_graphs_json_reads_like_the_same_ontology_in_owl(store, tmp_path):
    from kgtwin.store import open_store

    report = load(store, "obographs", ["kgx/goslim_generic.json"])
    with open_store(tmp_path / "owl") as other:
        owl = load(other, "owl", ["kgx/goslim_generic.owl"])
        expected = {(e.subject, e.predicate, e.object) for e in other.edges()}
        names = {n.id: (n.name, n.category) for n in other.nodes()}
    assert (report.counts.nodes, report.counts.edges, report.bad) == \
        (owl.counts.nodes, owl.counts.edges, 0)
    assert {(e.subject, e.predicate, e.object) for e in store.edges()} == expected
    assert {n.id: (n.name, n.category) for n in store.nodes()} == names
    def objects(predicate: str) -> set[str]:
        return {e.object for e in store.edges(subject="GO:0005615", predicate=predicate)}

    # extracellular space: is_a cellular_component, part_of extracellular region
    assert objects("biolink:subclass_of") == {"GO:0005575"}
    assert objects("biolink:part_of") == {"GO:0005576"}


def test_obo_graphs_bfo_and_a_file_of_no_class(store):
    report = load(store, "obographs", ["kgx/BFO_2_relaxed.json"])
    assert (report.counts.nodes, report.counts.edges, report.bad) == (35, 35, 0)
    # phenio.json holds one deprecated GO term typed as an individual, and no class
    with pytest.raises(InputError, match=r"phenio\.json: no records"):
        load(store, "obographs", ["kgx/phenio.json"])


def test_chebi_tsv_loads_whole_with_its_has_attribute_edge(store):
    """biolink:has_attribute is a Biolink slot outside the related_to tree (entity to
    attribute; RO:0000087 'has role' among its mappings): the file is valid, every row
    loads without --skip-bad."""
    report = load(store, "kgx", ["kgx/chebi_kgx_tsv_nodes.tsv", "kgx/chebi_kgx_tsv_edges.tsv"])
    with open(real("kgx", "chebi_kgx_tsv_edges.tsv"), newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert report.bad == 0 and report.counts.edges == len(rows)
    (role,) = store.edges(subject="CHEBI:101257", predicate="biolink:has_attribute")
    assert role.object == "CHEBI:67267"
    expected = {r["object"] for r in rows
                if r["subject"] == "CHEBI:101257" and r["predicate"] == "biolink:subclass_of"}
    parents = {e.object for e in store.edges(subject="CHEBI:101257",
                                             predicate="biolink:subclass_of")}
    assert parents == expected and "CHEBI:22702" in parents


def test_monarch_edges_without_a_nodes_file(store):
    report = load(store, "kgx", ["kgx/monarch-tiny_edges.tsv"])
    assert (report.counts.edges, report.bad) == (500, 0)
