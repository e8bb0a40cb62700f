"""What a user names on ``kgtwin load``: files, folders and glob patterns, made files.

A folder stands for the files under it (recursively, sorted, hidden ones left out),
filtered by the suffixes the format reads, so ``kgtwin load phenopacket store/`` takes
every packet and not the README. A loader that reads a folder as one unit (a
cBioPortal study) declares it and gets the folder itself. A pattern that names no
existing file is expanded here too (``'data/*.json'`` quoted, or from a sources file),
so the same arguments work whatever the shell.
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path

from kgtwin.errors import InputError

#: How many file names a load's label and ledger entry spell out before counting.
NAMES_SHOWN = 3

_COMPRESSED = {".gz", ".bz2", ".xz"}


def file_suffix(path: Path) -> str:
    """The suffix that tells a file's format, under any compression (``a.tsv.gz`` -> .tsv)."""
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in _COMPRESSED]
    return suffixes[-1] if suffixes else ""


def expand_paths(
    arguments: Iterable[str | Path],
    *,
    suffixes: Sequence[str] = (),
    folders: bool = False,
) -> list[Path]:
    """Files for the arguments: a file as given, a folder's files, a pattern's matches.

    ``suffixes`` (``.json``, ``.tsv``; compression ignored) filters folder contents
    only: a file named explicitly is always taken. With ``folders`` a folder is kept
    whole for a loader that reads it as one unit. Nothing found is an error naming the
    argument, never an empty load.
    """
    found: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found.extend([path] if folders else _folder_files(path, suffixes))
        elif path.exists() or not glob.has_magic(str(argument)):
            found.append(path)  # a missing file is reported by the loader, by name
        else:
            matches = sorted(glob.glob(str(argument), recursive=True))
            if not matches:
                raise InputError(path, None, "no file matches this pattern")
            found.extend(expand_paths(matches, suffixes=suffixes, folders=folders))
    return found


def _folder_files(folder: Path, suffixes: Sequence[str]) -> list[Path]:
    wanted = {s.lower() for s in suffixes}
    files = sorted(
        p for p in folder.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        and (not wanted or file_suffix(p) in wanted)
    )
    if not files:
        kinds = f" ({', '.join(sorted(wanted))})" if wanted else ""
        raise InputError(folder, None, f"the folder holds no file this format reads{kinds}")
    return files


def short_label(paths: Sequence[Path]) -> str:
    """The files' names for a progress bar or ledger entry, counted past a few."""
    names = [p.name or str(p) for p in paths]
    if len(names) <= NAMES_SHOWN:
        return ", ".join(names)
    return f"{names[0]} and {len(names) - 1:,} more files"
