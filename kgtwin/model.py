"""The graph model: typed, immutable node and edge records with provenance.

Loaders produce these records, the aligner (:mod:`kgtwin.align`) puts their ids and
vocabulary into canonical form, and stores keep them. Identity is the CURIE.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import orjson

#: Qualifier that carries the sign of a regulation edge (Biolink's direction qualifier).
DIRECTION = "object_direction_qualifier"
UP = "increased"
DOWN = "decreased"
#: Qualifier that marks an edge as predicted rather than asserted (Biolink's knowledge level).
KNOWLEDGE_LEVEL = "knowledge_level"
PREDICTED = "prediction"

_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not mapping:
        return _EMPTY
    if isinstance(mapping, MappingProxyType):
        return mapping
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from: one loaded source file."""

    source: str
    version: str
    checksum: str
    loaded_at: str
    loader: str = ""


@dataclass(frozen=True, slots=True)
class Node:
    """An entity. ``xrefs`` are ids of the same entity that collapse onto this node."""

    id: str
    category: str = "biolink:NamedThing"
    name: str | None = None
    xrefs: tuple[str, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    provenance: tuple[Provenance, ...] = ()
    aligned: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "xrefs", tuple(sorted(set(self.xrefs) - {self.id})))
        object.__setattr__(self, "properties", _frozen(self.properties))

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (for ``--json`` output and data frames)."""
        return {
            "id": self.id,
            "category": self.category,
            "name": self.name,
            "xrefs": list(self.xrefs),
            "properties": dict(self.properties),
            "provenance": [asdict(p) for p in self.provenance],
            "aligned": self.aligned,
        }


@dataclass(frozen=True, slots=True)
class Edge:
    """A statement ``subject --predicate--> object``, with qualifiers that change its meaning.

    Two edges are the same statement when subject, predicate, object and qualifiers
    agree; properties (score, evidence) and provenance describe it.
    """

    subject: str
    predicate: str
    object: str
    qualifiers: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    provenance: tuple[Provenance, ...] = ()
    aligned: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "qualifiers", _frozen(self.qualifiers))
        object.__setattr__(self, "properties", _frozen(self.properties))

    def between(self, subject: str, predicate: str, object_: str) -> Edge:
        """This statement with other ids (the aligner's canonical ones): a third of
        :func:`dataclasses.replace`'s cost, which matters on millions of gene edges."""
        edge = object.__new__(Edge)
        for name, value in (("subject", subject), ("predicate", predicate),
                            ("object", object_), ("qualifiers", self.qualifiers),
                            ("properties", self.properties), ("provenance", self.provenance),
                            ("aligned", self.aligned)):
            object.__setattr__(edge, name, value)
        return edge

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (for ``--json`` output and data frames)."""
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "qualifiers": dict(self.qualifiers),
            "properties": dict(self.properties),
            "provenance": [asdict(p) for p in self.provenance],
            "aligned": self.aligned,
        }

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The identity of the statement, as stores compare it."""
        return (self.subject, self.predicate, self.object, qualifier_key(self.qualifiers))

    @property
    def sign(self) -> int:
        """+1 for activation, -1 for inhibition, 0 when the edge carries no direction."""
        direction = self.qualifiers.get(DIRECTION)
        return {UP: 1, "upregulated": 1, DOWN: -1, "downregulated": -1}.get(direction, 0)


@dataclass(frozen=True, slots=True)
class Measurement:
    """A per-sample value (expression, copy number) kept in a compact table, not as edges.

    Twenty thousand genes times hundreds of samples would explode a graph; the sample is
    a node and its values live beside it, keyed by sample and feature (a gene CURIE).
    """

    entity: str
    feature: str
    kind: str
    value: float
    zscore: float | None = None
    provenance: tuple[Provenance, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class MeasurementBlock:
    """Many measurements of one kind at once: a features x entities matrix of values.

    The columnar form of :class:`Measurement` for matrices (20,000 genes x 500 samples
    are ten million values): ``values[i, j]`` is feature ``features[i]`` of entity
    ``entities[j]``, NaN where the value is missing (no measurement); ``zscores`` has
    the same shape, NaN where a value has no z-score. A block means exactly the
    measurements :meth:`rows` lists, so a store may keep it in any layout, or expand it.
    """

    kind: str
    features: tuple[str, ...]
    entities: tuple[str, ...]
    values: np.ndarray
    zscores: np.ndarray | None = None
    provenance: tuple[Provenance, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "entities", tuple(self.entities))
        shape = (len(self.features), len(self.entities))
        values = np.asarray(self.values, dtype=np.float64).reshape(shape)
        object.__setattr__(self, "values", values)
        if self.zscores is not None:
            zscores = np.asarray(self.zscores, dtype=np.float64).reshape(shape)
            object.__setattr__(self, "zscores", zscores)

    @property
    def size(self) -> int:
        """Cells, present or not: what a block weighs in a batch."""
        return int(self.values.size)

    def present(self) -> np.ndarray:
        """Boolean mask of the cells that hold a measurement."""
        return ~np.isnan(self.values)

    def __len__(self) -> int:
        """The number of measurements (present values)."""
        return int(np.count_nonzero(self.present()))

    def rows(self) -> Iterator[Measurement]:
        """The block as single measurements, entity by entity (a store that keeps rows)."""
        zscores = self.zscores
        for j, entity in enumerate(self.entities):
            column = self.values[:, j]
            for i in np.flatnonzero(~np.isnan(column)).tolist():
                score = None if zscores is None else float(zscores[i, j])
                yield Measurement(
                    entity, self.features[i], self.kind, float(column[i]),
                    None if score is None or score != score else score,
                    self.provenance,
                )


def measurement_rows(records: Iterable[Record]) -> list[Measurement]:
    """The measurements among ``records``, blocks expanded into single rows."""
    found: list[Measurement] = []
    for record in records:
        if isinstance(record, Measurement):
            found.append(record)
        elif isinstance(record, MeasurementBlock):
            found.extend(record.rows())
    return found


Record = Node | Edge | Measurement | MeasurementBlock


# One encoder each, built once: json.dumps with options builds a new encoder per call.
_QUALIFIER_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_PROPERTY_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str)


def _canonical_json(mapping: Mapping[str, Any], fallback: json.JSONEncoder) -> str:
    """Sorted, compact JSON; orjson (eight times faster) when it writes what ``json`` would.

    What orjson refuses (non-str keys, big ints, types it does not know) goes to
    ``json``, and so does text orjson would leave non-ASCII (``json`` escapes it), so
    qualifier keys stay identical across versions. orjson writes NaN and infinity as
    null, which JSON requires anyway.
    """
    plain = dict(mapping)
    try:
        text = orjson.dumps(plain, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return fallback.encode(plain)
    return text if text.isascii() else fallback.encode(plain)


def qualifier_key(qualifiers: Mapping[str, str]) -> str:
    """Canonical text of a qualifier set ('' when empty), used as part of an edge's identity."""
    if not qualifiers:
        return ""
    return _canonical_json(qualifiers, _QUALIFIER_ENCODER)


def properties_text(properties: Mapping[str, Any]) -> str:
    """Canonical JSON text of properties, as stores keep them."""
    if not properties:
        return "{}"
    return _canonical_json(properties, _PROPERTY_ENCODER)


#: Properties that hold several values (Biolink's multivalued provenance slots and the
#: evidence lists kgtwin's loaders write): a second statement of the same edge or node
#: adds its values instead of replacing the first's (KGX edges differing only in their
#: publications were 500 rows, 341 edges, each keeping the last row's publications).
MULTIVALUED = frozenset({
    "publications", "provided_by", "knowledge_source", "aggregator_knowledge_source",
    "supporting_data_source", "primary_knowledge_source", "references", "pmids",
    "has_evidence", "evidence", "sources", "source", "xref", "synonym",
})


def merge_properties(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``new`` over ``old``, except that multivalued properties (lists, or the keys in
    :data:`MULTIVALUED`) accumulate both sides' values, first seen first, no repeats.

    The one merge rule for properties: every store and load path uses it.
    """
    merged = dict(old)
    for key, value in new.items():
        before = merged.get(key)
        if before is None or before == value:
            merged[key] = value
        elif isinstance(before, list) or isinstance(value, list) or key in MULTIVALUED:
            items = [*(before if isinstance(before, list) else [before]),
                     *(value if isinstance(value, list) else [value])]
            unique: list[Any] = []
            for item in items:
                if item not in unique:
                    unique.append(item)
            merged[key] = unique
        else:
            merged[key] = value
    return merged


def merge_properties_text(old: str | None, new: str | None) -> str:
    """:func:`merge_properties` on the JSON text stores keep (SQL function form)."""
    if not new or new == "{}":
        return old or "{}"
    if not old or old == "{}":
        return new
    return properties_text(merge_properties(json.loads(old), json.loads(new)))
