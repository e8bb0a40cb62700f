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

from kgtwin.errors import InputError, KgTwinError
from kgtwin.model import Record


def column_key(name: str) -> str:
    """``"Molecule ChEMBL ID"`` and ``molecule_chembl_id`` compare equal."""
    return re.sub(r"[\s_\-.]+", "_", name.strip().lower())


def parse_column_map(text: str | None, roles: Sequence[str]) -> dict[str, str]:
    """``"drug:drugbank_id,target:Gene"`` -> role -> column; unknown roles are an error."""
    found: dict[str, str] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        role, sep, column = pair.partition(":")
        if not sep or not column.strip():
            raise KgTwinError(f"columns option: expected ROLE:COLUMN, got {pair!r}")
        if role.strip() not in roles:
            raise KgTwinError(f"columns option: unknown role {role.strip()!r}; roles: "
                              f"{', '.join(roles)}")
        found[role.strip()] = column.strip()
    return found


def resolve_columns(
    loader: Loader,
    header: list[str],
    roles: dict[str, list[str]],
    required: Sequence[str],
    given: dict[str, str] | None = None,
) -> dict[str, str]:
    """Role -> the actual column name in ``header``; InputError if a required role is missing.

    ``given`` (the user's ``columns`` option) wins; other roles take the first spelling
    found, in the order the roles are declared, and a column serves one role only (so
    PharmacotherapyDB's ``disease`` name column is not taken as the disease id once
    ``doid_id`` is).
    """
    by_key = {column_key(c): c for c in header}
    found: dict[str, str] = {}
    for role, column in (given or {}).items():
        if column not in header and column_key(column) not in by_key:
            raise InputError(loader.path, loader.position,
                             f"the columns option maps {role} to {column!r}, which the "
                             f"header does not have (it has: {', '.join(header)})")
        found[role] = column if column in header else by_key[column_key(column)]
    for role, spellings in roles.items():
        if role in found:
            continue
        for spelling in spellings:
            column = by_key.get(column_key(spelling))
            if column is not None and column not in found.values():
                found[role] = column
                break
    missing = [r for r in required if r not in found]
    if missing:
        wanted = "; ".join(f"{r}: one of {', '.join(roles[r])}" for r in missing)
        raise InputError(loader.path, loader.position,
                         f"missing column(s) for {wanted} (or map them with "
                         f"--option columns=ROLE:COLUMN,...)")
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
    given: dict[str, str] | None = None,
) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Each row of a table with its role -> column map (resolved once, from the header)."""
    columns: dict[str, str] | None = None
    for row in read_rows(loader, path, delimiter=delimiter, quoted=quoted):
        if columns is None:
            columns = resolve_columns(loader, list(row), roles, required, given)
        yield row, columns


class RoleTableLoader(Loader):
    """A table read row by row, its columns found by role from the header.

    Subclasses declare ``roles`` and ``required`` and turn one row into records in
    :meth:`row`; ``seen`` holds the node ids already yielded by this load, so each node
    is described once however many rows name it. Options: ``columns`` maps roles to
    columns the spellings do not cover (``columns=drug:drug_claim_name,target:Gene``);
    ``delimiter`` (``tab``, ``comma``, ``semicolon`` or a character; default by
    extension).
    """

    roles: ClassVar[dict[str, list[str]]]
    required: ClassVar[tuple[str, ...]]
    #: Whether every field is quoted (ChEMBL's downloads); None: quotes only where needed.
    quoted: ClassVar[bool | None] = None

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 delimiter: str | None = None, columns: str | None = None):
        super().__init__(paths, skip_bad=skip_bad)
        self.delimiter = delimiter
        self.columns = parse_column_map(columns, list(self.roles))

    @classmethod
    def columns_help(cls) -> str:
        """The roles and the header spellings each is found by (``load FORMAT --help``)."""
        lines = []
        for role, spellings in cls.roles.items():
            need = " (required)" if role in cls.required else ""
            lines.append(f"  {role}{need}: {', '.join(spellings)}")
        return "\n".join(lines)

    def records(self) -> Iterator[Record]:
        seen: set[str] = set()
        for path in self.paths:
            delimiter = delimiter_for(path, self.delimiter or self.sniff_delimiter(path))
            rows = role_rows(self, path, self.roles, self.required, delimiter=delimiter,
                             quoted=self.quoted, given=self.columns)
            for row, columns in rows:
                yield from self.row(row, columns, seen)

    def sniff_delimiter(self, path: Path) -> str | None:
        """A delimiter read from the file when the user gave none (None: by extension)."""
        return None

    @abstractmethod
    def row(self, row: dict[str, str], columns: dict[str, str],
            seen: set[str]) -> Iterator[Record]:
        """The records of one row (``cell(row, columns, role)`` reads a role's value)."""
