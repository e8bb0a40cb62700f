"""The core loaders (kgx, triples) and the rules every loader shares."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kgtwin.loaders import get_loader, loader_registry
from kgtwin.loaders.kgx import KgxLoader
from kgtwin.loaders.triples import TriplesLoader

from kgtwin.errors import InputError, KgTwinError
from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore

CORE = "core"
FIXTURE = HealthCheck.function_scoped_fixture


def test_kgx_loads_nodes_and_edges_with_qualifiers_and_typed_properties(data, tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    report = load_files(store, "kgx", [data / CORE / "edges.tsv", data / CORE / "nodes.tsv"])
    assert (report.counts.nodes, report.counts.edges) == (9, 10)
    braf = store.node("uniprot:P15056")
    assert (braf.id, braf.name, braf.category) == ("HGNC:1097", "BRAF", "biolink:Gene")
    edge = next(store.edges(subject="HGNC:1097", predicate="biolink:regulates"))
    assert edge.sign == 1
    assert edge.properties["score"] == 0.95
    assert store.node("DOID:1909").id == "MONDO:0005105"


def test_reloading_an_unchanged_file_is_a_no_op(data, tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    files = [data / CORE / "nodes.tsv", data / CORE / "edges.tsv"]
    load_files(store, "kgx", files)
    again = load_files(store, "kgx", files)
    assert again.skipped
    assert len(store.ledger()) == 1


def test_triples_with_curies_are_aligned(data, tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    load_files(store, "triples", [data / CORE / "aligned.triples.tsv"])
    edge = next(store.edges(predicate="treats"))
    assert (edge.subject, edge.object, edge.aligned) == ("DRUGBANK:DB08881", "DOID:1909", True)


def test_triples_outside_biolink_are_kept_in_a_namespace_and_marked_unaligned(data, tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    load_files(store, "triples", [data / CORE / "nations.head.tsv"],
               options={"namespace": "nations"})
    counts = store.counts()
    assert counts.unaligned_edges == counts.edges == 20
    assert store.node("nations:uk") is not None
    assert "nations:militaryalliance" in counts.edges_by_predicate


def test_triples_without_namespace_reject_non_curies_with_file_and_line(data, tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    with pytest.raises(InputError, match=r"nations.head.tsv:1: 'netherlands' is not a CURIE"):
        load_files(store, "triples", [data / CORE / "nations.head.tsv"])
    assert store.counts().edges == 0
    assert store.ledger() == []


def test_a_bad_record_stops_the_load_and_nothing_of_the_file_is_written(data, tmp_path):
    bad = tmp_path / "edges.tsv"
    lines = (data / CORE / "edges.tsv").read_text().splitlines()
    lines.insert(4, "HGNC:1097\tbiolink:regulatez\tHGNC:6840\t\t\t")
    bad.write_text("\n".join(lines) + "\n")
    store = EmbeddedStore(tmp_path / "s")
    load_files(store, "kgx", [data / CORE / "nodes.tsv"])
    before = store.checksum()
    with pytest.raises(InputError, match=r"edges.tsv:5: unknown Biolink predicate"):
        load_files(store, "kgx", [bad])
    assert store.checksum() == before


def test_skip_bad_counts_bad_records_and_reports_examples(data, tmp_path):
    bad = tmp_path / "edges.tsv"
    lines = (data / CORE / "edges.tsv").read_text().splitlines()
    lines[2:2] = ["HGNC:1097\tbiolink:regulatez\tHGNC:6840\t\t\t", "HGNC:1097\tonly-two",
                  "HGNC:1097\t" + "\t".join(["x"] * 6)]
    bad.write_text("\n".join(lines) + "\n")
    store = EmbeddedStore(tmp_path / "s")
    report = load_files(store, "kgx", [bad], skip_bad=True)
    assert report.bad == 3
    assert report.counts.edges == 10
    assert "edges.tsv:3" in report.bad_examples[0]
    # A short row is read with its trailing fields empty (KGX writers drop them), so
    # this one is bad for what it lacks; a long row is bad for its field count.
    assert "edges.tsv:4: edge without subject, predicate or object" in report.bad_examples[1]
    assert "edges.tsv:5: expected 6 fields, found 7" in report.bad_examples[2]


def test_wrong_encoding_is_a_bad_record_naming_the_line(tmp_path):
    path = tmp_path / "t.tsv"
    path.write_bytes(b"HGNC:1097\tbiolink:regulates\tHGNC:6840\nHGNC:\xff\xfe\tx\ty\n")
    loader = TriplesLoader([path])
    with pytest.raises(InputError, match=r"t.tsv:2: not valid UTF-8"):
        list(loader.records())


def test_kgx_file_with_unknown_header_is_rejected(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("foo\tbar\n1\t2\n")
    with pytest.raises(InputError, match=r"x\.tsv:1: header has neither"):
        list(KgxLoader([path]).records())


def test_unknown_format_names_the_known_ones():
    with pytest.raises(KgTwinError, match=r"known: .*kgx.*triples"):
        get_loader("nope")


def test_every_registered_loader_is_documented_and_tested():
    """Like PyKEEN's MetaTestCase: a loader without docs or a test fails the build."""
    from pathlib import Path

    tests = "\n".join(p.read_text() for p in Path(__file__).parents[1].rglob("test_*.py"))
    for cls in loader_registry():
        assert cls.__doc__ and cls.description, cls
        assert f'"{cls.name}"' in tests, f"no test loads the {cls.name!r} loader"


lines = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30), max_size=5
).map("\t".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[FIXTURE])
@given(st.lists(lines, max_size=8))
def test_triples_parser_never_crashes_on_garbage(tmp_path, rows):
    path = tmp_path / "garbage.tsv"
    path.write_text("\n".join(rows), encoding="utf-8")
    loader = TriplesLoader([path], skip_bad=True, namespace="x")
    records = list(loader.records())
    assert all(r.subject and r.predicate and r.object for r in records)


@settings(max_examples=40, deadline=None, suppress_health_check=[FIXTURE])
@given(st.lists(lines, max_size=6), st.booleans())
def test_kgx_parser_reports_bad_rows_as_input_errors_only(tmp_path, rows, edges):
    path = tmp_path / "k.tsv"
    header = "subject\tpredicate\tobject" if edges else "id\tcategory\tname"
    path.write_text("\n".join([header, *rows]), encoding="utf-8")
    try:
        list(KgxLoader([path]).records())
    except InputError as error:
        assert error.path == str(path)
