"""Measurements, single and in blocks: one table, the same merge rules on every back end."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kgtwin.model import MeasurementBlock, Node, measurement_rows
from kgtwin.store import EmbeddedStore

from .records import aligned, source

SAMPLES = ["KGTWIN.SAMPLE:S1", "KGTWIN.SAMPLE:S2", "KGTWIN.SAMPLE:S3"]
GENES = ["HGNC:1097", "HGNC:6840", "HGNC:11998", "ENSEMBL:ENSG00000133703", "NCBIGene:1956"]
NAN = math.nan


def table(store) -> list[tuple]:
    """The stored measurements as plain sorted tuples (NaN and None both as None)."""
    frame = store.measurements()
    rows = []
    for entity, feature, kind, value, zscore in frame.itertuples(index=False):
        missing = zscore is None or (isinstance(zscore, float) and math.isnan(zscore))
        rows.append((entity, feature, kind, float(value), None if missing else float(zscore)))
    return sorted(rows)


def block(values, zscores=None, *, features=GENES[:2], entities=SAMPLES[:2], kind="expression"):
    return MeasurementBlock(kind, features, entities, np.array(values, dtype=float),
                            None if zscores is None else np.array(zscores, dtype=float))


def test_a_block_means_its_rows():
    b = block([[1.0, NAN], [3.0, 4.0]], [[0.5, NAN], [NAN, -1.0]])
    assert len(b) == 3 and b.size == 4
    rows = [(m.entity, m.feature, m.value, m.zscore) for m in b.rows()]
    assert rows == [(SAMPLES[0], GENES[0], 1.0, 0.5), (SAMPLES[0], GENES[1], 3.0, None),
                    (SAMPLES[1], GENES[1], 4.0, -1.0)]
    assert [m.feature for m in measurement_rows([Node("HGNC:1097"), b])] == [
        GENES[0], GENES[1], GENES[1]]


def test_blocks_merge_like_rows_latest_source_wins(store):
    first = block([[1.0, 2.0], [3.0, 4.0]], [[-1.0, 1.0], [-1.0, 1.0]])
    counts = store.load(aligned([first]), source("a", checksum="a"))
    assert counts.measurements == 4 and store.counts().measurements == 4
    second = block([[9.0], [NAN]], features=GENES[1:3], entities=SAMPLES[:1])
    store.load(aligned([*second.rows()]), source("b", checksum="b"))
    expected = {
        (SAMPLES[0], "HGNC:1097"): (1.0, -1.0),
        (SAMPLES[0], "HGNC:6840"): (9.0, None),  # b wrote it last
        (SAMPLES[1], "HGNC:1097"): (2.0, 1.0),
        (SAMPLES[1], "HGNC:6840"): (4.0, 1.0),
    }
    assert {(e, f): (v, z) for e, f, _, v, z in table(store)} == expected
    before = table(store)
    store.load(aligned([first]), source("a", checksum="a"))  # the same source again
    assert {(e, f): (v, z) for e, f, _, v, z in table(store)}[(SAMPLES[0], "HGNC:6840")] == (
        3.0, -1.0)
    store.load(aligned([*second.rows()]), source("b", checksum="b"))
    assert table(store) == before
    store.remove_source("a")  # a alone stated three cells; the fourth b stated too
    assert table(store) == [(SAMPLES[0], "HGNC:6840", "expression", 9.0, None)]
    store.remove_source("b")
    assert table(store) == [] and store.counts().measurements == 0


def test_block_ids_are_aligned_and_follow_their_node_when_ids_merge(store):
    ensembl = "ENSEMBL:ENSG00000157764"
    store.load(aligned([block([[2.5], [0.5]], [[1.1], [NAN]], features=["ensembl:ENSG00000157764",
                                                                       "HGNC:6840"],
                              entities=SAMPLES[:1])]), source("0", checksum="0"))
    store.load(aligned([block([[7.0]], features=["HGNC:6840"], entities=[ensembl])]),
               source("1", checksum="1"))
    store.load(aligned([Node("HGNC:1097", "biolink:Gene", "BRAF", xrefs=(ensembl,))]),
               source("2", checksum="2"))
    assert table(store) == [
        ("HGNC:1097", "HGNC:6840", "expression", 7.0, None),
        (SAMPLES[0], "HGNC:1097", "expression", 2.5, 1.1),
        (SAMPLES[0], "HGNC:6840", "expression", 0.5, None),
    ]
    by_gene = store.measurements(feature=ensembl)
    assert list(by_gene["value"]) == [2.5]
    assert list(store.measurements(entity=ensembl)["feature"]) == ["HGNC:6840"]
    assert list(store.measurements(kind="copy_number")["value"]) == []


def test_folded_id_cells_win_over_the_kept_ids(store):
    ensembl = "ENSEMBL:ENSG00000157764"
    store.load(aligned([block([[1.0], [2.0]], features=["HGNC:1097", ensembl],
                              entities=SAMPLES[:1])]), source("0", checksum="0"))
    store.load(aligned([Node("HGNC:1097", "biolink:Gene", "BRAF", xrefs=(ensembl,))]),
               source("1", checksum="1"))
    assert table(store) == [(SAMPLES[0], "HGNC:1097", "expression", 2.0, None)]
    store.remove_source("0")
    assert table(store) == []


# --- a block and the same values as single measurements: the same stored table ------
values = st.one_of(st.just(NAN), st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 3)))
load = st.tuples(
    st.sampled_from(["a", "b", "c"]),  # the source
    st.sampled_from(["expression", "copy_number"]),
    st.lists(st.sampled_from(GENES), min_size=1, max_size=4, unique=True),
    st.lists(st.sampled_from(SAMPLES), min_size=1, max_size=3, unique=True),
    st.data(),
)


def _model_apply(model: dict, name: str, b: MeasurementBlock) -> None:
    for m in b.rows():
        key = (m.entity, m.feature, m.kind)
        sources = model.get(key, (None, None, frozenset()))[2]
        model[key] = (m.value, m.zscore, sources | {name})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loads=st.lists(load, min_size=1, max_size=4), removed=st.sampled_from(["a", "b", "c"]))
def test_blocks_and_rows_give_the_same_table(loads, removed):
    model: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        as_blocks = EmbeddedStore(Path(folder) / "blocks")
        as_rows = EmbeddedStore(Path(folder) / "rows")
        for index, (name, kind, features, entities, data) in enumerate(loads):
            shape = (len(features), len(entities))
            cells = data.draw(st.lists(values, min_size=shape[0] * shape[1],
                                       max_size=shape[0] * shape[1]))
            grid = np.array(cells, dtype=float).reshape(shape)
            scores = np.where(np.isnan(grid), NAN, np.round(grid / 7.0, 6))
            b = MeasurementBlock(kind, features, entities, grid, scores)
            info = source(name, checksum=f"{name}{index}")
            as_blocks.load(aligned([b]), info)
            as_rows.load(aligned(list(b.rows())), info)
            _model_apply(model, name, aligned([b])[0])
        expected = sorted((*k, v, z) for k, (v, z, _) in model.items())
        assert table(as_blocks) == table(as_rows) == expected
        assert as_blocks.counts().measurements == len(expected)
        for store in (as_blocks, as_rows):
            store.remove_source(removed)
        kept = sorted((*k, v, z) for k, (v, z, s) in model.items() if s - {removed})
        assert table(as_blocks) == table(as_rows) == kept
        as_blocks.close()
        as_rows.close()
