"""Bulk push: a whole graph into the kgtwin-managed local server with ``neo4j-admin``.

``neo4j-admin database import full`` writes the store files directly, orders of
magnitude faster than transactions (Hetionet: ~40 s instead of ~10 h), but only into a
stopped server's own disk, and it replaces the database. So a bulk push:

1. needs the local server that ``kgtwin neo4j start`` manages (a remote URI is refused:
   its files are out of reach) and a database that is empty, unless ``replace``;
2. writes the import files (:mod:`kgtwin.neo4j.import_files`) into the server home's
   ``import/`` folder, stopping the server meanwhile;
3. imports into ``neo4j`` with ``--overwrite-destination`` (always needed: the default
   database exists from the first start), starts the server again even if the import
   failed, and creates kgtwin's constraints and indexes;
4. removes the import files.

The choice between bulk and incremental (:func:`choose_method`) is the CLI's ``push
--method auto``.
"""

from __future__ import annotations

import functools
import logging
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from kgtwin.neo4j.captions import refresh_captions
from kgtwin.neo4j.errors import BulkImportError, Neo4jServerError
from kgtwin.neo4j.import_files import write_import_files
from kgtwin.neo4j.server import LocalServer, ServerConfig
from kgtwin.neo4j.settings import Neo4jSettings, local_uris
from kgtwin.neo4j.store import create_schema
from kgtwin.store.base import GraphStore

log = logging.getLogger(__name__)

Method = Literal["auto", "bulk", "incremental"]
#: ``--method auto`` bulk-loads graphs with at least this many edges.
BULK_MIN_EDGES = 100_000
DATABASE = "neo4j"


@dataclass(frozen=True)
class BulkReport:
    """What a bulk push did, with the time of each step (seconds, wall clock).

    ``stop_s`` is the wait for the server to stop after the files were written (it
    stops while they are written).
    """

    nodes: int
    edges: int
    write_s: float
    stop_s: float
    import_s: float
    start_s: float
    schema_s: float

    @property
    def total_s(self) -> float:
        return self.write_s + self.stop_s + self.import_s + self.start_s + self.schema_s


def managed_server(settings: Neo4jSettings) -> LocalServer | None:
    """The running local server kgtwin manages at ``settings.uri``, or None.

    None for a remote URI, and also for a local port that some other Neo4j (Desktop,
    Docker) answers on while kgtwin's own server there is stopped: only a server whose
    home kgtwin knows and whose process it sees may be bulk loaded.
    """
    config = ServerConfig.load(settings.home)
    if settings.uri not in local_uris(config) or not (config.home / "lib").is_dir():
        return None
    server = LocalServer(config)
    return server if server.pid() is not None else None


def is_empty(settings: Neo4jSettings) -> bool:
    """Whether the database holds no node (kgtwin's or anyone's) but kgtwin's meta node,
    which opening a :class:`~kgtwin.neo4j.store.Neo4jStore` on it creates."""
    with settings.driver() as driver:
        records, _, _ = driver.execute_query(
            "MATCH (n) WHERE NOT n:KgtwinMeta RETURN count(n) > 0 AS any",
            database_=settings.database,
        )
    return not records[0]["any"]


def choose_method(
    method: Method, settings: Neo4jSettings, edges: int, *, replace: bool
) -> tuple[Literal["bulk", "incremental"], str]:
    """The method a push uses and why, in words the CLI prints."""
    server = managed_server(settings)
    if method == "bulk":
        if server is None:
            raise BulkImportError(
                f"{settings.uri} is not a running local server kgtwin manages, so it cannot "
                "be bulk loaded (neo4j-admin needs the server's disk; `kgtwin neo4j start` "
                "starts one, --neo4j-home names its home); use --method incremental"
            )
        return "bulk", "asked for"
    if method == "incremental":
        return "incremental", "asked for"
    if server is None:
        return "incremental", "remote server (bulk import needs the local kgtwin server)"
    if edges < BULK_MIN_EDGES:
        return "incremental", f"{edges:,} edges < {BULK_MIN_EDGES:,}"
    if not replace and not is_empty(settings):
        return "incremental", "the database already holds data (--replace to bulk load)"
    return "bulk", f"local server, {'--replace' if replace else 'empty database'}, " + (
        f"{edges:,} edges >= {BULK_MIN_EDGES:,}"
    )


def bulk_push(
    store: GraphStore, settings: Neo4jSettings, *, replace: bool = False, compress: bool = False
) -> BulkReport:
    """Replace the local server's ``neo4j`` database by the graph in ``store``."""
    server = managed_server(settings)
    if server is None:
        raise BulkImportError(f"{settings.uri} is not a running local server kgtwin manages")
    if settings.database not in (None, DATABASE):
        raise BulkImportError(f"bulk import writes the {DATABASE!r} database only")
    if not replace and not is_empty(settings):
        raise BulkImportError(
            f"Neo4j at {settings.uri} already holds data and a bulk import replaces the "
            "database: pass --replace, or push with --method incremental to merge"
        )
    folder = server.home / "import" / f"kgtwin-bulk-{time.time_ns()}"
    try:
        clock = time.perf_counter()
        # The server is not needed while the files are written: it stops meanwhile
        # (its checkpoint and shutdown take seconds), and starts again if writing fails.
        with ThreadPoolExecutor(1, thread_name_prefix="kgtwin-neo4j-stop") as pool:
            stopping = pool.submit(server.stop)
            try:
                files = write_import_files(store, folder, compress=compress)
            except BaseException:
                stopping.result()
                server.start()
                raise
            write_s, clock = _lap(clock)
            stopping.result()
        stop_s, clock = _lap(clock)
        try:
            server.import_database(
                files.admin_arguments(), database=DATABASE, heap=_import_heap(server.config.heap)
            )
        except Neo4jServerError as error:
            raise BulkImportError(_import_failure(str(error), server)) from None
        finally:
            import_s, clock = _lap(clock)
            server.start()
        start_s, clock = _lap(clock)
        with settings.driver() as driver:
            create_schema(driver, settings.database)
            refresh_captions(functools.partial(driver.execute_query,
                                               database_=settings.database))
        schema_s, _ = _lap(clock)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    log.info("bulk import of %d nodes and %d edges done", files.node_count, files.edge_count)
    return BulkReport(files.node_count, files.edge_count, write_s, stop_s, import_s, start_s,
                      schema_s)  # fmt: skip


def _import_heap(server_heap: str) -> str:
    """The import tool's heap: the server's (it is stopped meanwhile), at least 1 GB."""
    units = {"k": 2**10, "m": 2**20, "g": 2**30}
    text = server_heap.strip().lower()
    size = int(text[:-1]) * units[text[-1]] if text[-1:] in units else int(text)
    return server_heap if size >= 2**30 else "1g"


def _lap(since: float) -> tuple[float, float]:
    now = time.perf_counter()
    return now - since, now


def _import_failure(output: str, server: LocalServer) -> str:
    """The lines of a failed import that say why (not its progress bars)."""
    lines = [
        line.strip()
        for line in output.splitlines()
        if line.strip() and not line.lstrip().startswith(".") and "%" not in line
    ]
    reason = next((line for line in reversed(lines) if "rror" in line or "xception" in line),
                  lines[-1] if lines else "no output")  # fmt: skip
    return (f"neo4j-admin import failed: {reason} (report: "
            f"{server.home / 'logs' / 'import.report'}); the server was started again")  # fmt: skip
