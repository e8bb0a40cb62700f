"""A loader's own help: what it reads, its options and its column map.

``kgtwin load FORMAT --help`` prints this, built from the loader itself (its module's
and class's docs, its constructor's keyword-only options and, for tables read by role,
each role with the header spellings that find it), so the help cannot drift from the
code.
"""

from __future__ import annotations

import inspect
import sys
import textwrap

from kgtwin.loaders.base import Loader

#: Constructor parameters every loader has, described by ``kgtwin load --help``.
COMMON = {"self", "paths", "skip_bad", "options"}


def loader_options(cls: type[Loader]) -> dict[str, object]:
    """Keyword-only options of the loader and its bases -> default (``inspect.Parameter
    .empty`` when required)."""
    found: dict[str, object] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for name, parameter in inspect.signature(init).parameters.items():
            if (name not in COMMON and name not in found
                    and parameter.kind is inspect.Parameter.KEYWORD_ONLY):
                found[name] = parameter.default
    return found


def loader_help(cls: type[Loader]) -> str:
    """The text ``kgtwin load FORMAT --help`` prints."""
    module = sys.modules[cls.__module__]
    parts = [f"kgtwin load {cls.name} FILE|FOLDER|PATTERN... [--option KEY=VALUE ...]",
             "", cls.description, ""]
    if module.__doc__:
        parts += [inspect.cleandoc(module.__doc__), ""]
    if cls.__doc__ and cls.__doc__.strip() and cls.__doc__ != module.__doc__:
        parts += [inspect.cleandoc(cls.__doc__), ""]
    options = loader_options(cls)
    if options:
        parts.append("Options (--option KEY=VALUE):")
        for name, default in options.items():
            shown = "" if default is inspect.Parameter.empty or default is None \
                else f" (default: {default})"
            parts.append(f"  {name}{shown}")
        parts.append("")
    columns_help = getattr(cls, "columns_help", None)
    if callable(columns_help):
        parts += ["Columns (--option columns=ROLE:COLUMN,...; otherwise the first header "
                  "spelling found):", columns_help(), ""]
    if cls.suffixes:
        parts.append(f"A folder argument loads its {', '.join(cls.suffixes)} files.")
    if cls.reads_folders:
        parts.append("A folder argument is read as one unit.")
    return "\n".join(textwrap.fill(line, 88, subsequent_indent="    ", break_on_hyphens=False)
                     if len(line) > 88 and not line.startswith("  ") else line
                     for line in "\n".join(parts).rstrip().splitlines())
