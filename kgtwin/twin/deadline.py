"""Run a twin computation with a wall-clock limit that really stops it.

The expensive parts (the simulation kernel, biodivine-aeon's symbolic attractor search)
run in compiled code that never returns to the interpreter, so an alarm or a flag
cannot stop them. The work therefore runs in a forked child process; at the deadline
the child is killed and the user gets one line. The result comes back through a pipe
(pickled between two processes of this same run: nothing read from a file). A bare
``os.fork`` and ``os.pipe``: multiprocessing's machinery (its connection module pulls in
sockets) cost 0.02 s of CPU, a twentieth of a whole ``twin simulate`` call.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kgtwin.errors import KgTwinError

T = TypeVar("T")

#: Seconds ``twin simulate`` and ``twin attractors`` may run unless told otherwise.
DEFAULT_TIMEOUT = 600.0


class TimeLimitError(KgTwinError, TimeoutError):
    """A computation ran past the limit the user gave and was stopped."""


def within(seconds: float | None, what: str, work: Callable[..., T], *args: Any,
           **kwargs: Any) -> T:
    """``work(*args, **kwargs)``, stopped after ``seconds`` (None or 0: no limit)."""
    if not seconds:
        return work(*args, **kwargs)
    receive, send = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child (coverage does not follow a fork)
        os.close(receive)
        _child(send, work, args, kwargs)
    os.close(send)
    try:
        data = _read(receive, time.monotonic() + seconds)
        if data is None:
            raise TimeLimitError(
                f"{what} took longer than --timeout {seconds:g}s and was stopped; give a "
                "larger --timeout, or fewer trajectories or a shorter max time"
            )
    finally:
        os.close(receive)
        with contextlib.suppress(ProcessLookupError):  # done or not: nothing left to say
            os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    if not data:
        raise KgTwinError(f"{what} stopped unexpectedly (out of memory?)")
    ok, value = pickle.loads(data)
    if ok:
        return value
    raise KgTwinError(value)


def _read(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None past the deadline."""
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _child(send: int, work: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Run the work, pickle (ok, result or message) into the pipe, leave at once
    (``os._exit``: no atexit handlers, no flush of the parent's buffered output)."""
    try:
        try:
            result: tuple[bool, Any] = (True, work(*args, **kwargs))
        except KgTwinError as error:  # its message, as one line in the parent
            result = (False, str(error))
        except Exception as error:  # the parent reports it in one line
            result = (False, f"{type(error).__name__}: {error}")
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # a result that cannot travel: said in one line
            data = pickle.dumps((False, f"the result could not be passed back: {error}"))
        view = memoryview(data)
        while view:
            view = view[os.write(send, view):]
    finally:
        os._exit(0)


__all__ = ["DEFAULT_TIMEOUT", "TimeLimitError", "within"]
