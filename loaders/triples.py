"""Headerless subject/predicate/object TSV: benchmark sets and in-house graphs.

Values that are CURIEs are aligned like any record. With ``namespace`` set, values that
are not CURIEs (``Brazil``, ``treats_disease``) are kept as they are inside that
namespace (``nations:Brazil``) and marked unaligned, and predicates outside Biolink are
allowed there; ``kgtwin status`` counts such records.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows

from kgtwin.biolink import default_biolink
from kgtwin.ids import default_normaliser, namespaced
from kgtwin.model import Edge, Record


class TriplesLoader(Loader):
    """subject<TAB>predicate<TAB>object, one statement per line, no header."""

    name = "triples"
    description = "headerless subject/predicate/object TSV (--namespace NAME: unaligned data)"
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "1 subject": "a CURIE (or a value kept in --namespace)",
        "2 predicate": "a Biolink predicate (any, inside --namespace)",
        "3 object": "a CURIE (or a value kept in --namespace)",
    }
    fixed_why = "the format is three tab-separated fields and no header"

    def __init__(self, paths: list[Path], *, skip_bad: bool = False, namespace: str | None = None):
        super().__init__(paths, skip_bad=skip_bad)
        self.namespace = namespace

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            for row in read_rows(self, path, header=False):
                if len(row) != 3:
                    self.reject(f"expected 3 tab-separated fields, found {len(row)}")
                    continue
                subject, predicate, object_ = (value.strip() for value in row)
                if not (subject and predicate and object_):
                    self.reject("empty subject, predicate or object")
                    continue
                yield self._edge(subject, predicate, object_)

    def _edge(self, subject: str, predicate: str, object_: str) -> Edge:
        if self.namespace is None:
            return Edge(subject, predicate, object_)
        ids, biolink = default_normaliser(), default_biolink()
        if ids.is_valid(subject) and ids.is_valid(object_) and biolink.is_predicate(predicate):
            return Edge(subject, predicate, object_)
        ns = self.namespace
        return Edge(
            subject=ids.normalize(subject) if ids.is_valid(subject) else namespaced(ns, subject),
            predicate=(
                biolink.predicate(predicate)
                if biolink.is_predicate(predicate)
                else namespaced(ns, predicate)
            ),
            object=ids.normalize(object_) if ids.is_valid(object_) else namespaced(ns, object_),
            aligned=False,
        )
