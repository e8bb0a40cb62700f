"""Demo data shipped with kgtwin: the knowledge base (``knowledge/``, see its README) and
synthetic patients (the ``patients`` subpackage).

Small but real: public identifiers and public facts about MAPK/ERK, PI3K/AKT/mTOR,
apoptosis and cell-cycle signalling, approved drugs with their targets and indications,
a MONDO/HP/GO slice and the published BRAF logical model, declared in one sources file.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kgtwin.load import LoadReport
    from kgtwin.store.base import GraphStore


def knowledge_folder() -> Traversable:
    """The folder holding the demo's source files and ``sources.yaml``."""
    return resources.files("kgtwin.demo").joinpath("knowledge")


def knowledge_config() -> Traversable:
    """The demo's ``sources.yaml``, for ``kgtwin load --config`` or
    :func:`kgtwin.sources.load_sources` (the package is installed as files, so
    ``Path(str(knowledge_config()))`` is a real path)."""
    return knowledge_folder().joinpath("sources.yaml")


def load_knowledge(store: GraphStore, *, progress: bool = False) -> list[LoadReport]:
    """Loads the demo knowledge base into ``store`` (sources already in are skipped)."""
    from kgtwin.sources import load_sources

    return list(load_sources(store, Path(str(knowledge_config())), progress=progress))


__all__ = ["knowledge_config", "knowledge_folder", "load_knowledge"]
