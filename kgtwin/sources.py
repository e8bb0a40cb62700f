"""A sources file: many sources loaded in order, each recorded in the ledger.

``kgtwin load --config sources.yaml`` reads a list of sources::

    sources:
      - name: hgnc                 # provenance name (default: the format)
        format: hgnc               # a loader name, see `kgtwin load --list`
        path: hgnc_genes.tsv       # or `paths: [a.tsv, b.tsv]`; relative to this file
        version: "2024-06"         # recorded as the source's version
        options: {}                # loader options (paths among them relative too)

Loading is the same merge as ``kgtwin load``: a source whose name, version, files and
options are already in the store is skipped, so re-running a sources file loads only
what changed. A changed source is loaded as a new version next to the old one (its
statements gain the new provenance); ``kgtwin`` does not delete the older version's
statements, so nothing is lost if the new file turns out bad.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kgtwin.errors import InputError, KgTwinError
from kgtwin.load import LoadReport, load_files
from kgtwin.loaders import loader_registry
from kgtwin.store.base import GraphStore

ENTRY_KEYS = {"name", "format", "path", "paths", "version", "options"}


@dataclass(frozen=True)
class SourceSpec:
    """One source of a sources file, its paths already resolved."""

    name: str
    format: str
    paths: tuple[Path, ...]
    version: str | None = None
    options: Mapping[str, object] = field(default_factory=dict)


def read_sources(config: str | Path) -> list[SourceSpec]:
    """Parses and checks a sources file; errors name the file and the entry."""
    path = Path(config)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, None, "sources file not found") from None
    except yaml.YAMLError as error:
        raise InputError(path, None, f"not valid YAML: {error}") from None
    entries = document.get("sources") if isinstance(document, dict) else document
    if not isinstance(entries, list) or not entries:
        raise InputError(path, None, "expected a non-empty list under 'sources:'")
    return [_spec(path, number, entry) for number, entry in enumerate(entries, start=1)]


def _spec(config: Path, number: int, entry: object) -> SourceSpec:
    def fail(reason: str) -> InputError:
        label = entry.get("name") if isinstance(entry, dict) else None
        where = f"source {number}" + (f" ({label})" if label else "")
        return InputError(config, where, reason)

    if not isinstance(entry, dict):
        raise fail("each source must be a mapping with format and path")
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise fail(f"unknown key(s) {', '.join(sorted(unknown))}; allowed: "
                   f"{', '.join(sorted(ENTRY_KEYS))}")
    format_ = entry.get("format")
    if not isinstance(format_, str) or format_ not in loader_registry():
        known = ", ".join(sorted(c.name for c in loader_registry()))
        raise fail(f"format {format_!r} is not a known loader; known: {known}")
    raw = entry.get("paths", entry.get("path"))
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) for p in raw):
        raise fail("give the file as 'path: FILE' or 'paths: [FILE, ...]'")
    paths = tuple(_resolve(config, p) for p in raw)
    for found in paths:
        if not found.exists():
            raise fail(f"file not found: {found}")
    options = entry.get("options") or {}
    if not isinstance(options, dict):
        raise fail("options must be a mapping of option names to values")
    loader = loader_registry().get(format_)
    for key in getattr(loader, "path_options", ()):
        if isinstance(options.get(key), str):
            options = {**options, key: str(_resolve(config, options[key]))}
    version = entry.get("version")
    return SourceSpec(
        name=str(entry.get("name") or format_),
        format=format_,
        paths=paths,
        version=None if version is None else str(version),
        options=options,
    )


def _resolve(config: Path, value: str) -> Path:
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else config.parent / candidate


def load_sources(
    store: GraphStore,
    config: str | Path,
    *,
    skip_bad: bool = False,
    force: bool = False,
    progress: bool = False,
) -> Iterator[LoadReport]:
    """Loads each source of ``config`` in order, yielding its report as it finishes.

    The whole file is checked before anything is loaded; a bad record stops at the
    failing source (the sources before it stay loaded, the failing one leaves nothing).
    """
    specs = read_sources(config)
    for spec in specs:
        try:
            yield load_files(
                store,
                spec.format,
                list(spec.paths),
                source=spec.name,
                version=spec.version,
                options=spec.options,
                skip_bad=skip_bad,
                force=force,
                progress=progress,
            )
        except InputError as error:
            where = f"source {spec.name!r} of {config}"
            raise InputError(error.path, error.where, f"{error.reason} ({where})") from error
        except KgTwinError as error:
            raise KgTwinError(f"{config}: source {spec.name!r}: {error}") from error


__all__ = ["SourceSpec", "load_sources", "read_sources"]
