"""Damaged input is named, whatever the format: the checks every load gets.

Loaders report the bad records they recognise. What they do not expect still has to
end as ``file:line: reason`` rather than a traceback or a silent success, so the load
machinery, not each format, makes sure that

* an empty file (no bytes, or only whitespace) is an error unless the user says
  ``--allow-empty``, and so is a load that yields no record at all;
* a truncated or corrupt compressed file, bytes that are not UTF-8, nesting too deep
  for the parser, or a file ending mid-record surface as :class:`InputError` at the
  loader's current file and position.
"""

from __future__ import annotations

import lzma
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from kgtwin.errors import InputError, KgTwinError
from kgtwin.loaders.base import Loader, open_binary
from kgtwin.model import Record

_PROBE = 1 << 16
ALLOW_EMPTY_HINT = "pass --allow-empty to load it anyway"


def check_not_empty(paths: Iterable[Path]) -> None:
    """Refuses a file with no content (after decompression): nothing to load is a mistake."""
    for path in paths:
        if path.is_dir():
            continue
        try:
            with open_binary(path) as handle:
                head = handle.read(_PROBE)
                more = bool(head.strip()) or handle.read(1)
        except (OSError, EOFError, lzma.LZMAError, zlib.error) as error:
            raise InputError(path, None, f"cannot read it: {_reason(error)}") from None
        if not head.replace(b"\xef\xbb\xbf", b"", 1).strip() and not more:
            raise InputError(path, None, f"the file is empty; {ALLOW_EMPTY_HINT}")


def guarded_records(
    loader: Loader, records: Iterable[Record], *, allow_empty: bool = False
) -> Iterator[Record]:
    """``records``, with unexpected failures named at the loader's file and position."""
    count = 0
    try:
        for record in records:
            count += 1
            yield record
    except KgTwinError:
        raise
    except RecursionError:
        raise InputError(loader.path, loader.position, "nested too deeply to read") from None
    except UnicodeDecodeError as error:
        raise InputError(loader.path, loader.position,
                         f"not valid UTF-8 ({error.reason} at byte {error.start})") from None
    except (EOFError, lzma.LZMAError, zlib.error, OSError) as error:
        raise InputError(loader.path, loader.position,
                         f"truncated or damaged file: {_reason(error)}") from None
    if count == 0 and not allow_empty:
        raise InputError(loader.path, None, f"no records: nothing to load; {ALLOW_EMPTY_HINT}")


def _reason(error: BaseException) -> str:
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return " ".join(text.split())


__all__ = ["ALLOW_EMPTY_HINT", "check_not_empty", "guarded_records"]
