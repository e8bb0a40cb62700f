"""Cells and headers of the neo4j-admin import files (no server needed)."""

from __future__ import annotations

import csv
import io
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgtwin.neo4j.errors import BulkImportError
from kgtwin.neo4j.import_csv import ARRAY_DELIMITER, cell, header_cell, value_type


def _read_back(text: str) -> str:
    """How an RFC 4180 reader (the importer's default quoting) reads one cell."""
    (row,) = csv.reader(io.StringIO(text, newline=""))
    return row[0]


@given(st.text())
def test_any_text_survives_quoting(text):
    assert _read_back(cell(text)) == text


@given(st.lists(st.text(min_size=1).filter(lambda t: ARRAY_DELIMITER not in t), min_size=1))
def test_string_lists_split_back_on_the_delimiter(values):
    assert _read_back(cell(values)).split(ARRAY_DELIMITER) == values


def test_missing_and_empty_are_different_cells():
    assert cell(None) == ""  # no property
    assert cell("") == '""'  # the empty string
    assert cell([]) == ""


@pytest.mark.parametrize(
    ("value", "text", "type_"),
    [
        (True, "true", "boolean"),
        (7, "7", "long"),
        (2.5, "2.5", "double"),
        (1e-300, "1e-300", "double"),
        ([1, 2], f'"1{ARRAY_DELIMITER}2"', "long[]"),
        ([0.5], '"0.5"', "double[]"),
        ([False], '"false"', "boolean[]"),
        (["a", 'b"c'], f'"a{ARRAY_DELIMITER}b""c"', "string[]"),
    ],
)
def test_typed_cells(value, text, type_):
    assert cell(value) == text
    assert value_type(value) == type_


def test_special_floats_use_java_spelling():
    assert cell(math.nan) == "NaN"
    assert cell(math.inf) == "Infinity" and cell(-math.inf) == "-Infinity"


def test_values_the_importer_would_misread_are_refused():
    with pytest.raises(BulkImportError, match="incremental"):
        cell(["a", ""])
    with pytest.raises(BulkImportError, match="incremental"):
        cell([f"a{ARRAY_DELIMITER}b"])
    with pytest.raises(BulkImportError, match="incremental"):
        header_cell("odd:name", "string")
    assert header_cell("score", "double") == "score:double"
