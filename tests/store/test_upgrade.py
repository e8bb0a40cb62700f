"""A store written by an older kgtwin is upgraded in place, its data carried forward."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kgtwin.errors import StoreError
from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore
from kgtwin.store.sqlite_sql import SCHEMA_VERSION

DATA = Path(__file__).resolve().parents[1] / "data"
OLD = DATA / "store" / "schema1"  # written by kgtwin at a21604b, see its README
OLD_KEY = "kgtwin-test-key-0123456789abcdef0123456789"
FILES = [("expression", "expression.tsv"), ("copy-number", "copy_number.tsv"),
         ("fhir", "bundle.json")]


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    shutil.copytree(OLD, tmp_path / "old")
    return tmp_path / "old"


def rows(frame) -> list[tuple]:
    return sorted(
        (e, f, k, round(v, 9), None if z != z else round(z, 6))
        for e, f, k, v, z in frame.itertuples(index=False)
    )


def test_a_schema_1_store_opens_upgraded_with_every_measurement(old_store, tmp_path,
                                                                monkeypatch):
    with sqlite3.connect(old_store / "graph.sqlite") as db:
        before = sorted((e, f, k, round(v, 9), None if z is None else round(z, 6))
                        for e, f, k, v, z in db.execute(
                            "SELECT entity, feature, kind, value, zscore FROM measurements"))
    assert len(before) == 36
    with EmbeddedStore(old_store) as store:
        assert rows(store.measurements()) == before
        assert store.counts().nodes == 18 and store.counts().edges == 8
        upgraded = rows(store.measurements())
    # The same files loaded afresh by this kgtwin give the same table.
    monkeypatch.setenv("KGTWIN_PSEUDONYM_KEY", OLD_KEY)
    with EmbeddedStore(tmp_path / "fresh") as fresh:
        for format, name in FILES:
            load_files(fresh, format, [DATA / "patients" / name])
        assert rows(fresh.measurements()) == upgraded
    with sqlite3.connect(old_store / "graph.sqlite") as db:
        schema = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        assert schema == (SCHEMA_VERSION,)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert "measurements" not in tables


def test_each_value_keeps_its_sources_through_the_upgrade(old_store):
    with EmbeddedStore(old_store) as store:
        kinds = set(store.measurements()["kind"])
        assert "copy_number" in kinds
        store.remove_source("copy-number")
        assert set(store.measurements()["kind"]) == kinds - {"copy_number"}


def test_a_store_from_a_newer_kgtwin_is_refused_and_left_alone(old_store):
    with sqlite3.connect(old_store / "graph.sqlite") as db:
        db.execute("UPDATE meta SET value = '9' WHERE key = 'schema'")
    with pytest.raises(StoreError, match=f"schema 9, this kgtwin reads {SCHEMA_VERSION}"):
        EmbeddedStore(old_store)
    with sqlite3.connect(old_store / "graph.sqlite") as db:
        assert db.execute("SELECT count(*) FROM measurements").fetchone() == (36,)


def test_phenopackets_merged_across_papers_are_refused_and_left_alone(old_store):
    """Patients of older phenopacket loads cannot be split again: the store is refused."""
    with sqlite3.connect(old_store / "graph.sqlite") as db:
        db.execute("INSERT INTO sources (name, version, checksum, loader, path, options, "
                   "first_loaded) VALUES ('pp', '1', 'x', 'phenopacket@1', 'p.json', '{}', "
                   "'2026-01-01')")
    with pytest.raises(StoreError, match="merged different papers' patients"):
        EmbeddedStore(old_store)
    with sqlite3.connect(old_store / "graph.sqlite") as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("1",)
        assert db.execute("SELECT count(*) FROM measurements").fetchone() == (36,)
