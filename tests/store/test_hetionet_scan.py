"""Hetionet JSON edges matched as bytes give what ijson gives, or are left to ijson.

The byte scanner takes only the one-edge-a-line layout with plain strings; reordered
keys, other spacing, escapes, nested ``data``, big numbers or anything else must either
be read to the same columns as the ijson reader or be refused (None) before an edge.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import lzma
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kgtwin.loaders import hetionet_scan
from kgtwin.loaders.hetionet_columns import HetionetNodes, edge_columns, ijson_edge_columns
from kgtwin.loaders.hetionet_scan import scanned_columns

from kgtwin.columns import NotColumnar
from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore
from tests.real.conftest import real
from tests.store.test_columnar_load import FALLBACK, assert_same, both, genes  # noqa: F401

_TEXT = st.one_of(st.text(st.sampled_from("aZ é_:-.0\u2603"), max_size=6),
                  st.text(st.sampled_from('aZ é_:-"\\[]{}\n\t\u2603'), max_size=6))
_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10, 2**70),
                    st.floats(allow_nan=False, allow_infinity=False), _TEXT)
_DATA = st.dictionaries(st.sampled_from(["source", "unbiased", "z", "pubmed_ids", ""]),
                        st.one_of(_SCALAR, _SCALAR, st.lists(_SCALAR, max_size=3),
                                  st.dictionaries(st.just("inner"), _SCALAR, max_size=1)),
                        max_size=3)
_END = st.tuples(st.sampled_from(["Gene", "Disease", "Compound", "Tissue"]),
                 st.one_of(st.integers(0, 99_999), st.integers(0, 10**16),
                           st.sampled_from(["DOID:1", "DB00001", "x y"]), _TEXT.filter(bool)))
_EDGE = st.fixed_dictionaries(
    {"source_id": _END, "target_id": _END,
     "kind": st.sampled_from(["associates", "binds", "upregulates", "resembles"]),
     "data": _DATA}, optional={"direction": st.sampled_from(["both", "forward"])})
_CANONICAL = {"shuffle": False, "separators": (", ", ": "), "between": ",\n", "ascii": False,
              "open": '"edges": [\n', "close": "\n]}\n"}
_LAYOUT = st.just(_CANONICAL) | st.fixed_dictionaries({
    "shuffle": st.booleans(), "separators": st.sampled_from([(", ", ": "), (",", ":")]),
    "between": st.sampled_from([",\n", ", ", ",\n\n"]), "ascii": st.booleans(),
    "open": st.sampled_from(['"edges": [\n', '"edges":[\n', '"edges": [']),
    "close": st.sampled_from(["\n]}\n", "\n]}", "]}\n", "\n] }\n"])})


def write(path: Path, edges: list[dict], layout: dict, order: list[int]) -> None:
    """The edges written one a line (key order, spacing and escapes as ``layout`` says)."""
    lines = []
    for edge in edges:
        keys = [k for k in ("source_id", "target_id", "kind", "direction", "data") if k in edge]
        if layout["shuffle"]:
            keys = [keys[i % len(keys)] for i in order[: len(keys)]]
            keys += [k for k in edge if k not in keys]
        lines.append(json.dumps({k: edge[k] for k in keys}, separators=layout["separators"],
                                ensure_ascii=layout["ascii"]))
    head = json.dumps({"metanode_kinds": ["Gene"], "nodes": []})[:-1]
    path.write_text(head + ", " + layout["open"] + layout["between"].join(lines)
                    + layout["close"], encoding="utf-8")


def rows(chunks) -> list[tuple]:
    """Each edge's values, sorted (the store keeps no order)."""
    found = []
    for chunk in chunks:
        columns = [chunk.subject, chunk.predicate, chunk.object, chunk.qualifiers,
                   chunk.properties]
        values = [[f.values[i] for i in f.codes.tolist()] for f in columns]
        found.extend((*row, chunk.aligned) for row in zip(*values, strict=True))
    return sorted(found)


def read(path: Path, scan: bool) -> list[tuple] | None:
    """The scanner's rows (None: refused), or the ijson reader's; NotColumnar as a value."""
    loader = HetionetNodes([path])
    try:
        if scan:
            scanned = scanned_columns(loader, path, chunk=3)
            return None if scanned is None else rows(scanned)
        return rows(ijson_edge_columns(loader, path, chunk=3))
    except NotColumnar:
        return [("NotColumnar",)]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edges=st.lists(_EDGE, min_size=1, max_size=6), layout=_LAYOUT,
       order=st.permutations(range(5)))
def test_the_scanner_reads_what_ijson_reads_or_refuses(tmp_path, edges, layout, order):
    path = tmp_path / "graph.json"
    write(path, edges, layout, order)
    scanned = read(path, scan=True)
    if scanned is not None:
        assert scanned == read(path, scan=False)


def canonical(path: Path) -> Path:
    """The real example graph written as Hetionet's generator writes: one edge a line."""
    document = json.loads(real("hetio", "disease-gene-example-graph.json").read_text())
    edges = document.pop("edges")
    for number, edge in enumerate(edges):  # a list in some data, a float, a pathway id
        edge.setdefault("data", {})
        if number % 5 == 0:
            edge["data"]["pubmed_ids"] = [number, number + 1]
        elif number % 5 == 1:
            edge["data"]["z_score"] = number / 7
    head = json.dumps(document)[:-1]
    path.write_text(head + ', "edges": [\n' + ",\n".join(json.dumps(e) for e in edges)
                    + "\n]}\n", encoding="utf-8")
    return path


def test_the_canonical_layout_is_scanned_and_stores_what_the_record_path_stores(
        tmp_path, caplog):
    path = canonical(tmp_path / "graph.json")
    assert scanned_columns(HetionetNodes([path]), path, chunk=10) is not None
    assert read(path, scan=True) == read(path, scan=False)
    caplog.set_level("INFO", logger="kgtwin.load")
    [ours], [theirs], columnar, records = both(tmp_path, [[path]], "hetionet")
    assert FALLBACK not in caplog.text
    assert ours.counts == theirs.counts and ours.reconciliation == theirs.reconciliation
    assert_same(columnar, records)


@pytest.mark.parametrize("damage", [
    (b'{"source_id"', b'{"target_id": ["Gene", 1], "source_id"'),  # a repeated key
    (b'\n]}\n', b',\n]}\n'),                              # a trailing comma
    (b'"metanode_kinds"', b'"edges": [], "metanode_kinds"'),  # edges twice
    (b'"pubmed_ids": [0, 1]', b'"pubmed_ids": [0, NaN]'),
])
def test_other_layouts_are_left_to_ijson(tmp_path, damage):
    path = canonical(tmp_path / "graph.json")
    text = path.read_bytes()
    assert damage[0] in text
    path.write_bytes(text.replace(damage[0], damage[1], 1))
    assert scanned_columns(HetionetNodes([path]), path, chunk=10) is None
    with contextlib.suppress(NotColumnar):  # ijson's answer, whatever it is
        list(edge_columns(HetionetNodes([path]), path))


@pytest.mark.parametrize("spacing", [
    (b'"kind": "localization"', b'"kind":  "localization"'),
    (b'"edges": [\n', b'"edges" :[ \n\t'),
    (b'], "target_id"', b']\r\n ,"target_id"'),
])
def test_other_whitespace_is_scanned_alike(tmp_path, spacing):
    path = canonical(tmp_path / "graph.json")
    text = path.read_bytes()
    assert spacing[0] in text
    path.write_bytes(text.replace(spacing[0], spacing[1]))
    assert scanned_columns(HetionetNodes([path]), path, chunk=10) is not None
    assert read(path, scan=True) == read(path, scan=False)


def test_hetnetpy_indented_files_are_scanned_and_read_as_ijson_reads_them(tmp_path):
    """Hetionet's own files are written by hetnetpy, indented (the real random subgraph:
    all 24 metaedges); the scanner takes them and gives what ijson gives."""
    path = tmp_path / "random-subgraph.json"
    path.write_bytes(lzma.decompress(real("hetio", "random-subgraph.json.xz").read_bytes()))
    assert b'\n    {\n      "source_id": [\n' in path.read_bytes()
    assert scanned_columns(HetionetNodes([path]), path, chunk=100) is not None
    assert read(path, scan=True) == read(path, scan=False)


def test_equal_values_of_other_types_keep_their_own_texts(tmp_path, caplog):
    """``true``, ``1`` and ``1.0`` are equal as Python keys; each is stored as written,
    by bytes (one edge a line) and by ijson (indented) alike."""
    edges = [{"source_id": ["Gene", n], "target_id": ["Gene", n + 1], "kind": "interacts",
              "data": {"z": value}} for n, value in enumerate([True, 1, 1.0, False, 0])]
    caplog.set_level("INFO", logger="kgtwin.load")
    for name, text in (("lines", '{"nodes": [], "edges": [\n'
                        + ",\n".join(json.dumps(e) for e in edges) + "\n]}\n"),
                       ("indented", json.dumps({"nodes": [], "edges": edges}, indent=1))):
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        columnar = EmbeddedStore(tmp_path / f"{name}-c")
        records = EmbeddedStore(tmp_path / f"{name}-r")
        load_files(columnar, "hetionet", [path])
        load_files(records, "hetionet", [path], columnar=False)
        assert FALLBACK not in caplog.text
        assert_same(columnar, records)
        assert len({e.properties["z"].__repr__() for e in columnar.edges()}) == 5


def fixed_layout_used(path: Path) -> bool:
    """Whether the first expression tried is a fixed layout's (not the any-whitespace one)
    and covers the file's edges."""
    document = path.read_bytes()
    start, end = hetionet_scan._edges_span(document)
    pattern, covers = next(hetionet_scan._patterns(document, start))
    found = pattern.findall(document, start, end)
    factors = [hetionet_scan._factor(found, group) for group in range(3)]
    return pattern is not hetionet_scan._EDGE and covers(document, start, end, factors)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edges=st.lists(_EDGE, min_size=1, max_size=5),
       indent=st.sampled_from([0, 1, 2, 4, "\t"]), ascii=st.booleans())
def test_indented_files_are_scanned_as_ijson_reads_them_or_refused(tmp_path, edges, indent,
                                                                   ascii):
    path = tmp_path / "graph.json"
    path.write_text(json.dumps({"metanode_kinds": ["Gene"], "nodes": [], "edges": edges},
                               indent=indent, ensure_ascii=ascii), encoding="utf-8")
    scanned = read(path, scan=True)
    if scanned is not None:
        assert scanned == read(path, scan=False)


def test_the_indented_layout_is_matched_by_its_fixed_expression(tmp_path):
    """hetnetpy's layout (the real random subgraph, and the benchmark's generated graph,
    which must be the bytes ``json.dump(..., indent=2)`` writes) is covered by lengths
    alone; one indented otherwise is still scanned alike."""
    spec = importlib.util.spec_from_file_location(
        "benchmark_loaders", Path(__file__).parents[2] / "benchmarks" / "loaders.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generated = tmp_path / "generated.json"
    generator.write_hetionet(generated, 0.0005)
    text = generated.read_text()
    assert text == json.dumps(json.loads(text), indent=2)
    lines = tmp_path / "lines.json"
    generator.write_hetionet(lines, 0.0005, "lines")
    assert json.loads(lines.read_text()) == json.loads(text)
    real_file = tmp_path / "random-subgraph.json"
    real_file.write_bytes(lzma.decompress(real("hetio", "random-subgraph.json.xz").read_bytes()))
    for path in (generated, lines, real_file):
        assert fixed_layout_used(path)
        assert read(path, scan=True) == read(path, scan=False)
    original = real_file.read_bytes()
    assert original.endswith(b'\n    }\n  ]\n}')
    for damaged_text in (original.replace(b'],\n      "kind"', b'],\n       "kind"', 1),
                         original[:-5] + b' ]\n}'):  # a key, the array's end indented otherwise
        damaged = tmp_path / "damaged.json"
        damaged.write_bytes(damaged_text)
        assert not fixed_layout_used(damaged)
        assert read(damaged, scan=True) == read(damaged, scan=False)


@pytest.mark.parametrize("damage", [
    (b'"source": "generated"', b'"source": "gene\n        rated"'),  # a raw newline
    (b'"generated"', b'"gener\\u00e9ated"'),  # an escape
    (b'\n    },\n    {', b'\n    },,\n    {'),  # two commas
])
def test_indented_files_the_scanner_cannot_take_are_left_to_ijson(tmp_path, damage):
    path = tmp_path / "graph.json"
    edges = [{"source_id": ["Gene", n], "target_id": ["Gene", n + 1], "kind": "interacts",
              "direction": "both", "data": {"source": "generated"}} for n in range(3)]
    text = json.dumps({"nodes": [], "edges": edges}, indent=2).encode()
    assert damage[0] in text
    path.write_bytes(text.replace(damage[0], damage[1], 1))
    assert scanned_columns(HetionetNodes([path]), path, chunk=10) is None


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("ending", [",]}\n", ",ab]}\n", ",\n ]\n}", ",\n]\n}"])
def test_a_trailing_comma_or_bytes_after_the_last_edge_are_not_skipped(tmp_path, indent,
                                                                        ending):
    """A fixed layout's coverage is by lengths: the bytes after the last edge must be the
    layout's own closing, not a comma and bytes the lengths would not notice."""
    edges = [{"source_id": ["Gene", n], "target_id": ["Gene", n + 1], "kind": "interacts",
              "direction": "both", "data": {}} for n in range(3)]
    text = (json.dumps({"nodes": [], "edges": edges}, indent=2) if indent
            else '{"nodes": [], "edges": [\n' + ",\n".join(json.dumps(e) for e in edges)
            + "\n]}\n")
    path = tmp_path / "graph.json"
    path.write_text(text[:text.rindex("}", 0, text.rindex("]")) + 1] + ending)
    with pytest.raises(ValueError):
        json.loads(path.read_text())
    assert scanned_columns(HetionetNodes([path]), path, chunk=10) is None
