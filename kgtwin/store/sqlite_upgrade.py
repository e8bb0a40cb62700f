"""Upgrading an embedded store written by an older kgtwin, in place, in one transaction.

A store holds loads its user may not be able to repeat (files gone, sources changed
since), so a newer kgtwin carries the data forward rather than refusing it. Each step
takes the store from one schema version to the next; if any step fails, the
transaction rolls back and the store stays as it was, readable by the older kgtwin.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from kgtwin.errors import StoreError
from kgtwin.store import sqlite_measures
from kgtwin.store.sqlite_sql import run_script

log = logging.getLogger(__name__)


def _measurements_as_vectors(db: sqlite3.Connection) -> None:
    """1 -> 2: one row per value became per-entity vectors over a feature panel."""
    run_script(db, sqlite_measures.SCHEMA)
    rows = db.execute(
        "SELECT entity, feature, kind, value, zscore, sources FROM measurements "
        "ORDER BY entity, kind"
    )
    moved = sqlite_measures.import_rows(db, rows)
    db.execute("DROP TABLE measurements")
    log.info("moved %d measurements into per-sample vectors", moved)


def _patients_scoped_by_dataset(db: sqlite3.Connection) -> None:
    """2 -> 3: patient and sample ids became pseudonyms within their dataset, and each
    load keeps its reconciliation (older loads have none: NULL).

    Ids of unscoped loads are unchanged, so such stores upgrade as they are. Phenopackets
    loaded before were pseudonymised across papers ("Patient 1" of 171 papers became one
    patient); their raw ids are not in the store, so they cannot be split: refused.
    """
    (merged,) = db.execute(
        "SELECT count(*) FROM sources WHERE loader = 'phenopacket@1'"
    ).fetchone()
    if merged:
        raise StoreError(
            f"this store holds {merged} phenopacket load(s) from a kgtwin that merged "
            "different papers' patients with the same subject id (e.g. 'Patient 1') into "
            "one; kgtwin cannot split them without the files: load your sources into a new "
            "store (--store NEW), or keep using the older kgtwin with this one"
        )
    db.execute("ALTER TABLE loads ADD COLUMN reconciliation TEXT")


#: Schema version -> (the step that upgrades it, the version it produces).
STEPS: dict[str, tuple[Callable[[sqlite3.Connection], None], str]] = {
    "1": (_measurements_as_vectors, "2"),
    "2": (_patients_scoped_by_dataset, "3"),
}


def upgrade(db: sqlite3.Connection, found: str, wanted: str, where: str) -> None:
    """Runs the steps from ``found`` to ``wanted`` inside the caller's open transaction."""
    version = found
    while version != wanted:
        if version not in STEPS:
            raise StoreError(
                f"{where} was written by another kgtwin (schema {found}, this kgtwin reads "
                f"{wanted} and upgrades from {', '.join(sorted(STEPS))})"
            )
        step, version = STEPS[version]
        log.info("upgrading the store at %s to schema %s", where, version)
        step(db)
    db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (wanted,))
