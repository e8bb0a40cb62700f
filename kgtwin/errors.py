"""kgtwin's own errors: one base so callers and the CLI can catch them and print one line."""

from __future__ import annotations

from pathlib import Path


class KgTwinError(Exception):
    """Base of every error kgtwin raises on purpose."""


class InvalidIdentifierError(KgTwinError, ValueError):
    """A value is not a CURIE kgtwin can normalise."""


class VocabularyError(KgTwinError, ValueError):
    """A Biolink category or predicate is unknown."""


class InputError(KgTwinError, ValueError):
    """A source file holds a record kgtwin cannot read.

    Carries the file, the line or record number and the reason so a user can find and
    fix the record without a traceback.
    """

    def __init__(self, path: str | Path | None, where: int | str | None, reason: str):
        self.path = str(path) if path is not None else None
        self.where = where
        self.reason = reason
        location = self.path or "<input>"
        if where is not None:
            location += f":{where}" if isinstance(where, int) else f" ({where})"
        super().__init__(f"{location}: {reason}")


class StoreError(KgTwinError, RuntimeError):
    """The store cannot do what was asked (missing, locked, or from a newer kgtwin)."""


class NotFoundError(KgTwinError, LookupError):
    """No node answers to the identifier asked for."""
