"""Bulk push (neo4j-admin import) leaves exactly what an incremental push leaves."""

from __future__ import annotations

import gzip

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.model import DIRECTION, DOWN, UP, Edge, Measurement, Node
from kgtwin.neo4j.bulk import bulk_push, choose_method
from kgtwin.neo4j.errors import BulkImportError
from kgtwin.neo4j.import_files import write_import_files
from kgtwin.neo4j.settings import Neo4jSettings
from kgtwin.neo4j.store import Neo4jStore
from kgtwin.neo4j.transfer import copy_graph
from kgtwin.store import EmbeddedStore
from tests.store.records import RECORDS, aligned, source

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

TIMES = {"first_loaded", "loaded_at"}


def _sources() -> list[tuple]:
    """Three sources that exercise what the bulk writer replays: a node described by two
    sources, an edge naming a node only a later source describes (a stub), an edge in
    two sources, unaligned records, typed and JSON properties, measurements."""
    pathway = Node(
        "REACT:R-HSA-5673001",
        "biolink:Pathway",
        "RAF/MAP kinase cascade",
        properties={
            "size": 12,
            "genes": ["BRAF", "MAP2K1"],
            "flags": [True],
            "weights": [0.5, 1.25],
            "note": 'a "quoted", multi\nline text',
            "empty": "",
            "nested": {"k": [1, "x"]},
            "none": None,
        },
    )
    later = Node(
        "HGNC:11998", "biolink:Gene", "TP53", xrefs=("NCBIGene:7157",), properties={"score": 3}
    )
    odd = Node("FOO:1", "biolink:Gene", "unaligned thing", aligned=False)
    first = [
        *RECORDS,
        pathway,
        Edge(
            "HGNC:1097",
            "biolink:participates_in",
            "REACT:R-HSA-5673001",
            properties={"score": 0.5, "evidence": ["PMID:1", "PMID:2"], "big": 2**70},
        ),
        Edge("HGNC:11998", "biolink:regulates", "HGNC:1097", {DIRECTION: DOWN}),
        Edge("FOO:1", "foo:bar", "HGNC:6840", aligned=False),
        odd,
    ]
    second = [
        later,
        RECORDS[0],
        Edge("HGNC:1097", "biolink:regulates", "HGNC:6840", {DIRECTION: UP}, {"score": 0.9}),
        Edge("HGNC:11998", "biolink:interacts_with", "HGNC:6840", properties={"n": 7}),
        Measurement("HGNC:6840", "HGNC:1097", "expression", 2.5, -0.75),
        Measurement("HGNC:6840", "HGNC:11998", "expression", 1.0, None),
    ]
    third = [Edge("CHEBI:63637", "biolink:treats", "MONDO:0005105", properties={"phase": 4})]
    return [("first", first), ("second", second), ("third", third)]  # fmt: skip


@pytest.fixture
def embedded(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    for name, records in _sources():
        store.load(aligned(records), source(name, checksum=name))
    yield store
    store.close()


def _raw(settings: Neo4jSettings) -> tuple:
    """Every node and relationship as Cypher sees it (timestamps left out), and the schema."""
    with settings.driver() as driver:
        nodes, _, _ = driver.execute_query(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
        )
        rels, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, b.id AS b, "
            "properties(r) AS props"
        )
        schema, _, _ = driver.execute_query(
            "SHOW INDEXES YIELD name, type, labelsOrTypes, properties, owningConstraint "
            "WHERE type <> 'LOOKUP' RETURN name, type, labelsOrTypes, properties, "
            "owningConstraint IS NULL AS plain"
        )
    node_rows = sorted(
        repr((sorted(r["labels"]), sorted((k, v) for k, v in r["props"].items()
                                          if k not in TIMES)))
        for r in nodes
    )  # fmt: skip
    rel_rows = sorted(repr((r["a"], r["type"], r["b"], sorted(r["props"].items()))) for r in rels)
    return node_rows, rel_rows, sorted(repr(tuple(r.values())) for r in schema)


def _read_back(settings: Neo4jSettings) -> tuple:
    """What the store protocol returns (order included), timestamps left out."""
    with Neo4jStore(settings) as store:
        nodes = [(n.id, n.category, n.name, n.xrefs, n.properties, n.aligned,
                  [(p.source, p.version, p.checksum, p.loader) for p in n.provenance])
                 for n in store.nodes()]  # fmt: skip
        edges = [(e.subject, e.predicate, e.object, e.qualifiers, e.properties, e.aligned,
                  [p.source for p in e.provenance]) for e in store.edges()]  # fmt: skip
        ledger = [(e.source, e.nodes, e.edges, e.measurements) for e in store.ledger()]
        aliases = {x: store.resolve(x) for x in ("NCBIGene:673", "DOID:1909", "NCBIGene:7157")}
        return (nodes, edges, ledger, aliases, store.counts(), store.checksum(),
                store.measurements().fillna(-999.0).to_dict("list"), store.revision())  # fmt: skip


@pytest.mark.parametrize("commit", ["batch", "load"])  # what `push` does, and the other
def test_bulk_push_reads_back_as_incremental_push(embedded, own_settings, commit):
    with Neo4jStore(own_settings, commit=commit, batch_size=3) as target:
        copy_graph(embedded, target)
    incremental = (_raw(own_settings), _read_back(own_settings))

    report = bulk_push(embedded, own_settings, replace=True)
    assert (report.nodes, report.edges) == (incremental[1][4].nodes, incremental[1][4].edges)
    bulk = (_raw(own_settings), _read_back(own_settings))
    assert bulk[0][0] == incremental[0][0]  # nodes: labels and every property
    assert bulk[0][1] == incremental[0][1]  # relationships: type, endpoints, properties
    assert bulk[0][2] == incremental[0][2]  # constraints and indexes
    assert bulk[1] == incremental[1]
    # The bulk-loaded graph takes incremental loads like any other.
    with Neo4jStore(own_settings) as store:
        store.load(aligned(RECORDS[:1]), source("fourth", checksum="4"))
        assert store.node("NCBIGene:673").provenance[-1].source == "fourth"


def test_bulk_push_refuses_a_database_with_data(embedded, own_settings):
    with Neo4jStore(own_settings) as target:
        target.load(aligned(RECORDS[:1]), source("other", checksum="o"))
    with pytest.raises(BulkImportError, match="already holds data"):
        bulk_push(embedded, own_settings)
    with Neo4jStore(own_settings) as target:  # untouched
        assert [e.source.name for e in target.ledger()] == ["other"]


def test_remote_servers_are_never_bulk_loaded(own_settings):
    remote = Neo4jSettings("neo4j://db.example.org:7687", password="unused-password")
    with pytest.raises(BulkImportError, match="not a running local server"):
        choose_method("bulk", remote, 10**7, replace=True)
    assert choose_method("auto", remote, 10**7, replace=True)[0] == "incremental"
    Neo4jStore(own_settings).close()  # a kgtwin graph with nothing in it is empty
    assert choose_method("auto", own_settings, 10, replace=False)[0] == "incremental"
    assert choose_method("auto", own_settings, 10**6, replace=False)[0] == "bulk"


def test_import_files_have_typed_headers(embedded, tmp_path):
    files = write_import_files(embedded, tmp_path / "files", compress=True)
    headers = {}
    for path in files.nodes + files.relationships:
        with gzip.open(path, "rt") as handle:
            headers[path.name] = handle.readline()
    node_header = next(h for n, h in headers.items() if n.startswith("nodes") and "size" in h)
    assert '"id:ID(Node)",":LABEL"' in node_header
    assert '"size:long"' in node_header and '"weights:double[]"' in node_header
    assert '"genes:string[]"' in node_header and '"flags:boolean[]"' in node_header
    assert any('":START_ID(Node)",":END_ID(Node)",":TYPE"' in h for h in headers.values())
    assert files.multiline  # the note has a line break
    assert "--array-delimiter=U+001F" in files.admin_arguments()


class _ThroughProtocol:
    """The embedded store seen only through the store protocol (not an EmbeddedStore)."""

    def __init__(self, store: EmbeddedStore):
        self._store = store

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def test_import_files_are_the_same_read_through_the_protocol(embedded, tmp_path):
    """The embedded store's tables are read directly; any other store through the
    protocol: both must give the same files, byte for byte."""
    direct = write_import_files(embedded, tmp_path / "direct")
    generic = write_import_files(_ThroughProtocol(embedded), tmp_path / "generic")
    assert [p.name for p in direct.nodes + direct.relationships] == [
        p.name for p in generic.nodes + generic.relationships
    ]
    for a, b in zip(direct.nodes + direct.relationships,
                    generic.nodes + generic.relationships, strict=True):  # fmt: skip
        if not a.name.startswith(("sources", "loads")):  # those hold the time of writing
            assert a.read_text() == b.read_text(), a.name
    assert (direct.edge_count, direct.multiline) == (generic.edge_count, generic.multiline)


def test_push_cli_says_which_method_it_chose(embedded, own_settings, tmp_path):
    runner = CliRunner(env={"NEO4J_PASSWORD": None, "NEO4J_URI": None})  # not CI's server
    base = ["--store", str(tmp_path / "store"), "push", "--neo4j-uri", own_settings.uri,
            "--neo4j-home", str(own_settings.home)]  # fmt: skip
    embedded.close()
    result = runner.invoke(cli, [*base, "--method", "bulk"])
    assert result.exit_code == 0, result.output
    assert "method: bulk (asked for)" in result.output
    again = runner.invoke(cli, [*base, "--method", "bulk"])
    assert again.exit_code == 1 and "already holds data" in again.output
    small = runner.invoke(cli, base)
    assert small.exit_code == 0, small.output
    assert "method: incremental" in small.output and "skipped  first 1" in small.output
    replaced = runner.invoke(cli, [*base, "--method", "incremental", "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "copied   first 1" in replaced.output  # emptied first, so copied again
    remote = runner.invoke(cli, [*base[:3], "--neo4j-uri", "bolt://127.0.0.1:1",
                                 "--neo4j-password", "x" * 8, "--method", "bulk"])  # fmt: skip
    assert remote.exit_code == 1 and "cannot be bulk loaded" in remote.output


def test_a_graph_the_importer_cannot_take_leaves_the_server_as_it_was(own_server, own_settings,
                                                                      tmp_path):  # fmt: skip
    odd = EmbeddedStore(tmp_path / "odd")
    odd.load([Node("HGNC:1097", "biolink:Gene", "BRAF", properties={"tags": ["a", ""]})],
             source("odd", checksum="odd"))  # fmt: skip
    with Neo4jStore(own_settings) as target:
        target.load(aligned(RECORDS), source())
        before = target.checksum()
    with pytest.raises(BulkImportError, match="--method incremental"):
        bulk_push(odd, own_settings, replace=True)
    odd.close()
    assert own_server.pid() is not None  # stopped while the files were written, started again
    with Neo4jStore(own_settings) as target:
        assert target.checksum() == before
