"""Bounded, named failures from the load machinery: the store lock, empty files, deep
nesting and overlong lines end in one ``file:line: reason`` line, never a traceback."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.errors import InputError
from kgtwin.load import load_files
from kgtwin.store import open_store
from kgtwin.store.sqlite_sql import DATABASE

DATA = Path(__file__).resolve().parents[1] / "data"
NODES, EDGES = DATA / "core" / "nodes.tsv", DATA / "core" / "edges.tsv"


def load(store: Path, *args: str):
    return CliRunner().invoke(cli, ["--store", str(store), "load", *args])


def one_line(result) -> str:
    lines = [line for line in result.output.strip().splitlines() if " records [" not in line]
    assert len(lines) == 1, result.output  # (the progress bar aside)
    assert "Traceback" not in result.output
    return lines[0]


def test_second_load_gives_up_after_wait_in_one_line(tmp_path):
    store = tmp_path / "store"
    assert load(store, "kgx", str(NODES)).exit_code == 0
    holder = sqlite3.connect(store / DATABASE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's load, mid-way
    try:
        started = time.monotonic()
        result = load(store, "--wait", "1", "kgx", str(NODES), str(EDGES))
        assert result.exit_code == 1
        assert "locked by another load" in result.output and "--wait 1s" in result.output
        assert "Traceback" not in result.output
        assert time.monotonic() - started < 15
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_second_load_waits_with_a_message_then_loads(tmp_path, caplog):
    store = tmp_path / "store"
    assert load(store, "kgx", str(NODES)).exit_code == 0
    holder = sqlite3.connect(store / DATABASE, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(6.5, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        result = load(store, "kgx", str(NODES), str(EDGES))
    finally:
        release.join()
        holder.close()
    assert result.exit_code == 0, result.output
    assert "in use by another load; waiting" in caplog.text  # the CLI prints warnings
    assert "loaded" in result.output


@pytest.mark.parametrize(
    ("format", "name"),
    [
        ("kgx", "nodes.tsv"),
        ("sif", "net.sif"),
        ("logical-model", "model.bnet"),
        ("obo", "terms.obo"),
        ("hetionet", "graph.json"),
        ("vcf", "calls.vcf"),
    ],
)
def test_empty_file_is_an_error_unless_allowed(tmp_path, format, name):
    path = tmp_path / name
    path.write_bytes(b"")
    result = load(tmp_path / "store", format, str(path))
    assert result.exit_code == 1
    assert (
        one_line(result)
        == f"Error: {path}: the file is empty; pass --allow-empty to load it anyway"
    )
    path.write_text("\n  \n\t\n")
    assert "the file is empty" in one_line(load(tmp_path / "store", format, str(path)))


def test_a_table_without_rows_and_a_load_without_records_are_named(tmp_path):
    header_only = tmp_path / "nodes.tsv"
    header_only.write_text(NODES.read_text().splitlines()[0] + "\n")
    result = load(tmp_path / "store", "kgx", str(header_only))
    assert result.exit_code == 1
    assert one_line(result) == (
        f"Error: {header_only}: a header but no rows (an empty or cut-short table); pass "
        "--allow-empty to load it anyway"
    )
    allowed = load(tmp_path / "store", "kgx", str(header_only), "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    no_terms = tmp_path / "terms.obo"
    no_terms.write_text("format-version: 1.2\ndata-version: 2024-01-01\n")
    result = load(tmp_path / "store", "obo", str(no_terms))
    assert result.exit_code == 1
    assert "no records: nothing to load; pass --allow-empty" in one_line(result)


def test_deep_json_is_refused_without_eating_memory(tmp_path):
    # 200 KB nested 100,000 deep: the parser's memory grew with the square of the depth.
    deep = tmp_path / "deep.json"
    deep.write_bytes(
        b'{"metanode_kinds": [], "nodes": [' + b"[" * 100_000 + b"]" * 100_000 + b'], "edges": []}'
    )
    for inside in (b'"nodes": [', b'"edges": ['):
        text = b'{"metanode_kinds": [], "nodes": [], "edges": []}'.replace(
            inside, inside + b"[" * 100_000 + b"]" * 100_000, 1
        )
        deep.write_bytes(text)
        started = time.monotonic()
        with (
            open_store(tmp_path / "store") as store,
            pytest.raises(InputError, match="nested deeper"),
        ):
            load_files(store, "hetionet", [deep])
        assert time.monotonic() - started < 30


def test_overlong_line_is_refused(tmp_path, monkeypatch):
    import kgtwin.loaders.base as base

    monkeypatch.setattr(base, "MAX_LINE_BYTES", 4096)
    path = tmp_path / "nodes.tsv"
    path.write_text(NODES.read_text() + "x" * 10_000 + "\n")
    lines = len(NODES.read_text().splitlines())
    with open_store(tmp_path / "store") as store, pytest.raises(InputError) as caught:
        load_files(store, "kgx", [path])
    assert str(caught.value) == (
        f"{path}:{lines + 1}: line longer than 4,096 bytes (a damaged file, or not a "
        "line-based format)"
    )


def test_impossible_genotype_is_named_not_a_carrier(tmp_path, monkeypatch):
    monkeypatch.setenv(
        "KGTWIN_PSEUDONYM_KEY", "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff"
    )
    lines = (DATA / "patients" / "variants.vcf").read_text().splitlines()
    first = next(n for n, line in enumerate(lines) if not line.startswith("#"))
    fields = lines[first].split("\t")
    fields[9] = "garbage" + fields[9][fields[9].find(":") :] if ":" in fields[9] else "garbage"
    lines[first] = "\t".join(fields)
    path = tmp_path / "calls.vcf"
    path.write_text("\n".join(lines) + "\n")
    with open_store(tmp_path / "store") as store, pytest.raises(InputError) as caught:
        load_files(store, "vcf", [path])
    assert str(caught.value) == (
        f"{path}:{first + 1}: impossible genotype (GT must be alleles 0..1 or '.')"
    )


def test_overlong_obo_line_is_refused(tmp_path, monkeypatch):
    import kgtwin.loaders.base as base

    monkeypatch.setattr(base, "MAX_LINE_BYTES", 4096)
    path = tmp_path / "terms.obo"
    path.write_text("format-version: 1.2\n\n[Term]\nid: HP:0000118\nname: " + "x" * 10_000 + "\n")
    with open_store(tmp_path / "store") as store, pytest.raises(InputError) as caught:
        load_files(store, "obo", [path])
    assert str(caught.value) == (
        f"{path}:5: line longer than 4,096 characters (a damaged file, or not an OBO file)"
    )
