"""FHIR R4 Bundles (JSON, or NDJSON with one Bundle or resource a line) -> a patient subgraph.

``fhir.resources`` 8 puts FHIR R5 at its top level; R4 content is validated with its
``R4B`` models (R4B changed no resource kgtwin reads: Patient, Condition,
MedicationStatement, MedicationRequest, Medication, Specimen, Observation). Each entry
is validated on its own, so with ``--skip-bad`` one bad resource is skipped, not the
bundle; a bad record's position is ``entry N`` (``line L, entry N`` in NDJSON), and the
reason quotes FHIR paths and error types only, never values (they may be identifiers).

What becomes of each resource is in :mod:`kgtwin.loaders.fhir_resources`; other
resource types are ignored. Options: ``key_file``, ``allow``, ``genes`` (as every
patient loader) and ``identifier_system`` (which Patient identifier names a patient
across files; default: the first identifier with a value).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from kgtwin.loaders.base import open_text
from kgtwin.loaders.fhir_resources import HANDLERS, BundleContext, Skip
from kgtwin.loaders.patient_base import PatientLoader
from pydantic import ValidationError

from kgtwin.model import Record

MAX_ERRORS_SHOWN = 3


def validation_reason(kind: str, error: ValidationError) -> str:
    """A validation error as FHIR paths and messages, without the offending values."""
    parts = []
    for item in error.errors()[:MAX_ERRORS_SHOWN]:
        where = ".".join(str(p) for p in item.get("loc", ())) or kind
        parts.append(f"{where}: {item.get('msg', 'invalid')}")
    more = error.error_count() - MAX_ERRORS_SHOWN
    return f"invalid FHIR {kind}: " + "; ".join(parts) + (f" (+{more} more)" if more > 0 else "")


class FhirLoader(PatientLoader):
    """FHIR R4 Bundles of patient records (see module docs)."""

    name = "fhir"
    description = "FHIR R4 Bundles (JSON/NDJSON): patients, conditions, medications, variants"

    def __init__(self, paths: list[Path], *, identifier_system: str | None = None, **options):
        super().__init__(paths, **options)
        self.identifier_system = identifier_system

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            self.path = path
            for where, document in self._documents(path):
                yield from self._document(where, document)

    def _documents(self, path: Path) -> Iterator[tuple[str, Any]]:
        """(position prefix, parsed JSON) for each Bundle or resource in a file."""
        ndjson = path.name.endswith((".ndjson", ".ndjson.gz", ".jsonl"))
        with open_text(path) as handle:
            try:
                if not ndjson:
                    self.position = "file"
                    yield "", json.load(handle)
                    return
                for number, line in enumerate(handle, start=1):
                    self.position = number
                    if not line.strip():
                        continue
                    try:  # one bad line is one bad record; the next line is read
                        document = json.loads(line)
                    except json.JSONDecodeError as error:
                        self.reject(f"malformed JSON at column {error.colno}")
                        continue
                    yield f"line {number}, ", document
            except json.JSONDecodeError as error:
                self.reject(f"malformed JSON at line {error.lineno} column {error.colno}")
            except (UnicodeDecodeError, RecursionError) as error:
                reason = getattr(error, "reason", "nested too deeply")
                self.reject(f"not valid UTF-8 ({reason})" if isinstance(
                    error, UnicodeDecodeError) else f"malformed JSON ({reason})")

    def _document(self, where: str, document: Any) -> Iterator[Record]:
        if not isinstance(document, dict) or "resourceType" not in document:
            self.position = where + "document"
            self.reject("not a FHIR resource (a JSON object with resourceType)")
            return
        if document["resourceType"] != "Bundle":
            entries = [{"resource": document}]
            today = datetime.now(UTC).date()
        else:
            entries = document.get("entry") or []
            if not isinstance(entries, list):
                self.position = where + "Bundle.entry"
                self.reject("Bundle.entry must be a list")
                return
            today = _bundle_day(document)
        resources = self._validated(where, entries)
        context = BundleContext(self, _index(resources), today)
        for number, resource, _ in resources:
            handler = HANDLERS.get(resource.get_resource_type())
            if handler is None:
                self.pass_over(f"FHIR {resource.get_resource_type()}: a resource kgtwin "
                               "does not map")
                continue
            self.position = f"{where}entry {number}"
            try:
                yield from list(handler(resource, context))
            except Skip as skip:
                self.reject(f"{resource.get_resource_type()}: {skip}")

    def _validated(self, where: str, entries: list) -> list[tuple[int, Any, str | None]]:
        resources = []
        for number, entry in enumerate(entries, start=1):
            self.position = f"{where}entry {number}"
            raw = entry.get("resource") if isinstance(entry, dict) else None
            kind = raw.get("resourceType") if isinstance(raw, dict) else None
            if not isinstance(kind, str):
                self.reject("entry without a resource with a resourceType")
                continue
            try:
                model = get_fhir_model_class(kind)
            except (ValueError, KeyError):
                self.reject(f"unknown FHIR resourceType {kind[:40]!r}")
                continue
            try:
                resource = model.model_validate(raw)
            except ValidationError as error:
                self.reject(validation_reason(kind, error))
                continue
            except (ValueError, TypeError) as error:
                self.reject(f"invalid FHIR {kind}: {type(error).__name__}")
                continue
            full_url = entry.get("fullUrl")
            if full_url is not None and not isinstance(full_url, str):
                self.reject("Bundle.entry.fullUrl must be a string")
                continue
            resources.append((number, resource, full_url))
        return resources


def _index(resources: list) -> dict[str, Any]:
    """References a bundle's resources answer to: fullUrl and ``Type/id``."""
    found: dict[str, Any] = {}
    for _, resource, full_url in resources:
        if full_url:
            found[full_url] = resource
        if resource.id:
            found[f"{resource.get_resource_type()}/{resource.id}"] = resource
    return found


def _bundle_day(document: dict) -> date:
    """The day a bundle speaks of (its timestamp), so age bands do not drift on re-load."""
    stamp = document.get("timestamp")
    if isinstance(stamp, str):
        try:
            return datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    return datetime.now(UTC).date()
