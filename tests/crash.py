"""Kill a writer process at the halfway mark it signals, for the crash-safety tests."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path


def sigkill_at_marker(command: list[str], marker: Path, *,
                      env: Mapping[str, str] | None = None, timeout: float = 120) -> None:
    """Run ``command``, SIGKILL it once it creates ``marker``, and check it died of that.

    The writer creates ``marker`` halfway through its work, so the kill lands mid-write.
    """
    process = subprocess.Popen(command, env=None if env is None else dict(env))
    try:
        deadline = time.monotonic() + timeout
        while not marker.exists():
            assert process.poll() is None, "writer died before reaching halfway"
            assert time.monotonic() < deadline, "writer never reached halfway"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL
