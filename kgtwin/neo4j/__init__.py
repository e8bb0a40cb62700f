"""The Neo4j back end: a local server from Maven Central, connection settings, Cypher queries.

Nothing here imports the driver at import time; it is loaded when a connection is made.
"""

from __future__ import annotations
