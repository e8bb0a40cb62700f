"""How kgtwin reaches a Neo4j: explicit options, then ``NEO4J_*`` variables, then the
local server that ``kgtwin neo4j start`` made.

The same settings reach any Neo4j (a team server, Aura, a cluster through ``neo4j://``);
the local server is only the fallback so that ``kgtwin query`` works right after
``kgtwin neo4j start`` with nothing to type.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kgtwin.neo4j.errors import Neo4jConnectionError
from kgtwin.neo4j.server import USER, ServerConfig

if TYPE_CHECKING:
    from neo4j import Driver

log = logging.getLogger(__name__)

ENV_URI = "NEO4J_URI"
ENV_USER = "NEO4J_USERNAME"
ENV_PASSWORD = "NEO4J_PASSWORD"
ENV_DATABASE = "NEO4J_DATABASE"


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect. The password never appears in ``repr`` or logs."""

    uri: str
    user: str = USER
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    #: The local server home these settings were resolved against (``--neo4j-home``).
    home: Path | None = None

    @classmethod
    def resolve(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        *,
        home: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Neo4jSettings:
        """Each value from the first place that has it: argument, environment, local server."""
        env = os.environ if env is None else env
        local = ServerConfig.load(home)
        uri = uri or env.get(ENV_URI) or local.bolt_uri
        user = user or env.get(ENV_USER) or USER
        password = password or env.get(ENV_PASSWORD)
        # The local password only ever goes to the local server, never to another URI.
        if password is None and uri in local_uris(local) and local.password_file.is_file():
            password = local.password_file.read_text().rstrip("\n")
        database = database or env.get(ENV_DATABASE)
        return cls(uri=uri, user=user, password=password, database=database, home=home)

    def driver(self) -> Driver:
        """An open, verified driver; the caller closes it (``with settings.driver() as d``)."""
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError, ConfigurationError, ServiceUnavailable

        if self.password is None:
            raise Neo4jConnectionError(
                f"no password for {self.uri}: pass --neo4j-password, set {ENV_PASSWORD}, "
                "or start a local server with `kgtwin neo4j start`"
            )
        try:
            # Server notifications off: kgtwin's own queries name properties a sparse graph
            # may not have yet, and each would be logged as a screen-wide warning.
            driver = GraphDatabase.driver(self.uri, auth=(self.user, self.password),
                                          notifications_min_severity="OFF")
        except (ConfigurationError, ValueError) as error:
            raise Neo4jConnectionError(f"bad Neo4j URI {self.uri!r}: {error}") from None
        try:
            driver.verify_connectivity()
        except AuthError:
            driver.close()
            raise Neo4jConnectionError(
                f"Neo4j at {self.uri} refused user {self.user!r} with the password given"
            ) from None
        except (ServiceUnavailable, OSError) as error:
            driver.close()
            raise Neo4jConnectionError(
                f"no Neo4j answers at {self.uri} ({error}); start one with `kgtwin neo4j start`"
            ) from None
        log.debug("connected to %s as %s", self.uri, self.user)
        return driver


def local_uris(local: ServerConfig) -> set[str]:
    """The URIs that name the local server of ``local`` (bolt/neo4j, 127.0.0.1/localhost)."""
    port = local.bolt_port
    return {
        f"{scheme}://{host}:{port}"
        for scheme in ("bolt", "neo4j")
        for host in ("127.0.0.1", "localhost")
    }
