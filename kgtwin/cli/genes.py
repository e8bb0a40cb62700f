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
    HGNC complete set instead, offline. `kgtwin genes fetch --coordinates GRCh37` keeps
    GENCODE's gene coordinates on a build, which segmented copy number is placed on genes
    by (offline: --option coordinates=FILE on the load).

    \b
    Example:
      kgtwin genes info
      kgtwin genes resolve CYP2B6 NCBIGene:1555 UniProtKB:P20813
    """


@genes.command("fetch")
@click.option("--url", help="Another URL (then --sha256, or --md5 with --coordinates).")
@click.option("--sha256", "sha256", help="The sha256 the HGNC download must have.")
@click.option("--coordinates", "build", metavar="BUILD",
              help="Fetch gene coordinates on BUILD (GRCh37/hg19: GENCODE 19; GRCh38/hg38: "
                   "GENCODE 38) instead of the HGNC table: what segmented copy number is "
                   "placed on genes by.")
@click.option("--md5", help="The md5 a --coordinates download from --url must have.")
def fetch_command(url: str | None, sha256: str | None, build: str | None,
                  md5: str | None) -> None:
    """Download the pinned HGNC complete set, or a build's pinned gene coordinates, into
    the cache (the only network access).

    \b
    Example:
      kgtwin genes fetch
      kgtwin genes fetch --coordinates GRCh37
      KGTWIN_CACHE_DIR=/data/kgtwin kgtwin genes fetch
    """
    if build:
        _fetch_coordinates(build, url, md5)
        return
    from kgtwin import genes_fetch

    if url and not sha256:
        raise click.UsageError("--url needs --sha256 (a release is only kept if it matches)")
    click.echo(f"downloading {url or genes_fetch.URL} ...", err=True)
    done = genes_fetch.fetch(url or genes_fetch.URL, sha256 or genes_fetch.SHA256)
    click.echo(f"kept {done.path} ({done.size:,} bytes, sha256 {done.sha256[:12]}, "
               f"{done.genes} approved genes); loads now resolve genes against it")


def _fetch_coordinates(build: str, url: str | None, md5: str | None) -> None:
    from kgtwin.coordinates_fetch import RELEASES, fetch_coordinates
    from kgtwin.gene_coordinates import build_name

    if url and not md5:
        raise click.UsageError("--url with --coordinates needs --md5 (an annotation is only "
                               "kept if it matches)")
    name = build_name(build)
    click.echo(f"downloading {url or RELEASES[name].url} ...", err=True)
    done = fetch_coordinates(name, url, md5)
    click.echo(f"kept {done.path} ({done.genes:,} gene records on {done.build} from "
               f"{done.size:,} bytes, md5 {done.md5[:12]}); segment files loaded with "
               f"--option build={done.build} are placed on genes by it")


@genes.command("info")
@click.option("--genes", "table", help="A gene table to describe instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(table: str | None, as_json: bool) -> None:
    """Say which gene table loads resolve against, and how many genes it has; and the
    gene coordinates `kgtwin genes fetch --coordinates` kept, per build.

    \b
    Example:
      kgtwin genes info --json
    """
    from kgtwin.coordinates_fetch import cached_releases
    from kgtwin.genes import gene_index, gene_index_source

    path, origin = gene_index_source(table)
    index = gene_index(table)
    coordinates = cached_releases()
    data = {"table": str(path) if path else "shipped", "origin": origin,
            "release": index.release, "genes": len(index),
            "coordinates": [{"build": c.build, "path": str(c.path), "source": c.source,
                             "md5": c.md5, "release": c.release, "genes": c.genes}
                            for c in coordinates]}
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['genes']} genes from {data['table']} ({origin}): {index.release}")
    if path is None:
        click.echo("`kgtwin genes fetch` gets the current HGNC release")
    for c in coordinates:
        made = f"{c.release}, " if c.release else ""
        click.echo(f"gene coordinates on {c.build}: {c.genes:,} genes from {c.source} "
                   f"({made}md5 {c.md5}) in {c.path}")
    if not coordinates:
        click.echo("gene coordinates: none cached (`kgtwin genes fetch --coordinates "
                   "GRCh37|GRCh38` for segment files, or --option coordinates=FILE)")


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
