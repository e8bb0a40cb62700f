"""Which id names a node when several ids are one entity: pure, order-independent rules.

Shared by every store so the embedded store and Neo4j pick the same preferred id.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from kgtwin.biolink import Biolink
from kgtwin.ids import ALT_IDS

_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    """'HGNC:9' sorts before 'HGNC:10'."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def preferred_id(
    ids: Iterable[str], category: str, biolink: Biolink, secondary: Iterable[str] = ()
) -> str:
    """The id of the preferred prefix for ``category``; within a prefix an id no term
    declared an ``alt_id`` (``secondary``) wins, then the natural-sort first.

    Without the ``secondary`` rule lymphoma ``DOID:0060058`` was named by its alt_id
    ``DOID:353`` (353 sorts first).
    """
    order = _prefix_order(biolink, category)
    rank = {prefix: index for index, prefix in enumerate(order)}
    secondary = frozenset(secondary)

    def key(curie: str) -> tuple:
        prefix = curie.partition(":")[0]
        return (rank.get(prefix, len(order)), prefix, curie in secondary, _natural(curie))

    return min(ids, key=key)


def alt_ids(properties: Mapping[str, object] | str | None) -> list[str]:
    """The ``alt_ids`` of a node's properties (a mapping, or the stores' JSON text)."""
    if isinstance(properties, str):
        properties = json.loads(properties) if ALT_IDS in properties else None
    if not properties:
        return []
    value = properties.get(ALT_IDS)
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


@lru_cache(maxsize=512)
def _prefix_order(biolink: Biolink, category: str) -> tuple[str, ...]:
    return tuple(biolink.preferred_prefixes(category))
