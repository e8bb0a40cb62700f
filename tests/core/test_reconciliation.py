"""Every load reconciles: read = stored + merged + rejected; provenance lists accumulate."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

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
        assert account.read == account.stored + account.merged + account.rejected
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
        assert account.read == account.stored + account.merged + account.rejected
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
