"""`kgtwin genes fetch`: a pinned release downloaded once, checked, cached; never partial.

The HGNC table is served from a loopback HTTP server (a copy of the reference table), so
the real download code runs without the network.
"""

from __future__ import annotations

import hashlib
import http.server
import threading
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.genes import gene_index_source
from kgtwin.genes_fetch import FetchError, cached_release, fetch

HGNC = Path(__file__).resolve().parents[3] / "shared/data/reference/hgnc_complete_set.txt.gz"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, sha256) of a folder holding the HGNC table and a file that is not one."""
    folder = tmp_path_factory.mktemp("www")
    (folder / "hgnc_complete_set.txt.gz").write_bytes(HGNC.read_bytes())
    (folder / "not_genes.txt").write_text("gene\tid\nBRAF\t1097\n")
    handler = partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KGTWIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KGTWIN_GENES", raising=False)
    return tmp_path / "cache"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_keeps_a_checked_release_that_loads_then_use(served, cache):
    assert cached_release() is None and gene_index_source() == (None, "shipped")
    done = fetch(f"{served}/hgnc_complete_set.txt.gz", sha256(HGNC))
    assert done.path.parent == cache / "genes" and done.sha256 == sha256(HGNC)
    assert done.genes > 40_000 and done.size == HGNC.stat().st_size
    assert cached_release() == done.path
    assert gene_index_source() == (done.path, "kgtwin genes fetch")


def test_wrong_checksum_keeps_nothing(served, cache):
    with pytest.raises(FetchError, match="does not match the pinned"):
        fetch(f"{served}/hgnc_complete_set.txt.gz", "0" * 64)
    assert cached_release() is None
    assert not list((cache / "genes").iterdir())


def test_a_file_that_is_not_a_gene_table_is_not_kept(served, cache):
    url = f"{served}/not_genes.txt"
    with pytest.raises(Exception, match="not an HGNC complete set"):
        fetch(url, hashlib.sha256(b"gene\tid\nBRAF\t1097\n").hexdigest())
    assert cached_release() is None


def test_unreachable_server_says_what_to_do_offline(served, cache):
    with pytest.raises(FetchError, match="--option genes=FILE"):
        fetch(f"{served}/missing.txt", "0" * 64)


def test_cli_fetch_then_info(served, cache):
    runner = CliRunner()
    done = runner.invoke(cli, ["genes", "fetch", "--url", f"{served}/hgnc_complete_set.txt.gz",
                               "--sha256", sha256(HGNC)])
    assert done.exit_code == 0, done.output
    assert "kept" in done.output
    info = runner.invoke(cli, ["genes", "info"])
    assert "kgtwin genes fetch" in info.output and "hgnc_complete_set.txt.gz" in info.output
    refused = runner.invoke(cli, ["genes", "fetch", "--url", f"{served}/x"])
    assert refused.exit_code != 0 and "--sha256" in refused.output
