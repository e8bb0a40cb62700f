"""A streaming reader of OBO 1.4 flat files: one stanza at a time, with line numbers.

Why not pronto or obonet: both build the whole ontology in memory before giving back a
term, and neither can skip one malformed stanza and go on. OBO is line-based, so a
stanza reader is short; this one keeps memory at one stanza, names the line of every
problem, and is checked against obonet on the same files (tests/loaders/test_ontology.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kgtwin.loaders import base
from kgtwin.loaders.base import Loader, open_text

from kgtwin.errors import InputError

#: Tags whose value is an identifier (a trailing ``! comment`` is dropped).
ID_TAGS = {"id", "is_a", "alt_id", "xref", "relationship", "replaced_by", "consider",
           "intersection_of", "union_of", "disjoint_from", "equivalent_to", "subset",
           "namespace", "is_obsolete"}
_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*(.*)$')
_MODIFIERS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_PAIR = re.compile(r'\s*([\w:.-]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')


@dataclass
class Stanza:
    """One ``[Term]``/``[Typedef]``/``[Instance]`` frame: tag -> values, in file order."""

    kind: str
    line: int
    tags: dict[str, list[str]] = field(default_factory=dict)
    modifiers: dict[tuple[str, str], dict[str, list[str]]] = field(default_factory=dict)

    def first(self, tag: str) -> str | None:
        values = self.tags.get(tag)
        return values[0] if values else None

    def all(self, tag: str) -> list[str]:
        return self.tags.get(tag, [])


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def quoted(value: str) -> str:
    """The quoted text of a ``def:`` or ``synonym:`` value (the whole value if unquoted)."""
    found = _QUOTED.match(value)
    return unescape(found.group(1)) if found else value


def _pairs(text: str) -> dict[str, list[str]]:
    """``source="A", source="B"`` -> ``{"source": ["A", "B"]}`` (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for key, value in _PAIR.findall(text):
        found.setdefault(key, []).append(unescape(value))
    return found


def split_value(tag: str, raw: str) -> tuple[str, dict[str, list[str]]]:
    """A tag's value without its ``! comment`` and ``{modifiers}``, and the modifiers."""
    value = raw.strip()
    if tag in ID_TAGS and " !" in value:
        value = value.split(" !", 1)[0].rstrip()
    modifiers: dict[str, list[str]] = {}
    found = _MODIFIERS.search(value)
    if found and not value.startswith('"'):
        modifiers = _pairs(found.group(1))
        value = value[: found.start()].rstrip()
    elif found and value.startswith('"') and _QUOTED.match(value):
        inner = _MODIFIERS.search(_QUOTED.match(value).group(2))
        if inner:
            modifiers = _pairs(inner.group(1))
    return value, modifiers


def read_header(path: Path, *, max_lines: int = 200) -> dict[str, str]:
    """The header tags before the first stanza (``format-version``, ``data-version``, …)."""
    header: dict[str, str] = {}
    try:
        with open_text(path) as handle:
            for _ in range(max_lines):
                line = handle.readline(base.MAX_LINE_BYTES + 1)  # the reader names a long one
                if not line or len(line) > base.MAX_LINE_BYTES or line.startswith("["):
                    break
                tag, sep, value = line.partition(":")
                if sep and tag.strip() and not tag.startswith("!"):
                    header.setdefault(tag.strip(), value.strip())
    except UnicodeDecodeError:
        pass  # the stanza reader names the undecodable line
    return header


def stanzas(loader: Loader, path: Path) -> Iterator[Stanza]:
    """The stanzas of ``path``; a line that is not ``tag: value`` goes to ``loader.reject``."""
    loader.path = path
    current: Stanza | None = None
    with open_text(path) as handle:
        number = 0
        while True:
            number += 1
            limit = base.MAX_LINE_BYTES
            try:
                line = handle.readline(limit + 1)  # a file without line breaks is not read whole
            except UnicodeDecodeError as error:
                loader.position = number
                loader.reject(f"not valid UTF-8 ({error.reason})")
                return
            if not line:
                break
            loader.position = number
            if len(line) > limit:
                raise InputError(path, number, f"line longer than {limit:,} characters (a "
                                 "damaged file, or not an OBO file)")
            text = line.strip()
            if not text or text.startswith("!"):
                continue
            if text.startswith("[") and text.endswith("]"):
                if current is not None:
                    loader.position = current.line
                    yield current
                current = Stanza(kind=text[1:-1].strip(), line=number)
                continue
            if current is None:  # header lines
                continue
            tag, sep, raw = text.partition(":")
            if not sep or not tag.strip() or " " in tag.strip():
                loader.reject(f"expected 'tag: value', found {text[:60]!r}")
                continue
            tag = tag.strip()
            value, modifiers = split_value(tag, raw)
            current.tags.setdefault(tag, []).append(value)
            if modifiers:
                current.modifiers[(tag, value)] = modifiers
    if current is not None:
        loader.position = current.line
        yield current
