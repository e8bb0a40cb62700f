"""Column roles for loaders of tables whose exporters spell headers differently.

DrugBank, ChEMBL, SIGNOR and OmniPath name the same column many ways ("DrugBank ID",
``drugbank_id``, ``drug_id``). A loader declares the roles it needs and the spellings
each role may have; the first row's header decides, and a missing required role stops
the load naming the file and the spellings that would have worked.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows

from kgtwin.errors import InputError
from kgtwin.model import Record


def column_key(name: str) -> str:
    """``"Molecule ChEMBL ID"`` and ``molecule_chembl_id`` compare equal."""
    return re.sub(r"[\s_\-.]+", "_", name.strip().lower())


def resolve_columns(
    loader: Loader,
    header: list[str],
    roles: dict[str, list[str]],
    required: Sequence[str],
) -> dict[str, str]:
    """Role -> the actual column name in ``header``; InputError if a required role is missing."""
    by_key = {column_key(c): c for c in header}
    found: dict[str, str] = {}
    for role, spellings in roles.items():
        for spelling in spellings:
            if column_key(spelling) in by_key:
                found[role] = by_key[column_key(spelling)]
                break
    missing = [r for r in required if r not in found]
    if missing:
        wanted = "; ".join(f"{r}: one of {', '.join(roles[r])}" for r in missing)
        raise InputError(loader.path, loader.position, f"missing column(s) for {wanted}")
    return found


def delimiter_for(path: Path, given: str | None = None) -> str:
    """The field separator: as given (``tab``/``comma``/``semicolon``/``csv``/``tsv`` or a
    character), else by extension (``.csv``, also ``.csv.gz``: comma; anything else tab)."""
    names = {"tab": "\t", "\\t": "\t", "tsv": "\t", "comma": ",", "csv": ",",
             "semicolon": ";"}
    if given:
        return names.get(given, given)
    suffixes = [s.lower() for s in path.suffixes]
    return "," if ".csv" in suffixes else "\t"


def cell(row: dict[str, str], columns: dict[str, str], role: str) -> str:
    """The stripped value of a role's column ('' when the role has no column)."""
    column = columns.get(role)
    return row.get(column, "").strip() if column else ""


def role_rows(
    loader: Loader,
    path: Path,
    roles: dict[str, list[str]],
    required: Sequence[str],
    *,
    delimiter: str,
    quoted: bool | None = None,
) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Each row of a table with its role -> column map (resolved once, from the header)."""
    columns: dict[str, str] | None = None
    for row in read_rows(loader, path, delimiter=delimiter, quoted=quoted):
        if columns is None:
            columns = resolve_columns(loader, list(row), roles, required)
        yield row, columns


class RoleTableLoader(Loader):
    """A table read row by row, its columns found by role from the header.

    Subclasses declare ``roles`` and ``required`` and turn one row into records in
    :meth:`row`; ``seen`` holds the node ids already yielded by this load, so each node
    is described once however many rows name it.
    """

    roles: ClassVar[dict[str, list[str]]]
    required: ClassVar[tuple[str, ...]]
    #: Whether every field is quoted (ChEMBL's downloads); None: quotes only where needed.
    quoted: ClassVar[bool | None] = None

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 delimiter: str | None = None):
        super().__init__(paths, skip_bad=skip_bad)
        self.delimiter = delimiter

    def records(self) -> Iterator[Record]:
        seen: set[str] = set()
        for path in self.paths:
            delimiter = delimiter_for(path, self.delimiter or self.sniff_delimiter(path))
            rows = role_rows(self, path, self.roles, self.required, delimiter=delimiter,
                             quoted=self.quoted)
            for row, columns in rows:
                yield from self.row(row, columns, seen)

    def sniff_delimiter(self, path: Path) -> str | None:
        """A delimiter read from the file when the user gave none (None: by extension)."""
        return None

    @abstractmethod
    def row(self, row: dict[str, str], columns: dict[str, str],
            seen: set[str]) -> Iterator[Record]:
        """The records of one row (``cell(row, columns, role)`` reads a role's value)."""
