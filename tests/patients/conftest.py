"""Fixtures of the patient and omics loader tests: a pseudonymisation key and a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtwin.privacy import KEY_ENV, KEY_FILE_ENV
from kgtwin.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "patients"
TEST_KEY = "kgtwin-test-key-0123456789abcdef"


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with a known key in the environment (tests that need none unset it)."""
    monkeypatch.setenv(KEY_ENV, TEST_KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return TEST_KEY


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "store") as opened:
        yield opened


@pytest.fixture
def data() -> Path:
    return DATA
