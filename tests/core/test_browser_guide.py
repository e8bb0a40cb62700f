"""The Neo4j Browser guide: built from the shipped examples, served the way Browser
fetches it (a CORS preflight, then GET). Its queries are the examples, which
``tests/neo4j/test_examples.py`` runs on the demo graph pushed to Neo4j."""

from __future__ import annotations

import html
import re
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.neo4j.examples import examples
from kgtwin.neo4j.guide import GUIDE_HTML, GuideServer, guide_html

RUNNABLE = re.compile(r'<pre class="pre-scrollable code runnable">(.*?)</pre>', re.S)


def test_every_runnable_block_is_an_example_command() -> None:
    page = guide_html()
    blocks = [html.unescape(b) for b in RUNNABLE.findall(page)]
    expected = [c for e in examples() for c in e.browser_commands()]
    assert blocks == expected
    # One slide per example, an introduction and a closing slide; titled for Browser.
    assert page.count("<slide ") == len(examples()) + 2
    assert "<title>kgtwin demo graph</title>" in page
    for example in examples():
        assert html.escape(example.title) in page


def test_served_with_the_cors_answers_browser_needs() -> None:
    with GuideServer(port=0) as server:
        assert server.url.startswith("http://localhost:") and server.url.endswith(GUIDE_HTML)
        assert server.command == f":guide {server.url}"
        url = server.url.replace("localhost", "127.0.0.1")
        preflight = urllib.request.Request(url, method="OPTIONS", headers={
            "Origin": "http://127.0.0.1:7474",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "pragma,cache-control"})
        with urllib.request.urlopen(preflight) as answer:
            assert answer.status == 204
            # Browser fetches with credentials: the origin itself, never "*".
            assert answer.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:7474"
            assert answer.headers["Access-Control-Allow-Credentials"] == "true"
            assert "cache-control" in answer.headers["Access-Control-Allow-Headers"]
        get = urllib.request.Request(url, headers={"Origin": "http://127.0.0.1:7474"})
        with urllib.request.urlopen(get) as answer:
            assert answer.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:7474"
            assert answer.read().decode("utf-8") == guide_html()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url.replace(GUIDE_HTML, "other.html"))
        assert missing.value.code == 404


def test_cli_writes_the_guide_and_exports_it_with_the_examples(tmp_path) -> None:
    runner = CliRunner()
    written = runner.invoke(cli, ["neo4j", "guide", "--write", str(tmp_path / "g.html")])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "g.html").read_text() == guide_html()
    exported = runner.invoke(cli, ["neo4j", "examples", "--export", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "out" / GUIDE_HTML).read_text() == guide_html()
