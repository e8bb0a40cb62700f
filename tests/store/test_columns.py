"""Factorising fields straight from bytes gives what decoding each field would."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin import columns
from kgtwin.columns import FIELD_PAD, Factor
from kgtwin.store.sqlite_bulk import key_order


def fields_of(values: list[bytes]) -> Factor:
    text = b"\t".join(values) + b"\n"
    lengths = np.array([len(v) for v in values], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1])).astype(np.int64)
    padded = np.frombuffer(text + bytes(FIELD_PAD), dtype=np.uint8)
    return Factor.of_fields(text, padded, starts, lengths)


def decoded(factor: Factor) -> list[str]:
    return [factor.values[c] for c in factor.codes]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["", "HGNC:1", "HGNC:10", "HGNC:1 ", "é", "x" * 8, "x" * 9,
                                 "x" * 16, "GO:0000001", "CHEBI:63637", "a" * 200]),
                min_size=1)
       | st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                     blacklist_characters="\t\n"), max_size=40),
                  min_size=1, max_size=30))
def test_same_values_and_codes_as_decoding_each_field(values):
    factor = fields_of([v.encode() for v in values])
    assert decoded(factor) == values
    assert len(set(factor.values)) == len(factor.values)  # each distinct value once
    assert factor.values == list(dict.fromkeys(values))  # in order of first appearance


def test_no_rows():
    factor = Factor.of_fields(b"", np.zeros(FIELD_PAD, dtype=np.uint8),
                              np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert (len(factor), factor.values) == (0, [])


def test_a_hash_collision_does_not_merge_two_values(monkeypatch):
    monkeypatch.setattr(columns, "_factorize", lambda hashed: np.zeros(len(hashed), np.int64))
    assert decoded(fields_of([b"HGNC:1", b"HGNC:2", b"HGNC:1"])) == ["HGNC:1", "HGNC:2",
                                                                    "HGNC:1"]


def test_bad_utf8_is_refused():
    with pytest.raises(UnicodeDecodeError):
        fields_of([b"HGNC:1", b"caf\xe9"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 5),
                          st.integers(0, 2)), min_size=1, max_size=60))
def test_key_order_is_lexsort(rows):
    ranks = [np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)]
    assert key_order(ranks).tolist() == np.lexsort(ranks[::-1]).tolist()


def test_key_order_of_ranks_too_wide_for_one_key():
    ranks = [np.array([2, 1, 2]) << 40, np.array([0, 5, 0]) << 40, np.array([1, 0, 1])]
    assert key_order(ranks).tolist() == [1, 0, 2]
