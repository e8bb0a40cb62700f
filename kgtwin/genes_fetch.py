"""``kgtwin genes fetch``: one explicit download of a pinned HGNC release, then offline.

The shipped gene index is a snapshot; real cohorts name genes approved since. A user
runs the fetch once; the file is checked against its pinned sha256 before it is kept
(written beside, then renamed, so a broken download never replaces a good file) and
every later load resolves against it (:func:`kgtwin.genes.gene_index_source`). The only
network access in kgtwin happens here, and only when the user asks.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kgtwin.errors import KgTwinError

#: HGNC's immutable monthly archive copy of the complete set (genenames.org).
RELEASE = "2026-10-02"
URL = ("https://storage.googleapis.com/public-download-files/hgnc/archive/archive/monthly/"
       f"tsv/hgnc_complete_set_{RELEASE}.txt")
SHA256 = "2b4224ea847df2fc6982f5b2a52804c5d92fbb8810b134afb636f6029452dc03"
CACHE_ENV = "KGTWIN_CACHE_DIR"
CHUNK = 1 << 20


class FetchError(KgTwinError, RuntimeError):
    """A download failed or did not match its pinned checksum (nothing was kept)."""


@dataclass(frozen=True)
class Fetched:
    """Where a fetched release was kept, and what it was checked against."""

    path: Path
    sha256: str
    size: int
    genes: int


def cache_dir() -> Path:
    """kgtwin's cache: ``KGTWIN_CACHE_DIR``, else ``$XDG_CACHE_HOME/kgtwin``, else
    ``~/.cache/kgtwin`` (nothing is created until a fetch)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kgtwin"


def release_path(url: str = URL) -> Path:
    return cache_dir() / "genes" / url.rstrip("/").rsplit("/", 1)[-1]


def cached_release() -> Path | None:
    """The fetched HGNC table, if a fetch has completed (its marker file is written last)."""
    marker = cache_dir() / "genes" / "CURRENT"
    if not marker.is_file():
        return None
    path = marker.parent / marker.read_text(encoding="utf-8").strip()
    return path if path.is_file() else None


def fetch(url: str = URL, sha256: str = SHA256, *, timeout: float = 60.0) -> Fetched:
    """Downloads ``url``, checks its sha256, validates it as a gene table, keeps it."""
    from kgtwin.genes import read_gene_table

    target = release_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name("partial-" + target.name)  # same suffix: .gz stays .gz
    digest, size = download(url, partial, "sha256", sha256, timeout=timeout,
                            offline="pass a local HGNC table with --option genes=FILE "
                                    "or KGTWIN_GENES")
    try:
        index = read_gene_table(partial, release=target.name)
    except KgTwinError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    marker = target.parent / "CURRENT"
    marker.with_suffix(".tmp").write_text(target.name + "\n", encoding="utf-8")
    os.replace(marker.with_suffix(".tmp"), marker)
    return Fetched(target, digest, size, len(index))


def download(url: str, partial: Path, algorithm: str, expected: str, *, timeout: float,
             offline: str) -> tuple[str, int]:
    """Downloads ``url`` into ``partial`` and checks its ``algorithm`` digest (sha256, or
    md5 where that is what the publisher gives): (digest, size). On any failure the
    partial file is removed and :class:`FetchError` says why (``offline``: what to do
    without the network)."""
    digest = hashlib.new(algorithm)
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            while chunk := response.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except OSError as error:  # URLError and timeouts are OSErrors
        partial.unlink(missing_ok=True)
        raise FetchError(f"cannot download {url}: {getattr(error, 'reason', error)} "
                         f"(offline? {offline})") from None
    if digest.hexdigest() != expected.lower():
        partial.unlink(missing_ok=True)
        raise FetchError(f"{url}: {algorithm} {digest.hexdigest()} does not match the pinned "
                         f"{expected} ({size:,} bytes); nothing was kept")
    return digest.hexdigest(), size
