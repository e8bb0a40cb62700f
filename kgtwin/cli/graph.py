"""Commands on the graph itself: load, status, node, neighbors, export."""

from __future__ import annotations

COMMANDS: list = []
