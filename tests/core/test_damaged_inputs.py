"""The damaged-input corpus (tests/core/damaged_corpus.py): 0 tracebacks, 0 accepted.

Every variant is loaded into a fresh store; the load must raise kgtwin's own error,
naming the damaged file, and leave the store without the source.
"""

from __future__ import annotations

import traceback

import pytest

from kgtwin.errors import KgTwinError
from kgtwin.load import load_files
from kgtwin.store import open_store

from .damaged_corpus import variants

KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff"


def test_corpus_is_the_size_the_issue_asked_for():
    assert len(list(variants())) >= 200


def test_every_damaged_file_is_named_never_a_traceback_never_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("KGTWIN_PSEUDONYM_KEY", KEY)
    tracebacks, accepted, unnamed = [], [], []
    for number, variant in enumerate(variants()):
        folder = tmp_path / f"v{number}"
        paths = variant.write(folder / "in")
        try:
            with open_store(folder / "store") as store:
                load_files(store, variant.seed.format, paths)
        except KgTwinError as error:
            if paths[0].name not in str(error):
                unnamed.append(f"{variant.label}: {error}")
            continue
        except Exception:  # what the corpus exists to find
            tracebacks.append(f"{variant.label}:\n{traceback.format_exc(limit=-3)}")
            continue
        accepted.append(variant.label)
    report = "\n".join(
        [
            f"{len(tracebacks)} tracebacks",
            *tracebacks,
            f"{len(accepted)} accepted",
            *accepted,
            f"{len(unnamed)} errors not naming the file",
            *unnamed,
        ]
    )
    assert not (tracebacks or accepted or unnamed), report


@pytest.mark.parametrize("damage", ["bad-byte-early", "cut-at-half", "gzip-cut", "nul-bytes"])
def test_allow_empty_does_not_excuse_damage(tmp_path, damage):
    """--allow-empty excuses a source with nothing in it, never a damaged one: the same
    KGX pair loads with the option when whole and is refused when its edges are spoiled."""
    from .damaged_corpus import SEEDS, Variant

    seed = next(s for s in SEEDS if s.format == "kgx" and s.others)
    with open_store(tmp_path / "whole") as store:
        load_files(store, "kgx", [seed.damaged, *seed.others], allow_empty=True)
        assert store.ledger()
    paths = Variant(seed, damage).write(tmp_path / "in")
    with open_store(tmp_path / "store") as store, pytest.raises(KgTwinError):
        load_files(store, "kgx", paths, allow_empty=True)
    with open_store(tmp_path / "store") as store:
        assert store.ledger() == []
