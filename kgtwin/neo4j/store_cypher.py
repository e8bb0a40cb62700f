"""The Cypher of the Neo4j store's writes (:mod:`kgtwin.neo4j.store_write` runs them).

Every value is a parameter. Labels travel as parameters too (``$(row.labels)``);
relationship types are written into the text with ``%s`` by the caller, after
:func:`kgtwin.neo4j.codec.check_type`, because a ``MERGE`` on a dynamic type was several
times slower in 5.26.
"""

from __future__ import annotations


def accumulate(entity: str, new: str) -> str:
    """Cypher that merges the property map ``new`` into ``entity`` by
    :func:`kgtwin.model.merge_properties`' rule: a value stored before and a new one that
    differ accumulate (both sides' items, first seen first, no repeats) when either is a
    list or the key is multivalued (``$multivalued``), else the new one wins. Keys whose
    stored value is JSON text (``kgtwin_json``: maps, mixed lists) are replaced. Run it
    before the ``kgtwin_json`` update; ``new`` holds only values Neo4j keeps natively.
    """
    old, value = f"{entity}[k]", f"{new}[k]"
    return f"""FOREACH (k IN keys({new}) | SET {old} = CASE
    WHEN {old} IS NULL OR {old} = {value} OR k IN coalesce({entity}.kgtwin_json, [])
        THEN {value}
    WHEN k IN $multivalued OR {old} IS :: LIST<ANY> OR {value} IS :: LIST<ANY>
        THEN reduce(acc = [], x IN
            coalesce(CASE WHEN {old} IS :: LIST<ANY> THEN {old} END, [{old}])
            + coalesce(CASE WHEN {value} IS :: LIST<ANY> THEN {value} END, [{value}])
            | CASE WHEN x IN acc THEN acc ELSE acc + [x] END)
    ELSE {value} END)"""


CREATE_NODES = """
UNWIND $rows AS row
CREATE (n:NamedThing {id: row.id})
SET n:$(row.labels), n += row.props, n.category = row.category, n.name = row.name,
    n.aligned = row.aligned, n.xrefs = nullif_empty(row.xrefs), n.kgtwin_sources = [$source],
    n.kgtwin_categories = [row.category], n.kgtwin_json = nullif_empty(row.json_keys)
WITH row
UNWIND row.aliases AS alias
CREATE (:KgtwinAlias {alias: alias, node: row.id,
                      name: CASE WHEN alias = row.own THEN row.name END})
"""

UPSERT_NODE = """
MERGE (n:NamedThing {id: $id})
ON CREATE SET n.aligned = $aligned, n.kgtwin_sources = [], n.kgtwin_categories = []
WITH n, [l IN labels(n) WHERE NOT l IN $labels] AS stale
REMOVE n:$(stale)
""" + accumulate("n", "$props") + """
SET n:$($labels), n += $json_props, n.category = $category, n.name = coalesce($name, n.name),
    n.kgtwin_sources = n.kgtwin_sources + [s IN [$source] WHERE NOT s IN n.kgtwin_sources],
    n.kgtwin_categories = n.kgtwin_categories
        + [c IN $categories WHERE NOT c IN n.kgtwin_categories],
    n.kgtwin_json = nullif_empty([k IN coalesce(n.kgtwin_json, []) WHERE NOT k IN keys($props)
        AND NOT k IN $json_keys] + $json_keys)
"""

SET_ALIASES = """
UNWIND $aliases AS alias
MERGE (a:KgtwinAlias {alias: alias})
SET a.node = $node
"""

# Nodes already stored under the id they keep (a re-load, a second source): one batch.
UPDATE_NODES = """
UNWIND $rows AS row
MATCH (n:NamedThing {id: row.id})
WITH n, row, [l IN labels(n) WHERE NOT l IN row.labels] AS stale
REMOVE n:$(stale)
""" + accumulate("n", "row.props") + """
SET n:$(row.labels), n += row.json_props, n.category = row.category,
    n.name = coalesce(row.name, n.name),
    n.kgtwin_sources = n.kgtwin_sources + [s IN [$source] WHERE NOT s IN n.kgtwin_sources],
    n.kgtwin_categories = n.kgtwin_categories
        + [c IN row.categories WHERE NOT c IN n.kgtwin_categories],
    n.kgtwin_json = nullif_empty([k IN coalesce(n.kgtwin_json, [])
                                  WHERE NOT k IN keys(row.props)
                                  AND NOT k IN row.json_keys] + row.json_keys)
WITH row WHERE row.name IS NOT NULL
MATCH (a:KgtwinAlias {alias: row.own})
SET a.name = row.name
"""

# The record that carries the preferred id names the node, whatever the load order;
# the node's xrefs are its other aliases.
REFRESH_NODE = """
UNWIND $ids AS id
MATCH (n:NamedThing {id: id})
OPTIONAL MATCH (a:KgtwinAlias {node: id})
WITH n, a ORDER BY a.alias
WITH n, collect(a) AS aliases
WITH n, aliases, [a IN aliases WHERE a.alias = n.id | a.name][0] AS own
SET n.xrefs = nullif_empty([a IN aliases WHERE a.alias <> n.id | a.alias]),
    n.name = coalesce(own, n.name)
"""


# One statement per relationship type, the type written into the text after
# codec.check_type: a MERGE on a dynamic type $(…) is several times slower in 5.26.
# Properties follow the one merge rule (lists accumulate: the publications of every row
# that states the edge); values kept as JSON text (row.json_props) are replaced.
MERGE_EDGES = """
UNWIND $rows AS row
MATCH (s:NamedThing {id: row.subject})
MATCH (o:NamedThing {id: row.object})
MERGE (s)-[r:%s {predicate: row.predicate, kgtwin_qualifiers: row.qualifier_key}]->(o)
ON CREATE SET r += row.qualifiers, r.aligned = row.aligned, r.kgtwin_sources = [],
              r.kgtwin_seq = row.seq
""" + accumulate("r", "row.props") + """
SET r += row.json_props,
    r.kgtwin_sources = r.kgtwin_sources + [s IN row.sources WHERE NOT s IN r.kgtwin_sources],
    r.kgtwin_json = nullif_empty([k IN coalesce(r.kgtwin_json, [])
                                  WHERE NOT k IN keys(row.props)
                                  AND NOT k IN row.json_keys] + row.json_keys)
"""

# Edges known to be new (an endpoint was created in this load, the key not yet written):
# CREATE with the whole property map built client-side, several times faster than MERGE.
CREATE_EDGES = """
UNWIND $rows AS row
MATCH (s:NamedThing {id: row.subject})
MATCH (o:NamedThing {id: row.object})
CREATE (s)-[r:%s]->(o)
SET r = row.props
"""

CREATE_STUBS = """
UNWIND $rows AS row
MERGE (n:NamedThing {id: row.id})
ON CREATE SET n.category = $root, n.aligned = row.aligned, n.kgtwin_sources = [$source],
              n.kgtwin_categories = [$root]
MERGE (a:KgtwinAlias {alias: row.id})
ON CREATE SET a.node = row.id
"""

MERGE_MEASUREMENTS = """
UNWIND $rows AS row
MERGE (m:KgtwinMeasurement {entity: row.entity, feature: row.feature, kind: row.kind})
ON CREATE SET m.kgtwin_sources = []
SET m.value = row.value, m.zscore = row.zscore,
    m.kgtwin_sources = m.kgtwin_sources + [s IN [$source] WHERE NOT s IN m.kgtwin_sources]
"""


def _nullif_empty(query: str) -> str:
    """Expands ``nullif_empty(x)`` (empty list -> no property) in a statement's text.

    Empty lists are not stored: ``neo4j-admin import`` cannot write an empty array, and
    a bulk-loaded graph must read the same as an incrementally loaded one.
    """
    out, start = [], 0
    while (at := query.find("nullif_empty(", start)) >= 0:
        depth, end = 0, at + len("nullif_empty")
        for end in range(at + len("nullif_empty"), len(query)):
            depth += {"(": 1, ")": -1}.get(query[end], 0)
            if depth == 0:
                break
        inner = query[at + len("nullif_empty(") : end]
        out += [query[start:at], f"CASE WHEN size({inner}) = 0 THEN null ELSE {inner} END"]
        start = end + 1
    return "".join(out) + query[start:]


CREATE_NODES, UPSERT_NODE, UPDATE_NODES, REFRESH_NODE, MERGE_EDGES = map(
    _nullif_empty, (CREATE_NODES, UPSERT_NODE, UPDATE_NODES, REFRESH_NODE, MERGE_EDGES)
)
