"""Rows bound many to a statement merge exactly as one row a statement would.

The columnar merge binds :data:`~kgtwin.store.sqlite_bulk.ROWS_PER_STATEMENT` rows to
each ``INSERT … VALUES (…), (…) … ON CONFLICT`` step. Here that number is made small, so
statements of several rows, repeated keys inside one statement and across statements,
and a short last statement all occur on real files; the graph must be the one the
record path stores.
"""

from __future__ import annotations

import json

import pytest

from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore, sqlite_bulk
from tests.real.conftest import real
from tests.store.test_columnar_load import assert_same, both, genes  # noqa: F401


@pytest.mark.parametrize("rows", [1, 2, 7])
def test_kgx_loads_merge_the_same_in_statements_of_several_rows(tmp_path, monkeypatch, rows):
    monkeypatch.setattr(sqlite_bulk, "ROWS_PER_STATEMENT", rows)
    loads = [[real("kgx", "graph_nodes.tsv"), real("kgx", "graph_edges.tsv")],
             [real("kgx", "monarch-tiny_edges.tsv")],
             [real("kgx", "graph_edges.tsv"), real("kgx", "monarch-tiny_edges.tsv")]]
    ours, theirs, columnar, records = both(tmp_path, loads, skip_bad=True)
    assert [r.counts for r in ours] == [r.counts for r in theirs]
    assert_same(columnar, records)


@pytest.mark.parametrize("rows", [2, 5])
def test_repeated_hetionet_edges_merge_the_same(tmp_path, monkeypatch, rows):
    """Each edge stated twice, the second time with other data: after the key sort the
    two rows are neighbours, in one statement or across two."""
    monkeypatch.setattr(sqlite_bulk, "ROWS_PER_STATEMENT", rows)
    document = json.loads(real("hetio", "disease-gene-example-graph.json").read_text())
    document["edges"] += [{**edge, "data": {**edge.get("data", {}), "repeat": number}}
                          for number, edge in enumerate(document["edges"])]
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(document))
    columnar, records = EmbeddedStore(tmp_path / "c"), EmbeddedStore(tmp_path / "r")
    ours = load_files(columnar, "hetionet", [path])
    theirs = load_files(records, "hetionet", [path], columnar=False)
    assert ours.counts == theirs.counts
    assert ours.counts.edges == 2 * ours.counts.total_edges
    assert_same(columnar, records)
