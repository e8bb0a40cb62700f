"""Commands on the graph itself: load, status, node, neighbors, export."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kgtwin.cli.common import echo_json, open_cli_store, parse_pairs
from kgtwin.errors import KgTwinError
from kgtwin.genes import AMBIGUOUS
from kgtwin.store.commit import COMMITS, Commit

if TYPE_CHECKING:
    from kgtwin.load import LoadReport


@click.command(context_settings={"help_option_names": []})
@click.argument("format", required=False)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--list", "list_formats", is_flag=True, help="List the formats and exit.")
@click.option("-h", "--help", "show_help", is_flag=True,
              help="Show this message, or with a FORMAT that loader's options and columns.")
@click.option("--source", help="Source name recorded as provenance (default: the format).")
@click.option("--version", "source_version", help="Source version recorded as provenance.")
@click.option("--namespace", help="Keep non-CURIE values as NAME:value, marked unaligned.")
@click.option("--option", "options", multiple=True, metavar="KEY=VALUE",
              help="A loader option (repeatable); see `kgtwin load --list`.")
@click.option("--skip-bad", is_flag=True, help="Skip and count bad records instead of stopping.")
@click.option("--force", is_flag=True, help="Load even if this exact source is already in.")
@click.option("--wait", type=click.FloatRange(min=0), metavar="SECONDS",
              help="If another load holds the store, give up after this long (default: "
                   "wait until it finishes).")
@click.option("--allow-empty", is_flag=True,
              help="Accept empty files and loads that yield no record (an error otherwise).")
@click.option("--config", "config", type=click.Path(path_type=Path, dir_okay=False),
              help="Load every source a sources.yaml declares, in order (unchanged ones are "
                   "skipped).")
@click.option("--commit", type=click.Choice(COMMITS), default="load",
              show_default=True,
              help="Neo4j stores: one transaction for the whole load (all or nothing), or "
                   "one per batch (any size; a load that stopped is completed by loading "
                   "it again).")
@click.pass_context
def load(
    ctx: click.Context,
    format: str | None,
    files: tuple[Path, ...],
    list_formats: bool,
    source: str | None,
    source_version: str | None,
    namespace: str | None,
    options: tuple[str, ...],
    skip_bad: bool,
    force: bool,
    wait: float | None,
    allow_empty: bool,
    config: Path | None,
    commit: Commit,
    show_help: bool,
) -> None:
    """Load FILES in FORMAT into the store (a merge; unchanged files are skipped).

    FILES may be files, folders (their files of the format's kinds) and glob patterns.

    \b
    Examples:
      kgtwin load --list
      kgtwin load maf --help              # a format's options and column map
      kgtwin load kgx nodes.tsv edges.tsv --source hetionet --version 1.0
      kgtwin load phenopacket packets/    # every .json file under the folder
      kgtwin load triples train.tsv --namespace umls
      kgtwin load --config sources.yaml
      kgtwin --store bolt://127.0.0.1:7687 load kgx nodes.tsv edges.tsv --commit batch
    """
    if show_help:
        if format:
            from kgtwin.loaders import loader_registry
            from kgtwin.loaders.describe import loader_help

            click.echo(loader_help(loader_registry().get(format)))
        else:
            click.echo(ctx.get_help())
        return
    from kgtwin.load import load_files
    from kgtwin.loaders import loader_registry

    if list_formats:
        for cls in sorted(loader_registry(), key=lambda c: c.name):
            click.echo(f"{cls.name:<16} {cls.description}")
        return
    if config is not None:
        from kgtwin.sources import load_sources

        with open_cli_store(ctx, commit=commit, lock_wait=wait) as store:
            for each in load_sources(store, config, skip_bad=skip_bad, force=force,
                                     progress=True):
                _echo_report(each)
        return
    if not format or not files:
        raise click.UsageError("give a FORMAT and at least one FILE (or --list)")
    loader_options: dict[str, object] = parse_pairs(options, "--option")
    if namespace:
        loader_options["namespace"] = namespace
    with open_cli_store(ctx, commit=commit, lock_wait=wait) as store:
        report = load_files(
            store,
            format,
            list(files),
            source=source,
            version=source_version,
            options=loader_options,
            skip_bad=skip_bad,
            force=force,
            progress=True,
            allow_empty=allow_empty,
        )
    _echo_report(report)


def _echo_report(report: LoadReport) -> None:
    if report.skipped:
        click.echo(f"unchanged: {report.source.path} is already loaded (use --force to reload)")
        return
    counts = report.counts
    click.echo(
        f"loaded {report.source.path}: {counts.nodes} node, {counts.edges} edge and "
        f"{counts.measurements} measurement records; the store now holds "
        f"{counts.total_nodes} nodes and {counts.total_edges} edges"
    )
    account = report.reconciliation
    if account is not None:
        click.echo(f"read {account.read} records = {_or_unknown(account.stored)} stored + "
                   f"{_or_unknown(account.merged)} merged into existing nodes and edges + "
                   f"{account.passed_over} passed over + {account.rejected} rejected")
        if account.passed_over:
            click.echo(f"passed over {account.passed_over} rows (no statement to store):")
        for reason, count in account.passed_over_reasons.items():
            click.echo(f"  {count:>9}  {reason}")
        for renamed, count in account.renamed_predicates.items():
            click.echo(f"stored {count} edges under the current Biolink name of the file's "
                       f"predicate ({renamed}; the file's kept as original_predicate)")
        if account.rejected:
            click.echo(f"skipped {account.rejected} bad records:")
        for rejection in account.rejections[:REJECTIONS_LISTED]:
            click.echo(f"  {rejection}")
        if account.rejected > REJECTIONS_LISTED:
            click.echo(f"  ... and {account.rejected - REJECTIONS_LISTED} more rejections "
                       "(`kgtwin status --json` lists the first "
                       f"{len(account.rejections)})")
    if report.dropped_xrefs:
        click.echo(f"ignored {report.dropped_xrefs} xrefs with prefixes no registry knows")
    if report.unresolved_genes:
        kept = account is not None and account.unresolved_policy == "keep"
        _say_unresolved(report, kept)


def _say_unresolved(report: LoadReport, kept: bool) -> None:
    """List the genes the index did not know, saying what became of each kind: a symbol
    is refused with its row (or kept as ``hgnc.symbol:NAME``); an id (``HGNC:1``,
    ``NCBIGene:…``) is kept as written under either policy, so it is never called refused."""
    ambiguous = sorted(name for name, why in report.unresolved_genes.items()
                       if AMBIGUOUS in why)
    if ambiguous:
        what = ("kept (--option unresolved_genes=keep), a symbol as hgnc.symbol:NAME, an id "
                "as written" if kept else "refused with their rows, listed above; "
                "--option unresolved_genes=keep keeps them")
        click.echo(f"{len(ambiguous)} gene names or ids the gene index ({report.gene_index}) "
                   f"gives to several genes, never guessed, {what}: "
                   + _first([f"{name} ({_candidates(report.unresolved_genes[name])})"
                             for name in ambiguous]))
    symbols = sorted(name for name, why in report.unresolved_genes.items()
                     if ":" not in name and AMBIGUOUS not in why)
    ids = sorted(name for name, why in report.unresolved_genes.items()
                 if ":" in name and AMBIGUOUS not in why)
    if symbols:
        what = ("kept (--option unresolved_genes=keep) as hgnc.symbol:NAME" if kept else
                "refused with their rows, listed above; --option unresolved_genes=keep "
                "keeps them as hgnc.symbol:NAME")
        click.echo(f"{len(symbols)} gene symbols not in the gene index ({report.gene_index}), "
                   f"{what}: {_first(symbols)}")
    if ids:
        click.echo(f"{len(ids)} gene ids not in the gene index ({report.gene_index}), kept as "
                   f"written, each its own node: {_first(ids)}")


def _candidates(why: str) -> str:
    """The genes an ambiguous name's reason lists (``… of HGNC:4823, HGNC:4824``)."""
    return why.rpartition(" of ")[2]


def _first(names: list[str]) -> str:
    more = f" and {len(names) - GENES_LISTED} more" if len(names) > GENES_LISTED else ""
    return ", ".join(names[:GENES_LISTED]) + more


#: How many unresolved genes the end of a load lists (status --json has them all).
GENES_LISTED = 20
#: How many rejections the end of a load lists.
REJECTIONS_LISTED = 20


def _or_unknown(value: int | None) -> str:
    return "?" if value is None else str(value)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show the load ledger and what the graph holds.

    \b
    Example:
      kgtwin status --json
    """
    with open_cli_store(ctx, create=False) as store:
        counts = store.counts()
        ledger = store.ledger()
        incomplete = store.incomplete_loads()
    if as_json:
        echo_json({"counts": asdict(counts), "ledger": [asdict(e) for e in ledger],
                   "incomplete": [asdict(s) for s in incomplete]})  # fmt: skip
        return
    click.echo(f"{counts.nodes} nodes, {counts.edges} edges, {counts.measurements} measurements")
    if counts.unaligned_nodes or counts.unaligned_edges:
        click.echo(
            f"unaligned (kept in a user namespace): {counts.unaligned_nodes} nodes, "
            f"{counts.unaligned_edges} edges"
        )
    click.echo("\nnodes by category:")
    for name, count in counts.nodes_by_category.items():
        click.echo(f"  {count:>9}  {name}")
    click.echo("edges by predicate:")
    for name, count in counts.edges_by_predicate.items():
        click.echo(f"  {count:>9}  {name}")
    click.echo("\nledger:")
    for entry in ledger:
        source = entry.source
        click.echo(
            f"  {entry.loaded_at}  {source.name} {source.version} ({source.loader}) "
            f"{source.path}  nodes={entry.nodes} edges={entry.edges} "
            f"sha256={source.checksum[:12]}"
        )
        account = entry.reconciliation
        if account:
            click.echo(f"    read={account['read']} stored={_or_unknown(account['stored'])} "
                       f"merged={_or_unknown(account['merged'])} "
                       f"passed_over={account.get('passed_over', 0)} "
                       f"rejected={account['rejected']}")
            for reason, count in (account.get("passed_over_reasons") or {}).items():
                click.echo(f"      passed over {count}: {reason}")
            for renamed, count in (account.get("renamed_predicates") or {}).items():
                click.echo(f"      renamed predicate {count}: {renamed}")
    for source in incomplete:
        click.echo(f"  incomplete: {source.name} {source.version} ({source.loader}) "
                   f"{source.path}: the load stopped; load it again to complete it")  # fmt: skip


@click.command()
@click.argument("id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def node(ctx: click.Context, id: str, as_json: bool) -> None:
    """Show the node that ID (any equivalent id in any spelling, or a name) names.

    A name, symbol or synonym works when exactly one node carries it; otherwise the
    error lists the closest matches (`kgtwin search` ranks them all).

    \b
    Examples:
      kgtwin node ncbigene:673      # finds HGNC:1097 (BRAF)
      kgtwin node vemurafenib       # by name: CHEBI:63637
    """
    from kgtwin.store.search import resolve_term

    with open_cli_store(ctx, create=False) as store:
        resolved = resolve_term(store, id)
        found = store.node(resolved)
    if found is None:
        raise KgTwinError(f"no node answers to {id!r}")
    if as_json:
        echo_json(found.to_dict())
        return
    click.echo(f"{found.id}  {found.name or ''}  [{found.category}]")
    if found.xrefs:
        click.echo(f"  also known as: {', '.join(found.xrefs)}")
    for key, value in found.properties.items():
        click.echo(f"  {key}: {value}")
    for prov in found.provenance:
        click.echo(f"  from {prov.source} {prov.version} (loaded {prov.loaded_at})")


@click.command()
@click.argument("id")
@click.option("--predicate", help="Only edges with this predicate (or a sub-predicate).")
@click.option("--category", help="Only neighbours of this category (or a subclass).")
@click.option("--direction", type=click.Choice(["out", "in", "both"]), default="both",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def neighbors(
    ctx: click.Context,
    id: str,
    predicate: str | None,
    category: str | None,
    direction: str,
    as_json: bool,
) -> None:
    """List the neighbours of ID (an id or a name) with the edges that connect them.

    \b
    Example:
      kgtwin neighbors HGNC:1097 --category ChemicalEntity --direction in
    """
    from kgtwin.store.search import resolve_term

    with open_cli_store(ctx, create=False) as store:
        found = store.neighbors(resolve_term(store, id), predicate=predicate, category=category,
                                direction=direction)  # type: ignore[arg-type]
    if as_json:
        echo_json([
            {"direction": n.direction, "node": n.node.to_dict(), "edge": n.edge.to_dict()}
            for n in found
        ])
        return
    for item in found:
        edge, arrow = item.edge, "->" if item.direction == "out" else "<-"
        qualifiers = " ".join(f"{k}={v}" for k, v in edge.qualifiers.items())
        click.echo(
            f"{arrow} {edge.predicate:<32} {item.node.id:<24} {item.node.name or '':<24} "
            f"[{item.node.category}] {qualifiers}"
        )
    click.echo(f"{len(found)} neighbours")


@click.command()
@click.argument("format", type=click.Choice(["kgx", "rdf", "graphml"]))
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--rdf-format", type=click.Choice(["turtle", "nt"]), default="turtle",
              show_default=True, help="Serialisation of the RDF export.")
@click.pass_context
def export(ctx: click.Context, format: str, out: Path, rdf_format: str) -> None:
    """Write the graph as KGX TSV (OUT is a folder), RDF or GraphML (OUT is a file).

    \b
    Examples:
      kgtwin export kgx out/          # out/nodes.tsv, out/edges.tsv
      kgtwin export rdf graph.nt --rdf-format nt
      kgtwin export graphml graph.graphml
    """
    from kgtwin.exchange.graphml import export_graphml
    from kgtwin.exchange.kgx import export_kgx
    from kgtwin.exchange.rdf import export_rdf

    with open_cli_store(ctx, create=False) as store:
        if format == "kgx":
            written = [str(p) for p in export_kgx(store, out)]
        elif format == "rdf":
            written = [str(export_rdf(store, out, format=rdf_format))]
        else:
            written = [str(export_graphml(store, out))]
    click.echo("wrote " + ", ".join(written))


COMMANDS = [load, status, node, neighbors, export]
__all__ = ["COMMANDS"]
