"""Bring a Neo4j graph written by an older kgtwin up to the current schema.

Schema 1 gave every node its Biolink mixins as labels too (``GeneOrGeneProduct``,
``ThingWithTaxon``…, 13 labels on a gene); schema 2 keeps the category and its ``is_a``
ancestors only (:func:`kgtwin.neo4j.codec.labels`). The upgrade removes the mixin
labels, one category at a time through the ``category`` index, in transactions of
10,000 nodes; nothing else in the graph changes, and kgtwin's reads never used labels.
"""

from __future__ import annotations

import logging
from typing import Any

from kgtwin.biolink import BIOLINK, Biolink
from kgtwin.errors import StoreError
from kgtwin.neo4j import codec

__all__ = ["stale_labels", "upgrade_schema"]

log = logging.getLogger(__name__)

_REMOVE = ("MATCH (n:NamedThing) WHERE n.category = $category "
           "CALL (n) { REMOVE n:$($stale) } IN TRANSACTIONS OF 10000 ROWS")


def stale_labels(biolink: Biolink, category: str) -> list[str]:
    """The labels schema 1 gave a node of ``category`` that schema 2 does not."""
    if not biolink.is_category(category):
        return []
    keep = set(codec.labels(biolink, category))
    return [name for name in (c.removeprefix(BIOLINK) for c in biolink.ancestors(category))
            if name not in keep]


def upgrade_schema(driver: Any, database: str | None, biolink: Biolink, found: str,
                   current: str, where: str) -> None:
    """Upgrade the graph from schema ``found`` to ``current``, or say why it cannot."""
    if (found, current) != ("1", "2"):
        raise StoreError(f"the Neo4j graph at {where} was written by another kgtwin "
                         f"(schema {found}, this kgtwin reads {current})")
    from neo4j.exceptions import Neo4jError

    log.warning("upgrading the Neo4j graph at %s from schema 1 to 2: removing Biolink "
                "mixin labels (GeneOrGeneProduct, ThingWithTaxon, ...) from its nodes", where)
    try:
        with driver.session(database=database) as session:
            categories = [r[0] for r in session.run(
                "MATCH (n:NamedThing) RETURN DISTINCT n.category")]
            for category in categories:
                stale = stale_labels(biolink, category or "")
                if stale:
                    session.run(_REMOVE, category=category, stale=stale).consume()
            session.run("MATCH (m:KgtwinMeta {key: 'kgtwin'}) SET m.schema = $schema",
                        schema=current).consume()
    except Neo4jError as error:
        raise StoreError(
            f"the Neo4j graph at {where} has kgtwin schema 1 (Biolink mixins as labels) "
            f"and upgrading it to schema 2 failed: {error.message}; open it once as a user "
            f"who may write, or load it again") from None
