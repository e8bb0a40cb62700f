"""Read-only means read-only: the server's own plan decides, however the query is written.

Each refused query is also shown to have had no effect: the graph's fingerprint is
unchanged, a loopback HTTP listener got no request (LOAD CSV), and another session's
transaction is still alive (TERMINATE TRANSACTIONS).
"""

from __future__ import annotations

import http.server
import json
import random
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.neo4j.errors import WriteRefusedError
from kgtwin.neo4j.query import run_query

from .test_query import fingerprint, invoke

pytestmark = pytest.mark.neo4j


class _Listener(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"a,b\n1,2\n")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    """A loopback HTTP server that records every request made to it."""
    _Listener.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], _Listener.requests
    finally:
        server.shutdown()
        server.server_close()


def dangerous(port: int) -> list[str]:
    """Queries that change state or reach out, none with a plain write clause in view."""
    return [
        f"LOAD CSV FROM 'http://127.0.0.1:{port}/x' AS l RETURN l",
        f"WITH 'http://127.0.0.1:{port}/y' AS u LOAD CSV FROM u AS l RETURN l",
        "CALL db.clearQueryCaches()",
        "CALL db.createLabel('Injected')",
        "TERMINATE TRANSACTIONS 'neo4j-transaction-999999'",
        "MATCH (n) SET n.hacked = true",
        "CREATE INDEX hacked FOR (n:Gene) ON (n.hacked)",
        "UNWIND [1] AS x CALL (x) { CREATE (:Injected) } IN TRANSACTIONS RETURN x",
        "MATCH (g:Gene) FOREACH (x IN [1] | SET g.hacked = true)",
    ]


def disguises(query: str, rng: random.Random) -> list[str]:
    """The same query hidden from a text check: comments ended by \\r, case, escapes."""
    words = query.split(" ")
    mixed = " ".join(  # keywords only: names are case-sensitive
        "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in w)
        if w.isalpha() and w.isupper()
        else w
        for w in words
    )
    return [
        query,
        "//x\r" + query,
        "// harmless\r\n" + query.replace(" ", "\r", 1),
        "/* a\n comment */ " + query.replace(" ", " /* */ ", 2),
        mixed,
        "MATCH (n) WITH count(n) AS c\r" + query if query.startswith(("LOAD", "MATCH")) else query,
        query.replace("http://", "\\u0068ttp://"),
        query.replace(" ", "\t\u00a0"),  # Cypher counts NBSP as whitespace
        "// " + "\u2028" + "\r" + query,
    ]


def test_refused_forms_change_nothing_and_fetch_nothing(neo4j_settings, demo_graph, listener):
    port, requests = listener
    before = fingerprint(demo_graph)
    rng = random.Random(15)
    tried = 0
    for base in dangerous(port):
        for query in dict.fromkeys(disguises(base, rng)):
            result = invoke(neo4j_settings, query)
            assert result.exit_code == 1, (query, result.output)
            assert "Traceback" not in result.output
            assert len(result.output.strip().splitlines()) == 1, result.output
            tried += 1
    assert tried > 60
    assert requests == []
    assert fingerprint(demo_graph) == before
    labels = run_query(demo_graph, "CALL db.labels() YIELD label RETURN collect(label) AS l")
    assert "Injected" not in labels.loc[0, "l"]


def test_fuzzed_reads_still_run(neo4j_settings, demo_graph):
    # The checks must not refuse honest reads with the same shapes.
    rng = random.Random(7)
    base = "MATCH (g:Gene) WHERE g.id = $id RETURN g.name AS name"
    for query in dict.fromkeys(disguises(base, rng)):
        result = invoke(neo4j_settings, query, "--param", "id=HGNC:76", "--format", "json")
        assert result.exit_code == 0, (query, result.output)
        assert json.loads(result.output) == [{"name": "ABL1"}]
    for query in ["CALL db.labels() YIELD label RETURN count(label) AS n", "SHOW PROCEDURES"]:
        assert invoke(neo4j_settings, query).exit_code == 0


def test_terminate_does_not_reach_another_transaction(neo4j_settings, neo4j_driver, demo_graph):
    with neo4j_driver.session() as other, other.begin_transaction() as tx:
        tx.run("RETURN 1").consume()
        rows, _, _ = neo4j_driver.execute_query(
            "SHOW TRANSACTIONS YIELD transactionId, currentQuery "
            "WHERE currentQuery = '' OR currentQuery IS NULL RETURN transactionId"
        )
        ids = [row["transactionId"] for row in rows]
        assert ids
        for form in ["TERMINATE TRANSACTIONS $ids", "//\rterminate transactions $ids"]:
            result = invoke(neo4j_settings, form, "--param", f"ids={json.dumps(ids)}")
            assert result.exit_code == 1, result.output
            assert "TerminateTransactions" in result.output or "writes" in result.output
        assert tx.run("RETURN 2 AS two").single()["two"] == 2  # still alive


def test_state_changing_procedure_is_named(demo_graph):
    with pytest.raises(WriteRefusedError, match=r"db\.clearQueryCaches"):
        run_query(demo_graph, "CALL db.clearQueryCaches()")
    # with --write it runs
    assert run_query(demo_graph, "CALL db.clearQueryCaches()", write=True).shape[0] == 1


def test_limit_cuts_with_a_note_and_streams(neo4j_settings, demo_graph):
    env = {
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USERNAME": neo4j_settings.user,
        "NEO4J_PASSWORD": neo4j_settings.password,
    }
    runner = CliRunner()
    query = "UNWIND range(1, 2500) AS i RETURN i"
    cut = runner.invoke(cli, ["query", query, "--format", "csv"], env=env)
    assert cut.exit_code == 0
    assert cut.stdout.splitlines() == ["i", *map(str, range(1, 1001))]
    assert "showing the first 1000 rows" in cut.stderr
    whole = runner.invoke(cli, ["query", query, "--format", "json", "--limit", "0"], env=env)
    assert [row["i"] for row in json.loads(whole.stdout)] == list(range(1, 2501))
    assert "showing" not in whole.stderr
    table = runner.invoke(cli, ["query", query, "--limit", "1500"], env=env)
    assert table.stdout.split() == ["i", *map(str, range(1, 1501))]
    exact = runner.invoke(
        cli, ["query", "UNWIND range(1, 3) AS i RETURN i", "--limit", "3"], env=env
    )
    assert "showing" not in exact.stderr
