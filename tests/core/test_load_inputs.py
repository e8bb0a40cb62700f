"""Folders, patterns and many files as ``kgtwin load`` arguments; lines as they end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from kgtwin.loaders.base import split_cr

from kgtwin.cli.main import cli
from kgtwin.errors import InputError
from kgtwin.load_inputs import expand_paths, short_label


def _tree(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    for name in ("b.json", "a.json", "sub/c.json.gz", "README.md", ".hidden.json"):
        (root / name).write_text("{}")


def test_a_folder_gives_its_files_of_the_format_sorted(tmp_path):
    _tree(tmp_path)
    found = expand_paths([tmp_path], suffixes=(".json",))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == \
        ["a.json", "b.json", "sub/c.json.gz"]
    assert len(expand_paths([tmp_path])) == 4  # no suffixes: every visible file


def test_a_pattern_expands_and_a_pattern_matching_nothing_is_an_error(tmp_path):
    _tree(tmp_path)
    assert [p.name for p in expand_paths([str(tmp_path / "*.json")])] == ["a.json", "b.json"]
    with pytest.raises(InputError, match="no file matches"):
        expand_paths([str(tmp_path / "*.tsv")])
    with pytest.raises(InputError, match="holds no file this format reads"):
        expand_paths([tmp_path / "sub"], suffixes=(".tsv",))


def test_a_loader_that_reads_folders_gets_the_folder(tmp_path):
    _tree(tmp_path)
    assert expand_paths([tmp_path], folders=True) == [tmp_path]


def test_short_label_counts_past_three_names():
    assert short_label([Path("a"), Path("b")]) == "a, b"
    many = [Path(f"f{i}.json") for i in range(10_580)]
    assert short_label(many) == "f0.json and 10,579 more files"


@given(st.lists(st.text(alphabet="ab\t", max_size=5), min_size=1, max_size=6),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_lines_split_the_same_whatever_they_end_with(lines, ending):
    raw = ending.join(lines).encode() + ending.encode()
    pieces = []
    for line in raw.splitlines(keepends=True) if ending != "\r" else [raw]:
        pieces += split_cr(line) if b"\r" in line else [line]
    assert [p.decode().removesuffix("\n") for p in pieces] == lines


def test_cli_loads_a_folder_and_a_pattern(tmp_path, data):
    folder = tmp_path / "kgx"
    folder.mkdir()
    for name in ("nodes.tsv", "edges.tsv"):
        (folder / name).write_bytes((data / "core" / name).read_bytes())
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(tmp_path / "s"), "load", "kgx", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["--store", str(tmp_path / "t"), "load", "kgx",
                                 str(folder / "*.tsv")])
    assert result.exit_code == 0, result.output


def test_cli_help_of_a_format_lists_its_options_and_columns():
    result = CliRunner().invoke(cli, ["load", "drug-targets", "--help"])
    assert result.exit_code == 0
    assert "Options (--option KEY=VALUE):" in result.output
    assert "  columns" in result.output
    assert "target (required):" in result.output
    general = CliRunner().invoke(cli, ["load", "--help"])
    assert "folders" in general.output and "--option" in general.output


def test_every_loader_documents_itself_and_its_column_map():
    from kgtwin.loaders import loader_registry
    from kgtwin.loaders.describe import loader_help, loader_options

    for cls in loader_registry():
        text = loader_help(cls)
        assert text.startswith(f"kgtwin load {cls.name} ")
        assert " ".join(cls.description.split()) in " ".join(text.split())  # wrapped
        assert cls.__doc__, cls.name
        if "columns" in loader_options(cls):
            assert "Columns (--option columns=ROLE:COLUMN" in text, cls.name
        elif cls.name not in NOT_TABLES:  # a table read by fixed columns says which, why
            assert cls.fixed_columns and cls.fixed_why, cls.name
            assert "Columns (fixed: no --option columns=, because" in text, cls.name
        assert "unresolved_genes: reject (default) or keep" in text, cls.name
        for option in loader_options(cls):  # every option says what it does
            assert re.search(rf"\n  {option}( \(default: [^)]*\))?: \S", text), \
                (cls.name, option)


#: Formats that are documents, not tables (JSON, RDF, OBO, HDF5, VCF, model files).
NOT_TABLES = {"fhir", "phenopacket", "h5ad", "vcf", "obo", "owl", "obographs",
              "logical-model"}


def test_columns_given_to_a_fixed_format_say_what_it_takes(tmp_path):
    from kgtwin.errors import KgTwinError
    from kgtwin.load import load_files
    from kgtwin.store import open_store

    table = tmp_path / "hgnc.tsv"
    table.write_text("hgnc_id\tsymbol\nHGNC:1097\tBRAF\n")
    with open_store(tmp_path / "s") as store, pytest.raises(KgTwinError) as why:
        load_files(store, "hgnc", [table], options={"columns": "symbol:gene"})
    said = str(why.value)
    assert "bad option for the hgnc loader" in said and "'columns'" in said
    assert "it takes include_withdrawn, genes, unresolved_genes (its columns are fixed " \
        "by the format: no columns=)" in said


def test_maf_columns_map_a_maf_like_table(tmp_path, monkeypatch):
    from kgtwin.load import load_files
    from kgtwin.store import open_store

    monkeypatch.setenv("KGTWIN_PSEUDONYM_KEY", "kgtwin-test-key-0123456789abcdef")
    table = tmp_path / "calls.tsv"
    table.write_text("gene\tsample_id\tprotein\nBRAF\tS1\tp.V600E\n")
    with open_store(tmp_path / "s") as store:
        report = load_files(store, "maf", [table], options={
            "columns": "Hugo_Symbol:gene,Tumor_Sample_Barcode:sample_id,HGVSp_Short:protein"})
        assert report.counts.edges == 1
        [edge] = list(store.edges(object="HGNC:1097"))
        assert edge.qualifiers["sequence_variant_qualifier"] == "p.V600E"
