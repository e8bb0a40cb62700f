"""Cells and headers of ``neo4j-admin database import`` CSV files (Neo4j 5.26).

Rules of the import tool this module relies on, checked against 5.26.30:

* a header cell is ``name:type`` (``long``, ``double``, ``boolean``, ``string``, and
  ``type[]`` for arrays); ``id:ID(Node)``, ``:LABEL``, ``:START_ID(Node)``,
  ``:END_ID(Node)`` and ``:TYPE`` are the structural columns;
* an unquoted empty cell is *no property*; a quoted empty cell ``""`` is the empty
  string (kgtwin needs both: a missing name and an empty qualifier key);
* array elements and labels are split on ``--array-delimiter``: kgtwin uses U+001F
  (the ASCII unit separator), which no identifier or label contains;
* a quote inside a quoted cell is doubled (RFC 4180); newlines need
  ``--multiline-fields=true``, so the writer reports whether any cell has one.
"""

from __future__ import annotations

import math
from typing import Any

from kgtwin.neo4j.errors import BulkImportError

ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"
_BAD_NAME = set(':,"\n\r' + ARRAY_DELIMITER)


def value_type(value: Any) -> str:
    """The header type of a value :func:`kgtwin.neo4j.codec.encode` produced."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list) and value:
        return value_type(value[0]) + "[]"
    raise BulkImportError(f"cannot type {value!r} for neo4j-admin import")


def header_cell(name: str, type_: str) -> str:
    """``name:type`` for a property column; names the importer would misread are refused."""
    if not name or _BAD_NAME.intersection(name):
        raise BulkImportError(
            f"property name {name!r} cannot be a neo4j-admin import column; "
            "push with --method incremental"
        )
    return f"{name}:{type_}"


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _element(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        return str(value)
    if not value or ARRAY_DELIMITER in value:
        raise BulkImportError(
            f"list element {value!r} cannot travel in a neo4j-admin import array; "
            "push with --method incremental"
        )
    return value


def cell(value: Any) -> str:
    """One CSV cell: ``None`` is an unquoted empty cell (no property)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list | tuple):
        if not value:
            return ""
        return quote(ARRAY_DELIMITER.join(_element(v) for v in value))
    return _element(value)


def needs_multiline(value: Any) -> bool:
    """Whether a value holds a line break (the import then reads multi-line fields)."""
    if isinstance(value, str):
        return "\n" in value or "\r" in value
    if isinstance(value, list | tuple):
        return any(needs_multiline(v) for v in value)
    return False
