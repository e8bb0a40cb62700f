"""Edges as columns: the record stream's bulk form, for sources of millions of edges.

A bulk source (a KGX edges file) repeats few distinct values many times: 47,000 node
ids and 24 predicates over 2 million edges. Each column is therefore kept factorised
(:class:`Factor`: one integer code a row, each distinct value once), so aligning an id,
resolving it to a stored node or ranking it for the merge's key order is done once per
distinct value and applied to all rows with numpy. :class:`EdgeColumns` is one chunk of
a file's edges in that form; :mod:`kgtwin.load_columnar` aligns it and
:mod:`kgtwin.store.sqlite_bulk` merges it. Rows mean exactly what the same rows read as
:class:`~kgtwin.model.Edge` records mean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

#: Zero bytes :meth:`Factor.of_fields` needs after the text: fields of up to
#: ``FIELD_PAD - 8`` bytes are hashed in 8-byte words, longer ones decoded one by one.
FIELD_PAD = 136
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1],
                      dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _factorize(values: np.ndarray) -> np.ndarray:
    """Codes of an integer column in order of first appearance (pandas' hash table)."""
    import pandas as pd

    return pd.factorize(values, sort=False)[0].astype(np.int64, copy=False)


class NotColumnar(Exception):
    """The source has something only the record path handles exactly (a bad row, an
    id the aligner refuses): the load is redone record by record, which names it."""


@dataclass(frozen=True)
class Factor:
    """A column as ``values[codes]``: ``codes`` one int a row, ``values`` each distinct value."""

    codes: np.ndarray
    values: list[str]

    @classmethod
    def of(cls, column: Sequence[str] | np.ndarray) -> Factor:
        """Factorises a column of text (order of first appearance)."""
        import pandas as pd

        codes, uniques = pd.factorize(np.asarray(column, dtype=object), sort=False)
        return cls(codes.astype(np.int64, copy=False), list(uniques))

    @classmethod
    def of_fields(cls, text: bytes, padded: np.ndarray, starts: np.ndarray,
                  lengths: np.ndarray) -> Factor:
        """Factorises the UTF-8 fields ``text[start:start + length]`` without making a
        Python string a row: each field's bytes are read 8 at a time from ``padded``
        (``text`` as uint8 with :data:`FIELD_PAD` zero bytes after it), hashed, grouped by
        hash, and every row checked byte for byte against its group's first row, so a
        hash collision cannot merge two values (that column is redone the plain way).
        Only each distinct value is decoded (strict UTF-8: a bad byte raises
        :class:`UnicodeDecodeError`, as decoding the whole text would)."""
        rows = len(starts)
        if not rows:
            return cls(np.zeros(0, dtype=np.int64), [])
        lanes = (int(lengths.max()) + 7) // 8
        if lanes * 8 > FIELD_PAD - 8:  # long values: one string a row
            return cls.of([text[s:s + n].decode("utf-8") for s, n in
                           zip(starts.tolist(), lengths.tolist(), strict=True)])
        words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
        hashed = lengths.astype(np.uint64)
        parts = []
        for lane in range(lanes):
            word = words[starts + 8 * lane] & _LOW_BYTES[np.clip(lengths - 8 * lane, 0, 8)]
            parts.append(word)
            hashed = (hashed * _MIX) ^ word
        codes = _factorize(hashed)
        seen = np.maximum.accumulate(codes)  # codes are numbered in order of first row
        first = np.flatnonzero(np.concatenate(([True], codes[1:] > seen[:-1])))
        same = lengths[first][codes] == lengths
        for word in parts:
            same &= word[first][codes] == word
        if not same.all():
            return cls.of([text[s:s + n].decode("utf-8") for s, n in
                           zip(starts.tolist(), lengths.tolist(), strict=True)])
        values = [text[s:s + n].decode("utf-8") for s, n in
                  zip(starts[first].tolist(), lengths[first].tolist(), strict=True)]
        return cls(codes, values)

    @classmethod
    def constant(cls, value: str, rows: int) -> Factor:
        return cls(np.zeros(rows, dtype=np.int64), [value])

    def mapped(self, convert: Callable[[str], str]) -> Factor:
        """The same rows with each distinct value converted once (codes kept)."""
        return Factor(self.codes, [convert(v) for v in self.values])

    def __len__(self) -> int:
        return len(self.codes)


@dataclass(frozen=True)
class EdgeColumns:
    """One chunk of edges, column by column, from one file.

    ``qualifiers`` and ``properties`` hold each row's canonical text
    (:func:`~kgtwin.model.qualifier_key`, :func:`~kgtwin.model.properties_text`), as
    the store keeps them.
    """

    subject: Factor
    predicate: Factor
    object: Factor
    qualifiers: Factor
    properties: Factor
    aligned: bool = True

    def __len__(self) -> int:
        return len(self.subject)

    def replace_ids(self, subject: Factor, predicate: Factor, object_: Factor) -> EdgeColumns:
        return EdgeColumns(subject, predicate, object_, self.qualifiers, self.properties,
                           self.aligned)


__all__ = ["FIELD_PAD", "EdgeColumns", "Factor", "NotColumnar"]
