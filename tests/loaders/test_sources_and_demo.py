"""Sources files (`kgtwin load --config`) and the shipped demo knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from loader_testing import DATA

from kgtwin.cli.main import cli
from kgtwin.demo import knowledge_config
from kgtwin.errors import InputError
from kgtwin.sources import load_sources, read_sources

DEMO_CONFIG = Path(str(knowledge_config()))


def write_config(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "sources.yaml"
    config.write_text(text)
    return config


def test_paths_are_relative_to_the_sources_file():
    specs = read_sources(DEMO_CONFIG)
    assert specs[0].paths[0] == DEMO_CONFIG.parent / "hgnc_genes.tsv"
    assert [s.format for s in specs][:2] == ["hgnc", "obo"]


@pytest.mark.parametrize(("text", "message"), [
    ("sources: []", "non-empty list"),
    ("sources:\n  - format: nope\n    path: x.tsv", "format 'nope' is not a known loader"),
    ("sources:\n  - format: hgnc\n    path: missing.tsv", "file not found"),
    ("sources:\n  - format: hgnc", "give the file"),
    ("sources:\n  - format: hgnc\n    path: x.tsv\n    colour: red", "unknown key"),
    ("sources: [a: b", "not valid YAML"),
])
def test_bad_sources_files_name_file_and_entry(tmp_path, text, message):
    (tmp_path / "x.tsv").write_text("hgnc_id\tsymbol\n")
    with pytest.raises(InputError, match=message) as raised:
        read_sources(write_config(tmp_path, text))
    assert "sources.yaml" in str(raised.value)


def test_rerun_loads_only_what_changed(tmp_path, store):
    genes = tmp_path / "genes.txt"
    genes.write_bytes((DATA / "hgnc_complete_set_sample.txt").read_bytes())
    config = write_config(tmp_path, f"""
sources:
  - name: genes
    format: hgnc
    path: genes.txt
    version: "1"
  - name: targets
    format: drug-targets
    path: {DATA / 'drugbank_targets.csv'}
""")
    first = list(load_sources(store, config))
    assert [r.skipped for r in first] == [False, False]
    assert [r.skipped for r in load_sources(store, config)] == [True, True]
    width = genes.read_text().splitlines()[0].count("\t")
    genes.write_text(genes.read_text() + "HGNC:11998\tTP53" + "\t" * (width - 1) + "\n")
    assert [r.skipped for r in load_sources(store, config)] == [False, True]
    assert store.resolve("hgnc.symbol:TP53") == "HGNC:11998"
    assert len(store.ledger()) == 3


def test_cli_load_config(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--store", str(tmp_path / "s"), "load", "--config",
                                 str(DEMO_CONFIG)])
    assert result.exit_code == 0, result.output
    assert "loaded hgnc_genes.tsv" in result.output
    again = runner.invoke(cli, ["--store", str(tmp_path / "s"), "load", "--config",
                                str(DEMO_CONFIG)])
    assert again.output.count("unchanged") == len(read_sources(DEMO_CONFIG))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kgtwin.demo import load_knowledge
    from kgtwin.store import open_store

    store = open_store(tmp_path_factory.mktemp("demo") / "store")
    reports = load_knowledge(store)
    assert all(r.bad == 0 for r in reports)
    yield store
    store.close()


def test_demo_vemurafenib_inhibits_braf(demo):
    (edge,) = demo.edges(subject="DRUGBANK:DB08881", predicate="biolink:affects")
    assert edge.object == "HGNC:1097" and edge.sign == -1
    assert demo.node("DRUGBANK:DB08881").id == "CHEBI:63637"  # ChEBI preferred
    treats = {e.object for e in demo.edges(subject="CHEBI:63637", predicate="biolink:treats")}
    assert treats == {"MONDO:0005105"}


def test_demo_genes_named_any_way_are_one_node(demo):
    for spelling in ("hgnc.symbol:BRAF", "ENSEMBL:ENSG00000157764", "UniProtKB:P15056",
                     "NCBIGene:673"):
        assert demo.resolve(spelling) == "HGNC:1097"
    assert not [n for n in demo.nodes() if n.category == "biolink:NamedThing"]


def test_demo_disease_xrefs_resolve_to_mondo(demo):
    assert demo.resolve("DOID:1909") == "MONDO:0005105"
    assert demo.resolve("DOID:8552") == "MONDO:0011996"


def test_demo_signed_pathway_and_model(demo):
    signs = {(e.subject, e.object): e.sign for e in demo.edges(predicate="biolink:regulates")}
    assert signs[("HGNC:1097", "HGNC:6840")] == 1  # BRAF -> MAP2K1
    assert signs[("HGNC:990", "GO:0006915")] == -1  # BCL2 -| apoptotic process
    assert signs[("HGNC:6407", "HGNC:1097")] == 1  # KRAS -> BRAF (SIGNOR and the model)
    members = {e.subject for e in demo.edges(predicate="biolink:participates_in",
                                             object="REACT:R-HSA-5673001")}
    assert "HGNC:1097" in members
    model = demo.node("KGTWIN.MODEL:BRAF_Model")
    assert "BSD" in model.properties["licence_text"] and model.properties["citation"]
    assert [e.object for e in demo.edges(subject=model.id, predicate="biolink:model_of")] == \
        ["REACT:R-HSA-5683057"]


def test_demo_sizes_match_the_issue(demo):
    counts = demo.counts().nodes_by_category
    assert 60 <= counts["biolink:Gene"] <= 150
    assert 30 <= counts["biolink:Drug"] + counts.get("biolink:SmallMolecule", 0) <= 50
    assert counts["biolink:Disease"] >= 10


def test_file_options_are_relative_to_the_sources_file(tmp_path, store):
    for name in ("chembl_activities.tsv", "chembl_uniprot_mapping.txt"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    config = write_config(tmp_path, """
sources:
  - name: chembl
    format: chembl-activities
    path: chembl_activities.tsv
    options: {target_map: chembl_uniprot_mapping.txt, pchembl_min: 7}
""")
    (spec,) = read_sources(config)
    assert spec.options["target_map"] == str(tmp_path / "chembl_uniprot_mapping.txt")
    list(load_sources(store, config))
    # UniProt targets land on their HGNC genes through the gene index (BRAF, ABL1).
    assert {e.object for e in store.edges(predicate="biolink:affects")} == {
        "HGNC:1097", "HGNC:76"}
