"""HPO annotation loaders: provenance of gene–phenotype statements, NOT rows, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_testing import records

from kgtwin.errors import InputError
from kgtwin.load import load_files
from kgtwin.model import Edge, Node
from kgtwin.store import open_store

HPO = Path(__file__).resolve().parents[1] / "data" / "embed" / "hpo"
GENES, HPOA = HPO / "genes_to_phenotype.txt", HPO / "phenotype.hpoa"
ASSOCIATED = "biolink:gene_associated_with_condition"


def test_gene_phenotypes_name_every_gene_disease_statement_they_derive_from():
    found = records("hpo-genes", GENES)
    edges = [r for r in found if isinstance(r, Edge)]
    associations = {(e.subject, e.object) for e in edges if e.predicate == ASSOCIATED}
    assert ("NCBIGene:10", "OMIM:243400") in associations  # NAT2
    rows = [line.split("\t") for line in GENES.read_text().splitlines()[1:]]
    expected: dict[tuple[str, str], set[str]] = {}
    for gene, _, term, _, _, disease in rows:
        expected.setdefault((f"NCBIGene:{gene}", term), set()).add(disease)
    phenotypes = {(e.subject, e.object): e for e in edges if e.predicate == "biolink:has_phenotype"}
    assert set(phenotypes) == set(expected)
    for key, edge in phenotypes.items():
        sources = {text.split()[2] for text in edge.properties["derived_from"]}
        assert sources == expected[key]
        assert all(text.split()[1] == ASSOCIATED for text in edge.properties["derived_from"])
    assert any(len(e.properties["derived_from"]) > 1 for e in phenotypes.values())
    genes = {r.id: r.name for r in found if isinstance(r, Node) and r.category == "biolink:Gene"}
    assert genes == {"NCBIGene:10": "NAT2", "NCBIGene:16": "AARS1"}


def test_hpoa_reads_phenotypic_abnormalities_and_skips_negated_rows():
    found = records("hpoa", HPOA)
    edges = [r for r in found if isinstance(r, Edge)]
    assert edges and all(e.predicate == "biolink:has_phenotype" for e in edges)
    assert ("ORPHA:199310", "HP:0001263") not in {(e.subject, e.object) for e in edges}  # NOT
    aspects = {line.split("\t")[10] for line in HPOA.read_text().splitlines()
               if not line.startswith(("#", "database_id"))}
    assert {"P", "I", "C"} <= aspects
    with_all = [r for r in records("hpoa", HPOA, aspects="P,I,C,M") if isinstance(r, Edge)]
    assert len(with_all) > len(edges)
    names = {r.id: r.name for r in found if isinstance(r, Node)}
    assert names["OMIM:613287"]


def test_loaded_store_keeps_the_provenance(tmp_path):
    with open_store(tmp_path / "store") as store:
        load_files(store, "hpo-genes", [GENES], source="hpo-genes", version="2025-01-16")
        load_files(store, "hpoa", [HPOA], source="hpoa", version="2025-01-16")
        edge = next(store.edges(predicate="biolink:has_phenotype", subject="NCBIGene:10"))
        assert edge.properties["derived_from"]


def test_wrong_file_is_named_with_its_line(tmp_path):
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("a\tb\n1\t2\n")
    with pytest.raises(InputError, match=r"wrong\.tsv.*missing column"):
        records("hpo-genes", wrong)
    with pytest.raises(InputError, match="missing column"):
        records("hpoa", wrong)


text = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(text, min_size=1, max_size=7).map("\t".join), max_size=6))
def test_gene_file_parser_rejects_garbage_rows_only_as_input_errors(tmp_path, rows):
    path = tmp_path / "g.txt"
    header = "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id"
    path.write_text("\n".join([header, *rows]), encoding="utf-8")
    from kgtwin.loaders import get_loader

    loader = get_loader("hpo-genes")([path], skip_bad=True)
    for record in loader.records():
        if isinstance(record, Edge):
            assert record.subject.startswith("NCBIGene:")
