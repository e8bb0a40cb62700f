"""The README's main job runs and ends with a report a person can read."""

from __future__ import annotations

import re

import pandas as pd
from click.testing import CliRunner

from kgtwin.cli.main import cli


def test_demo_writes_a_report_with_the_graph_and_a_figure_the_same_each_run(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "kg"), "demo", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    report = (out / "report.md").read_text()
    assert "Knowledge graph" in report
    assert "HGNC:1097 (BRAF)" in report
    assert (out / "graph-composition.png").stat().st_size > 1000
    assert "## Patient twins" in report and "Scientific checks" in report
    assert (out / "cohort" / "cohort-heatmap.png").stat().st_size > 1000
    assert "![cohort-heatmap](cohort/cohort-heatmap.png)" in report
    assert "## Predicted repurposing links" in report and "degree" in report
    assert (out / "embed" / "embed_metrics.png").stat().st_size > 1000
    # One number per question: the ranked twin's scores are the cohort's for that patient.
    assert _report_agrees_with_cohort(report, pd.read_csv(out / "cohort" / "cohort.csv")) >= 2
    assert "train_seconds" in (out / "embed" / "timings.json").read_text()  # not the report
    # Re-running the demo on the same store (now holding the first run's patients,
    # predictions and twin) writes the same report, byte for byte.
    same = tmp_path / "same"
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "kg"), "demo", "--out", str(same)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert (same / "report.md").read_text() == report
    # And so does a run on a fresh store (same seed).
    again = tmp_path / "again"
    result = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "kg2"), "demo", "--out", str(again)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert (again / "report.md").read_bytes() == (out / "report.md").read_bytes()


def _report_agrees_with_cohort(report: str, cohort: pd.DataFrame) -> int:
    """The report's ranking of its twin and the cohort table give one score per drug."""
    patient = re.search(r"For `(\w+)`", report).group(1)
    rows = cohort[cohort["patient"].str.contains(patient) & cohort["acts"]]
    scores = dict(zip(rows["drug"], rows["score"], strict=True))
    ranked = dict(re.findall(r"^\| \d+ \| ([\w-]+) \| ([+-]\d\.\d{3}) \[", report, re.M))
    shared = sorted(set(scores) & set(ranked))
    for drug in shared:
        assert ranked[drug] == f"{scores[drug]:+.3f}", drug
    return len(shared)
