"""Run Cypher against Neo4j and get a pandas DataFrame back.

Reads are the default and travel in a READ transaction, so the server itself refuses a
write even where kgtwin's own check misses one; kgtwin's check only exists to give a
clear message before the query is sent. Values always travel as parameters: user input
never becomes query text.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
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
    r"|//[^\n]*"  # line comment
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


def run_query(
    driver: Driver,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    *,
    write: bool = False,
    database: str | None = None,
) -> pd.DataFrame:
    """Run ``cypher`` with ``params`` and return its rows; a read unless ``write``."""
    import pandas as pd
    from neo4j import READ_ACCESS, WRITE_ACCESS
    from neo4j.exceptions import ClientError, Neo4jError

    if not cypher.strip():
        raise QueryError("the query is empty")
    if not write and (found := write_clauses(cypher)):
        raise WriteRefusedError(
            f"the query writes ({', '.join(dict.fromkeys(found))}); add --write to allow it"
        )
    params = dict(params or {})

    def work(tx: Any) -> tuple[list[str], list[dict[str, Any]]]:
        result = tx.run(cypher, params)
        keys = list(result.keys())
        return keys, [_plain_row(record, keys) for record in result]

    mode = WRITE_ACCESS if write else READ_ACCESS
    try:
        with driver.session(database=database, default_access_mode=mode) as session:
            run = session.execute_write if write else session.execute_read
            keys, rows = run(work)
    except ClientError as error:
        if error.code == "Neo.ClientError.Statement.AccessMode":
            raise WriteRefusedError(
                "the server refused a write in a read transaction; add --write to allow it"
            ) from None
        raise QueryError(f"{error.code}: {error.message}") from None
    except Neo4jError as error:
        raise QueryError(f"{error.code}: {error.message}") from None
    log.debug("query returned %d rows", len(rows))
    return pd.DataFrame(rows, columns=keys)


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
