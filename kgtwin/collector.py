"""Python's cycle collector, paused while millions of records go by."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a load or a copy runs (both stores' ``load``
    and :func:`~kgtwin.neo4j.transfer.copy_graph` use it; nesting is harmless).

    A large load allocates millions of short-lived, acyclic records; each full
    collection walks every live object (caches included), which cost about a fifth of a
    2M-edge load. Reference counting still frees the records; once the collector is back
    on, its next run reclaims any cycle. (No collection is forced at the end: with torch
    imported one takes a tenth of a second, and the test suite makes hundreds of loads.)
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
