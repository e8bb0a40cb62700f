"""Run Cypher against Neo4j: rows streamed as they come, or a pandas DataFrame.

Reads are the default. What counts as a read is decided by the server: the query is
planned with ``EXPLAIN`` first (:mod:`kgtwin.neo4j.readonly`) and then runs in a READ
transaction, so the server itself refuses a write even where kgtwin's own checks miss
one. The text check below only exists to give a clear message early. Values always
travel as parameters: user input never becomes query text.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kgtwin.neo4j.errors import QueryError, WriteRefusedError

if TYPE_CHECKING:
    import pandas as pd
    from neo4j import Driver

log = logging.getLogger(__name__)

# Clauses and commands that change data, schema or the DBMS. Matched on the query with
# strings, quoted names and comments removed, so "WHERE n.name = 'Set'" is a read;
# a word after '.', '$' or ':' is a property, parameter or label (n.set, $merge).
_WRITE_WORDS = re.compile(
    r"(?<![.$:\w])(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|ALTER|GRANT|DENY|REVOKE"
    r"|RENAME|TERMINATE|LOAD\s+CSV|IN\s+TRANSACTIONS)\b",
    re.IGNORECASE,
)
_LITERALS = re.compile(
    r"'(?:[^'\\]|\\.)*'"  # 'single-quoted'
    r'|"(?:[^"\\]|\\.)*"'  # "double-quoted"
    r"|`(?:[^`]|``)*`"  # `quoted name`
    r"|//[^\r\n]*"  # line comment (Cypher ends it at \r too)
    r"|/\*.*?\*/",  # block comment
    re.DOTALL,
)
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def write_clauses(cypher: str) -> list[str]:
    """The write clauses in ``cypher`` (upper-case, in order; empty for a read)."""
    bare = _LITERALS.sub(" ", cypher)
    return [" ".join(match.group(1).upper().split()) for match in _WRITE_WORDS.finditer(bare)]


def parse_params(pairs: Iterable[str]) -> dict[str, Any]:
    """``name=value`` pairs from the command line into a parameter map.

    A value that is JSON (``5``, ``true``, ``["a","b"]``, ``"5"``) is taken as JSON;
    anything else is a plain string, so ``id=HGNC:1097`` needs no quoting.
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not _PARAM_NAME.match(name):
            raise QueryError(f"--param wants name=value with a plain name, got {pair!r}")
        try:
            params[name] = json.loads(text)
        except json.JSONDecodeError:
            params[name] = text
    return params


@dataclass
class QueryRows:
    """The columns of a running query and its rows, read from the server as they come."""

    keys: list[str]
    rows: Iterator[dict[str, Any]]


@contextmanager
def open_query(
    driver: Driver,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
    database: str | None = None,
) -> Iterator[QueryRows]:
    """Starts ``cypher`` and streams its rows; a read (checked by the server) unless ``write``.

    Rows are never all held in memory, so a query of millions of rows prints in constant
    space. A read is planned first (:func:`kgtwin.neo4j.readonly.check_read`) and runs
    in a READ-access transaction; a write commits when the block ends without error.
    """
    from neo4j import READ_ACCESS, WRITE_ACCESS
    from neo4j.exceptions import Neo4jError

    from kgtwin.neo4j.readonly import check_read

    if not cypher.strip():
        raise QueryError("the query is empty")
    if not write and (found := write_clauses(cypher)):
        raise WriteRefusedError(
            f"the query writes ({', '.join(dict.fromkeys(found))}); add --write to allow it"
        )
    params = dict(params or {})
    mode = WRITE_ACCESS if write else READ_ACCESS
    with _server_errors(), driver.session(database=database, default_access_mode=mode) as session:
        if not write:
            check_read(session, cypher, params)
        with session.begin_transaction() as tx:
            result = tx.run(cypher, params)
            keys = list(result.keys())

            def rows() -> Iterator[dict[str, Any]]:
                with _server_errors():
                    for record in result:
                        yield _plain_row(record, keys)

            yield QueryRows(keys, rows())
            try:
                if write:
                    tx.commit()
            except Neo4jError as error:
                raise _query_error(error) from None


def run_query(
    driver: Driver,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
    database: str | None = None,
) -> pd.DataFrame:
    """Run ``cypher`` with ``params`` and return all its rows; a read unless ``write``."""
    import pandas as pd

    with open_query(driver, cypher, params, write=write, database=database) as query:
        rows = list(query.rows)
    log.debug("query returned %d rows", len(rows))
    return pd.DataFrame(rows, columns=query.keys)


@contextmanager
def _server_errors() -> Iterator[None]:
    """The server's refusals as kgtwin errors (one line at the CLI)."""
    from neo4j.exceptions import Neo4jError

    try:
        yield
    except Neo4jError as error:
        raise _query_error(error) from None


def _query_error(error: Any) -> QueryError:
    if error.code == "Neo.ClientError.Statement.AccessMode":
        return WriteRefusedError(
            "the server refused a write in a read transaction; add --write to allow it"
        )
    return QueryError(f"{error.code}: {error.message}")


def _plain_row(record: Any, keys: list[str]) -> dict[str, Any]:
    return {key: _plain(record[key]) for key in keys}


def _plain(value: Any) -> Any:
    """Driver values as plain Python: nodes and relationships become dicts."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **dict(value.items())}
    if isinstance(value, Relationship):
        return {
            "type": value.type,
            "start": value.start_node.get("id") if value.start_node else None,
            "end": value.end_node.get("id") if value.end_node else None,
            **dict(value.items()),
        }
    if isinstance(value, Path):
        return [_plain(node) for node in value.nodes]
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    return value


def format_frame(frame: pd.DataFrame, fmt: str) -> str:
    """Render rows as ``table``, ``json`` (a list of objects) or ``csv``."""
    if fmt == "json":
        return json.dumps(frame.to_dict(orient="records"), indent=2, default=str)
    if fmt == "csv":
        nested = frame.map(lambda v: json.dumps(v) if isinstance(v, list | dict) else v)
        return nested.to_csv(index=False).rstrip("\n")
    if fmt == "table":
        if frame.empty:
            return "(no rows)" if len(frame.columns) else "(no result)"
        return frame.to_string(index=False)
    raise QueryError(f"unknown format {fmt!r}; use table, json or csv")


def stream_text(keys: list[str], rows: Iterable[dict[str, Any]], fmt: str) -> Iterator[str]:
    """Rows rendered as they come: ``csv`` and ``json`` one row at a time, ``table`` in blocks.

    A table is aligned within blocks of :data:`TABLE_BLOCK` rows, so even an unlimited
    query never holds more than one block.
    """
    import pandas as pd

    if fmt not in ("table", "json", "csv"):
        raise QueryError(f"unknown format {fmt!r}; use table, json or csv")
    if fmt == "json":
        yield from _joined(_json_lines(rows))
        return
    if fmt == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(keys)
        for number, row in enumerate(rows, start=1):
            writer.writerow(
                [
                    json.dumps(v) if isinstance(v, list | dict) else _csv_cell(v)
                    for v in row.values()
                ]
            )
            if number % TABLE_BLOCK == 0:  # written in blocks: one write per row is slow
                yield buffer.getvalue().rstrip("\n")
                buffer.seek(0)
                buffer.truncate()
        if buffer.getvalue():
            yield buffer.getvalue().rstrip("\n")
        return
    block: list[dict[str, Any]] = []
    first = True
    for row in rows:
        block.append(row)
        if len(block) == TABLE_BLOCK:
            text = pd.DataFrame(block, columns=keys).to_string(index=False)
            yield text if first else text.split("\n", 1)[1]
            block, first = [], False
    if first:
        yield format_frame(pd.DataFrame(block, columns=keys), "table")
    elif block:
        yield pd.DataFrame(block, columns=keys).to_string(index=False).split("\n", 1)[1]


#: Rows per aligned block of a streamed table.
TABLE_BLOCK = 1000


def _joined(lines: Iterable[str]) -> Iterator[str]:
    """Lines joined into blocks of :data:`TABLE_BLOCK`, for fewer, larger writes."""
    block: list[str] = []
    for line in lines:
        block.append(line)
        if len(block) == TABLE_BLOCK:
            yield "\n".join(block)
            block = []
    if block:
        yield "\n".join(block)


def _csv_cell(value: Any) -> Any:
    return "" if value is None else value


def _json_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written one object at a time (the same value ``format_frame`` gives)."""
    pending: str | None = None
    for row in rows:
        if pending is None:
            yield "["
        else:
            yield pending + ","
        pending = _indent(json.dumps(row, indent=2, default=str))
    if pending is None:
        yield "[]"
    else:
        yield pending
        yield "]"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())
