"""Hetionet JSON edges as codes: each distinct id and ``data`` mapped once, the same graph.

The columnar reader keeps an edge as four integers (subject, kind, object, properties
text); ``data`` that cannot be a dictionary key (a list among its values), missing
``data``, the same ``data`` under several kinds, and ids seen first as a target must
all store what the record path stores.
"""

from __future__ import annotations

import json

from tests.real.conftest import real
from tests.store.test_columnar_load import FALLBACK, assert_same, both, genes  # noqa: F401


def test_unusual_edge_data_store_what_the_record_path_stores(tmp_path, caplog):
    document = json.loads(real("hetio", "disease-gene-example-graph.json").read_text())
    edges = document["edges"]
    for number, edge in enumerate(edges):
        if number % 4 == 0:
            edge["data"] = {**edge.get("data", {}), "pubmed_ids": [number, number + 1]}
        elif number % 4 == 1:
            edge.pop("data", None)
        elif number % 4 == 2:
            edge["data"] = {"source": "same everywhere"}
    edges.reverse()  # targets before sources
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(document))
    caplog.set_level("INFO", logger="kgtwin.load")
    [ours], [theirs], columnar, records = both(tmp_path, [[path]], "hetionet")
    assert FALLBACK not in caplog.text
    assert ours.counts == theirs.counts and ours.reconciliation == theirs.reconciliation
    assert_same(columnar, records)
    listed = [e for e in columnar.edges() if "pubmed_ids" in (e.properties or {})]
    assert listed and all(isinstance(e.properties["pubmed_ids"], list) for e in listed)
