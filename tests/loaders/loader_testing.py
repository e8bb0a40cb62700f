"""Helpers for the loader tests: fixture paths and a loader's records (no store)."""

from __future__ import annotations

from pathlib import Path

from kgtwin.loaders import get_loader

DATA = Path(__file__).resolve().parents[1] / "data" / "loaders"
DEMO = Path(__file__).resolve().parents[2] / "kgtwin" / "demo" / "knowledge"


def records(format: str, *names: str, **options) -> list:
    """Every record a loader yields for fixture files (no store involved)."""
    paths = [p if isinstance(p, Path) else DATA / p for p in names]
    return list(get_loader(format)(paths, **options).records())
