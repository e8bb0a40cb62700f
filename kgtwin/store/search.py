"""Finding nodes the way biologists name them: symbols, names, synonyms, any id.

``kgtwin node BRAF`` and ``kgtwin paths vemurafenib melanoma`` should work although
neither word is a CURIE. :func:`search` ranks every node whose id, xref, name, symbol
or synonym matches the text; :func:`resolve_term` turns a word into one node id, or
fails with the closest matches ("did you mean").

Works on any :class:`~kgtwin.store.base.GraphStore` through its public ``nodes()``,
so the embedded store and Neo4j give the same answers in the same order. Reading
every node is deliberate: a few tens of thousands of nodes (Hetionet) take well under
a second, and one implementation cannot drift from the other back end's.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from kgtwin.errors import NotFoundError
from kgtwin.model import Node
from kgtwin.store.base import GraphStore

#: Node properties that hold other names of the node (HGNC, OBO and drug loaders).
NAME_PROPERTIES = (
    "symbol", "full_name", "alias_symbols", "prev_symbols", "alias_names", "prev_names",
    "synonyms", "exact_synonyms", "brand_names", "label",
)

#: Scores of the ways a node can match, best first (higher is better).
EXACT_ID, EXACT_NAME, EXACT_SYNONYM = 100, 90, 80
NAME_PREFIX, SYNONYM_PREFIX, NAME_WORD, NAME_CONTAINS, SYNONYM_CONTAINS = 60, 50, 45, 40, 30
#: A match at least this good names the node: ``resolve_term`` takes it when it is alone.
NAMING_SCORE = EXACT_SYNONYM


@dataclass(frozen=True, slots=True)
class Match:
    """A node that matches a search, how well, and through which of its names."""

    node: Node
    score: int
    matched: str  # the name, synonym or id that matched
    field: str  # where it was: id, xref, name or the property's key

    def to_dict(self) -> dict:
        return {"id": self.node.id, "name": self.node.name, "category": self.node.category,
                "score": self.score, "matched": self.matched, "field": self.field}


def _names(node: Node) -> Iterable[tuple[str, str, bool]]:
    """(field, text, is_primary) for every name the node carries."""
    yield "id", node.id, True
    yield "id", node.id.partition(":")[2], False  # a pseudonym, a bare accession
    for xref in node.xrefs:
        yield "xref", xref, True
        local = xref.partition(":")[2]
        if local:
            yield "xref", local, False
    if node.name:
        yield "name", node.name, True
    for key in NAME_PROPERTIES:
        value = node.properties.get(key)
        values = value if isinstance(value, list | tuple) else [value]
        for each in values:
            if isinstance(each, str) and each:
                yield key, each, key in ("symbol", "full_name")


def score(node: Node, asked: str) -> Match | None:
    """How well ``asked`` (stripped) matches ``node``; None when it does not.

    Case is ignored, except that an exact match in the same case scores one point more
    (``melanoma`` is the MONDO disease, ``Melanoma`` the HPO phenotype)."""
    best: Match | None = None
    text = asked.lower()
    for field, name, primary in _names(node):
        name = name.strip()
        lowered = name.lower()
        if lowered == text:
            if field in ("id", "xref") and primary:
                points = EXACT_ID
            else:
                points = EXACT_NAME if primary else EXACT_SYNONYM
            points += name == asked
        elif field in ("id", "xref") or (not primary and len(text) < 3):
            continue  # ids match whole, never by a fragment
        elif lowered.startswith(text):
            points = NAME_PREFIX if primary else SYNONYM_PREFIX
        elif f" {text}" in f" {lowered}" and primary:
            points = NAME_WORD
        elif text in lowered:
            points = NAME_CONTAINS if primary else SYNONYM_CONTAINS
        else:
            continue
        if best is None or points > best.score:
            best = Match(node, points, name, field)
    return best


def search(
    store: GraphStore, text: str, *, category: str | None = None, limit: int = 20
) -> list[Match]:
    """Nodes matching ``text``, best first (score, then shorter name, then id).

    ``category`` keeps nodes of that Biolink class or a subclass (``Gene`` or
    ``biolink:Gene``). Case is ignored; ids and xrefs match only whole.
    """
    wanted = text.strip()
    if not wanted:
        return []
    if category and ":" not in category:
        category = f"biolink:{category}"
    matches = [m for n in store.nodes(category=category) if (m := score(n, wanted))]
    matches.sort(key=lambda m: (-m.score, len(m.node.name or m.node.id), m.node.id))
    return matches[:limit] if limit else matches


def resolve_term(store: GraphStore, text: str, *, category: str | None = None) -> str:
    """The id of the node ``text`` names: an id in any spelling, else the one node whose
    name, symbol or synonym it is exactly. Otherwise a :class:`NotFoundError` that lists
    the closest matches."""
    found = store.resolve(text)
    if found is not None:
        return found
    matches = search(store, text, category=category, limit=6)
    naming = [m for m in matches if m.score >= NAMING_SCORE]
    top = [m for m in naming if m.score == naming[0].score] if naming else []
    if len(top) == 1:
        return top[0].node.id
    raise NotFoundError(not_found_message(text, top or matches))


def not_found_message(text: str, matches: list[Match]) -> str:
    """``no node answers to 'X'`` with up to five suggestions and how to list more."""
    message = f"no node answers to {text!r}"
    if not matches:
        return message + " (no id, name or synonym contains it either)"
    shown = "; ".join(f"{m.node.id} ({m.node.name or m.matched})" for m in matches[:5])
    return message + f"; did you mean: {shown}? (`kgtwin search {shlex.quote(text)}` lists more)"


__all__ = ["Match", "not_found_message", "resolve_term", "score", "search"]
