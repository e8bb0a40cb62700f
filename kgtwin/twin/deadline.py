"""Run a twin computation with a wall-clock limit that really stops it.

The expensive parts (the simulation kernel, biodivine-aeon's symbolic attractor search)
run in compiled code that never returns to the interpreter, so an alarm or a flag
cannot stop them. The work therefore runs in a forked child process; at the deadline
the child is killed and the user gets one line. The result comes back through a pipe
(pickled between two processes of this same run: nothing read from a file).
"""

from __future__ import annotations

import multiprocessing
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
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, work, args, kwargs), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise TimeLimitError(
                f"{what} took longer than --timeout {seconds:g}s and was stopped; give a "
                "larger --timeout, or fewer trajectories or a shorter max time"
            )
        try:
            ok, value = receive.recv()
        except EOFError:
            raise KgTwinError(f"{what} stopped unexpectedly (out of memory?)") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if ok:
        return value
    raise KgTwinError(value)


def _child(send: Any, work: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        result: tuple[bool, Any] = (True, work(*args, **kwargs))
    except KgTwinError as error:  # its message, as one line in the parent
        result = (False, str(error))
    except Exception as error:  # the parent reports it in one line
        result = (False, f"{type(error).__name__}: {error}")
    send.send(result)
    send.close()


__all__ = ["DEFAULT_TIMEOUT", "TimeLimitError", "within"]
