"""OBO and OWL loaders on real-syntax slices of MONDO, HP and GO."""

from __future__ import annotations

import obonet
import pytest
from loader_testing import DATA, DEMO, records

from kgtwin.errors import InputError
from kgtwin.model import Edge, Node


def nodes(found):
    return {r.id: r for r in found if isinstance(r, Node)}


def edges(found):
    return {(e.subject, e.predicate, e.object, e.sign) for e in found if isinstance(e, Edge)}


def test_categories_follow_the_ontology_and_go_namespace():
    found = nodes(records("obo", DEMO / "go_slice.obo"))
    assert found["GO:0008283"].category == "biolink:BiologicalProcess"
    assert found["GO:0004672"].category == "biolink:MolecularActivity"
    assert found["GO:0005739"].category == "biolink:CellularComponent"
    hp = nodes(records("obo", DEMO / "hp_slice.obo"))
    assert hp["HP:0002861"].category == "biolink:PhenotypicFeature"
    mondo = nodes(records("obo", DEMO / "mondo_slice.obo"))
    assert mondo["MONDO:0005105"].category == "biolink:Disease"


def test_is_a_and_go_regulation_relations_become_edges():
    found = edges(records("obo", DEMO / "go_slice.obo"))
    assert ("GO:0006915", "biolink:subclass_of", "GO:0012501", 0) in found
    assert ("GO:0043066", "biolink:regulates", "GO:0006915", -1) in found
    assert ("GO:0008284", "biolink:regulates", "GO:0008283", 1) in found


def test_only_declared_equivalent_xrefs_join_identity():
    found = nodes(records("obo", "edge_cases.obo"))
    melanoma = found["MONDO:0005105"]
    assert "DOID:1909" in melanoma.xrefs  # {source="MONDO:equivalentTo"}
    assert "MONDO:0100001" in melanoma.xrefs  # alt_id
    assert "ICD10CM:C43" not in melanoma.xrefs  # MONDO:relatedTo
    assert "DOID:0000000" not in melanoma.xrefs  # no equivalence annotation
    assert set(melanoma.properties["related_xrefs"]) == {"ICD10CM:C43", "DOID:0000000"}


def test_quoted_definitions_comments_obsolete_and_typedefs():
    found = records("obo", "edge_cases.obo")
    melanoma = nodes(found)["MONDO:0005105"]
    assert melanoma.properties["definition"] == 'A malignant "neoplasm" of melanocytes! See: skin.'
    assert melanoma.properties["synonyms"] == ["malignant melanoma"]
    assert "MONDO:0000000" not in nodes(found)  # obsolete
    assert "part_of" not in nodes(found)  # Typedef
    assert ("MONDO:0005105", "biolink:part_of", "UBERON:0002097", 0) in edges(found)
    assert "MONDO:0000000" in nodes(records("obo", "edge_cases.obo", include_obsolete=True))


def test_source_version_is_the_data_version():
    from kgtwin.loaders.ontology import OboLoader

    assert OboLoader([DATA / "edge_cases.obo"]).source_version() == "releases/2024-01-01"


def test_stream_agrees_with_obonet_on_terms_and_is_a():
    for name in ("go_slice.obo", "mondo_slice.obo", "hp_slice.obo"):
        graph = obonet.read_obo(DEMO / name)
        ours = records("obo", DEMO / name)
        assert set(nodes(ours)) == set(graph.nodes)
        theirs = {(a, b) for a, b, kind in graph.edges(keys=True) if kind == "is_a"}
        assert {(s, o) for s, p, o, _ in edges(ours) if p == "biolink:subclass_of"} == theirs


def test_bad_line_stops_with_file_and_line(load, store):
    with pytest.raises(InputError) as raised:
        load("obo", "malformed.obo")
    assert raised.value.where == 7 and "malformed.obo" in str(raised.value)
    assert store.counts().nodes == 0  # nothing of the file was written


def test_skip_bad_counts_and_keeps_good_terms(load, store):
    report = load("obo", "malformed.obo", skip_bad=True)
    assert report.bad == 2
    assert {n.id for n in store.nodes()} == {"HP:0002861", "HP:0002664"}


def test_mondo_xref_finds_the_mondo_node(load, store):
    load("obo", DEMO / "mondo_slice.obo")
    assert store.resolve("DOID:1909") == "MONDO:0005105"
    assert store.resolve("omim:114500") == "MONDO:0005575"
    assert store.node("DOID:9256").name == "colorectal cancer"


def test_owl_reader_matches_obo_conventions():
    found = records("owl", "mondo_slice.owl")
    melanoma = nodes(found)["MONDO:0005105"]
    assert melanoma.name == "melanoma"
    assert melanoma.category == "biolink:Disease"
    assert "DOID:1909" in melanoma.xrefs and "ICD10CM:C43" not in melanoma.xrefs
    assert melanoma.properties["definition"].startswith("A malignant neoplasm")
    assert "MONDO:0000000" not in nodes(found)  # owl:deprecated
    parents = {e.object for e in found if isinstance(e, Edge) and e.subject.endswith("0005105")}
    assert parents == {"http://purl.obolibrary.org/obo/MONDO_0004992"}


def test_owl_loads_into_the_store(load, store):
    load("owl", "mondo_slice.owl")
    assert store.resolve("DOID:162") == "MONDO:0004992"
    assert [e.object for e in store.edges(subject="MONDO:0005105")] == ["MONDO:0004992"]


def test_unparseable_owl_is_an_input_error(tmp_path, load):
    bad = tmp_path / "bad.owl"
    bad.write_text("<rdf:RDF this is not xml")
    with pytest.raises(InputError):
        load("owl", bad)


def test_compressed_owl_and_obo(tmp_path):
    import gzip

    for name in ("mondo_slice.owl", "edge_cases.obo"):
        packed = tmp_path / (name + ".gz")
        packed.write_bytes(gzip.compress((DATA / name).read_bytes()))
        loader = "owl" if name.endswith(".owl") else "obo"
        assert records(loader, packed) == records(loader, DATA / name)
