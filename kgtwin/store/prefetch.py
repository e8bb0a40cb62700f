"""Reading ahead: a source's records are parsed in a second thread while the store writes.

Parsing and aligning are Python work; SQLite releases Python's lock while it writes, so
the two overlap. The reader stays at most ``depth`` batches ahead (memory stays
bounded), its errors are raised in the writer's thread exactly as they were raised, and
a writer that stops early tells the reader to stop.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
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
