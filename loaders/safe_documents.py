"""Checks that make a whole-document source (XML, JSON, JSON-LD) safe to hand to a parser.

A data file must never make kgtwin reach the network or do unbounded work. The parsers
we rely on do not promise that by themselves: rdflib's JSON-LD reader fetches remote
``@context`` URLs, XML entities nest (billion laughs: a 1 KB file expanding to
gigabytes) or name external resources, and a JSON value nested 100,000 deep costs a
streaming parser memory quadratic in the depth. So before parsing:

* XML may declare only plain internal entities (no external or parameter entities, no
  entity that refers to another, a bounded number and size), so expansion stays linear
  in the file size; Protégé-style ``<!ENTITY owl "http://...#">`` declarations still load.
* JSON-LD may name contexts only inline: a context given by URL, or ``@import``, is
  refused rather than fetched.
* JSON nesting is capped at :data:`MAX_DEPTH` levels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kgtwin.errors import InputError

#: Deepest JSON nesting any format of the field needs is ~10 (FHIR bundles); far more
#: than that is an attack or a damaged file.
MAX_DEPTH = 100
#: Internal XML entities allowed, and the longest replacement text of one.
MAX_ENTITIES = 256
MAX_ENTITY_LENGTH = 4096

_DOCTYPE = re.compile(rb"<!DOCTYPE\b")
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s>]+)\s+(?:\"([^\"]*)\"|'([^']*)'|([^>]*))\s*>")
_ANY_ENTITY = re.compile(rb"<!ENTITY\b")
_EXTERNAL_DTD = re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s+(SYSTEM|PUBLIC)\b")


def check_xml(path: Path | str, data: bytes) -> None:
    """Refuses XML whose DTD could expand without bound or reach outside the file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise InputError(path, None, "not UTF-8 XML (UTF-16 or binary); convert it to UTF-8")
    if not _DOCTYPE.search(data):
        return
    if _EXTERNAL_DTD.search(data):
        raise InputError(
            path,
            None,
            "XML names an external DTD; kgtwin reads no external "
            "resources (remove the SYSTEM/PUBLIC identifier)",
        )
    declared = _ENTITY.findall(data)
    if len(declared) != len(_ANY_ENTITY.findall(data)):
        raise InputError(path, None, "XML entity declaration kgtwin cannot check; refused")
    if len(declared) > MAX_ENTITIES:
        raise InputError(path, None, f"XML declares more than {MAX_ENTITIES} entities")
    for parameter, name, double, single, other in declared:
        label = name.decode("ascii", "replace")
        value = double if double or not single else single
        if parameter:
            raise InputError(path, None, f"XML parameter entity %{label} refused")
        if other.strip():
            raise InputError(
                path,
                None,
                f"XML external entity &{label}; refused (kgtwin reads no external resources)",
            )
        if b"&" in value or b"%" in value:
            raise InputError(
                path,
                None,
                f"XML entity &{label}; refers to other entities (nested expansion is refused)",
            )
        if len(value) > MAX_ENTITY_LENGTH:
            raise InputError(
                path, None, f"XML entity &{label}; is longer than {MAX_ENTITY_LENGTH} characters"
            )


def check_depth(path: Path | str, value: Any, where: int | str | None = None) -> None:
    """Refuses a parsed JSON value nested deeper than :data:`MAX_DEPTH` (walked iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(path, where, f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def load_json(path: Path | str, text: str | bytes, where: int | str | None = None) -> Any:
    """``json.loads`` with a nesting cap and a ``file:line: reason`` error instead of a trace."""
    import json

    try:
        value = json.loads(text)
    except RecursionError:
        raise InputError(path, where, f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise InputError(
            path, where if where is not None else error.lineno, f"not valid JSON: {error.msg}"
        ) from None
    except UnicodeDecodeError as error:
        raise InputError(path, where, f"not valid UTF-8 ({error.reason})") from None
    check_depth(path, value, where)
    return value


def check_jsonld(path: Path | str, data: bytes) -> None:
    """Refuses JSON-LD that names a context by URL or imports one (it would be fetched)."""
    document = load_json(path, data)
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in item.items():
                if key in ("@context", "@import") and _remote(child):
                    raise InputError(
                        path,
                        None,
                        f"JSON-LD {key} names a remote resource; "
                        "kgtwin fetches nothing during a load (inline it)",
                    )
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)


def _remote(context: Any) -> bool:
    if isinstance(context, str):
        return True
    if isinstance(context, list):
        return any(isinstance(c, str) for c in context)
    return isinstance(context, dict) and "@import" in context


#: Bracket nesting (counted in raw bytes, strings included) at which a streamed JSON
#: file is refused; chunks are read this small so depth inside one chunk stays bounded.
RAW_DEPTH_LIMIT = 1000
_GUARD_CHUNK = 8192


class DepthGuard:
    """A binary file wrapper that refuses JSON nested past :data:`RAW_DEPTH_LIMIT`.

    For streaming parsers that run in C (ijson ``items``): their per-level prefix
    strings make memory grow with the square of the depth. Counting brackets per small
    chunk costs little and needs no event loop in Python; brackets inside strings count
    too, so the limit is generous and the check coarse (:func:`capped_events` is exact).
    """

    def __init__(self, handle: Any, path: Path | str):
        self.handle, self.path, self.depth = handle, path, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(_GUARD_CHUNK if size < 0 else min(size, _GUARD_CHUNK))
        self.depth += chunk.count(b"[") + chunk.count(b"{") - chunk.count(b"]") - chunk.count(b"}")
        if self.depth > RAW_DEPTH_LIMIT:
            raise InputError(self.path, None, f"JSON nested deeper than {RAW_DEPTH_LIMIT} levels")
        return chunk


def capped_events(
    path: Path | str, events: Iterable[tuple[str, str, Any]]
) -> Iterator[tuple[str, str, Any]]:
    """ijson ``parse`` events, refused once the nesting passes :data:`MAX_DEPTH`."""
    depth = 0
    for prefix, event, value in events:
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(path, None, f"JSON nested deeper than {MAX_DEPTH} levels")
        elif event in ("end_map", "end_array"):
            depth -= 1
        yield prefix, event, value


__all__ = [
    "MAX_DEPTH",
    "DepthGuard",
    "capped_events",
    "check_depth",
    "check_jsonld",
    "check_xml",
    "load_json",
]
