"""Which compiled simulation kernel a call runs: ahead-of-time built, or numba's JIT.

Importing numba costs about 0.5 s of CPU in every process, even when its on-disk cache
holds the compiled kernel; for a CLI call of 10,000 trajectories that is more than the
simulation. So the kernel of :mod:`kgtwin.twin._kernel` is also compiled ahead of time
(numba's ``pycc``) into a small extension module that needs only numpy to load. It is
built once, on first use, into kgtwin's cache folder (``KGTWIN_CACHE_DIR``, else
``$XDG_CACHE_HOME/kgtwin``, else ``~/.cache/kgtwin``), under a name that changes with
the kernel's source and the numba, numpy and Python versions; ``kgtwin twin warm``
builds it ahead (for example right after install).

The two run the same compiled code and give identical numbers for the same seed (a test
checks it). The ahead-of-time module holds the GIL while it runs, so calls from other
threads (cohorts simulate twins in parallel threads) use the JIT kernel, which releases
it. ``KGTWIN_KERNEL=jit`` forces the JIT kernel everywhere; where the module cannot be
built (no C compiler), kgtwin says so once and uses the JIT kernel.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from kgtwin.errors import KgTwinError

__all__ = ["build_aot_kernel", "cache_dir", "simulate_kernel"]

log = logging.getLogger(__name__)

# The kernel's signature, as simulate() passes its arrays (C-contiguous throughout).
_SIGNATURE = (
    "i8(i1[::1], i8[::1], i8[::1], i8[::1], i8[::1], i8[::1], f8[::1], f8[::1], f8[::1], "
    "i8[::1], i8[::1], u1[::1], i8[::1], i1[:, ::1], f8[::1], i8, i8, i8[:, ::1], u1[:, ::1])"
)
_SOURCES = ("kgtwin.twin._kernel", "kgtwin.twin.compile")  # the kernel and its opcodes
_lock = threading.Lock()
_loaded: dict[str, Callable[..., int]] = {}


class KernelBuildError(KgTwinError):
    """The ahead-of-time kernel could not be built (kgtwin falls back to the JIT)."""


def cache_dir() -> Path:
    """kgtwin's cache folder (created on demand by the callers that write to it)."""
    configured = os.environ.get("KGTWIN_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kgtwin"


def _module_name() -> str:
    """A name that changes whenever the compiled code could."""
    digest = hashlib.sha256()
    for name in _SOURCES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:  # pragma: no cover - part of the package
            raise KernelBuildError(f"{name}: source not found")
        digest.update(Path(spec.origin).read_bytes())
    # The installed versions, read from their version files: importlib.metadata alone
    # would cost 0.1 s of CPU, and importing numba what this module exists to avoid.
    for package, file in (("numba", "_version.py"), ("numpy", "version.py")):
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:  # pragma: no cover - dependencies
            raise KernelBuildError(f"{package} is not installed")
        digest.update((Path(spec.origin).parent / file).read_bytes())
    digest.update(f"{sys.implementation.cache_tag};{_SIGNATURE}".encode())
    return f"kgtwin_simulate_{digest.hexdigest()[:16]}"


def _module_path(folder: Path, name: str) -> Path | None:
    found = sorted(folder.glob(f"{name}.*.so")) + sorted(folder.glob(f"{name}.*.pyd"))
    return found[0] if found else None


def build_aot_kernel(folder: Path | None = None) -> Path:
    """Compile the kernel ahead of time into ``folder`` (the cache folder); return the
    module's path. Built in a temporary folder and moved in whole, so a process that
    stops half-way, or two that build at once, never leave a broken module."""
    import warnings

    folder = folder or cache_dir()
    name = _module_name()
    existing = _module_path(folder, name)
    if existing is not None:
        return existing
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc's pending-deprecation notice
        try:
            from numba.pycc import CC

            from kgtwin.twin._kernel import simulate_kernel as jitted
        except ImportError as error:  # pragma: no cover - numba is a dependency
            raise KernelBuildError(f"numba.pycc is not available: {error}") from None
        with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as scratch:
            cc = CC(name)
            cc.output_dir = scratch
            cc.verbose = False
            cc.export("simulate_kernel", _SIGNATURE)(jitted.py_func)
            try:
                cc.compile()
            except Exception as error:  # the C toolchain's many ways to fail
                raise KernelBuildError(f"compiling the simulation kernel failed: {error}") from None
            built = _module_path(Path(scratch), name)
            if built is None:  # pragma: no cover - pycc wrote nothing
                raise KernelBuildError(f"compiling the kernel wrote no module in {scratch}")
            target = folder / built.name
            os.replace(built, target)
    return target


def _load_aot() -> Callable[..., int] | None:
    """The ahead-of-time kernel, built on first use; None where it cannot be built."""
    if "aot" in _loaded:
        return _loaded["aot"]
    with _lock:
        if "aot" in _loaded:
            return _loaded["aot"]
        folder = cache_dir()
        name = _module_name()
        failed = folder / f"{name}.failed"
        path = _module_path(folder, name)
        if path is None and not failed.exists():
            log.warning("compiling the simulation kernel once into %s (about 10 s)", folder)
            try:
                path = build_aot_kernel(folder)
            except (KernelBuildError, OSError) as error:
                log.warning("%s; using numba's JIT kernel instead", error)
                with contextlib.suppress(OSError):  # a read-only cache: retried next time
                    failed.write_text(f"{error}\n")
        kernel = None
        if path is not None:
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is not None and spec.loader is not None:
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                kernel = module.simulate_kernel
        if kernel is not None:
            _loaded["aot"] = kernel
        return kernel


def _load_jit() -> Callable[..., int]:
    from kgtwin.twin._kernel import simulate_kernel as jitted  # numba: imported on first use

    return jitted


def simulate_kernel(*, threads: int = 1) -> Callable[..., int]:
    """The kernel for a call from this thread: ahead-of-time compiled when the call is
    single-threaded on the main thread (nothing else needs the GIL), else the JIT one."""
    mode = os.environ.get("KGTWIN_KERNEL", "auto")
    if mode not in ("auto", "aot", "jit"):
        raise KgTwinError(f"KGTWIN_KERNEL={mode!r}: expected auto, aot or jit")
    on_main = threading.current_thread() is threading.main_thread()
    if mode == "aot" or (mode == "auto" and threads == 1 and on_main):
        kernel = _load_aot()
        if kernel is not None:
            return kernel
    return _load_jit()
