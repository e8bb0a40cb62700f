"""Errors of the Neo4j back end; all are :class:`~kgtwin.errors.KgTwinError` so the CLI
prints them as one line."""

from __future__ import annotations

from kgtwin.errors import KgTwinError


class Neo4jServerError(KgTwinError, RuntimeError):
    """The local server could not be assembled, started or stopped."""


class Neo4jConnectionError(KgTwinError, ConnectionError):
    """No Neo4j answers at the configured URI, or it refused the credentials."""


class QueryError(KgTwinError, ValueError):
    """A Cypher query or one of its parameters is not acceptable, or the server rejected it."""


class WriteRefusedError(QueryError):
    """A query that writes was run without asking for a write transaction."""


class BulkImportError(KgTwinError, RuntimeError):
    """A bulk load (``neo4j-admin database import``) cannot run or failed."""
