"""Neo4j's own tools on the graph kgtwin loads, for ``neo4j_store.py`` to time beside it.

* :func:`bare_import`: the bare import path a Neo4j user takes with files in hand:
  stop the server, ``neo4j-admin database import full`` of the same files kgtwin writes,
  start it again, build the same constraints and indexes. No file writing: that is
  kgtwin's share of its bulk push.
* :func:`bare_unwind`: batched ``UNWIND … CREATE`` of the same nodes (the same Biolink
  labels, id, name, category) and edges (the same relationship types, predicate), into a
  database holding only the id constraint: what a hand-written loader does when it knows
  every record is new, with no merge, provenance, aliases or ledger.
"""

from __future__ import annotations

import shutil
import time
from collections import defaultdict

from kgtwin.biolink import default_biolink
from kgtwin.model import Edge, Node
from kgtwin.neo4j import codec
from kgtwin.neo4j.bulk import DATABASE, _import_heap
from kgtwin.neo4j.import_files import write_import_files
from kgtwin.neo4j.server import LocalServer
from kgtwin.neo4j.settings import Neo4jSettings
from kgtwin.neo4j.store import create_schema
from kgtwin.store.base import GraphStore

BATCH = 10_000

CREATE_NODES = """
UNWIND $rows AS row
CREATE (n:NamedThing {id: row.id})
SET n:$(row.labels), n.name = row.name, n.category = row.category
"""

CREATE_EDGES = """
UNWIND $rows AS row
MATCH (s:NamedThing {id: row.subject})
MATCH (o:NamedThing {id: row.object})
CREATE (s)-[r:%s {predicate: row.predicate}]->(o)
"""


def bare_import(store: GraphStore, server: LocalServer, settings: Neo4jSettings) -> dict:
    """Seconds of each bare step (and the files' writing, untimed in the total)."""
    folder = server.home / "import" / f"bare-{time.time_ns()}"
    try:
        start = time.perf_counter()
        files = write_import_files(store, folder)
        write_s = time.perf_counter() - start
        start = time.perf_counter()
        server.stop()
        stop_s = time.perf_counter() - start
        start = time.perf_counter()
        server.import_database(files.admin_arguments(), database=DATABASE,
                               heap=_import_heap(server.config.heap))
        import_s = time.perf_counter() - start
        start = time.perf_counter()
        server.start()
        start_s = time.perf_counter() - start
        start = time.perf_counter()
        with settings.driver() as driver:
            create_schema(driver, settings.database)
        schema_s = time.perf_counter() - start
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"write_s": write_s, "stop_s": stop_s, "import_s": import_s, "start_s": start_s,
            "schema_s": schema_s, "total_s": stop_s + import_s + start_s + schema_s,
            "edges": files.edge_count}


def bare_unwind(settings: Neo4jSettings, nodes: list[Node], edges: list[Edge]) -> float:
    """Seconds to CREATE ``nodes`` then ``edges`` in batches of ``BATCH``, one transaction
    per batch, into an empty database (the caller empties it)."""
    biolink = default_biolink()
    node_rows = [{"id": n.id, "name": n.name, "category": n.category,
                  "labels": list(codec.labels(biolink, n.category))} for n in nodes]
    by_type: dict[str, list[dict]] = defaultdict(list)
    for edge in edges:
        by_type[codec.relationship_type(biolink, edge.predicate)].append(
            {"subject": edge.subject, "object": edge.object, "predicate": edge.predicate})
    with settings.driver() as driver:
        start = time.perf_counter()
        for i in range(0, len(node_rows), BATCH):
            driver.execute_query(CREATE_NODES, rows=node_rows[i:i + BATCH],
                                 database_=settings.database)
        for kind, rows in by_type.items():
            query = CREATE_EDGES % codec.check_type(kind)
            for i in range(0, len(rows), BATCH):
                driver.execute_query(query, rows=rows[i:i + BATCH], database_=settings.database)
        return time.perf_counter() - start

