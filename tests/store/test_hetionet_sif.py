"""Hetionet's node table and edge table (``nodes.tsv`` + ``edges.sif``) load the graph
its JSON loads, less the edges' ``data``; by columns as record by record.

The pair is written from the real random subgraph (every one of Hetionet v1.0's 24
metaedges), with each metaedge abbreviated as hetnetpy abbreviates it from the JSON's
``kind_to_abbrev``, so ``graph_kinds.yaml``'s ``metaedges`` are checked against it too.
"""

from __future__ import annotations

import gzip
import json
import logging
import lzma

import pytest
from kgtwin.loaders.graph_kinds import graph_kinds

from kgtwin.errors import InputError
from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore
from tests.real.conftest import real
from tests.store.test_columnar_load import FALLBACK, assert_same, both, genes  # noqa: F401


def abbreviation(document: dict, source: str, kind: str, target: str, direction: str) -> str:
    names = document["kind_to_abbrev"]
    return f"{names[source]}{names[kind]}{'>' if direction == 'forward' else ''}{names[target]}"


def write_pair(document: dict, folder, *, compressed: bool = True):
    """Hetionet's two TSV files of ``document``, as its release writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = folder / "nodes.tsv"
    nodes.write_text("id\tname\tkind\n" + "".join(
        f"{n['kind']}::{n['identifier']}\t{n['name']}\t{n['kind']}\n"
        for n in document["nodes"]))
    direction = {tuple(t[:3]): t[3] for t in document["metaedge_tuples"]}
    lines = ["source\tmetaedge\ttarget\n"]
    for edge in document["edges"]:
        (source, source_id), (target, target_id) = edge["source_id"], edge["target_id"]
        metaedge = abbreviation(document, source, edge["kind"], target,
                                direction[(source, target, edge["kind"])])
        lines.append(f"{source}::{source_id}\t{metaedge}\t{target}::{target_id}\n")
    edges = folder / ("edges.sif.gz" if compressed else "edges.sif")
    text = "".join(lines).encode()
    edges.write_bytes(gzip.compress(text) if compressed else text)
    return nodes, edges


@pytest.fixture(scope="module")
def document() -> dict:
    with lzma.open(real("hetio", "random-subgraph.json.xz"), "rt") as handle:
        return json.load(handle)


def test_metaedges_are_hetnetpy_abbreviations(document):
    tuples = {abbreviation(document, s, k, t, d): (s, k, t)
              for s, t, k, d in document["metaedge_tuples"]}
    assert graph_kinds("hetionet")["metaedges"] == tuples
    assert len(tuples) == 24


def test_sif_pair_loads_the_json_graph_by_columns_and_records(tmp_path, document, caplog):
    path = tmp_path / "graph.json"
    for node in document["nodes"]:
        node["data"] = {}  # the node table has no data either
    path.write_text(json.dumps(document))
    nodes, edges = write_pair(document, tmp_path / "tsv")
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    from_json = EmbeddedStore(tmp_path / "json")
    load_files(from_json, "hetionet", [path])
    [ours], [theirs], columnar, records = both(tmp_path, [[nodes, edges]], "hetionet")
    assert FALLBACK not in caplog.text
    assert ours.counts == theirs.counts and ours.reconciliation == theirs.reconciliation
    assert_same(columnar, records)
    assert ours.counts.edges == len(document["edges"])

    def graph(store: EmbeddedStore) -> tuple[set, set]:
        return ({(n.id, n.category, n.name, n.aligned) for n in store.nodes()},
                {(e.subject, e.predicate, e.object, tuple(sorted(e.qualifiers.items())),
                  e.properties.get("hetionet_kind")) for e in store.edges()})

    assert graph(columnar) == graph(from_json)


def test_chunks_of_a_few_lines_give_the_same_graph(tmp_path, document, monkeypatch):
    from kgtwin.loaders import table_columns

    monkeypatch.setattr(table_columns, "BLOCK_BYTES", 200)
    nodes, edges = write_pair(document, tmp_path, compressed=False)
    columnar, records = EmbeddedStore(tmp_path / "c"), EmbeddedStore(tmp_path / "r")
    load_files(columnar, "hetionet", [nodes, edges])
    load_files(records, "hetionet", [nodes, edges], columnar=False)
    assert_same(columnar, records)


@pytest.mark.parametrize(("row", "reason"), [
    ("Gene::9021\tGxBP\tBiological Process::GO:0071357", "unknown metaedge 'GxBP'"),
    ("Gene9021\tGpBP\tBiological Process::GO:0071357", "source must read KIND::IDENTIFIER"),
    ("Gene::9021\tGpBP\tBiological Process::", "target must read KIND::IDENTIFIER"),
    ("Compound::DB00001\tGpBP\tBiological Process::GO:0071357",
     "metaedge GpBP joins Gene to Biological Process; the source is 'Compound::DB00001'"),
    ("Gene::9021\tGpBP", "expected 3 fields, found 2"),
])
def test_bad_rows_are_named_by_file_and_line(tmp_path, caplog, row, reason):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    path = tmp_path / "edges.sif"
    path.write_text("source\tmetaedge\ttarget\n"
                    "Gene::9021\tGpBP\tBiological Process::GO:0071357\n"
                    f"{row}\nCompound::DB00001\tCbG\tGene::9021\n")
    with pytest.raises(InputError, match=rf"edges\.sif:3: .*{reason}"):
        load_files(EmbeddedStore(tmp_path / "store"), "hetionet", [path])
    assert FALLBACK in caplog.text
    report = load_files(EmbeddedStore(tmp_path / "skip"), "hetionet", [path], skip_bad=True)
    assert report.bad == 1 and report.counts.edges == 2
