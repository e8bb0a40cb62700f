"""The one gene index: every spelling of a human gene resolves, ambiguity is reported."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.errors import InputError, KgTwinError
from kgtwin.genes import GeneIndex, GeneTable, gene_index, gene_index_source, read_gene_table
from kgtwin.load import load_files
from kgtwin.store import open_store

ROOT = Path(__file__).resolve().parents[2]
HGNC = ROOT.parent / "shared" / "data" / "reference" / "hgnc_complete_set.txt.gz"
REAL = ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(scope="module")
def full() -> GeneIndex:
    return read_gene_table(HGNC)


@pytest.mark.parametrize(("value", "symbol", "how"), [
    ("BRAF", "BRAF", "approved"),
    ("braf", "BRAF", "approved"),
    ("RC3H1", "RC3H1", "approved"),  # brca.maf.gz:2 stopped on it with the shipped 35
    ("HES4", "HES4", "approved"),  # pbmc68k_reduced.h5ad's first var
    ("MLL", "KMT2A", "previous"),
    ("HER2", "ERBB2", "alias"),
    ("OK/SW-cl.114", None, "alias"),  # a '/' and a '.' in a symbol
    ("NCBIGene:1555", "CYP2B6", "id"),
    ("1555", "CYP2B6", "id"),  # a bare number is Entrez unless the column says HGNC
    ("UniProtKB:P20813", "CYP2B6", "id"),
    ("P20813", "CYP2B6", "id"),
    ("P04637-2", "TP53", "id"),  # isoform
    ("ENSG00000141510.16", "TP53", "id"),  # versioned Ensembl
    ("ensembl:ENSG00000141510", "TP53", "id"),
    ("HGNC:11998", "TP53", "id"),
    ("hgnc:HGNC:11998", "TP53", "id"),
    ("hgnc.symbol:TP53", "TP53", "approved"),
])
def test_every_spelling_resolves(full, value, symbol, how):
    found = full.resolve(value)
    assert found.hgnc is not None and found.how == how
    if symbol:
        assert full.symbol(found.hgnc) == symbol


def test_bare_numeric_hgnc_id(full):
    assert full.symbol(full.resolve("1097", kind="hgnc").hgnc) == "BRAF"
    assert full.resolve("1097").hgnc != full.resolve("1097", kind="hgnc").hgnc


def test_ambiguous_alias_is_reported_never_guessed(full):
    found = full.resolve("CAP")
    assert found.hgnc is None and found.how == "ambiguous" and len(found.candidates) > 1
    assert "ambiguous" in found.reason() and found.candidates[0] in found.reason()


def test_unknown_gene_is_unknown(full):
    assert full.resolve("NOTAGENE").hgnc is None
    assert full.resolve("NCBIGene:999999999").how == "unknown"


def test_withdrawn_entries_are_left_out(full):
    with gzip.open(HGNC, "rt") as handle:
        withdrawn = next(line.split("\t")[0] for line in handle if "Entry Withdrawn" in line)
    assert full.resolve(withdrawn).hgnc is None


def test_shipped_index_is_the_full_approved_set(full):
    shipped = gene_index()
    assert len(shipped) == len(full) > 40_000
    assert shipped.release.startswith("shipped HGNC")


def test_genes_file_with_a_wrong_header_is_refused(tmp_path):
    bad = tmp_path / "genes.tsv"
    bad.write_text("gene\tid\nBRAF\t1097\n")
    with pytest.raises(InputError, match=r"genes.tsv:1: not an HGNC complete set"):
        read_gene_table(bad)


def test_option_and_environment_choose_the_table(tmp_path, monkeypatch):
    table = tmp_path / "mine.tsv"
    table.write_text("hgnc_id\tsymbol\tentrez_id\nHGNC:1097\tBRAF\t673\n")
    assert gene_index_source(table) == (table, "--option genes")
    assert len(gene_index(table)) == 1
    monkeypatch.setenv("KGTWIN_GENES", str(table))
    assert gene_index_source() == (table, "KGTWIN_GENES")
    monkeypatch.setenv("KGTWIN_GENES", str(tmp_path / "missing.tsv"))
    with pytest.raises(KgTwinError, match="not found"):
        gene_index()


#: HGNC symbols start with a letter (a bare number is an Entrez or HGNC id).
SYMBOLS = st.builds(str.__add__, st.sampled_from("ABCKPQXZ"),
                    st.text("ABCDEFGHKLMNPRSTXYZ0123456789-./", min_size=1, max_size=7))


@settings(max_examples=60, deadline=None)
@given(genes=st.lists(st.tuples(SYMBOLS, st.lists(SYMBOLS, max_size=3)), min_size=1,
                      max_size=12, unique_by=lambda g: g[0].upper()))
def test_index_resolves_approved_and_never_guesses(genes):
    rows = [[f"HGNC:{i + 1}", symbol, "|".join(aliases)]
            for i, (symbol, aliases) in enumerate(genes)]
    index = GeneIndex(GeneTable(["hgnc_id", "symbol", "alias_symbol"], iter(rows)), "test")
    approved = {s.upper() for s, _ in genes}
    for i, (symbol, aliases) in enumerate(genes):
        assert index.resolve(symbol).hgnc == f"HGNC:{i + 1}"
        for alias in aliases:
            owners = {j for j, (s, a) in enumerate(genes) if alias.upper() in
                      {x.upper() for x in a}}
            found = index.resolve(alias)
            if alias.upper() in approved:
                assert found.how == "approved"
            elif len(owners) == 1:
                assert found.hgnc == f"HGNC:{i + 1}"
            else:
                assert found.hgnc is None and found.how == "ambiguous"


@settings(max_examples=60, deadline=None)
@given(genes=st.lists(SYMBOLS.filter(lambda s: s.upper() != "Q99999"), min_size=2,
                      max_size=8, unique_by=str.upper),
       data=st.data())
def test_an_id_several_genes_have_never_resolves_to_one_of_them(genes, data):
    """HGNC gives some ids to several approved genes (P69905: HBA1 and HBA2): whatever
    the rows' order, such an id is ambiguous, its candidates all of them; an id one gene
    has still resolves to it."""
    sharing = data.draw(st.sets(st.integers(0, len(genes) - 1), min_size=2), "sharing")
    order = data.draw(st.permutations(range(len(genes))), "order")
    rows = [[f"HGNC:{i + 1}", genes[i], f"P{i:05d}" + ("|Q99999" if i in sharing else ""),
             "9999" if i in sharing else str(i + 1), "ENSG00000099999" if i in sharing else ""]
            for i in order]
    index = GeneIndex(GeneTable(["hgnc_id", "symbol", "uniprot_ids", "entrez_id",
                                 "ensembl_gene_id"], iter(rows)), "test")
    owners = tuple(f"HGNC:{i + 1}" for i in sorted(sharing))
    for value in ("Q99999", "UniProtKB:Q99999", "uniprot:Q99999-2", "NCBIGene:9999",
                  "ENSG00000099999", "ensembl:ENSG00000099999.3"):
        found = index.resolve(value)
        assert (found.hgnc, found.how, found.candidates) == (None, "ambiguous", owners)
        assert found.reason().startswith(f"gene {value!r} is ambiguous: an id")
    for i in range(len(genes)):
        assert index.resolve(f"UniProtKB:P{i:05d}").hgnc == f"HGNC:{i + 1}"
        assert index.resolve(genes[i]).hgnc == f"HGNC:{i + 1}"


def test_a_shared_accession_is_refused_or_kept_as_an_ambiguous_alias_is(tmp_path):
    """The shipped index carries every gene's UniProt ids: P69905 is HBA1's and HBA2's,
    so a target written P69905 names neither alone."""
    index = gene_index()
    assert index.resolve("UniProtKB:P69905").candidates == ("HGNC:4823", "HGNC:4824")
    table = tmp_path / "targets.tsv"
    table.write_text("drug_id\tuniprot_id\taction\nDB08881\tP15056\tinhibitor\n"
                     "DB00893\tP69905\tinducer\n")
    why = "gene 'UniProtKB:P69905' is ambiguous: an id HGNC gives to each of HGNC:4823, " \
        "HGNC:4824"
    with open_store(tmp_path / "a") as store, \
            pytest.raises(InputError, match=f"targets.tsv:3: {why}"):
        _load(store, "drug-targets", table)
    with open_store(tmp_path / "b") as store:
        report = _load(store, "drug-targets", table, unresolved_genes="keep")
        assert report.unresolved_genes == {"UniProtKB:P69905": why}
        assert {e.object for e in store.edges()} == {"HGNC:1097", "UniProtKB:P69905"}
        assert not list(store.edges(object="HGNC:4823"))
        assert not list(store.edges(object="HGNC:4824"))


def _load(store, format, path, **options):
    return load_files(store, format, [path], options=options)


def test_hetionet_entrez_and_drugbank_uniprot_meet_on_one_gene(tmp_path):
    with open_store(tmp_path / "store") as store:
        _load(store, "hetionet", REAL / "hetio" / "bupropion.json.gz")
        _load(store, "drug-targets", REAL / "drugbank" / "proteins.tsv",
              unresolved_genes="keep")  # 7 UniProt ids HGNC gives to several genes
        assert store.resolve("NCBIGene:1555") == store.resolve("UniProtKB:P20813") == "HGNC:2615"
        sources = {p.source for e in store.edges(object="HGNC:2615") for p in e.provenance}
        assert {"hetionet", "drug-targets"} <= sources


def test_unknown_target_symbol_is_refused_or_kept_as_asked(tmp_path):
    table = tmp_path / "targets.tsv"
    table.write_text("drug_id\ttarget\taction\nDB08881\tBRAF\tinhibitor\n"
                     "DB08881\tNOTAGENE\tinhibitor\n")
    with open_store(tmp_path / "a") as store:
        with pytest.raises(InputError, match=r"targets.tsv:3: unknown gene 'NOTAGENE'"):
            _load(store, "drug-targets", table)
        assert not list(store.edges(subject="DRUGBANK:DB08881"))
    with open_store(tmp_path / "b") as store:
        report = load_files(store, "drug-targets", [table], skip_bad=True)
        assert report.bad == 2 and "NOTAGENE" in report.unresolved_genes  # node and edge
        assert store.node("hgnc.symbol:NOTAGENE") is None
    with open_store(tmp_path / "c") as store:
        report = _load(store, "drug-targets", table, unresolved_genes="keep")
        assert report.unresolved_genes == {"NOTAGENE": "unknown gene 'NOTAGENE'"}
        objects = {e.object for e in store.edges(subject="DRUGBANK:DB08881")}
        assert objects == {"HGNC:1097", "hgnc.symbol:NOTAGENE"}


def test_loader_gene_option_is_the_index(tmp_path):
    table = tmp_path / "only_braf.tsv"
    table.write_text("hgnc_id\tsymbol\nHGNC:1097\tBRAF\n")
    targets = tmp_path / "targets.tsv"
    targets.write_text("drug_id\ttarget\nDB08881\tBRAF\nDB08881\tKRAS\n")
    with open_store(tmp_path / "s") as store:
        report = load_files(store, "drug-targets", [targets], skip_bad=True,
                            options={"genes": str(table)})
        assert list(report.unresolved_genes) == ["KRAS"]
        assert report.gene_index == "only_braf.tsv"


def test_genes_option_reaches_loaders_that_pass_options_up(tmp_path, monkeypatch):
    """The VCF loader takes its options as **options: --option genes still reaches it."""
    monkeypatch.setenv("KGTWIN_PSEUDONYM_KEY", "kgtwin-test-key-0123456789abcdef")
    vcf = tmp_path / "one.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
                   "chr7\t140753336\t.\tA\tT\t.\tPASS\tGENE=BRAF\tGT\t0/1\n")
    only_kras = tmp_path / "kras.tsv"
    only_kras.write_text("hgnc_id\tsymbol\nHGNC:6407\tKRAS\n")
    with open_store(tmp_path / "s") as store:
        with pytest.raises(InputError, match=r"one\.vcf:3"):
            load_files(store, "vcf", [vcf], options={"genes": str(only_kras)})
        load_files(store, "vcf", [vcf])
        assert store.node("HGNC:1097") is not None


def test_patient_loaders_list_unknown_genes_and_keep_them_when_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("KGTWIN_PSEUDONYM_KEY", "kgtwin-test-key-0123456789abcdef")
    maf = tmp_path / "m.maf"
    maf.write_text("Hugo_Symbol\tEntrez_Gene_Id\tTumor_Sample_Barcode\tHGVSp_Short\n"
                   "BRAF\t673\tS-1\tp.V600E\nNOTAGENE\t0\tS-1\tp.G12C\n")
    with open_store(tmp_path / "a") as store:
        report = load_files(store, "maf", [maf], skip_bad=True)
        assert report.bad == 1 and list(report.unresolved_genes) == ["NOTAGENE"]
    with open_store(tmp_path / "b") as store:
        report = load_files(store, "maf", [maf], options={"unresolved_genes": "keep"})
        assert report.bad == 0 and list(report.unresolved_genes) == ["NOTAGENE"]
        assert store.node("hgnc.symbol:NOTAGENE") is not None
