"""Canonical JSON of qualifiers and properties: part of an edge's identity in every store."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kgtwin.model import properties_text, qualifier_key

REFERENCE = json.JSONEncoder(sort_keys=True, separators=(",", ":"))

scalars = st.none() | st.booleans() | st.integers() | st.text()
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(), inner, max_size=3), max_leaves=8)


@given(st.dictionaries(st.text(), values, max_size=6))
def test_text_is_what_json_writes_sorted_and_compact(mapping):
    # The text must not depend on which encoder wrote it: stores written by older
    # versions compare qualifier keys as text.
    expected = REFERENCE.encode(mapping) if mapping else None
    assert qualifier_key(mapping) == (expected or "")
    assert properties_text(mapping) == (expected or "{}")


@given(st.dictionaries(st.text(), st.floats(allow_nan=False, allow_infinity=False)))
def test_floats_read_back_as_the_same_numbers(mapping):
    assert json.loads(properties_text(mapping) if mapping else "{}") == mapping


def test_values_json_cannot_write_natively_fall_back_to_text():
    class Unusual:
        def __str__(self) -> str:
            return "unusual"

    text = properties_text({"x": Unusual(), "n": 2**70})
    assert text == '{"n":1180591620717411303424,"x":"unusual"}'
