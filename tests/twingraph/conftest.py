"""Fixtures: the demo knowledge base and demo patients in a temporary embedded store.

Patients are found by what the graph says about them (diagnosis, variants), never by a
pseudonym, since every demo store draws its own pseudonymisation key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kgtwin.demo import knowledge_config
from kgtwin.demo.patients import load_demo_patients
from kgtwin.patients import list_patients, patient_profile
from kgtwin.sources import load_sources
from kgtwin.store import open_store


def load_demo(folder: Path):
    """A fresh store with the demo knowledge and patients (caller closes it)."""
    store = open_store(folder / "store")
    list(load_sources(store, Path(str(knowledge_config()))))
    load_demo_patients(store, folder)
    return store


def find_patients(store, disease: str, variants: set[str]) -> list[str]:
    """Patients with this diagnosis (name) and exactly these variants ("BRAF p.V600E")."""
    found = []
    for row in list_patients(store):
        if disease not in row["diagnoses"]:
            continue
        profile = patient_profile(store, row["id"])
        if {f"{v.symbol} {v.change}" for v in profile.variants} == variants:
            found.append(row["id"])
    return sorted(found)


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """Read-only use: tests that write (twin versions) take their own store."""
    store = load_demo(tmp_path_factory.mktemp("twingraph"))
    yield store
    store.close()
