"""Planted free text and Synthea-style file names pushed to Neo4j: none arrives."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.privacy import KEY_ENV, KEY_FILE_ENV, write_key

from ..patients.test_free_text import HP_SLICE, leaks, planted_files

pytestmark = pytest.mark.neo4j


def test_push_carries_no_free_text_or_file_name(tmp_path, monkeypatch, neo4j_settings,
                                                empty_graph):  # fmt: skip
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    key = write_key(tmp_path / "keys" / "k.key")
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", str(store), "load", "obo", str(HP_SLICE)]).exit_code == 0
    for format, path in planted_files(tmp_path / "in").items():
        result = runner.invoke(cli, ["--store", str(store), "load", format, str(path),
                                     "--option", f"key_file={key}", "--skip-bad"])  # fmt: skip
        assert result.exit_code == 0, result.output
    env = {"NEO4J_USERNAME": neo4j_settings.user, "NEO4J_PASSWORD": neo4j_settings.password}
    push = ["--store", str(store), "push", "--method", "incremental", "--replace"]
    pushed = runner.invoke(cli, [*push, "--neo4j-uri", neo4j_settings.uri], env=env)
    assert pushed.exit_code == 0, pushed.output
    assert leaks(pushed.output.encode()) == []
    nodes, _, _ = empty_graph.execute_query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels, _, _ = empty_graph.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p"
    )
    assert len(nodes) > 20
    everything = json.dumps([r.data() for r in [*nodes, *rels]], default=str).encode()
    assert leaks(everything) == []
    names = [r["p"].get("name") for r in nodes if r["p"].get("id") == "HP:0000118"]
    assert names == ["Phenotypic abnormality"]
