"""Is a Cypher query a read? Asked of the server, not guessed from the text.

A text check cannot be complete: Cypher ends a ``//`` comment at ``\\r`` as well as
``\\n``, accepts unicode escapes and any case, and a procedure or a command (``CALL
db.clearQueryCaches()``, ``TERMINATE TRANSACTIONS``, ``LOAD CSV``) changes state or
reaches the network without any write clause. So before a read runs, the server plans
it with ``EXPLAIN`` (nothing executes) and kgtwin accepts it only when

* its plan holds no operator that loads, terminates or administers
  (:data:`REFUSED_OPERATORS`),
* every procedure it calls is registered with mode ``READ``, and
* the server classifies it as read-only (query type ``r``).

The query then still runs in a READ-access transaction, so the server refuses a write
that got past both checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from kgtwin.neo4j.errors import WriteRefusedError

#: Plan operators a read may not contain, whatever the server's query type says:
#: LOAD CSV fetches URLs and files from the server; the others change the DBMS or
#: run work in separate (write) transactions.
REFUSED_OPERATORS = frozenset(
    {
        "LoadCSV",
        "TerminateTransactions",
        "AdministrationCommand",
        "TransactionForeach",
        "TransactionApply",
        "SystemProcedureCall",
    }
)
_PROCEDURE = re.compile(r"\s*([A-Za-z_][\w.]*)\s*\(")


def check_read(session: Any, cypher: str, params: Mapping[str, Any]) -> None:
    """Raises :class:`WriteRefusedError` unless the server plans ``cypher`` as a pure read."""
    summary = session.run("EXPLAIN " + cypher, dict(params)).consume()
    operators = list(_operators(summary.plan or {}))
    refused = sorted({name for name, _ in operators if name in REFUSED_OPERATORS})
    if refused:
        raise WriteRefusedError(
            f"the query uses {', '.join(refused)}, which a read may not; add --write to allow it"
        )
    called = {
        match.group(1)
        for name, details in operators
        if name == "ProcedureCall" and (match := _PROCEDURE.match(details))
    }
    if called:
        modes = _procedure_modes(session, called)
        bad = sorted(
            f"{name} ({modes.get(name, 'unknown')})" for name in called if modes.get(name) != "READ"
        )
        if bad:
            raise WriteRefusedError(
                f"the query calls procedures that are not read-only: {', '.join(bad)}; "
                "add --write to allow it"
            )
    kind = summary.query_type or "?"
    if kind != "r":
        what = {"w": "writes", "rw": "reads and writes", "s": "changes the schema or DBMS"}
        raise WriteRefusedError(
            f"the server says the query {what.get(kind, f'is of type {kind!r}')}; "
            "add --write to allow it"
        )


def _operators(plan: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(operator, details) of every step of an EXPLAIN plan, '@database' stripped."""
    stack = [plan]
    while stack:
        step = stack.pop()
        name = str(step.get("operatorType", "")).split("@", 1)[0]
        args = step.get("args") or {}
        yield name, str(args.get("Details", ""))
        stack.extend(step.get("children") or [])


def _procedure_modes(session: Any, names: set[str]) -> dict[str, str]:
    """The registered mode (READ, WRITE, SCHEMA, DBMS) of each named procedure."""
    result = session.run(
        "SHOW PROCEDURES YIELD name, mode WHERE name IN $names RETURN name, mode",
        {"names": sorted(names)},
    )
    return {record["name"]: record["mode"] for record in result}
