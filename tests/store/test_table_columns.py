"""Bulk edge tables (``triples``, ``primekg``) by columns store exactly what the record
path stores.

As in ``test_columnar_load.py``: each load goes once through each path into fresh
embedded stores, compared by checksum, counts, reconciliation and provenance; files
the columnar path cannot read exactly fall back to the record path, which names bad
rows as ``file:line: reason``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from kgtwin.loaders import table_columns

from kgtwin.errors import InputError
from kgtwin.genes import GENES_ENV
from kgtwin.load import LoadReport, load_files
from kgtwin.store import EmbeddedStore
from tests.real.conftest import REFERENCE
from tests.store.test_columnar_load import FALLBACK, assert_same

DATA = Path(__file__).resolve().parents[1] / "data"
PRIMEKG_HEADER = ("relation,display_relation,x_index,x_id,x_type,x_name,x_source,"
                  "y_index,y_id,y_type,y_name,y_source")
PRIMEKG = [
    PRIMEKG_HEADER,
    "protein_protein,ppi,0,9796,gene/protein,PHYHIP,NCBI,8889,56992,gene/protein,KIF15,NCBI",
    "drug_protein,target,1,DB08881,drug,Vemurafenib,DrugBank,2,673,gene/protein,BRAF,NCBI",
    "drug_protein,target,2,673,gene/protein,BRAF,NCBI,1,DB08881,drug,Vemurafenib,DrugBank",
    'indication,indication,1,DB08881,drug,"Vemurafenib, again",DrugBank,3,5105,disease,'
    '"melanoma ""cutaneous""",MONDO',
    "disease_disease,parent-child,4,13924_14467,disease,grouped,MONDO_grouped,3,5105,"
    "disease,melanoma,MONDO",
    "drug_effect,side effect,1,DB08881,drug,Vemurafenib,DrugBank,5,2861,effect/phenotype,"
    "Rash,HPO",
    "drug_protein,,1,DB08881,drug,Vemurafenib,DrugBank,6,999999999,gene/protein,X,NCBI",
    "anatomy_protein_present,expression present,7,2107,anatomy,skin,UBERON,2,673,"
    "gene/protein,BRAF,NCBI",
    "protein_protein,ppi,8889,56992,gene/protein,KIF15,NCBI,0,9796,gene/protein,PHYHIP,NCBI",
]
TRIPLES = ["CHEBI:63637\tbiolink:affects\tENSEMBL:ENSG00000157764",
           "CHEBI:63637\tbiolink:affects\tHGNC:1097",
           "  HGNC:1097 \tbiolink:gene_associated_with_condition\tMONDO:0005105",
           "NCBIGene:673\tbiolink:interacts_with\tNCBIGene:999999999",
           "brazil\tembassy\tHGNC:1097",
           "MONDO:0005105\trelated\tbrazil"]


@pytest.fixture(autouse=True)
def genes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The full HGNC table (the reference copy) as the gene index, never a download."""
    monkeypatch.setenv(GENES_ENV, str(REFERENCE / "hgnc_complete_set.txt.gz"))


def write(folder: Path, name: str, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(rows) + "\n")
    return path


def both(folder: Path, format: str, loads: list[list[Path]], **options: object
         ) -> tuple[list[LoadReport], list[LoadReport], EmbeddedStore, EmbeddedStore]:
    columnar, records = EmbeddedStore(folder / "columnar"), EmbeddedStore(folder / "records")
    done: tuple[list[LoadReport], list[LoadReport]] = ([], [])
    for paths in loads:
        done[0].append(load_files(columnar, format, paths, **options))
        done[1].append(load_files(records, format, paths, columnar=False, **options))
    for ours, theirs in zip(*done, strict=True):
        assert ours.counts == theirs.counts
        assert ours.reconciliation == theirs.reconciliation
        assert ours.unresolved_genes == theirs.unresolved_genes
    assert_same(columnar, records)
    return done[0], done[1], columnar, records


def test_triples_same_graph(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    aligned = write(tmp_path, "t.tsv", TRIPLES[:4])
    again = write(tmp_path, "t2.tsv", [TRIPLES[1], TRIPLES[3]])
    ours, _, _, _ = both(tmp_path, "triples", [[aligned], [again]])
    assert FALLBACK not in caplog.text
    assert ours[0].counts.edges == 4 and ours[0].counts.new_edges == 3  # BRAF twice
    assert ours[0].unresolved_genes  # NCBIGene:999999999, kept as written


def test_triples_in_a_namespace(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    path = write(tmp_path, "t.tsv", TRIPLES)
    _, _, columnar, _ = both(tmp_path, "triples", [[path], [DATA / "core" / "nations.head.tsv"]],
                             options={"namespace": "nations"})
    assert FALLBACK not in caplog.text
    assert columnar.node("nations:brazil") is not None


def test_triples_in_chunks_of_a_few_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(table_columns, "BLOCK_BYTES", 64)
    path = write(tmp_path, "t.tsv", TRIPLES * 3)
    both(tmp_path, "triples", [[path], [DATA / "core" / "nations.head.tsv"]],
         options={"namespace": "nations"})


@pytest.mark.parametrize(("row", "reason"), [
    ("CHEBI:63637\tbiolink:affects", "expected 3 tab-separated fields, found 2"),
    ("CHEBI:63637\t \tHGNC:1097", "empty subject, predicate or object"),
    ("netherlands\tbiolink:affects\tHGNC:1097", "'netherlands' is not a CURIE"),
    ("hgnc.symbol:NOTAGENE1\tbiolink:affects\tHGNC:1097", "NOTAGENE1"),
])
def test_triples_bad_rows_named_by_file_and_line(tmp_path, caplog, row, reason):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    path = write(tmp_path, "t.tsv", [*TRIPLES[:2], row, TRIPLES[2]])
    with pytest.raises(InputError, match=rf"t\.tsv:3: .*{reason}"):
        load_files(EmbeddedStore(tmp_path / "store"), "triples", [path])
    assert FALLBACK in caplog.text
    ours, theirs, _, _ = both(tmp_path / "skip", "triples", [[path]], skip_bad=True)
    assert ours[0].bad == theirs[0].bad == 1


def test_triples_unresolved_symbols_kept(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    path = write(tmp_path, "t.tsv", [*TRIPLES[:2], "hgnc.symbol:NOTAGENE1\tbiolink:affects\t"
                                     "hgnc.symbol:BRAF"])
    ours, _, columnar, _ = both(tmp_path, "triples", [[path]],
                                options={"unresolved_genes": "keep"})
    assert FALLBACK not in caplog.text
    account = ours[0].reconciliation
    assert (account.unresolved_policy, account.unresolved_count) == ("keep", 1)
    assert columnar.node("hgnc.symbol:NOTAGENE1") is not None


@pytest.mark.parametrize("damage", ["comment line", "blank line", "windows line ends",
                                    "byte order mark", "bad byte"])
def test_triples_the_record_path_reads_exactly_fall_back(tmp_path, damage):
    text = "\n".join(TRIPLES[:4]) + "\n"
    if damage == "comment line":
        text = "# subject\tpredicate\tobject\n" + text
    elif damage == "blank line":
        text = text.replace("\n", "\n\n", 1)
    elif damage == "windows line ends":
        text = text.replace("\n", "\r\n")
    elif damage == "byte order mark":
        text = "\ufeff" + text
    data = text.encode()
    if damage == "bad byte":
        data = data.replace(b"HGNC:1097", b"HGNC:\xff1097")
    path = tmp_path / "t.tsv"
    path.write_bytes(data)
    both(tmp_path, "triples", [[path]], skip_bad=True)


def test_primekg_same_graph(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    path = write(tmp_path, "kg.csv", PRIMEKG)
    _, _, columnar, _ = both(tmp_path, "primekg",
                                [[DATA / "loaders" / "primekg_sample.csv"], [path]])
    assert FALLBACK not in caplog.text
    [treats] = columnar.edges(predicate="biolink:treats")
    assert treats.subject == "DRUGBANK:DB08881"
    assert columnar.node("MONDO:0005105").name == 'melanoma "cutaneous"'  # a quoted field


def test_primekg_in_chunks_of_a_few_lines(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    monkeypatch.setattr(table_columns, "BLOCK_BYTES", 100)
    path = write(tmp_path, "kg.csv", [*PRIMEKG, *PRIMEKG[1:]])
    both(tmp_path, "primekg", [[path]])
    assert FALLBACK not in caplog.text


@pytest.mark.parametrize(("row", "reason"), [
    ("drug_protein,target,1,DB1,drug,x,DrugBank,2,673,gene/protein,BRAF", "expected 12 fields"),
    ("drug_protein,target,1,DB1,planet,x,DrugBank,2,673,gene/protein,BRAF,NCBI",
     "x node of unknown type 'planet'"),
    ('drug_protein,target,1,DB1,drug,"x,DrugBank,2,673,gene/protein,BRAF,NCBI',
     "malformed row"),
])
def test_primekg_bad_rows_named_by_file_and_line(tmp_path, caplog, row, reason):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    path = write(tmp_path, "kg.csv", [*PRIMEKG[:3], row, *PRIMEKG[3:]])
    messages = []
    for columnar in (True, False):
        with pytest.raises(InputError) as error:
            load_files(EmbeddedStore(tmp_path / str(columnar)), "primekg", [path],
                       columnar=columnar)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    # (a quote left open runs on: csv names the line where the row ends)
    assert re.search(rf"kg\.csv:[46]: {reason}", messages[0]), messages[0]
    assert FALLBACK in caplog.text
    ours, theirs, _, _ = both(tmp_path / "skip", "primekg", [[path]], skip_bad=True)
    assert ours[0].bad == theirs[0].bad >= 1


def test_primekg_missing_columns_named_alike(tmp_path):
    path = write(tmp_path, "kg.csv", [PRIMEKG_HEADER.replace("x_source", "x_src"),
                                      *PRIMEKG[1:]])
    messages = []
    for columnar in (True, False):
        with pytest.raises(InputError) as error:
            load_files(EmbeddedStore(tmp_path / str(columnar)), "primekg", [path],
                       columnar=columnar)
        messages.append(str(error.value))
    assert messages[0] == messages[1] and "missing column(s): x_source" in messages[0]


def test_primekg_bad_byte_in_a_column_not_read_is_named_alike(tmp_path):
    path = tmp_path / "kg.csv"
    path.write_bytes(("\n".join(PRIMEKG) + "\n").encode().replace(b",8889,", b",88\xff89,", 1))
    messages = []
    for columnar in (True, False):
        with pytest.raises(InputError) as error:
            load_files(EmbeddedStore(tmp_path / str(columnar)), "primekg", [path],
                       columnar=columnar)
        messages.append(str(error.value))
    assert messages[0] == messages[1] and "kg.csv:2: not valid UTF-8" in messages[0]


REAL = Path("/work/shared/data/real")
DRUG_TARGETS = ["drug_id,drug_name,gene_symbol,target_name,action,pmids,drug_xrefs",
                "DB08881,Vemurafenib,BRAF,B-Raf,inhibitor,1|2,CHEBI:63637",
                "DB00619,Imatinib,ABL1,,Inhibitor;binder,3,",
                ",orphan claim,KIT,,,,",
                "DB00619, Imatinib ,KIT,Mast/stem cell growth factor receptor,,,",
                'DB08881,"Vemurafenib, again",BRAF,,"antagonist, inhibitor","4,5",',
                "CHEMBL941,imatinib,,,,,",
                "DB01254,Dasatinib,ABL1,,agonist,6,"]


@pytest.mark.parametrize(("files", "options"), [
    ([DATA / "loaders" / "drugbank_targets.csv"], {}),
    ([REAL / "drugbank" / "proteins.tsv"], {"unresolved_genes": "keep"}),  # 7 shared ids
    ([REAL / "maf" / "dgidb_drugs.tsv.gz"], {"unresolved_genes": "keep"}),
    ([REAL / "maf" / "dgidb_drugs.tsv.gz", DATA / "loaders" / "drugbank_targets.csv"],
     {"unresolved_genes": "keep"}),
])
def test_drug_target_tables_same_graph(tmp_path, caplog, files, options):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    both(tmp_path, "drug-targets", [files], options=options)
    assert FALLBACK not in caplog.text


def test_drug_targets_in_chunks_with_options(tmp_path, caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    monkeypatch.setattr(table_columns, "BLOCK_BYTES", 90)
    path = write(tmp_path, "targets.txt", [row.replace(";", "|").replace(",", ";")
                                           for row in DRUG_TARGETS[:4]])
    ours, _, columnar, _ = both(tmp_path, "drug-targets", [[path]], options={
        "delimiter": "semicolon", "columns": "target:gene_symbol,drug_name:drug_name",
        "drug_category": "biolink:SmallMolecule"})
    assert FALLBACK not in caplog.text
    assert ours[0].reconciliation.passed_over == 1
    assert columnar.node("DRUGBANK:DB08881").category == "biolink:SmallMolecule"
    path = write(tmp_path / "csv", "targets.csv", [*DRUG_TARGETS, *DRUG_TARGETS[1:] * 2])
    both(tmp_path / "csv", "drug-targets", [[path]])
    assert FALLBACK not in caplog.text


@pytest.mark.parametrize(("rows", "reason"), [
    ([*DRUG_TARGETS[:3], "DB00002,x,NOTAGENE1,,,,"], r"targets\.csv:4: .*NOTAGENE1"),
    (["drug_id,drug_name,action", "DB1,x,inhibitor"], r"targets\.csv:2: missing column"),
    ([*DRUG_TARGETS[:3], "DB00002,x,KIT,,,"], r"targets\.csv:4: expected 7 fields, found 6"),
])
def test_drug_target_bad_rows_named_alike(tmp_path, caplog, rows, reason):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    path = write(tmp_path, "targets.csv", rows)
    messages = []
    for columnar in (True, False):
        with pytest.raises(InputError) as error:
            load_files(EmbeddedStore(tmp_path / str(columnar)), "drug-targets", [path],
                       columnar=columnar)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert re.search(reason, messages[0]), messages[0]
    assert FALLBACK in caplog.text
