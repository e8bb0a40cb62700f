"""Which compiled simulation kernel a call runs: the C kernel, or numba's JIT.

Importing numba costs about 0.5 s of CPU in every process, even when its on-disk cache
holds the compiled kernel; for a CLI call of 10,000 trajectories that is more than the
simulation. So the kernel of :mod:`kgtwin.twin._kernel` is also written in C
(``_kernel.c``: same algorithm, same random stream, identical numbers for the same seed;
a test checks it), compiled once by the system's C compiler (about 0.3 s) into kgtwin's
cache folder (``KGTWIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgtwin``, else
``~/.cache/kgtwin``) and called through ctypes on ``array.array`` buffers, which needs
neither numba nor numpy (see :mod:`kgtwin.twin.simulate`). The library's name changes
with the C source, the flags and the machine; ``kgtwin twin warm`` builds it ahead (for
example right after install).

The C kernel keeps all its state in the call and ctypes releases the GIL while it runs,
so threads (cohorts simulate twins in parallel threads) run it too. It is also faster
than numba's code for the same loop (grieco_mapk: 11.5 against 15.5 ms per 1,024
trajectories). ``KGTWIN_KERNEL=jit`` forces the JIT kernel; where no C compiler is found
or the build fails, kgtwin says so once and uses the JIT kernel.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kgtwin.errors import KgTwinError

if TYPE_CHECKING:
    from kgtwin.twin.compile import CompiledModel

__all__ = ["build_aot_kernel", "cache_dir", "simulate_kernel"]

log = logging.getLogger(__name__)

_SOURCE = Path(__file__).with_name("_kernel.c")
# -ffp-contract=off: no fused multiply-add, which would round differently from numba.
_FLAGS = ("-O2", "-shared", "-fPIC", "-ffp-contract=off", "-fno-fast-math")
_SUFFIX = ".dll" if sys.platform == "win32" else ".so"
_lock = threading.Lock()
_loaded: dict[str, Callable[..., int]] = {}  # "aot", "jit"


class KernelBuildError(KgTwinError):
    """The C kernel could not be built (kgtwin falls back to the JIT)."""


def cache_dir() -> Path:
    """kgtwin's cache folder (created on demand by the callers that write to it)."""
    configured = os.environ.get("KGTWIN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kgtwin"


def _compiler() -> str:
    for candidate in (os.environ.get("CC"), "cc", "gcc", "clang"):
        found = candidate and shutil.which(candidate)
        if found:
            return found
    raise KernelBuildError("no C compiler found (set CC, or install cc, gcc or clang)")


def _module_path(folder: Path) -> Path:
    """Where the kernel built from this source, with these flags, for this machine lives."""
    digest = hashlib.sha256(_SOURCE.read_bytes())
    digest.update(f"{_FLAGS};{sys.platform};{os.uname().machine if hasattr(os, 'uname') else ''}"
                  .encode())
    return folder / f"kgtwin_kernel_{digest.hexdigest()[:16]}{_SUFFIX}"


def build_aot_kernel(folder: Path | None = None) -> Path:
    """Compile the C kernel into ``folder`` (the cache folder); return the library's
    path. Built in a temporary folder and moved in whole, so a process that stops
    half-way, or two that build at once, never leave a broken library."""
    folder = folder or cache_dir()
    target = _module_path(folder)
    if target.exists():
        return target
    compiler = _compiler()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as scratch:
        built = Path(scratch) / target.name
        done = subprocess.run([compiler, *_FLAGS, "-o", str(built), str(_SOURCE), "-lm"],
                              capture_output=True, text=True)
        if done.returncode != 0 or not built.exists():
            message = (done.stderr or done.stdout).strip().splitlines()
            raise KernelBuildError(f"compiling the simulation kernel with {compiler} failed: "
                                   + (message[0] if message else f"exit {done.returncode}"))
        os.replace(built, target)
    return target


#: A kernel call: (compiled model, initial_on, clamp, grid, seed, changes, finals, rows) ->
#: flips simulated. ``clamp`` and ``finals`` hold every trajectory (row-major, one row of
#: nodes each); the call simulates ``rows`` of them, adds its flips to ``changes`` (grid
#: times x nodes) and writes those rows of ``finals``.
Kernel = Callable[..., int]

# The typecode each buffer must have: the kernel reads raw memory.
_TYPECODES = {"ops": "b", "tables": "B", "rate_up": "d", "rate_down": "d"}


def _check(compiled: CompiledModel, initial_on: array, clamp: array, grid: array,
           changes: array, finals: array, rows: range) -> int:
    """The number of nodes, after checking every buffer's type and length (a mistake
    here would be read as garbage, or written past the end)."""
    n = len(compiled.names)
    for name in ("ops", "args", "starts", "dep_starts", "dependents", "dep_weights",
                 "rate_up", "rate_down", "inputs", "input_starts", "tables", "table_starts"):
        if getattr(compiled, name).typecode != _TYPECODES.get(name, "q"):
            raise TypeError(f"compiled.{name}: wrong typecode")
    given = (initial_on, clamp, grid, changes, finals)
    for name, buffer, code in zip(("initial_on", "clamp", "grid", "changes", "finals"),
                                  given, "dbdqB", strict=True):
        if not isinstance(buffer, array) or buffer.typecode != code:
            raise TypeError(f"kernel argument {name}: expected array('{code}')")
    if (len(initial_on) != n or len(clamp) != len(finals) or len(clamp) % max(n, 1)
            or len(changes) != len(grid) * n or not grid or rows.step != 1
            or not 0 <= rows.start <= rows.stop <= len(clamp) // max(n, 1)):
        raise ValueError("kernel arguments of mismatched lengths")
    return n


def _bind(path: Path) -> Kernel:
    """The C library's kernel, called with buffers' addresses."""
    import ctypes

    function = ctypes.CDLL(str(path)).kgtwin_simulate
    pointer, integer = ctypes.c_void_p, ctypes.c_int64
    function.restype = integer
    function.argtypes = [pointer] * 14 + [integer, integer, pointer, integer, integer, integer,
                                          pointer, pointer]

    def kernel(compiled: CompiledModel, initial_on: array, clamp: array, grid: array,
               seed: int, changes: array, finals: array, rows: range) -> int:
        n = _check(compiled, initial_on, clamp, grid, changes, finals, rows)
        c = compiled
        arrays = (c.ops, c.args, c.starts, c.dependents, c.dep_weights, c.dep_starts,
                  c.rate_up, c.rate_down, initial_on, c.inputs, c.input_starts, c.tables,
                  c.table_starts)
        first = rows.start * n
        events = function(*(a.buffer_info()[0] for a in arrays),
                          clamp.buffer_info()[0] + first, len(rows), n,
                          grid.buffer_info()[0], len(grid), int(seed), c.stack_size,
                          changes.buffer_info()[0], finals.buffer_info()[0] + first)
        if events < 0:
            raise MemoryError("the simulation kernel could not allocate its working memory")
        return events

    return kernel


def _load_aot() -> Kernel | None:
    """The C kernel, built on first use; None where it cannot be built."""
    if "aot" in _loaded:
        return _loaded["aot"]
    with _lock:
        if "aot" in _loaded:
            return _loaded["aot"]
        folder = cache_dir()
        path = _module_path(folder)
        failed = path.with_suffix(".failed")
        if not path.exists() and not failed.exists():
            log.info("compiling the simulation kernel once into %s", folder)
            try:
                path = build_aot_kernel(folder)
            except (KernelBuildError, OSError) as error:
                log.warning("%s; using numba's JIT kernel instead", error)
                with contextlib.suppress(OSError):  # a read-only cache: retried next time
                    failed.write_text(f"{error}\n")
        if not path.exists():
            return None
        try:
            kernel = _bind(path)
        except OSError as error:  # a library this machine cannot load
            log.warning("loading %s failed (%s); using numba's JIT kernel instead", path, error)
            return None
        _loaded["aot"] = kernel
        return kernel


def _load_jit() -> Kernel:
    """numba's kernel (numba and numpy imported on first use), on numpy views of the
    same buffers."""
    if "jit" in _loaded:
        return _loaded["jit"]
    import numpy as np

    from kgtwin.twin._kernel import simulate_kernel as jitted

    def kernel(compiled: CompiledModel, initial_on: array, clamp: array, grid: array,
               seed: int, changes: array, finals: array, rows: range) -> int:
        n = _check(compiled, initial_on, clamp, grid, changes, finals, rows)
        c = compiled
        view = np.frombuffer
        return jitted(
            view(c.ops, np.int8), view(c.args, np.int64), view(c.starts, np.int64),
            view(c.dependents, np.int64), view(c.dep_weights, np.int64),
            view(c.dep_starts, np.int64), view(c.rate_up, np.float64),
            view(c.rate_down, np.float64), view(initial_on, np.float64),
            view(c.inputs, np.int64), view(c.input_starts, np.int64),
            view(c.tables, np.uint8), view(c.table_starts, np.int64),
            view(clamp, np.int8).reshape(-1, n)[rows.start:rows.stop],
            view(grid, np.float64), np.int64(seed), c.stack_size,
            view(changes, np.int64).reshape(-1, n),
            view(finals, np.uint8).reshape(-1, n)[rows.start:rows.stop],
        )

    _loaded["jit"] = kernel
    return kernel


def simulate_kernel(*, threads: int = 1) -> Kernel:
    """The kernel to run: the C one where it can be built (any thread: ctypes releases
    the GIL), else numba's JIT kernel. ``threads`` is kept for callers; both kernels
    serve any number of threads."""
    del threads
    mode = os.environ.get("KGTWIN_KERNEL", "auto")
    if mode not in ("auto", "aot", "jit"):
        raise KgTwinError(f"KGTWIN_KERNEL={mode!r}: expected auto, aot or jit")
    if mode != "jit":
        kernel = _load_aot()
        if kernel is not None:
            return kernel
    return _load_jit()
