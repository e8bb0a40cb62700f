"""PROFILE node-level tables: parsing (round trip, bad cells) and profiles from them."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.errors import InputError
from kgtwin.twin.profile import Effect
from kgtwin.twin.profile_tables import profiles_from_tables, read_node_table

DATA = Path("../shared/data/profile_braf")
names = st.text(alphabet="abcXYZ_019-", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(
    nodes=st.lists(names, min_size=1, max_size=5, unique=True),
    rows=st.dictionaries(names, st.lists(st.one_of(st.none(), st.floats(0, 1)), min_size=5,
                                         max_size=5), max_size=6),
)
def test_round_trip(nodes: list[str], rows: dict[str, list[float | None]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["", *nodes])
            for sample, values in rows.items():
                writer.writerow([sample, *("NA" if v is None else repr(v)
                                           for v in values[: len(nodes)])])
        table = read_node_table(path)
    assert table == {
        sample: {n: v for n, v in zip(nodes, values, strict=False) if v is not None}
        for sample, values in rows.items()
    }


def test_bad_cells_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('"",BRAF,EGFR\n"L1",1,NA\n"L2",high,0\n')
    with pytest.raises(InputError, match=r"bad.csv:3: BRAF: 'high' is not a number"):
        read_node_table(path)
    path.write_text('"",BRAF\n"L1",2\n')
    with pytest.raises(InputError, match="mutation value 2 is not 0 or 1"):
        profiles_from_tables(mutations=path)
    with pytest.raises(InputError, match="level 2 is not in"):
        profiles_from_tables(levels=path)


def test_real_braf_tables() -> None:
    both = profiles_from_tables(mutations=DATA / "BRAF_Model_CL_mut.csv",
                                levels=DATA / "BRAF_Model_CL_RNA_norm.csv")
    assert len(both) == 102  # lines in both tables (PROFILE simulates the common ones)
    a2058 = both["A2058"]
    assert {(m.gene, m.effect) for m in a2058.mutations} == {
        ("MEK_b1", Effect.GAIN), ("BRAF", Effect.GAIN), ("p53", Effect.LOSS)}
    assert 0 <= a2058.levels["ERK_b1"] <= 1 and "HGF" not in a2058.levels  # NA left out
    with pytest.raises(InputError, match="not in every profile table"):
        profiles_from_tables(mutations=DATA / "BRAF_Model_CL_mut.csv", samples=["nope"])
