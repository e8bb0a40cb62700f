"""Pseudonymisation: stable for a key, different across keys, never without a key."""

from __future__ import annotations

import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgtwin.privacy import (
    KEY_ENV,
    KEY_FILE_ENV,
    PrivacyError,
    Pseudonymiser,
    age_band,
    parse_allow,
    pseudonymiser,
    write_key,
)

KEY_A = b"a" * 32
KEY_B = b"b" * 32


def test_same_key_same_pseudonym_and_different_keys_differ():
    first, again, other = Pseudonymiser(KEY_A), Pseudonymiser(KEY_A), Pseudonymiser(KEY_B)
    assert first.patient("MRN-1") == again.patient("MRN-1")
    assert first.patient("MRN-1") != other.patient("MRN-1")
    assert first.patient("MRN-1") != first.patient("MRN-2")
    assert first.patient("MRN-1").startswith("KGTWIN.PATIENT:")
    assert first.key_id != other.key_id


def test_patient_and_sample_spaces_are_separate():
    names = Pseudonymiser(KEY_A)
    assert names.patient("X1").split(":")[1] != names.sample("X1").split(":")[1]


@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_pseudonym_never_contains_the_raw_id(raw):
    pseudonym = Pseudonymiser(KEY_A).sample(raw).split(":", 1)[1]
    assert raw.strip() not in pseudonym or len(raw.strip()) < 3
    assert pseudonym.isalnum() and pseudonym == pseudonym.lower()


def test_no_key_configured_fails_with_how_to(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    with pytest.raises(PrivacyError, match="keygen"):
        pseudonymiser()


def test_short_key_refused():
    with pytest.raises(PrivacyError, match="too short"):
        Pseudonymiser(b"short")


def test_key_file_written_private_and_never_overwritten(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    path = write_key(tmp_path / "k.key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(PrivacyError, match="never overwrites"):
        write_key(path)
    from_option = pseudonymiser(path)
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    assert pseudonymiser().patient("p") == from_option.patient("p")


def test_age_bands_are_coarse():
    assert age_band(0) == "0-9"
    assert age_band(47.9) == "40-49"
    assert age_band(93) == "90+"
    assert age_band(None) is None


def test_allow_list_refuses_unknown_fields():
    assert parse_allow("identifiers, names") == {"identifiers", "names"}
    with pytest.raises(PrivacyError, match="addresses"):
        parse_allow("addresses")
