"""`kgtwin genes fetch --coordinates BUILD`: a pinned GENCODE annotation downloaded once,
md5-checked, kept as a compact gene table, then used by segment loads; never partial.

A GTF in GENCODE 19's layout (tests/data/patients/gencode19_genes.gtf, gzipped here) is
served from a loopback HTTP server, so the real download code runs without the network.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import json
import threading
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.coordinates_fetch import RELEASES, cached_coordinates, fetch_coordinates
from kgtwin.gene_coordinates import read_loci
from kgtwin.genes_fetch import FetchError
from kgtwin.load import load_files
from kgtwin.privacy import KEY_ENV
from kgtwin.store import open_store

GTF = Path(__file__).resolve().parents[1] / "data" / "patients" / "gencode19_genes.gtf"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, md5 of the served annotation) of a folder holding it, a copy that says
    GRCh38 in its header, and a file that is not an annotation."""
    folder = tmp_path_factory.mktemp("www")
    text = GTF.read_bytes()
    (folder / "gencode.v19.annotation.gtf.gz").write_bytes(gzip.compress(text, mtime=0))
    (folder / "grch38.gtf.gz").write_bytes(
        gzip.compress(text.replace(b"(GRCh37)", b"(GRCh38)"), mtime=0))
    (folder / "empty.gtf").write_text("##format: gtf\n")
    handler = partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", folder
    server.shutdown()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KGTWIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(KEY_ENV, "kgtwin-test-key-0123456789abcdef")
    return tmp_path / "cache"


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_pinned_releases_are_gencode_on_each_build():
    assert RELEASES["GRCh37"].url.endswith("/release_19/gencode.v19.annotation.gtf.gz")
    assert RELEASES["GRCh38"].url.endswith("/release_38/gencode.v38.annotation.gtf.gz")
    assert all(len(r.md5) == 32 for r in RELEASES.values())


def test_fetch_keeps_the_genes_compactly_then_segment_loads_use_them(served, cache, tmp_path):
    base, folder = served
    served_gtf = folder / "gencode.v19.annotation.gtf.gz"
    assert cached_coordinates("GRCh37") is None
    done = fetch_coordinates("hg19", f"{base}/gencode.v19.annotation.gtf.gz", md5(served_gtf))
    assert (done.build, done.genes, done.size) == ("GRCh37", 7, served_gtf.stat().st_size)
    assert cached_coordinates("grch37") == done.path and cached_coordinates("GRCh38") is None
    kept = {p.name for p in done.path.parent.iterdir()}
    assert kept == {"GRCh37", "gencode.v19.annotation.genes.tsv.gz"}  # not the GTF itself
    loci, build = read_loci(done.path)
    assert build == "GRCh37" and [x.name for x in loci][:2] == ["RP11-34P13.7", "PARK2"]
    tp53 = next(x for x in loci if x.name == "TP53")
    assert (tp53.gene_id, tp53.chrom, tp53.start, tp53.end) == (
        "ENSG00000141510.11", "17", 7565097, 7590856)
    seg = tmp_path / "one.seg"
    seg.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
                   "S1\t17\t7000000\t8000000\t100\t-0.8\n")
    with open_store(tmp_path / "store") as store:
        report = load_files(store, "copy-number", [seg], options={"build": "GRCh37"})
        assert report.counts.measurements == 1
        assert store.measurements(feature="HGNC:11998")["value"].tolist() == [-0.8]


def test_wrong_checksum_or_build_keeps_nothing(served, cache):
    base, folder = served
    with pytest.raises(FetchError, match=r"md5 .* does not match the pinned"):
        fetch_coordinates("GRCh37", f"{base}/gencode.v19.annotation.gtf.gz", "0" * 32)
    with pytest.raises(FetchError, match="its header says GRCh38, not GRCh37"):
        fetch_coordinates("GRCh37", f"{base}/grch38.gtf.gz", md5(folder / "grch38.gtf.gz"))
    with pytest.raises(Exception, match="no gene records"):
        fetch_coordinates("GRCh37", f"{base}/empty.gtf", md5(folder / "empty.gtf"))
    assert cached_coordinates("GRCh37") is None
    assert not [p for p in (cache / "coordinates").iterdir()]


def test_unreachable_server_says_what_to_do_offline(served, cache):
    with pytest.raises(FetchError, match="--option coordinates=FILE"):
        fetch_coordinates("GRCh38", f"{served[0]}/missing.gtf.gz", "0" * 32)


def test_cli_fetch_coordinates(served, cache):
    base, folder = served
    runner = CliRunner()
    url = f"{base}/gencode.v19.annotation.gtf.gz"
    done = runner.invoke(cli, ["genes", "fetch", "--coordinates", "GRCh37", "--url", url,
                               "--md5", md5(folder / "gencode.v19.annotation.gtf.gz")])
    assert done.exit_code == 0, done.output
    assert "kept" in done.output and "7 gene records on GRCh37" in done.output
    refused = runner.invoke(cli, ["genes", "fetch", "--coordinates", "GRCh37", "--url", url])
    assert refused.exit_code != 0 and "--md5" in refused.output


def test_genes_info_lists_the_cached_coordinates(served, cache):
    base, folder = served
    runner = CliRunner()
    before = runner.invoke(cli, ["genes", "info"])
    assert before.exit_code == 0 and "gene coordinates: none cached" in before.output
    served_md5 = md5(folder / "gencode.v19.annotation.gtf.gz")
    fetch_coordinates("GRCh37", f"{base}/gencode.v19.annotation.gtf.gz", served_md5)
    after = runner.invoke(cli, ["genes", "info"])
    table = cached_coordinates("GRCh37")
    assert (f"gene coordinates on GRCh37: 7 genes from gencode.v19.annotation.gtf.gz "
            f"(md5 {served_md5}) in {table}") in after.output
    listed = json.loads(runner.invoke(cli, ["genes", "info", "--json"]).output)
    # not the pinned GENCODE 19 file (another md5), so no release is claimed for it
    assert listed["coordinates"] == [{"build": "GRCh37", "path": str(table),
                                      "source": "gencode.v19.annotation.gtf.gz",
                                      "md5": served_md5, "release": None, "genes": 7}]
