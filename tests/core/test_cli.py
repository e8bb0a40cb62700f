"""The command line as users script it: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kgtwin.cli.main import cli


def run(*args: str, store=None):
    runner = CliRunner()
    prefix = ["--store", str(store)] if store else []
    return runner.invoke(cli, [*prefix, *args], catch_exceptions=False)


def test_load_status_node_neighbors_export(data, tmp_path):
    store = tmp_path / "kg"
    files = [str(data / "core" / "nodes.tsv"), str(data / "core" / "edges.tsv")]
    result = run("load", "kgx", *files, "--source", "fixture", "--version", "1", store=store)
    assert result.exit_code == 0, result.output
    assert "9 node, 10 edge" in result.output
    assert "unchanged" in run("load", "kgx", *files, "--source", "fixture", "--version", "1",
                              store=store).output
    status = json.loads(run("status", "--json", store=store).output)
    assert status["counts"]["nodes"] == 9
    assert status["ledger"][0]["source"]["name"] == "fixture"
    node = json.loads(run("node", "ncbigene:673", "--json", store=store).output)
    assert (node["id"], node["name"]) == ("HGNC:1097", "BRAF")
    out = run("neighbors", "HGNC:1097", "--category", "ChemicalEntity", store=store).output
    assert "vemurafenib" in out and "dabrafenib" in out and "MAP2K1" not in out
    assert run("export", "kgx", str(tmp_path / "x"), store=store).exit_code == 0
    assert (tmp_path / "x" / "edges.tsv").exists()


def test_bad_input_exits_non_zero_with_one_line(data, tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("subject\tpredicate\tobject\nHGNC:1097\tbiolink:regulates\tHGNC:xyz\n")
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "kg"), "load", "kgx", str(bad)]
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1
    assert "bad.tsv:2:" in lines[0] and "HGNC:xyz" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(
        cli, ["--debug", "--store", str(tmp_path / "none"), "status"]
    )
    assert result.exit_code != 0
    assert result.exception is not None


def test_missing_store_and_unknown_node_are_one_line_errors(data, tmp_path):
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "none"), "status"])
    assert result.exit_code == 1 and "no kgtwin store" in result.output
    run("load", "kgx", str(data / "core" / "nodes.tsv"), store=tmp_path / "kg")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "kg"), "node", "HP:1"])
    assert result.exit_code == 1


def test_every_command_has_help_with_an_example():
    def walk(command, path):
        yield path, command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, _command in walk(cli, []):
        help_text = CliRunner().invoke(cli, [*path, "--help"]).output
        assert "Example" in help_text, f"`kgtwin {' '.join(path)}` has no example"


def test_search_node_and_paths_by_name(data, tmp_path):
    store = tmp_path / "kg"
    files = [str(data / "core" / "nodes.tsv"), str(data / "core" / "edges.tsv")]
    run("load", "kgx", *files, store=store)
    found = json.loads(run("search", "MAP", "--category", "Gene", "--json", store=store).output)
    assert [m["id"] for m in found] == ["HGNC:6871", "HGNC:6840"]  # shorter name first
    assert "HGNC:1097" in run("search", "braf", store=store).output.splitlines()[0]
    node = json.loads(run("node", "vemurafenib", "--json", store=store).output)
    assert node["id"] == "CHEBI:63637"
    result = CliRunner().invoke(cli, ["--store", str(store), "node", "MAPK"])
    assert result.exit_code == 1
    assert "did you mean: HGNC:6871 (MAPK1)" in result.output
    out = run("paths", "vemurafenib", "trametinib", "--max-length", "2", store=store).output
    assert "vemurafenib -[treats]-> melanoma <-[treats]- trametinib" in out
    assert "1 path from CHEBI:63637" in out
    paths = json.loads(run("paths", "KRAS", "MAPK1", "--json", store=store).output)
    assert paths[0]["nodes"] == ["HGNC:6407", "HGNC:1097", "HGNC:6840", "HGNC:6871"]
    assert run("paths", "KRAS", "MAPK1", "--max-length", "2", store=store).output.startswith(
        "0 paths")
