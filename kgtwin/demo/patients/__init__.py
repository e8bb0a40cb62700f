"""kgtwin's synthetic demo patients: 21 FHIR R4 bundles, a MAF and an expression matrix.

Written by ``scripts/make_demo_patients.py`` (profiles from public knowledge: BRAF V600E
melanoma and colorectal cancer, KRAS G12C and EGFR L858R non-small cell lung cancer,
BCR::ABL1 chronic myeloid leukaemia, PIK3CA H1047R and ERBB2-amplified breast cancer,
wild-type controls).
The demo pseudonymises like any load; as the one exception to "no default key", it
writes a fixed, public key (:data:`DEMO_KEY_TEXT`) into the demo store folder
(:func:`demo_key_file`), so every fresh demo store gets the same pseudonyms and the
README's twin commands paste as written. The key is public on purpose: the demo
patients are synthetic, and pseudonyms made with it protect nothing. Never load real
patients with it (``kgtwin patient keygen`` makes a key of your own).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kgtwin.privacy import write_key

DEMO_KEY = "demo-pseudonym.key"
#: The demo's public pseudonymisation key (64 hex digits, like ``kgtwin patient keygen``).
DEMO_KEY_TEXT = "6b677477696e2d64656d6f2d7075626c69632d6b65792d73796e746865746963"


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
    """The demo store's pseudonymisation key file: the public demo key, written on first
    use (a store whose demo ran before keeps the key it has)."""
    path = Path(store_folder) / DEMO_KEY
    if not path.exists():
        write_key(path, DEMO_KEY_TEXT)
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
