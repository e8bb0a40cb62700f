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


__all__ = ["EdgeColumns", "Factor", "NotColumnar"]
