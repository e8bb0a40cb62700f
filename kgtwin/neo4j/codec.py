"""How kgtwin's records map onto Neo4j nodes and relationships.

* Labels: the node's Biolink category and its ``is_a`` ancestors, without the
  ``biolink:`` prefix (``:Gene:BiologicalEntity:NamedThing:Entity``), so a Browser user
  matches ``(g:Gene)`` or ``(c:ChemicalEntity)`` and gets every descendant. Mixins
  (``GeneOrGeneProduct``, ``ThingWithTaxon``…) are traits, not classes, and are left out
  of the labels (BioCypher's default keeps them, its ``labels_order: Leaves`` keeps the
  category only): with them a gene carried 13 labels and Browser's legend listed them
  all. A query for a mixin names its classes (``(t:Gene|Protein)``) or reads the
  indexed ``category`` property (``n.category IN $categories``).
* Relationship type: the Biolink predicate in upper snake case (``TREATS``); a predicate
  outside Biolink (an unaligned namespace) travels as ``RELATED_TO`` with the exact
  predicate in the ``predicate`` property, which is the truth for kgtwin either way.
* Properties: a record's properties become Neo4j properties of the same name where
  Neo4j can hold the value (text, number, boolean, a list of one of those); other
  values (maps, mixed lists, null) are kept as JSON text and listed in ``kgtwin_json``.
  Names kgtwin uses itself (``id``, ``name``, ``category``, ``xrefs``, ``predicate``,
  ``aligned`` and ``kgtwin_*``) are stored as ``kgtwin_x_<name>``.
* Edge qualifiers are copied to properties too (``object_direction_qualifier``,
  ``knowledge_level``) for Cypher; their canonical text ``kgtwin_qualifiers`` is part
  of the relationship's identity.

Labels are validated against the Biolink vocabulary and passed as parameters (Cypher
5.26's dynamic labels); relationship types are validated the same way and then written
into the statement (a ``MERGE`` on a dynamic type is several times slower), so no
record value ever becomes query text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from kgtwin.biolink import BIOLINK, ROOT_CATEGORY, Biolink
from kgtwin.errors import VocabularyError

RESERVED = frozenset({"id", "name", "category", "xrefs", "predicate", "aligned"})
INTERNAL = "kgtwin_"
ESCAPED = "kgtwin_x_"
JSON_KEYS = "kgtwin_json"
FALLBACK_TYPE = "RELATED_TO"
_LABEL = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_TYPE = re.compile(r"[A-Z][A-Z0-9_]*\Z")
_PLAIN = (str, bool, int, float)


@lru_cache(maxsize=1024)
def labels(biolink: Biolink, category: str) -> tuple[str, ...]:
    """Neo4j labels for a node of ``category`` (unknown or unaligned: ``NamedThing``):
    the category and its ``is_a`` ancestors, most specific first."""
    if not biolink.is_category(category):
        category = ROOT_CATEGORY
    names = [c.removeprefix(BIOLINK) for c in biolink.lineage(category)]
    names.append(ROOT_CATEGORY.removeprefix(BIOLINK))
    for name in names:
        if not _LABEL.match(name):
            raise VocabularyError(f"Biolink category {name!r} cannot be a Neo4j label")
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=1024)
def relationship_type(biolink: Biolink, predicate: str) -> str:
    """The relationship type for ``predicate`` (``RELATED_TO`` outside Biolink)."""
    if not biolink.is_predicate(predicate):
        return FALLBACK_TYPE
    name = biolink.predicate(predicate).removeprefix(BIOLINK).upper()
    if not _TYPE.match(name):
        raise VocabularyError(f"Biolink predicate {predicate!r} cannot be a relationship type")
    return name


def check_type(name: str) -> str:
    """``name`` if it is safe as a relationship type in query text (upper snake case)."""
    if not _TYPE.match(name):
        raise VocabularyError(f"{name!r} is not a relationship type kgtwin writes")
    return name


def _storable(value: Any) -> bool:
    if isinstance(value, _PLAIN):
        return not (isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63)
    if isinstance(value, list | tuple) and value:
        kinds = {type(item) for item in value}
        return len(kinds) == 1 and all(_storable(item) for item in value)
    return False


def encode(properties: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Record properties as a Neo4j property map and the names of JSON-encoded entries."""
    stored: dict[str, Any] = {}
    json_keys: list[str] = []
    for key, value in properties.items():
        name = ESCAPED + key if key in RESERVED or key.startswith(INTERNAL) else key
        if _storable(value):
            stored[name] = list(value) if isinstance(value, tuple) else value
        else:
            stored[name] = json.dumps(value, sort_keys=True, default=str)
            json_keys.append(name)
    return stored, json_keys


def decode(raw: Mapping[str, Any], skip: frozenset[str] | set[str] = frozenset()) -> dict:
    """The record properties held in a Neo4j property map (``skip``: mirrored qualifiers)."""
    json_keys = set(raw.get(JSON_KEYS) or ())
    found: dict[str, Any] = {}
    for name, value in raw.items():
        if name in RESERVED or name in skip:
            continue
        if name.startswith(INTERNAL):
            if not name.startswith(ESCAPED):
                continue
            key = name.removeprefix(ESCAPED)
        else:
            key = name
        found[key] = json.loads(value) if name in json_keys else value
    return found
