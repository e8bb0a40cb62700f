"""The README's main job runs and ends with a report a person can read."""

from __future__ import annotations

from click.testing import CliRunner

from kgtwin.cli.main import cli


def test_demo_writes_a_report_with_the_graph_and_a_figure(tmp_path):
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
