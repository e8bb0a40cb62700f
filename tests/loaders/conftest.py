"""Fixtures: a real embedded store in a temporary folder, and a loader into it."""

from __future__ import annotations

from pathlib import Path

import pytest
from loader_testing import DATA

from kgtwin.load import load_files
from kgtwin.store import open_store


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "store") as opened:
        yield opened


@pytest.fixture
def load(store):
    """load(format, *files, **options) into the test's store; returns the report."""

    def run(format: str, *names, skip_bad: bool = False, **options):
        paths = [p if isinstance(p, Path) else DATA / p for p in names]
        return load_files(store, format, paths, options=options, skip_bad=skip_bad)

    return run
