"""The matrix loader's fast chunk parse gives what reading each row by itself gives."""

from __future__ import annotations

import math
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kgtwin.loaders import expression, get_loader

from kgtwin.errors import InputError
from kgtwin.model import MeasurementBlock, measurement_rows

GENES = ["BRAF", "KRAS", "EGFR", "TP53", "PTEN", "NOTAGENE"]
CELLS = st.one_of(
    st.floats(-1e4, 1e4, allow_nan=False).map(lambda v: f"{v:.3f}"),
    st.integers(-50, 50).map(str),
    st.sampled_from(["", "NA", "NaN", "nan", "N/A", "null", ".", " 2.5", "inf", "x", "1e999",
                     "NAN", '"3"']),
)
HGNC = {"BRAF": "HGNC:1097", "KRAS": "HGNC:6407", "EGFR": "HGNC:3236", "TP53": "HGNC:11998",
        "PTEN": "HGNC:9588"}


def expected(rows: list[list[str]], combine: bool = False) -> tuple[dict, int]:
    """Gene -> values the rules keep (NaN missing), and the bad-row count: read row by row.

    With ``combine`` a gene's later rows are not bad: its values are the mean of its
    good rows' present values (the default ``duplicates=mean``).
    """
    kept, bad = {}, 0
    several: dict[str, list[list[float]]] = {}
    for row in rows:
        gene = HGNC.get(row[0])
        if gene is None or (gene in kept and not combine):
            bad += 1
            continue
        values = []
        for text in row[1:]:
            text = text.strip().strip('"') if text.startswith('"') else text.strip()
            if text in expression.MISSING:
                values.append(math.nan)
                continue
            try:
                value = float(text)
            except ValueError:
                break
            if not math.isfinite(value):
                break
            values.append(value)
        else:
            several.setdefault(gene, []).append(values)
            kept[gene] = values if gene not in kept or not combine else kept[gene]
            continue
        bad += 1
    if combine:
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            kept = {g: np.nanmean(np.array(v), axis=0).tolist() for g, v in several.items()}
    return kept, bad


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.tuples(st.sampled_from(GENES), st.lists(CELLS, min_size=3, max_size=3)),
                  min_size=1, max_size=8),
    chunk=st.integers(1, 12),
    duplicates=st.sampled_from(["refuse", "mean"]),
)
def test_chunks_parse_like_single_rows(rows, chunk, duplicates):
    table = [[gene, *cells] for gene, cells in rows]
    text = "gene\tS1\tS2\tS3\n" + "".join("\t".join(r) + "\n" for r in table)
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(expression, "BLOCK_CELLS", chunk)
        patch.setenv("KGTWIN_PSEUDONYM_KEY", "kgtwin-test-key-0123456789abcdef")
        path = Path(folder) / "m.tsv"
        path.write_text(text)
        loader = get_loader("expression")([path], skip_bad=True, duplicates=duplicates)
        found = list(loader.records())
    kept, bad = expected(table, combine=duplicates == "mean")
    assert loader.bad.count == bad
    got: dict[str, list[float]] = {}
    for block in (r for r in found if isinstance(r, MeasurementBlock)):
        for feature, values in zip(block.features, block.values, strict=True):
            got[feature] = values.tolist()
    assert got.keys() == kept.keys()
    for gene, values in kept.items():
        np.testing.assert_array_equal(np.array(got[gene]), np.array(values))
    assert len(measurement_rows(found)) == sum(
        1 for v in kept.values() for x in v if not math.isnan(x))


def test_a_bad_cell_names_its_line_whatever_the_chunk(tmp_path, monkeypatch):
    monkeypatch.setattr(expression, "BLOCK_CELLS", 4)
    path = tmp_path / "m.tsv"
    path.write_text("# comment\ngene\tS1\tS2\nBRAF\t1\t2\nKRAS\t3\t4\nEGFR\t5\tx\nTP53\t7\t8\n")
    with pytest.raises(InputError, match=r"m\.tsv:5: column 3: not a number"):
        list(get_loader("expression")([path]).records())
    path.write_text("gene\tS1\tS2\nBRAF\t1\t2\nKRAS\t3\nEGFR\t5\t6\n")
    loader = get_loader("expression")([path], skip_bad=True)
    blocks = [r for r in loader.records() if isinstance(r, MeasurementBlock)]
    assert [f for b in blocks for f in b.features] == ["HGNC:1097", "HGNC:3236"]
    assert loader.bad.examples == [f"{path}:3: expected 3 fields, found 2"]
