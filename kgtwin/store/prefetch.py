"""Reading ahead: a source's records are parsed in a second thread while the store writes.

Parsing and aligning are Python work; SQLite releases Python's lock while it writes, so
the two overlap. The reader stays at most ``depth`` batches ahead (memory stays
bounded: a batch is ``size`` records, a measurement block weighing one per cell), its
errors are raised in the writer's thread exactly as they were raised, and
a writer that stops early tells the reader to stop.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

from kgtwin.model import MeasurementBlock

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def weight(item: object) -> int:
    """What a record weighs in a batch: a measurement block its cells, others one."""
    return item.size if isinstance(item, MeasurementBlock) else 1


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of items weighing at most ``size`` in all (an item heavier alone is a batch)."""
    batch: list[T] = []
    total = 0
    for item in items:
        heavy = item.size if type(item) is MeasurementBlock else 1  # weight(), inlined
        if batch and total + heavy > size:
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += heavy
    if batch:
        yield batch


def read_ahead(batches: Iterable[T], *, depth: int = 2) -> Iterator[T]:
    """The same batches, produced by a reader thread up to ``depth`` ahead."""
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not put(batch):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the writer's thread, raised there
            put(_Failed(error))

    reader = threading.Thread(target=read, name="kgtwin-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        reader.join()
