"""``kgtwin genes``: which gene table resolves genes, fetching HGNC's once, look-ups."""

from __future__ import annotations

import click

from kgtwin.cli.common import echo_json


@click.group("genes")
def genes() -> None:
    """The gene index every loader resolves gene names and ids against.

    \b
    Out of the box: a compact HGNC index shipped with kgtwin (a snapshot).
    `kgtwin genes fetch` downloads the pinned current HGNC release once (checked against
    its sha256, kept in the cache); --option genes=FILE or KGTWIN_GENES=FILE use a local
    HGNC complete set instead, offline.

    \b
    Example:
      kgtwin genes info
      kgtwin genes resolve CYP2B6 NCBIGene:1555 UniProtKB:P20813
    """


@genes.command("fetch")
@click.option("--url", help="Another HGNC complete-set URL (then --sha256 is required).")
@click.option("--sha256", "sha256", help="The sha256 the download must have.")
def fetch_command(url: str | None, sha256: str | None) -> None:
    """Download the pinned HGNC complete set into the cache (the only network access).

    \b
    Example:
      kgtwin genes fetch
      KGTWIN_CACHE_DIR=/data/kgtwin kgtwin genes fetch
    """
    from kgtwin import genes_fetch

    if url and not sha256:
        raise click.UsageError("--url needs --sha256 (a release is only kept if it matches)")
    click.echo(f"downloading {url or genes_fetch.URL} ...", err=True)
    done = genes_fetch.fetch(url or genes_fetch.URL, sha256 or genes_fetch.SHA256)
    click.echo(f"kept {done.path} ({done.size:,} bytes, sha256 {done.sha256[:12]}, "
               f"{done.genes} approved genes); loads now resolve genes against it")


@genes.command("info")
@click.option("--genes", "table", help="A gene table to describe instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(table: str | None, as_json: bool) -> None:
    """Say which gene table loads resolve against, and how many genes it has.

    \b
    Example:
      kgtwin genes info --json
    """
    from kgtwin.genes import gene_index, gene_index_source

    path, origin = gene_index_source(table)
    index = gene_index(table)
    data = {"table": str(path) if path else "shipped", "origin": origin,
            "release": index.release, "genes": len(index)}
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['genes']} genes from {data['table']} ({origin}): {index.release}")
    if path is None:
        click.echo("`kgtwin genes fetch` gets the current HGNC release")


@genes.command("resolve")
@click.argument("values", nargs=-1, required=True)
@click.option("--genes", "table", help="A gene table to resolve against instead.")
def resolve(values: tuple[str, ...], table: str | None) -> None:
    """Show what gene each VALUE (symbol, previous symbol, alias or id) resolves to.

    \b
    Example:
      kgtwin genes resolve BRAF ncbigene:1555 P20813 ENSG00000157764
    """
    from kgtwin.genes import gene_index

    index = gene_index(table)
    for value in values:
        found = index.resolve(value)
        if found.hgnc:
            click.echo(f"{value}\t{found.hgnc}\t{index.symbol(found.hgnc)}\t({found.how})")
        else:
            click.echo(f"{value}\t-\t{found.reason()}")


COMMANDS = [genes]
__all__ = ["COMMANDS"]
