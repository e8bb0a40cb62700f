"""Permissions: private store and key files; keys others can read, or guess, are refused."""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.privacy import KEY_ENV, KEY_FILE_ENV, PrivacyError, pseudonymiser, write_key
from kgtwin.store import open_store
from kgtwin.store.sqlite_sql import DATABASE

DATA = Path(__file__).resolve().parents[1] / "data"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def no_key_in_env(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def test_store_folder_and_files_are_private(tmp_path):
    old = os.umask(0o022)  # the usual umask, which made 0644 files before
    try:
        folder = tmp_path / "deep" / "store"
        key = write_key(tmp_path / "keys" / "k.key")
        result = CliRunner().invoke(cli, ["--store", str(folder), "load", "maf",
                                          str(DATA / "patients" / "mutations.maf"),
                                          "--option", f"key_file={key}"])  # fmt: skip
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert mode(folder) == 0o700
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert mode(path) & 0o077 == 0, (path, oct(mode(path)))
    assert mode(key) == 0o600 and mode(key.parent) == 0o700


def test_key_file_readable_by_others_is_refused(tmp_path):
    key = write_key(tmp_path / "k.key")
    key.chmod(0o644)
    with pytest.raises(PrivacyError, match=r"readable by others \(mode 644\).*chmod 600"):
        pseudonymiser(key)
    key.chmod(0o600)
    assert pseudonymiser(key).patient("MRN-1").startswith("KGTWIN.PATIENT:")


@pytest.mark.parametrize(
    "text",
    ["a" * 64, "ab" * 32, secrets.token_hex(16), "0123456789abcdef" * 2, "correct horse"],
)
def test_weak_or_short_keys_are_refused(tmp_path, monkeypatch, text):
    path = tmp_path / "weak.key"
    path.write_text(text + "\n")
    path.chmod(0o600)
    with pytest.raises(PrivacyError, match="32 random bytes"):
        pseudonymiser(path)
    monkeypatch.setenv(KEY_ENV, text)
    with pytest.raises(PrivacyError, match="32 random bytes"):
        pseudonymiser()


def test_cli_says_it_in_one_line(tmp_path):
    key = tmp_path / "k.key"
    key.write_text("a" * 64 + "\n")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "load", "maf",
                                      str(DATA / "patients" / "mutations.maf"),
                                      "--option", f"key_file={key}"])  # fmt: skip
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "readable by others" in result.output or "random bytes" in result.output


def test_keygen_key_is_accepted(tmp_path):
    for _ in range(50):
        path = write_key(tmp_path / f"{secrets.token_hex(4)}.key")
        pseudonymiser(path)


def test_open_store_keeps_an_existing_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    with open_store(folder):
        pass
    assert mode(folder / DATABASE) == 0o600
