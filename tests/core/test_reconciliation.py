"""Every load reconciles: read = stored + merged + passed over + rejected; provenance
lists accumulate."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kgtwin.loaders.drugs import UNIDENTIFIED

from kgtwin.cli.main import cli
from kgtwin.load import load_files
from kgtwin.model import merge_properties
from kgtwin.store import open_store

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real" / "kgx"


def test_kgx_publications_accumulate_on_one_edge(tmp_path):
    """monarch-tiny: 500 rows state 341 edges; an edge stated by 14 rows keeps all 14
    rows' publications (before, the last row's won)."""
    with open_store(tmp_path / "s") as store:
        report = load_files(store, "kgx", [REAL / "monarch-tiny_edges.tsv"], skip_bad=True)
        account = report.reconciliation
        assert account is not None
        assert account.read == account.stored + account.merged + account.passed_over + \
            account.rejected
        assert report.counts.total_edges == account.stored
        rows = [line.split("\t") for line in
                (REAL / "monarch-tiny_edges.tsv").read_text().splitlines()]
        header, body = rows[0], rows[1:]
        at = {c: i for i, c in enumerate(header)}
        subject, object_ = "PomBase:SPAC1783.07c", "FYPO:0000087"
        wanted = {p for r in body if r[at["subject"]] == subject and r[at["object"]] == object_
                  for p in r[at["publications"]].split("|") if p}
        (edge,) = [e for e in store.edges(subject=subject) if e.object == object_]
        assert set(edge.properties["publications"]) == wanted and len(wanted) > 1


def test_rejections_are_counted_listed_and_kept_in_the_ledger(tmp_path):
    table = tmp_path / "targets.tsv"
    table.write_text("drug_id\ttarget\taction\nDB08881\tBRAF\tinhibitor\n"
                     "DB08881\tNOTAGENE\tinhibitor\nDB08881\tBRAF1\tinhibitor\n")
    with open_store(tmp_path / "s") as store:
        report = load_files(store, "drug-targets", [table], skip_bad=True)
        account = report.reconciliation
        # One drug node; per row a target node and an edge. NOTAGENE's node and edge are
        # rejected; BRAF1 (BRAF's alias) merges into BRAF's node and edge.
        assert (account.read, account.rejected) == (7, 2)
        assert (account.stored, account.merged) == (3, 2)
        assert account.read == account.stored + account.merged + account.passed_over + \
            account.rejected
        assert all("targets.tsv:3: unknown gene 'NOTAGENE'" in r for r in account.rejections)
        (entry,) = store.ledger()
        assert entry.reconciliation["rejected"] == 2
    runner = CliRunner()
    shown = runner.invoke(cli, ["--store", str(tmp_path / "s"), "status", "--json"])
    assert '"rejected": 2' in shown.output and "targets.tsv:3" in shown.output


def test_cli_load_prints_the_account(tmp_path):
    done = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "load", "kgx",
                                    str(REAL / "monarch-tiny_edges.tsv"), "--skip-bad"])
    assert done.exit_code == 0, done.output
    assert "read 500 records = 341 stored + 159 merged" in done.output


def test_merge_rule_accumulates_lists_and_keeps_scalars_last_wins():
    old = {"publications": "PMID:1", "score": 1, "tags": ["a"]}
    new = {"publications": ["PMID:2", "PMID:1"], "score": 2, "tags": "b"}
    assert merge_properties(old, new) == {"publications": ["PMID:1", "PMID:2"], "score": 2,
                                          "tags": ["a", "b"]}
    assert merge_properties({"publications": "PMID:1"}, {"publications": "PMID:3"}) == {
        "publications": ["PMID:1", "PMID:3"]}


#: Targets of generated drug-target rows: genes, an alias of one (merges), a name no
#: gene has (rejected), and no target at all (passed over).
TARGETS = ["BRAF", "KRAS", "EGFR", "BRAF1", "NOTAGENE", ""]
DRUGS = ["DB08881", "DB00619", ""]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(DRUGS), st.sampled_from(TARGETS)),
                min_size=1, max_size=12))
def test_every_row_is_stored_merged_passed_over_or_rejected(rows):
    """The account is exact whatever the mix: each part is counted independently of
    the others (passed-over rows from the file, stored from the store's size)."""
    passed = [r for r in rows if not r[0] or not r[1]]
    identified = [r for r in rows if r[0] and r[1]]
    unknown = [r for r in identified if r[1] == "NOTAGENE"]
    with tempfile.TemporaryDirectory() as folder:
        table = Path(folder) / "targets.tsv"
        table.write_text("drug_id\ttarget\n" + "".join(f"{d}\t{t}\n" for d, t in rows))
        with open_store(Path(folder) / "s") as store:
            report = load_files(store, "drug-targets", [table], skip_bad=True,
                                allow_empty=True)
            account = report.reconciliation
            assert account.read == (account.stored + account.merged + account.passed_over
                                    + account.rejected)
            assert account.passed_over == len(passed)
            assert account.passed_over_reasons == ({UNIDENTIFIED: len(passed)} if passed
                                                   else {})
            # an unknown target: its node (once) and each of its edges refused
            assert account.rejected == bool(unknown) + len(unknown)
            assert account.stored == report.counts.total_nodes + report.counts.total_edges
            assert report.counts.edges == len(identified) - len(unknown)
            (entry,) = store.ledger()
            assert entry.reconciliation["passed_over"] == len(passed)


def test_status_shows_what_was_passed_over_and_why(tmp_path):
    table = tmp_path / "targets.tsv"
    table.write_text("drug_id\ttarget\nDB08881\tBRAF\n\tBRAF\nDB08881\t\n")
    store = str(tmp_path / "s")
    done = CliRunner().invoke(cli, ["--store", store, "load", "drug-targets", str(table)])
    assert done.exit_code == 0, done.output
    assert "read 5 records = 3 stored + 0 merged into existing nodes and edges + " \
        "2 passed over + 0 rejected" in done.output
    assert f"        2  {UNIDENTIFIED}" in done.output
    shown = CliRunner().invoke(cli, ["--store", store, "status"])
    assert "passed_over=2 rejected=0" in shown.output
    assert f"passed over 2: {UNIDENTIFIED}" in shown.output
    as_json = CliRunner().invoke(cli, ["--store", store, "status", "--json"])
    (entry,) = json.loads(as_json.output)["ledger"]
    assert entry["reconciliation"]["passed_over_reasons"] == {UNIDENTIFIED: 2}


def test_unresolved_genes_refused_or_kept_are_listed_either_way(tmp_path):
    """``--option unresolved_genes``: reject (default) refuses a row naming a symbol the
    gene index lacks, at its file:line; keep stores it as an ``hgnc.symbol`` gene. The
    end of the load and ``status --json`` list the symbols and say which was done."""
    table = tmp_path / "targets.tsv"
    table.write_text("drug_id\ttarget\taction\nDB08881\tBRAF\tinhibitor\n"
                     "DB08881\tNOTAGENE\tinhibitor\n")
    refused = str(tmp_path / "refused")
    stopped = CliRunner().invoke(cli, ["--store", refused, "load", "drug-targets",
                                       str(table)])
    assert stopped.exit_code != 0
    assert "targets.tsv:3: unknown gene 'NOTAGENE'" in stopped.output
    assert "--option unresolved_genes=keep keeps such genes by symbol" in stopped.output
    done = CliRunner().invoke(cli, ["--store", refused, "load", "drug-targets", str(table),
                                    "--skip-bad"])
    assert done.exit_code == 0, done.output
    assert "1 gene symbols not in the gene index (shipped" in done.output
    assert "refused with their rows, listed above" in done.output
    assert "gene ids not in the gene index" not in done.output
    kept = str(tmp_path / "kept")
    done = CliRunner().invoke(cli, ["--store", kept, "load", "drug-targets", str(table),
                                    "--option", "unresolved_genes=keep"])
    assert done.exit_code == 0, done.output
    assert "+ 0 rejected" in done.output
    assert "kept (--option unresolved_genes=keep) as hgnc.symbol:NAME" in done.output
    for store, policy in ((refused, "reject"), (kept, "keep")):
        as_json = CliRunner().invoke(cli, ["--store", store, "status", "--json"])
        account = json.loads(as_json.output)["ledger"][-1]["reconciliation"]
        assert account["unresolved_policy"] == policy
        assert account["unresolved_genes"] == {"NOTAGENE": "unknown gene 'NOTAGENE'"}
    with open_store(Path(kept)) as store:
        (edge,) = store.edges(object="hgnc.symbol:NOTAGENE")
        assert edge.subject == "DRUGBANK:DB08881"


def test_unknown_gene_ids_are_said_kept_never_refused(tmp_path):
    """A graph file's gene id the index lacks (a withdrawn ``HGNC:1``) is kept as written
    under the default policy too, and the end of the load says so instead of "refused"."""
    nodes = tmp_path / "nodes.tsv"
    nodes.write_text("id\tcategory\tname\nHGNC:1\tbiolink:Gene\tgone\n"
                     "HGNC:1097\tbiolink:Gene\tBRAF\n")
    edges = tmp_path / "edges.tsv"
    edges.write_text("subject\tpredicate\tobject\n"
                     "HGNC:1\tbiolink:interacts_with\tHGNC:1097\n")
    store = str(tmp_path / "store")
    done = CliRunner().invoke(cli, ["--store", store, "load", "kgx", str(nodes), str(edges)])
    assert done.exit_code == 0, done.output
    assert "+ 0 rejected" in done.output
    assert "1 gene ids not in the gene index (shipped" in done.output
    assert "kept as written, each its own node: HGNC:1" in done.output
    assert "refused" not in done.output
    with open_store(Path(store)) as opened:
        assert [edge.subject for edge in opened.edges(object="HGNC:1097")] == ["HGNC:1"]
