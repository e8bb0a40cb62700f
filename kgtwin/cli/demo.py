"""``kgtwin demo``: the README's main job."""

from __future__ import annotations

from pathlib import Path

import click

from kgtwin.cli.common import open_cli_store


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("kgtwin-demo"),
              show_default=True, help="Folder for the report and its figures.")
@click.pass_context
def demo(ctx: click.Context, out: Path) -> None:
    """Run the whole flow on the shipped real demo data and write a report.

    Loads the demo knowledge graph into the store (the embedded default unless
    --store says otherwise), runs every step that exists, and writes OUT/report.md with
    its figures.

    \b
    Example:
      kgtwin demo && open kgtwin-demo/report.md
    """
    from kgtwin.cli.embed import quiet_pykeen
    from kgtwin.demo.run import run_demo

    quiet_pykeen(ctx)

    with open_cli_store(ctx) as store:
        report = run_demo(store, out, echo=click.echo)
    click.echo(f"\nreport: {report}")
    click.echo(report.read_text(encoding="utf-8"))


COMMANDS = [demo]
