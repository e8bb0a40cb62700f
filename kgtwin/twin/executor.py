"""Where a cohort's or a screen's twins are simulated: threads here, or a Dask cluster.

One twin is one task (every drug on it, its untreated run shared), so tasks are
independent and their numbers depend only on the twin, the drugs and the seed: the
table is the same whichever executor ran it (a test checks threads against a Dask
``LocalCluster``).

* ``threads`` (default): a thread pool in this process; the simulation kernel releases
  the GIL, so the threads use every core.
* ``dask``: one task per twin on ``dask.distributed``. With a scheduler address
  (``tcp://host:8786``) the tasks go to that cluster, whose workers need kgtwin
  installed (same version); without one, a local cluster of worker processes is started
  for the call and closed after it. Only the twins, drugs and settings travel to the
  workers, never the graph: the graph scales out through Neo4j (``--store bolt://…``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal, TypeVar

from kgtwin.errors import KgTwinError

__all__ = ["EXECUTORS", "Executor", "ExecutorError", "ExecutorKind"]

T = TypeVar("T")
R = TypeVar("R")

ExecutorKind = Literal["threads", "dask"]
EXECUTORS: tuple[ExecutorKind, ...] = ("threads", "dask")


class ExecutorError(KgTwinError):
    """The executor cannot run (Dask missing, scheduler unreachable, a task failed)."""


@dataclass(frozen=True, kw_only=True)
class Executor:
    """How to run independent tasks: ``kind`` threads or dask; ``scheduler`` a Dask
    scheduler address (dask only; None: local worker processes); ``workers`` threads or
    local worker processes (None: one per core); ``connect_timeout`` seconds to reach
    the scheduler."""

    kind: ExecutorKind = "threads"
    scheduler: str | None = None
    workers: int | None = None
    connect_timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.kind not in EXECUTORS:
            raise ExecutorError(f"unknown executor {self.kind!r}: expected one of {EXECUTORS}")
        if self.scheduler and self.kind != "dask":
            raise ExecutorError("a scheduler address needs the dask executor (--executor dask)")
        if self.workers is not None and self.workers < 1:
            raise ExecutorError("workers must be at least 1")

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``[function(item) for item in items]``, in order, run in parallel."""
        if self.kind == "dask":
            return self._dask_map(function, items)
        with ThreadPoolExecutor(max_workers=self.workers or os.cpu_count() or 1) as pool:
            return list(pool.map(function, items))

    def _dask_map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError(
                "the dask executor needs dask.distributed: pip install 'kgtwin[dask]'"
            ) from None
        if not items:
            return []
        cluster = None
        try:
            if self.scheduler:
                client = Client(self.scheduler, timeout=f"{self.connect_timeout}s")
            else:
                cluster = LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1,
                    processes=True, host="127.0.0.1", dashboard_address=":0",
                )
                client = Client(cluster)
        except OSError as error:
            raise ExecutorError(f"cannot reach the Dask scheduler {self.scheduler}: "
                                f"{error}") from None
        try:
            # pure=False: no hashing of every twin to name its task.
            futures = client.map(function, items, pure=False)
            return client.gather(futures)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
