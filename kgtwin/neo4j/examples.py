"""Example Cypher for Neo4j Browser, shipped as ``.cypher`` files in ``browser/``.

The files are the single source: ``kgtwin neo4j examples`` prints them, the tests run
them, and Neo4j Browser imports them as favourites (drag them onto the Favorites
drawer). Each file reads::

    // kgtwin: title             <- Browser names the favourite after this line
    // what it shows (any number of lines)
    // :param name => "value"    <- run this line first in Browser; default for kgtwin
    MATCH ...
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

_PARAM_LINE = re.compile(r"//\s*:param\s+(\w+)\s*=>\s*(.+)$")


@dataclass(frozen=True)
class Example:
    """One example query and the parameter values it is shown with."""

    name: str
    title: str
    description: str
    params: dict[str, Any]
    cypher: str
    text: str

    def browser_commands(self) -> list[str]:
        """What to type in Browser, in order: the ``:param`` lines, then the query."""
        params = [f":param {key} => {json.dumps(value)}" for key, value in self.params.items()]
        return [*params, self.cypher]


def examples() -> list[Example]:
    """All shipped examples, in file order."""
    folder = resources.files("kgtwin.neo4j").joinpath("browser")
    found = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".cypher")),
        key=lambda entry: entry.name,
    )
    return [_parse(entry.name, entry.read_text()) for entry in found]


#: Shipped beside the examples: the Browser style (drag it onto Browser to apply it) and
#: the guide that says what to do with each file.
STYLE = "kgtwin.grass"
GUIDE = "GUIDE.md"


def export(directory: Path) -> list[Path]:
    """Copy the ``.cypher`` files (to drag into Browser's Favorites), the style file and
    the guide (Markdown, and the HTML Browser opens with ``:guide``) to ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    folder = resources.files("kgtwin.neo4j").joinpath("browser")
    written = []
    names = [f"{example.name}.cypher" for example in examples()] + [STYLE, GUIDE]
    for name in names:
        target = directory / name
        with resources.as_file(folder.joinpath(name)) as source:
            shutil.copyfile(source, target)
        written.append(target)
    from kgtwin.neo4j.guide import GUIDE_HTML, guide_html  # the guide imports this module

    target = directory / GUIDE_HTML
    target.write_text(guide_html(), encoding="utf-8")
    return [*written, target]


def _parse(filename: str, text: str) -> Example:
    lines = text.strip().splitlines()
    title = lines[0].removeprefix("//").strip().removeprefix("kgtwin:").strip()
    description: list[str] = []
    params: dict[str, Any] = {}
    header = 1
    while header < len(lines) and lines[header].startswith("//"):
        line = lines[header]
        header += 1
        if match := _PARAM_LINE.match(line):
            params[match.group(1)] = json.loads(match.group(2))
        else:
            description.append(line.removeprefix("//").strip())
    return Example(
        name=filename.removesuffix(".cypher"),
        title=title,
        description=" ".join(description),
        params=params,
        cypher="\n".join(lines[header:]),
        text=text,
    )
