"""Ontologies, pathways, gene sets, signed networks and Hetionet as published."""

from __future__ import annotations

import csv
import json
import lzma
import re
from collections import Counter

import pytest
from kgtwin.loaders.ontology import OBSOLETE

from kgtwin.store import open_store
from tests.real.conftest import load, real, warnings_of


def test_disease_ontology_slim_terms_and_parents(store):
    text = real("obo", "DO_cancer_slim.obo").read_text()
    report = load(store, "obo", ["obo/DO_cancer_slim.obo"])
    assert report.bad == 0 and report.counts.nodes == text.count("[Term]")
    assert store.node("DOID:1612").name == "breast cancer"
    parents = {e.object for e in store.edges(subject="DOID:0050745",
                                             predicate="biolink:subclass_of")}
    # lymphoma (DOID:0060058, with alt_ids DOID:1033 and DOID:353) and B-cell lymphoma:
    # a term's own id names its node, never one of its alt_ids (DOID:353 sorts first)
    assert parents == {"DOID:0060058", "DOID:707"}
    assert store.node("DOID:353").id == "DOID:0060058"
    assert store.node("DOID:0060058").name == "lymphoma"
    own = [line[4:].strip() for line in text.splitlines() if line.startswith("id: ")]
    assert [i for i in own if store.resolve(i) != i] == []


@pytest.mark.parametrize("ontology_first", [True, False])
def test_an_alt_id_named_by_another_source_joins_the_term_under_its_own_id(
        store, tmp_path, ontology_first):
    """A source naming lymphoma by its old id DOID:353, before or after the ontology:
    one node, DOID:0060058, whatever the order."""
    nodes = tmp_path / "old_nodes.tsv"
    nodes.write_text("id\tcategory\tname\nDOID:353\tbiolink:Disease\tlymphoma (old id)\n")
    loads = [("obo", ["obo/DO_cancer_slim.obo"]), ("kgx", [nodes])]
    for format, files in loads if ontology_first else loads[::-1]:
        load(store, format, files)
    assert store.resolve("DOID:353") == store.resolve("DOID:1033") == "DOID:0060058"
    assert store.node("DOID:353").name == "lymphoma"


def test_go_import_of_the_hpo(store):
    report = load(store, "obo", ["obo/hp_imports_go_import.obo"])
    assert report.bad == 0
    text = real("obo", "hp_imports_go_import.obo").read_text()
    terms, obsolete = text.count("\n[Term]\n"), text.count("\nis_obsolete: true\n")
    # every term is a node or counted: the 38 obsolete ones are passed over, not lost
    assert (terms, obsolete) == (2_443, 38) and report.counts.nodes == terms - obsolete
    assert report.reconciliation.passed_over_reasons == {OBSOLETE: obsolete}
    parents = {e.object for e in store.edges(subject="GO:0005615",
                                             predicate="biolink:subclass_of")}
    assert parents == {"GO:0110165"}


def test_go_slim_owl_and_its_kgx_json_twin(store):
    report = load(store, "owl", ["kgx/goslim_generic.owl"])
    assert report.bad == 0 and report.counts.nodes > 100
    assert store.node("GO:0005576") is not None


def test_reactome_pathways_and_hierarchy(store):
    with open(real("reactome", "ReactomePathways.txt"), newline="") as handle:
        human = sum(1 for r in csv.reader(handle, delimiter="\t") if r[2] == "Homo sapiens")
    report = load(store, "reactome", ["reactome/ReactomePathways.txt",
                                      "reactome/ReactomePathwaysRelation.txt"])
    assert report.bad == 0
    assert sum(1 for _ in store.nodes(category="biolink:Pathway")) >= human
    children = {e.subject for e in store.edges(object="REACT:R-HSA-109581")}
    assert "REACT:R-HSA-109606" in children


@pytest.mark.parametrize("name", ["genes.gmt", "c2.cp.kegg.v7.5.1.symbols.gmt",
                                  "enrichr.KEGG_2016.gmt", "geneset.gsva.gmt",
                                  "h.all.v7.0.symbols.gmt",
                                  "enrichr.GO_Biological_Process_2021.gmt"])
def test_gene_set_files(store, tmp_path, name):
    lines = [line.split("\t") for line in real("gsea", name).read_text().splitlines() if line]
    report = load(store, "gmt", [f"gsea/{name}"], skip_bad=True)
    assert report.counts.nodes >= len(lines) - report.bad
    assert all("gene" in e for e in report.bad_examples)  # only unresolvable members
    # Those members are symbols the 2018 table lacks: with unresolved_genes=keep the
    # file loads whole without --skip-bad, the same symbols kept and listed.
    refused = set(report.unresolved_genes)
    with open_store(tmp_path / "kept") as kept:
        again = load(kept, "gmt", [f"gsea/{name}"], unresolved_genes="keep")
        assert again.bad == 0 and set(again.unresolved_genes) == refused
        assert again.reconciliation.unresolved_policy == "keep"
        assert all(kept.node(f"hgnc.symbol:{s}") is not None for s in refused)
        members = sum(len(dict.fromkeys(g.strip() for g in line[2:] if g.strip()))
                      for line in lines)
        assert again.counts.edges == members  # every member of every set


def test_gene_sets_keep_or_refuse_symbols_the_table_lacks(store, tmp_path):
    """The aligner's path (GMT members are symbols): by default each set naming a
    symbol the 2018 table lacks is refused at its line; with unresolved_genes=keep the
    file loads whole, the symbols kept as hgnc.symbol genes, counted and listed."""
    from kgtwin.errors import InputError
    from kgtwin.store import open_store

    with pytest.raises(InputError, match=r"c2\.cp\.kegg\.v7\.5\.1\.symbols\.gmt:8: "
                       r"unknown gene 'TAFAZZIN'"):  # TAZ's 2020 name
        load(store, "gmt", ["gsea/c2.cp.kegg.v7.5.1.symbols.gmt"])
    with open_store(tmp_path / "kept") as kept:
        report = load(kept, "gmt", ["gsea/c2.cp.kegg.v7.5.1.symbols.gmt"],
                      unresolved_genes="keep")
        account = report.reconciliation
        assert report.bad == 0 and account.unresolved_policy == "keep"
        assert account.unresolved_count == len(report.unresolved_genes) == 106
        assert account.unresolved_genes["AARS1"] == "unknown gene 'AARS1'"  # 2019 name
        assert kept.node("hgnc.symbol:AARS1") is not None  # an endpoint, as HGNC genes are
        [member] = kept.edges(subject="hgnc.symbol:AARS1")
        assert member.object.endswith("KEGG_AMINOACYL_TRNA_BIOSYNTHESIS")
        # Symbols spelt like UniProt accessions are symbols: 2018's B3GNT6 and P2RY10
        # land on their genes (they were UniProtKB:B3GNT6 nodes, meeting nothing), a
        # newer one (H2AC21) is kept as the symbol it is
        assert any(kept.edges(subject="HGNC:24141")) and any(kept.edges(subject="HGNC:19906"))
        assert kept.node("UniProtKB:B3GNT6") is None
        assert "H2AC21" in account.unresolved_genes


def test_hallmark_set_members_are_hgnc_genes(store):
    load(store, "gmt", ["gsea/h.all.v7.0.symbols.gmt"], skip_bad=True)
    sets = [n for n in store.nodes() if "TNFA_SIGNALING" in (n.name or n.id)]
    assert sets
    members = {e.subject if e.object == sets[0].id else e.object
               for e in store.edges() if sets[0].id in (e.subject, e.object)}
    assert "HGNC:6205" in members  # JUNB


def test_omnipath_signed_table(store):
    with open(real("omnipath", "omnipath_carnival.tsv"), newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    joined = sum(1 for r in rows if "_" in r["source"] or "_" in r["target"])
    assert joined == 1102  # OmniPath complexes named by members: ABI1_BRK1_CYFIP1_NCKAP1_WASF1
    report = load(store, "signed-interactions", ["omnipath/omnipath_carnival.tsv"],
                  skip_bad=True)
    # Every member of 240 distinct complexes is a 2018 HGNC gene: each is one node with
    # a has_part edge per member. The 312 refusals: 307 rows name a single symbol newer
    # than the 2018 table (H2AC1, SEPTIN5; 34 of them one of the 15 spelt like a UniProt
    # accession, H2BC11, which this symbol column never makes a UniProt node, and B4DGD0,
    # an accession no gene of the table has) and 5 a complex with such a member (named in
    # the message). The 152 rows naming a complex with a member that is no human gene are
    # passed over, not refused (the next test).
    rejections = report.reconciliation.rejections
    reasons = Counter("complex" if e.split(": ", 1)[1].startswith("complex") else "gene"
                      for e in rejections)
    assert reasons == {"gene": 307, "complex": 5}
    assert report.bad == 312
    assert any("unknown gene 'H2BC11'" in e for e in rejections)
    assert not [n.id for n in store.nodes() if n.id.startswith("UniProtKB:")]
    assert all("unknown gene" in e for e in rejections)
    complexes = list(store.nodes(category="biolink:MacromolecularComplex"))
    parts = list(store.edges(predicate="biolink:has_part"))
    assert (len(complexes), len(parts)) == (240, 981)
    account = report.reconciliation
    assert account.passed_over == 152
    assert account.read == account.stored + account.merged + 152 + 312
    assert report.counts.edges == len(rows) - 312 - 152 + 981
    # ABI1_BRK1_CYFIP1_NCKAP1_WASF1 (the WAVE complex) -> the Arp2/3 complex, activation
    wave = "KGTWIN.COMPLEX:HGNC-7666+HGNC-11320+HGNC-12732+HGNC-13759+HGNC-23057"
    assert store.node(wave).name == "ABI1_BRK1_CYFIP1_NCKAP1_WASF1"
    assert {e.object for e in store.edges(subject=wave, predicate="biolink:has_part")} == \
        {"HGNC:11320", "HGNC:23057", "HGNC:13759", "HGNC:7666", "HGNC:12732"}
    arp = store.node("KGTWIN.COMPLEX:HGNC-169+HGNC-170+HGNC-703+HGNC-705+HGNC-706+HGNC-707"
                     "+HGNC-708")
    assert arp.name == "ACTR2_ACTR3_ARPC1A_ARPC2_ARPC3_ARPC4_ARPC5"
    signed = {(e.object, e.qualifiers.get("object_direction_qualifier"))
              for e in store.edges(subject=wave, predicate="biolink:regulates")}
    assert signed == {(arp.id, "increased")}
    egfr = {(e.object, e.qualifiers.get("object_direction_qualifier"))
            for e in store.edges(subject="HGNC:3236", predicate="biolink:regulates")}
    assert ("HGNC:4566", "increased") in egfr  # EGFR -> GRB2


def test_omnipath_table_keeping_newer_symbols(store):
    """With unresolved_genes=keep the whole file loads without --skip-bad: a complex
    with a newer member is still a complex, that member kept by symbol like any symbol
    the 2018 table lacks. The rows naming a complex with a ChEBI or viral member are
    passed over, counted by kind with the members named: valid rows naming no
    unresolved gene but a member that is no gene at all, which kgtwin cannot store."""
    with open(real("omnipath", "omnipath_carnival.tsv"), newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    chebi_rows = sum(1 for r in rows if "CHEBI_" in r["source"] + r["target"])
    assert (len(rows), chebi_rows) == (19807, 6)
    report = load(store, "signed-interactions", ["omnipath/omnipath_carnival.tsv"],
                  unresolved_genes="keep")
    account = report.reconciliation
    assert report.bad == account.rejected == 0
    assert (account.read, account.stored, account.merged, account.passed_over) == \
        (21065, 20913, 0, 152)
    assert account.read == account.stored + account.merged + account.passed_over
    reasons = account.passed_over_reasons
    chebi = next(r for r in reasons if r.startswith("a complex with a ChEBI member"))
    viral = next(r for r in reasons if r.startswith("a complex with a UniProt member no "
                                                     "human gene has"))
    assert (reasons[chebi], reasons[viral]) == (chebi_rows, 152 - chebi_rows)
    assert "(8 such members: CHEBI:16038, CHEBI:18420," in chebi  # of 6 rows
    assert "(18 such members: P03186, P03200, P03205," in viral  # P13288_RPS27A, …
    # nothing of those rows is stored: no ChEBI or viral member, no half complex
    assert not [n.id for n in store.nodes()
                if "CHEBI" in n.id + (n.name or "") or "P13288" in n.id + (n.name or "")]
    # 2 more complexes than by default, with 35 more has_part edges (31 for the
    # nuclear pore complex with NUP42, 4 for CENPA_H2AC4_H2BC11_H4-16)
    assert report.counts.edges == len(rows) - 152 + 1016
    assert store.node("hgnc.symbol:CENPA_H2AC4_H2BC11_H4-16") is None  # no such gene
    cenpa = "KGTWIN.COMPLEX:HGNC-1851+SYMBOL-H2AC4+SYMBOL-H2BC11+SYMBOL-H4-16"
    assert store.node(cenpa).name == "CENPA_H2AC4_H2BC11_H4-16"
    assert {e.object for e in store.edges(subject=cenpa, predicate="biolink:has_part")} \
        == {"HGNC:1851", "hgnc.symbol:H2AC4", "hgnc.symbol:H2BC11", "hgnc.symbol:H4-16"}
    assert store.node("hgnc.symbol:SEPTIN5") is not None
    # newer symbols spelt like accessions are symbols of this symbol column, not proteins
    assert store.node("hgnc.symbol:H2BC11") is not None and store.node("UniProtKB:H2BC11") \
        is None
    assert {e.subject for e in store.edges(object="hgnc.symbol:H2BC11")} >= {"HGNC:9212"}
    assert not [n.id for n in store.nodes() if n.id.startswith("UniProtKB:")]
    shaped = [g for g in report.unresolved_genes if re.fullmatch(r"[A-NR-Z]\d[A-Z]\w{2}\d", g)]
    assert len(shaped) == 15 and "B4DGD0" in shaped and "UniProtKB:H2BC11" not in \
        report.unresolved_genes
    assert store.node("hgnc.symbol:CHEBI_16038_CHEBI_28494_CHEBI_64482") is None
    account = report.reconciliation
    assert account.unresolved_policy == "keep"
    assert account.unresolved_genes["SEPTIN5"] == "unknown gene 'SEPTIN5'"
    assert account.unresolved_count == len(report.unresolved_genes) > 50


def test_the_same_table_as_sif_with_a_header_line(store):
    report = load(store, "sif", ["omnipath/omnipath_carnival.tsv"], unresolved_genes="keep")
    # the header line is not an interaction; the ChEBI/viral complexes are passed over
    assert report.bad == 0
    account = report.reconciliation
    assert (account.read, account.passed_over) == (21065, 152)
    assert all("human genes only" in r for r in account.passed_over_reasons)
    assert sum(1 for _ in store.nodes(category="biolink:MacromolecularComplex")) == 242
    calm3 = {(e.object, e.qualifiers.get("object_direction_qualifier"))
             for e in store.edges(subject="HGNC:1449")}
    assert ("HGNC:12333", "decreased") in calm3  # CALM3 -| TRPC1


def test_hetionet_subgraph_gz(store):
    document = json.loads(__import__("gzip").decompress(
        real("hetio", "bupropion.json.gz").read_bytes()))
    report = load(store, "hetionet", ["hetio/bupropion.json.gz"])
    assert report.bad == 0
    assert report.counts.edges == len(document["edges"])
    kinds = Counter(e["kind"] for e in document["edges"])
    treats = list(store.edges(predicate="biolink:treats"))
    assert len(treats) == kinds["treats"]


def test_hetionet_xz_subgraph(store):
    document = json.loads(lzma.decompress(real("hetio", "random-subgraph.json.xz").read_bytes()))
    report = load(store, "hetionet", ["hetio/random-subgraph.json.xz"])
    assert (report.counts.nodes, report.counts.edges, report.bad) == \
        (len(document["nodes"]), len(document["edges"]), 0)


def test_hetnet_with_a_custom_kind(store, caplog):
    report = load(store, "hetionet", ["hetio/disease-gene-example-graph.json"])
    assert report.bad == 0
    assert "Tissue (2)" in warnings_of(caplog)
    lung = store.node("hetionet:Tissue/Lung")
    assert lung is not None and lung.category == "biolink:NamedThing"
    assert lung.properties["hetionet_kind"] == "Tissue"


def test_hetionet_node_table(store):
    with open(real("hetio", "hetionet-v1.0-nodes.tsv"), newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    report = load(store, "hetionet", ["hetio/hetionet-v1.0-nodes.tsv"])
    assert (report.counts.nodes, report.bad) == (len(rows), 0)
    assert store.node("DOID:1612").name == "breast cancer"
    assert store.resolve("NCBIGene:1555") == "HGNC:2615"  # CYP2B6
