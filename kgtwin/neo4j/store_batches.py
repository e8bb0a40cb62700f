"""One transaction per unit of a load's work, for ``Neo4jStore(commit="batch")``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kgtwin.neo4j.store_write import Neo4jBatchWriter

log = logging.getLogger(__name__)

RETRIES = 3
#: Transient errors that a retry cannot mend: the server is going away, or a single
#: batch is too big for its transaction memory.
_FINAL = ("DatabaseUnavailable", "MemoryPoolOutOfMemoryError")


class BatchCommits:
    """Runs each unit of work (a batch of records, a chunk of staged edges) in its own
    transaction on ``session``, retried on its own on transient errors (deadlocks, a
    leader switch), and records in the source's node the edge numbers used so far."""

    def __init__(self, session: Any, writer: Neo4jBatchWriter):
        self.session = session
        self.writer = writer
        self.committed = 0

    def __call__(self, work: Callable[[], object]) -> None:
        from neo4j.exceptions import TransientError

        for attempt in range(1, RETRIES + 1):
            saved = self.writer.save()
            try:
                with self.session.begin_transaction() as tx:
                    self.writer.tx = tx
                    work()
                    tx.run(
                        "MATCH (s:KgtwinSource {sid: $sid}) SET s.next_edge = $n",
                        sid=self.writer.source,
                        n=self.writer.next_seq,
                    ).consume()
                    tx.commit()
                self.committed += 1
                return
            except TransientError as error:
                self.writer.restore(saved)
                if attempt == RETRIES or (error.code or "").endswith(_FINAL):
                    raise
                log.warning("transient Neo4j error (%s); retrying the batch", error.code)
