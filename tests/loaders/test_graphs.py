"""Existing graphs: Hetionet JSON and PrimeKG kg.csv mapped to Biolink."""

from __future__ import annotations

import pytest
from loader_testing import records

from kgtwin.errors import InputError
from kgtwin.model import Edge, Node


def edges(found):
    return {(e.subject, e.predicate, e.object, e.sign, e.aligned)
            for e in found if isinstance(e, Edge)}


def test_hetionet_kinds_become_biolink():
    found = records("hetionet", "hetionet_sample.json")
    nodes = {r.id: r for r in found if isinstance(r, Node)}
    assert nodes["NCBIGene:673"].category == "biolink:Gene"
    assert nodes["DRUGBANK:DB08881"].category == "biolink:Drug"
    assert nodes["UMLS:C0015230"].category == "biolink:PhenotypicFeature"
    assert not nodes["hetionet:PC7_7459"].aligned  # no registry for Pathway Commons ids
    found_edges = edges(found)
    assert ("DRUGBANK:DB08881", "biolink:treats", "DOID:1909", 0, True) in found_edges
    assert ("DRUGBANK:DB08881", "biolink:affects", "NCBIGene:5604", -1, True) in found_edges
    assert ("NCBIGene:673", "biolink:participates_in", "hetionet:PC7_7459", 0,
            False) in found_edges
    binds = next(e for e in found if isinstance(e, Edge) and e.object == "NCBIGene:673"
                 and e.subject.startswith("DRUGBANK"))
    assert binds.properties["sources"] == ["DrugBank (target)", "ChEMBL"]
    assert binds.properties["affinity_nM"] == 31.0


def test_hetionet_loads_into_the_store(load, store):
    load("hetionet", "hetionet_sample.json")
    counts = store.counts()
    assert counts.nodes == 6 and counts.edges == 7 and counts.unaligned_nodes == 1
    assert store.node("ncbigene:673").name == "BRAF"


def test_broken_hetionet_json_is_an_input_error(tmp_path, load, store):
    bad = tmp_path / "h.json"
    bad.write_text('{"nodes": [{"kind": "Gene", "identifier": 1, "name": "A1BG"}, {"kind": ')
    with pytest.raises(InputError, match="not valid Hetionet JSON"):
        load("hetionet", bad)
    assert store.counts().nodes == 0


def test_primekg_ids_padded_and_reversed_rows_turned_round():
    found = records("primekg", "primekg_sample.csv")
    found_edges = edges(found)
    assert ("DRUGBANK:DB08881", "biolink:affects", "NCBIGene:673", 0, True) in found_edges
    assert ("NCBIGene:673", "biolink:affects", "DRUGBANK:DB08881", 0, True) not in found_edges
    assert ("DRUGBANK:DB08881", "biolink:treats", "MONDO:0005105", 0, True) in found_edges
    assert ("MONDO:0005105", "biolink:has_phenotype", "HP:0002861", 0, True) in found_edges
    grouped = next(r for r in found if isinstance(r, Node) and r.id.startswith("primekg:"))
    assert not grouped.aligned
    assert len([r for r in found if isinstance(r, Node)]) == 7  # each node once


def test_primekg_missing_columns(tmp_path, load):
    bad = tmp_path / "kg.csv"
    bad.write_text("relation,x_id\nppi,1\n")
    with pytest.raises(InputError, match="missing column"):
        load("primekg", bad)
