"""The columnar load path stores exactly what the record path stores.

Every test loads the same files twice, once through each path (``load_files(...,
columnar=False)`` is the record path), into fresh embedded stores and compares the
graphs by checksum, the counts, the reconciliation and the provenance. Files the
columnar path cannot read exactly must fall back to the record path, which names bad
rows as ``file:line: reason``.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from kgtwin.loaders import kgx_columns

from kgtwin.errors import InputError
from kgtwin.genes import GENES_ENV
from kgtwin.load import LoadReport, load_files
from kgtwin.store import EmbeddedStore
from tests.crash import sigkill_at_marker
from tests.real.conftest import REFERENCE, real

FALLBACK = "loading record by record"


@pytest.fixture(autouse=True)
def genes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The full HGNC table (the reference copy) as the gene index, never a download."""
    monkeypatch.setenv(GENES_ENV, str(REFERENCE / "hgnc_complete_set.txt.gz"))


def write(folder: Path, name: str, rows: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(rows) + "\n")
    return path


NODES = ["id\tcategory\tname\txref",
         "HGNC:1097\tbiolink:Gene\tBRAF\tENSEMBL:ENSG00000157764",
         "MONDO:0005105\tbiolink:Disease\tmelanoma\t",
         "CHEBI:63637\tbiolink:SmallMolecule\tvemurafenib\t"]
EDGES = ["subject\tpredicate\tobject\tpublications\tknowledge_source\tscore\t"
         "anatomical_context_qualifier",
         "CHEBI:63637\tbiolink:affects\tENSEMBL:ENSG00000157764\tPMID:1|PMID:2\tinfores:a\t0.5\t",
         "CHEBI:63637\tbiolink:treats\tMONDO:0005105\tPMID:3\tinfores:a\t1\t",
         "HGNC:1097\tbiolink:gene_associated_with_condition\tMONDO:0005105\t\t\t\tUBERON:0002097",
         "HGNC:1097\tbiolink:gene_associated_with_condition\tMONDO:0005105\tPMID:4\tinfores:b\t2\t",
         "CHEBI:63637\tbiolink:affects\tHGNC:1097\tPMID:5\tinfores:c\t0.7\t",
         "NCBIGene:673\tbiolink:interacts_with\tMONDO:0099999\t\t\t\t"]


def both(folder: Path, loads: list[list[Path]], format: str = "kgx", **options: object
         ) -> tuple[list[LoadReport], list[LoadReport], EmbeddedStore, EmbeddedStore]:
    """Each load in turn through the columnar path into one store and the record path
    into another."""
    columnar, records = EmbeddedStore(folder / "columnar"), EmbeddedStore(folder / "records")
    done: tuple[list[LoadReport], list[LoadReport]] = ([], [])
    for paths in loads:
        done[0].append(load_files(columnar, format, paths, **options))
        done[1].append(load_files(records, format, paths, columnar=False, **options))
    return done[0], done[1], columnar, records


def assert_same(columnar: EmbeddedStore, records: EmbeddedStore) -> None:
    assert columnar.checksum() == records.checksum()
    assert columnar.counts() == records.counts()
    by_key = {(e.subject, e.predicate, e.object, tuple(e.qualifiers.items())): e.provenance
              for e in records.edges()}
    for edge in columnar.edges():
        key = (edge.subject, edge.predicate, edge.object, tuple(edge.qualifiers.items()))
        assert [p.source for p in edge.provenance] == [p.source for p in by_key[key]]
    assert ([(e.nodes, e.edges, e.reconciliation) for e in columnar.ledger()]
            == [(e.nodes, e.edges, e.reconciliation) for e in records.ledger()])


def test_same_graph_counts_and_reconciliation(tmp_path, caplog):
    nodes, edges = write(tmp_path, "n.tsv", NODES), write(tmp_path, "e.tsv", EDGES)
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    ours, theirs, columnar, records = both(tmp_path, [[edges, nodes]])
    assert FALLBACK not in caplog.text  # the columnar path was taken
    assert_same(columnar, records)
    assert ours[0].counts == theirs[0].counts
    assert ours[0].reconciliation == theirs[0].reconciliation
    account = ours[0].reconciliation
    assert (account.read, account.stored, account.merged) == (9, 8, 1)
    # BRAF's Ensembl id names its HGNC node, so two rows state one edge: merged, with
    # both rows' publications.
    [affects] = columnar.edges(predicate="biolink:affects")
    assert affects.object == "HGNC:1097"
    assert list(affects.properties["publications"]) == ["PMID:1", "PMID:2", "PMID:5"]
    stub = columnar.node("MONDO:0099999")
    assert stub is not None and stub.category == "biolink:NamedThing"


def test_second_source_adds_provenance_and_merges_properties(tmp_path):
    nodes, edges = write(tmp_path, "n.tsv", NODES), write(tmp_path, "e.tsv", EDGES)
    again = write(tmp_path, "e2.tsv", [EDGES[0], EDGES[2].replace("PMID:3", "PMID:9"),
                                       EDGES[6], EDGES[1]])
    _, _, columnar, records = both(tmp_path, [[nodes, edges], [again]])
    assert_same(columnar, records)
    treats = next(columnar.edges(predicate="biolink:treats"))
    assert len(treats.provenance) == 2  # two sources (same name, other checksums)
    assert list(treats.properties["publications"]) == ["PMID:3", "PMID:9"]


def test_real_kgx_files(tmp_path):
    loads = [[real("kgx", "graph_nodes.tsv"), real("kgx", "graph_edges.tsv")],
             [real("kgx", "chebi_kgx_tsv_nodes.tsv"), real("kgx", "chebi_kgx_tsv_edges.tsv")],
             [real("kgx", "monarch-tiny_edges.tsv")]]
    ours, theirs, columnar, records = both(tmp_path, loads, skip_bad=True)
    assert [r.counts for r in ours] == [r.counts for r in theirs]
    assert_same(columnar, records)


def test_chunks_of_a_few_lines_give_the_same_graph(tmp_path, monkeypatch):
    monkeypatch.setattr(kgx_columns, "BLOCK_BYTES", 200)
    _, _, columnar, records = both(tmp_path, [[real("kgx", "graph_edges.tsv")]],
                                   progress=True)
    assert_same(columnar, records)


@pytest.mark.parametrize(("row", "reason"), [
    ("CHEBI:63637\t\tMONDO:0005105\t\t\t\t", "edge without subject, predicate or object"),
    ("CHEBI:63637\tbiolink:treats\tMONDO:0005105\t\t\t\t\textra", "expected 7 fields, found 8"),
    ("CHEBI:63637\tbiolink:no_such_predicate\tMONDO:0005105\t\t\t\t",
     "unknown Biolink predicate"),
])
def test_bad_rows_are_named_by_file_and_line(tmp_path, caplog, row, reason):
    edges = write(tmp_path, "e.tsv", [*EDGES[:3], row, *EDGES[3:]])
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    store = EmbeddedStore(tmp_path / "store")
    with pytest.raises(InputError, match=rf"e\.tsv:4: .*{reason}"):
        load_files(store, "kgx", [edges])
    assert FALLBACK in caplog.text
    assert store.counts().edges == 0 and store.ledger() == []
    ours, theirs, columnar, records = both(tmp_path / "skip", [[edges]], skip_bad=True)
    assert ours[0].bad == theirs[0].bad == 1
    assert ours[0].reconciliation == theirs[0].reconciliation
    assert_same(columnar, records)


@pytest.mark.parametrize("damage", ["short row", "windows line ends", "blank line", "bad byte",
                                    "control character"])
def test_files_only_the_record_path_reads_exactly_fall_back(tmp_path, damage):
    text = "\n".join(EDGES) + "\n"
    if damage == "short row":
        text = text.replace("\tinfores:a\t1\t\n", "\tinfores:a\n")
    elif damage == "windows line ends":
        text = text.replace("\n", "\r\n")
    elif damage == "blank line":
        text = text.replace("\n", "\n\n", 2)
    elif damage == "control character":
        text = text.replace("PMID:3", "PMID:\x013")
    edges = tmp_path / "e.tsv"
    edges.write_bytes(text.encode() if damage != "bad byte"
                      else text.encode().replace(b"PMID:3", b"PMID:\xff3"))
    if damage == "bad byte":  # the record path refuses the file: so must this one, alike
        messages = []
        for columnar in (True, False):
            with pytest.raises(InputError) as error:
                load_files(EmbeddedStore(tmp_path / str(columnar)), "kgx", [edges],
                           skip_bad=True, columnar=columnar)
            messages.append(str(error.value))
        assert messages[0] == messages[1]
        return
    ours, theirs, columnar, records = both(tmp_path, [[edges]], skip_bad=True)
    assert ours[0].bad == theirs[0].bad
    assert ours[0].reconciliation == theirs[0].reconciliation
    assert_same(columnar, records)


def test_a_failed_columnar_load_leaves_the_store_as_it_was(tmp_path):
    nodes, edges = write(tmp_path, "n.tsv", NODES), write(tmp_path, "e.tsv", EDGES)
    store = EmbeddedStore(tmp_path / "store")
    load_files(store, "kgx", [nodes])
    before = (store.checksum(), store.ledger())
    bad_nodes = write(tmp_path, "n2.tsv", [*NODES, "X:1\tbiolink:NoSuchClass\tx\t"])
    with pytest.raises(InputError, match=r"n2\.tsv:5: "):
        load_files(store, "kgx", [bad_nodes, edges])
    assert (store.checksum(), store.ledger()) == before


def test_reloading_an_unchanged_source_is_a_no_op(tmp_path):
    edges = tmp_path / "edges.tsv"
    shutil.copy(real("kgx", "graph_edges.tsv"), edges)
    store = EmbeddedStore(tmp_path / "store")
    first = load_files(store, "kgx", [edges])
    assert not first.skipped and first.counts.edges > 0
    revision = store.revision()
    assert load_files(store, "kgx", [edges]).skipped
    assert store.revision() == revision


COLUMNAR_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kgtwin.columns import EdgeColumns, Factor
    from kgtwin.store import EmbeddedStore
    from kgtwin.store.base import SourceInfo

    store = EmbeddedStore(sys.argv[1])
    marker = Path(sys.argv[2])

    def chunks():
        for number in range(2):
            if number == 1:  # the first chunk's new nodes are written, uncommitted
                marker.write_text("halfway")
                time.sleep(120)
            ids = [f"HGNC:{i}" for i in range(number * 50_000, (number + 1) * 50_000)]
            yield EdgeColumns(Factor.of(ids), Factor.constant("biolink:interacts_with", 50_000),
                              Factor.of(ids[1:] + ids[:1]), Factor.constant("", 50_000),
                              Factor.constant("{}", 50_000))

    store.load_columns((), chunks(), SourceInfo("big", "1", "0" * 64, "test@1"))
    """
)


def test_sigkill_mid_columnar_load_keeps_previous_state(tmp_path):
    path = tmp_path / "kg"
    store = EmbeddedStore(path)
    load_files(store, "kgx", [write(tmp_path, "n.tsv", NODES), write(tmp_path, "e.tsv", EDGES)])
    before = (store.counts(), store.checksum(), store.ledger())
    store.close()
    marker = tmp_path / "marker"
    sigkill_at_marker([sys.executable, "-c", COLUMNAR_WRITER, str(path), str(marker)], marker)
    reopened = EmbeddedStore(path)
    assert (reopened.counts(), reopened.checksum(), reopened.ledger()) == before


@pytest.mark.parametrize("files", [["bupropion.json.gz"], ["random-subgraph.json.xz"],
                                   ["disease-gene-example-graph.json"],
                                   ["hetionet-v1.0-nodes.tsv", "random-subgraph.json.xz"]])
def test_hetionet_json_edges_as_columns(tmp_path, caplog, files):
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    [ours], [theirs], columnar, records = both(
        tmp_path, [[real("hetio", name) for name in files]], "hetionet")
    assert FALLBACK not in caplog.text
    assert ours.counts == theirs.counts and ours.reconciliation == theirs.reconciliation
    assert ours.counts.edges > 0
    assert_same(columnar, records)


def test_a_malformed_hetionet_edge_is_named_by_the_record_path(tmp_path, caplog):
    document = json.loads(real("hetio", "disease-gene-example-graph.json").read_text())
    del document["edges"][1]["target_id"]
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(document))
    caplog.set_level(logging.INFO, logger="kgtwin.load")
    messages = []
    for columnar in (True, False):
        with pytest.raises(InputError) as error:
            load_files(EmbeddedStore(tmp_path / str(columnar)), "hetionet", [path],
                       columnar=columnar)
        messages.append(str(error.value))
    assert messages[0] == messages[1]
    assert "graph.json (edge 2): edge needs source_id and target_id" in messages[0]
    assert FALLBACK in caplog.text
