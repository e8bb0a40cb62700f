"""kgtwin: knowledge-graph-backed digital twins for drug discovery and precision medicine.

Importing kgtwin only defines things: no files, no logging set-up, no network.
"""

from __future__ import annotations

__version__ = "0.1.0"
