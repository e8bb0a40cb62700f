"""The root ``kgtwin`` group: global options, logging set-up and one-line errors.

Start-up stays fast (``kgtwin --help`` in well under 0.3 s of CPU) by one rule: a command
module imports only click and light kgtwin modules at its top, and imports what its work
needs (the store, pandas, torch, numba...) inside the command's function. Annotations
name heavy types under ``TYPE_CHECKING``. ``tests/core/test_startup.py`` runs every
command's ``--help`` and fails naming the first that loads a heavy library.
"""

from __future__ import annotations

import logging
import sys

import click

from kgtwin import __version__
from kgtwin.errors import KgTwinError

DEFAULT_STORE = "kgtwin-store"


class KgTwinGroup(click.Group):
    """Prints kgtwin's own errors as one line (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgTwinError as error:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)


@click.group(cls=KgTwinGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    type=str,  # not a Path: a Path would fold the '//' of bolt://
    envvar="KGTWIN_STORE",
    default=DEFAULT_STORE,
    show_default=True,
    help="Folder of the embedded graph store, or a Neo4j URI such as bolt://127.0.0.1:7687 "
    "(or set KGTWIN_STORE).",
)
@click.option("--debug", is_flag=True, help="Show full tracebacks and debug logs.")
@click.version_option(__version__, prog_name="kgtwin")
@click.pass_context
def cli(ctx: click.Context, store: str, debug: bool) -> None:
    """Build an ontology-aligned knowledge graph, predict links, simulate patient twins.

    \b
    Example:
      kgtwin demo                       # load the demo, predict, simulate, report
      kgtwin --store my.kg load kgx nodes.tsv edges.tsv
      kgtwin status --json
    """
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    ctx.ensure_object(dict)
    ctx.obj["store_path"] = store
    ctx.obj["debug"] = debug


def _register_commands() -> None:
    """Each area of kgtwin adds its commands from its own module of this package."""
    from kgtwin.cli import (
        demo,
        embed,
        find,
        genes,
        graph,
        neo4j,
        patient,
        twin,
        twin_graph,
        twin_screen,
    )

    for module in (graph, genes, find, patient, embed, twin, twin_graph, twin_screen, neo4j, demo):
        for command in module.COMMANDS:
            cli.add_command(command)


_register_commands()


def main() -> None:
    cli(prog_name="kgtwin")
