"""A dedicated Neo4j server that a test may stop, restart and bulk-import into.

The shared test server (tests/neo4j/server.py; in CI the one .ci/neo4j-setup.sh starts)
must stay up for the other tests, so tests that stop a server or replace its database
start their own: a kgtwin-managed home in a temporary folder on free loopback ports
(never 27687/27474, CI's), in CI as well as outside. Its jars come from Maven's local
repository, filled when the shared server was assembled. It is stopped at the end of
the session whatever happens.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from kgtwin.neo4j.server import LocalServer, ServerConfig
from kgtwin.neo4j.settings import Neo4jSettings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def own_server(tmp_path_factory) -> Iterator[LocalServer]:
    """A running local server of this session only (heap and page cache kept small)."""
    home = tmp_path_factory.mktemp("neo4j-own")
    config = ServerConfig.load(
        home, bolt_port=_free_port(), http_port=_free_port(), heap="512m", pagecache="256m"
    )
    server = LocalServer(config)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_settings(own_server: LocalServer) -> Neo4jSettings:
    """Settings for :func:`own_server`, its database emptied (its data is throw-away)."""
    if own_server.pid() is None:  # a test stopped it and failed before restarting it
        own_server.start()
    settings = Neo4jSettings.resolve(own_server.config.bolt_uri, home=own_server.home, env={})
    with settings.driver() as driver, driver.session() as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
    return settings
