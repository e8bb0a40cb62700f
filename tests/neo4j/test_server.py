"""`kgtwin neo4j start/status/stop` on a fresh home: the whole life of a local server."""

from __future__ import annotations

import json
import logging
import socket
import stat

import pytest
from click.testing import CliRunner
from neo4j import GraphDatabase

from kgtwin.cli.main import cli

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

# Quotes, spaces, a backslash and a dollar: the password must survive every layer as is.
PASSWORD = 'kg "twin" pa$$ \\ word'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


def test_fresh_home_lifecycle(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    home = tmp_path / "neo4j-home"
    bolt, http = free_port(), free_port()
    where = ["--home", str(home)]

    started = run("neo4j", "start", *where, "--password", PASSWORD,
                  "--bolt-port", str(bolt), "--http-port", str(http))  # fmt: skip
    assert started.exit_code == 0, started.output
    assert "Neo4j started in " in started.output
    assert "waiting for Bolt" in started.output  # the long steps say what they do
    assert f"bolt://127.0.0.1:{bolt}" in started.output

    # The password: in a 0600 file, and nowhere else kgtwin or Neo4j writes.
    password_file = home / "password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert password_file.read_text() == PASSWORD + "\n"
    assert PASSWORD not in started.output and PASSWORD not in caplog.text
    for written in [*home.glob("logs/*"), *home.glob("conf/*"), *home.glob("run/*")]:
        assert PASSWORD not in written.read_text(errors="replace"), written
    # Neo4j's own auth file and store: the owner's only, the home closed to others.
    assert stat.S_IMODE((home / "data" / "dbms" / "auth.ini").stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for made in home.glob("data/**/*"):
        assert not stat.S_IMODE(made.stat().st_mode) & 0o077, made

    conf = (home / "conf" / "neo4j.conf").read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{bolt}" in conf
    assert f"server.http.listen_address=127.0.0.1:{http}" in conf
    assert "0.0.0.0" not in conf and "dbms.usage_report.enabled=false" in conf

    status = json.loads(run("neo4j", "status", *where, "--json").output)
    assert status["running"] and status["bolt_listening"]
    assert status["password_file"] == str(password_file)
    with GraphDatabase.driver(status["bolt_uri"], auth=("neo4j", PASSWORD)) as driver:
        driver.execute_query("CREATE (:Gene:NamedThing {id: 'HGNC:1097', name: 'BRAF'})")

    # Browser is served next to Bolt.
    with socket.create_connection(("127.0.0.1", http), timeout=5) as sock:
        sock.sendall(b"GET /browser/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 200")

    again = run("neo4j", "start", *where)
    assert again.exit_code == 0 and "already running" in again.output

    other = run("neo4j", "start", *where, "--password", "another-password")
    assert other.exit_code == 0  # running: nothing to change, nothing said about passwords

    assert "Neo4j stopped." in run("neo4j", "stop", *where).output
    status = json.loads(run("neo4j", "status", *where, "--json").output)
    assert not status["running"] and not status["bolt_listening"]
    assert "was not running" in run("neo4j", "stop", *where).output

    # A second start re-uses the jars (no Maven), the ports and the data.
    wrong = run("neo4j", "start", *where, "--password", "another-password")
    assert wrong.exit_code == 1
    assert "already has a password" in wrong.output
    caplog.clear()
    restarted = run("neo4j", "start", *where)
    assert restarted.exit_code == 0, restarted.output
    assert "resolving" not in caplog.text
    with GraphDatabase.driver(f"bolt://127.0.0.1:{bolt}", auth=("neo4j", PASSWORD)) as driver:
        records, _, _ = driver.execute_query("MATCH (g:Gene) RETURN g.name AS name")
    assert [r["name"] for r in records] == ["BRAF"]
    assert "Neo4j stopped." in run("neo4j", "stop", *where).output
