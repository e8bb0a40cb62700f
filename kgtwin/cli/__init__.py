"""The ``kgtwin`` command line. Nothing imports this package; it imports the rest."""

from __future__ import annotations

from kgtwin.cli.main import main

__all__ = ["main"]
