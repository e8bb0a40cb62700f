"""Which id names a node when several ids are one entity: pure, order-independent rules.

Shared by every store so the embedded store and Neo4j pick the same preferred id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from kgtwin.biolink import Biolink

_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    """'HGNC:9' sorts before 'HGNC:10'."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


def preferred_id(ids: Iterable[str], category: str, biolink: Biolink) -> str:
    """The id of the preferred prefix for ``category``; ties go to the natural-sort first."""
    order = _prefix_order(biolink, category)
    rank = {prefix: index for index, prefix in enumerate(order)}

    def key(curie: str) -> tuple:
        prefix = curie.partition(":")[0]
        return (rank.get(prefix, len(order)), prefix, _natural(curie))

    return min(ids, key=key)


@lru_cache(maxsize=512)
def _prefix_order(biolink: Biolink, category: str) -> tuple[str, ...]:
    return tuple(biolink.preferred_prefixes(category))
