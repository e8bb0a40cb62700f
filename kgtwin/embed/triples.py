"""The store's statements as labelled triples for PyKEEN, with categories kept beside them.

A triple is ``(subject, relation, object)`` with store ids. The relation label is the
Biolink predicate, with the direction qualifier appended when the statement carries one
(``biolink:affects[decreased]``): an inhibitor and an activator of a gene say different
things, and a model should be able to tell them apart. :func:`base_predicate` gives the
predicate back.

Statements the store marks as predicted (``knowledge_level = prediction``) are left out:
a model must never learn from its own, or another model's, output. So are statements
about individuals (pseudonymised patients, their samples, their twins): a model of the
knowledge must not memorise people, and its predictions must not depend on who happens
to be in the cohort. Negated statements (edge property ``negated: true``, Biolink's
slot; a PharmacotherapyDB non-indication is a negated ``related_to``) say that a link
does *not* hold: they never train a model and never count as known links, whatever
predicates the user names.

Statements derived from another carry an edge property ``derived_from`` naming their
source statements as ``"SUBJECT PREDICATE OBJECT"`` (a KGX ``|``-list for several). A
split that holds out a source statement removes what was derived from it as well.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kgtwin.biolink import default_biolink
from kgtwin.errors import KgTwinError
from kgtwin.model import DIRECTION, KNOWLEDGE_LEVEL, PREDICTED, Edge
from kgtwin.store.base import GraphStore

#: Prefixes of individual-level nodes that never enter training.
INDIVIDUAL_PREFIXES = ("KGTWIN.PATIENT:", "KGTWIN.SAMPLE:", "KGTWIN.TWIN:")

#: Edge property (Biolink's ``negated`` slot) marking a statement that says the opposite.
NEGATED = "negated"

#: Edge property naming the statements this one was derived from.
DERIVED_FROM = "derived_from"

StatementKey = tuple[str, str, str]


def relation_label(edge: Edge) -> str:
    """The relation a model sees: predicate, plus the direction qualifier when present."""
    direction = edge.qualifiers.get(DIRECTION)
    return f"{edge.predicate}[{direction}]" if direction else edge.predicate


def is_negated(edge: Edge) -> bool:
    """Whether the statement is negated (``negated: true``; KGX text ``true``/``1``/``yes``)."""
    value = edge.properties.get(NEGATED)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "t", "y")
    return bool(value)


def base_predicate(relation: str) -> str:
    """``biolink:affects[decreased]`` -> ``biolink:affects``."""
    return relation.split("[", 1)[0]


def parse_reference(text: str) -> StatementKey | None:
    """``"CHEBI:1 biolink:treats MONDO:2"`` -> a statement key (None when malformed)."""
    parts = text.split()
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


@dataclass(frozen=True)
class GraphTriples:
    """Labelled triples of one graph version, with each entity's category and name.

    ``derived[i]`` lists the statements triple ``i`` was derived from (its provenance).
    """

    triples: np.ndarray
    categories: dict[str, str]
    names: dict[str, str | None]
    derived: dict[int, tuple[StatementKey, ...]] = field(default_factory=dict)
    store_checksum: str = ""

    def __len__(self) -> int:
        return len(self.triples)

    @property
    def entities(self) -> list[str]:
        """Every entity, sorted: the order that gives stable ids."""
        return sorted(set(self.triples[:, 0]) | set(self.triples[:, 2]) | set(self.categories))

    @property
    def relations(self) -> list[str]:
        return sorted(set(self.triples[:, 1]))

    def checksum(self) -> str:
        """sha256 of the sorted triples: the exact data a model saw, independent of order."""
        digest = hashlib.sha256()
        for row in sorted(map(tuple, self.triples.tolist())):
            digest.update("\t".join(row).encode() + b"\n")
        return digest.hexdigest()


def matches(relation: str, predicates: Iterable[str] | None) -> bool:
    """Whether a relation label falls under one of the predicates (or their descendants)."""
    if predicates is None:
        return True
    return base_predicate(relation) in expand_predicates(predicates)


def expand_predicates(predicates: Iterable[str]) -> frozenset[str]:
    """Predicates with their Biolink descendants; non-Biolink ones kept as given."""
    biolink = default_biolink()
    wanted: set[str] = set()
    for predicate in predicates:
        if biolink.is_predicate(predicate):
            canonical = biolink.predicate(predicate)
            wanted |= biolink.predicate_descendants(canonical) | {canonical}
        else:
            wanted.add(predicate)
    return frozenset(wanted)


def triples_from_store(
    store: GraphStore, predicates: Sequence[str] | None = None
) -> GraphTriples:
    """The store's asserted, non-negated statements (optionally only ``predicates``)."""
    wanted = expand_predicates(predicates) if predicates else None
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    derived: dict[int, tuple[StatementKey, ...]] = {}
    for edge in store.edges():
        if edge.qualifiers.get(KNOWLEDGE_LEVEL) == PREDICTED or is_negated(edge):
            continue
        if edge.subject.startswith(INDIVIDUAL_PREFIXES) or edge.object.startswith(
            INDIVIDUAL_PREFIXES
        ):
            continue
        if wanted is not None and edge.predicate not in wanted:
            continue
        row = (edge.subject, relation_label(edge), edge.object)
        if row in seen:
            continue
        seen.add(row)
        references = _references(edge)
        if references:
            derived[len(rows)] = references
        rows.append(row)
    if not rows:
        raise KgTwinError("the store holds no statements to train on (load a graph first)")
    triples = np.array(rows, dtype=str)
    used = set(triples[:, 0]) | set(triples[:, 2])
    categories: dict[str, str] = {}
    names: dict[str, str | None] = {}
    aliases: dict[str, str] = {}
    for node in store.nodes():
        if node.id in used:
            categories[node.id] = node.category
            names[node.id] = node.name
            aliases.update(dict.fromkeys(node.xrefs, node.id))
    # A source names its statements in its own ids (HPO: NCBIGene:10), the store keeps
    # the canonical node (HGNC:7646): references are read in the store's ids, or no
    # held-out source would ever match and every derived statement would leak.
    derived = {i: tuple((aliases.get(s, s), p, aliases.get(o, o)) for s, p, o in keys)
               for i, keys in derived.items()}
    return GraphTriples(triples, categories, names, derived, store.checksum())


def triples_from_labels(
    triples: Iterable[Sequence[str]], categories: dict[str, str] | None = None
) -> GraphTriples:
    """Triples given directly (tests, benchmarks); categories default to NamedThing."""
    array = np.array([tuple(t) for t in triples], dtype=str).reshape(-1, 3)
    entities = set(array[:, 0]) | set(array[:, 2])
    known = categories or {}
    return GraphTriples(
        triples=array,
        categories={e: known.get(e, "biolink:NamedThing") for e in entities},
        names={e: None for e in entities},
    )


def _references(edge: Edge) -> tuple[StatementKey, ...]:
    value = edge.properties.get(DERIVED_FROM)
    if not value:
        return ()
    texts = value if isinstance(value, list | tuple) else str(value).split("|")
    keys = (parse_reference(str(text)) for text in texts)
    return tuple(k for k in keys if k is not None)


def map_triples(
    rows: np.ndarray, entity_to_id: dict[str, int], relation_to_id: dict[str, int]
) -> np.ndarray:
    """Labelled triples to id rows (a hash lookup per cell, vectorised through pandas)."""
    import pandas as pd

    out = np.empty(rows.shape, dtype=np.int64)
    for column, mapping in ((0, entity_to_id), (1, relation_to_id), (2, entity_to_id)):
        out[:, column] = pd.Series(rows[:, column]).map(mapping).to_numpy(dtype=np.int64)
    return out
