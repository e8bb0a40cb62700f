"""kgtwin's synthetic demo patients: 20 FHIR R4 bundles, a MAF and an expression matrix.

Written by ``scripts/make_demo_patients.py`` (profiles from public knowledge: BRAF V600E
melanoma and colorectal cancer, KRAS G12C and EGFR L858R non-small cell lung cancer,
BCR::ABL1 chronic myeloid leukaemia, PIK3CA H1047R breast cancer, wild-type controls).
The demo pseudonymises like any load; as the one exception to "no default key", it
creates a random key file inside the demo store folder (:func:`demo_key_file`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kgtwin.privacy import write_key

DEMO_KEY = "demo-pseudonym.key"


def _folder() -> Path:
    return Path(str(resources.files(__name__)))


def patient_files() -> list[tuple[str, list[Path]]]:
    """(format, paths) to load, in order: bundles first, then the MAF and the matrix."""
    folder = _folder()
    return [
        ("fhir", sorted((folder / "bundles").glob("*.json"))),
        ("maf", [folder / "mutations.maf"]),
        ("expression", [folder / "expression.tsv"]),
    ]


def demo_key_file(store_folder: str | Path) -> Path:
    """The demo store's own random pseudonymisation key, created on first use."""
    path = Path(store_folder) / DEMO_KEY
    if not path.exists():
        write_key(path)
    return path


def load_demo_patients(store, store_folder: str | Path, *, progress: bool = False) -> list:
    """Loads every demo patient file into ``store``; returns the load reports."""
    from kgtwin.load import load_files

    key = str(demo_key_file(store_folder))
    return [
        load_files(
            store, format, paths, source=f"demo-patients-{format}", version="1",
            options={"key_file": key}, progress=progress,
        )
        for format, paths in patient_files()
    ]


__all__ = ["demo_key_file", "load_demo_patients", "patient_files"]
