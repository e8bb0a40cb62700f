"""Commands for Neo4j: ``kgtwin neo4j start|stop|status|examples`` and ``kgtwin query``."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

HOME_HELP = "Folder of the local server (or set KGTWIN_NEO4J_HOME; default ~/.kgtwin/neo4j)."


def neo4j_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--neo4j-uri/--neo4j-user/--neo4j-password/--neo4j-database/--neo4j-home, as
    ``settings`` (a :class:`~kgtwin.neo4j.settings.Neo4jSettings`)."""

    @click.option("--neo4j-uri", help="Bolt URI (or NEO4J_URI; default: the local server).")
    @click.option("--neo4j-user", help="User name (or NEO4J_USERNAME; default neo4j).")
    @click.option(
        "--neo4j-password",
        help="Password (or NEO4J_PASSWORD; default: the local server's password file).",
    )
    @click.option("--neo4j-database", help="Database (or NEO4J_DATABASE; default: the server's).")
    @click.option("--neo4j-home", type=click.Path(path_type=Path), help=HOME_HELP)
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kgtwin.neo4j.settings import Neo4jSettings

        kwargs["settings"] = Neo4jSettings.resolve(
            kwargs.pop("neo4j_uri"),
            kwargs.pop("neo4j_user"),
            kwargs.pop("neo4j_password"),
            kwargs.pop("neo4j_database"),
            home=kwargs.pop("neo4j_home"),
        )
        return command(*args, **kwargs)

    return wrapper


def _home_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--home", type=click.Path(path_type=Path), help=HOME_HELP)(command)


@click.group("neo4j")
def neo4j_group() -> None:
    """Run a local Neo4j Community server (with Neo4j Browser) and explore the graph.

    \b
    Example:
      kgtwin neo4j start                # first start fetches the jars with Maven
      kgtwin neo4j status
      kgtwin query "MATCH (n:Gene) RETURN n.id, n.name LIMIT 5"
      kgtwin neo4j stop
    """


@neo4j_group.command("start")
@_home_option
@click.option("--password", help="Initial password (first start only; default: generated).")
@click.option("--bolt-port", type=int, help="Bolt port on 127.0.0.1 (default 7687).")
@click.option("--http-port", type=int, help="HTTP/Browser port on 127.0.0.1 (default 7474).")
@click.option("--heap", help="JVM heap size (default 1g).")
@click.option("--pagecache", help="Page cache size (default 1g).")
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Seconds to wait.")
def start(home: Path | None, password: str | None, timeout: float, **sizes: Any) -> None:
    """Assemble (first time), configure and start the server; wait until Bolt answers.

    \b
    Example:
      kgtwin neo4j start                          # ~/.kgtwin/neo4j, ports 7687/7474
      kgtwin neo4j start --home /data/neo4j --bolt-port 7688 --http-port 7475
    """
    from kgtwin.neo4j.server import LocalServer, ServerConfig

    server = LocalServer(ServerConfig.load(home, **sizes))
    was_running = server.pid() is not None
    began = time.monotonic()
    status = server.start(password=password, timeout=timeout,
                          progress=lambda message: click.echo(message, err=True))
    click.echo("Neo4j was already running." if was_running
               else f"Neo4j started in {time.monotonic() - began:.0f} s.")
    _print_status(status)


@neo4j_group.command("stop")
@_home_option
def stop(home: Path | None) -> None:
    """Stop the local server.

    \b
    Example:
      kgtwin neo4j stop --home /data/neo4j
    """
    from kgtwin.neo4j.server import LocalServer, ServerConfig

    server = LocalServer(ServerConfig.load(home))
    click.echo("Neo4j stopped." if server.stop() else "Neo4j was not running.")


@neo4j_group.command("status")
@_home_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(home: Path | None, as_json: bool) -> None:
    """Where the local server listens, how to connect, whether it runs.

    \b
    Example:
      kgtwin neo4j status --json
    """
    from kgtwin.neo4j.server import LocalServer, ServerConfig

    report = LocalServer(ServerConfig.load(home)).status()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_status(report)


def _print_status(report: Any) -> None:
    state = f"running (pid {report.pid})" if report.running else "not running"
    password = report.password_file or "(none yet: set on first start)"
    click.echo(
        f"  state:    {state}\n"
        f"  home:     {report.home}\n"
        f"  bolt:     {report.bolt_uri}\n"
        f"  browser:  {report.browser_url}\n"
        f"  user:     {report.user}\n"
        f"  password: in {password}\n"
        f"  connect:  NEO4J_URI={report.bolt_uri} NEO4J_USERNAME={report.user} "
        f'NEO4J_PASSWORD="$(cat {password})"'
    )


@neo4j_group.command("examples")
@click.option(
    "--export",
    "export_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also write the .cypher files here (drag them onto Browser's Favorites drawer).",
)
def examples_command(export_dir: Path | None) -> None:
    """Print example queries to paste into Neo4j Browser (:param lines first).

    \b
    Example:
      kgtwin neo4j examples --export browser-favourites/
    """
    from kgtwin.neo4j.examples import examples, export

    for example in examples():
        click.echo(f"// === {example.title} ===")
        click.echo(f"// {example.description}")
        click.echo("\n".join(example.browser_commands()) + "\n")
    if export_dir is not None:
        for path in export(export_dir):
            click.echo(f"wrote {path}", err=True)


@neo4j_group.command("guide")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Loopback port to serve the guide on (0: any free port).")
@click.option("--write", "write_to", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the guide's HTML to this file instead of serving it.")
def guide_command(port: int, write_to: Path | None) -> None:
    """Serve a Neo4j Browser guide to the demo graph; open it with the :guide line printed.

    The guide has a page per example query (`kgtwin neo4j examples`), each with its
    :param lines and the query as blocks that go into Browser's editor when clicked.
    Browser fetches it from http://localhost:PORT (a host its default allowlist,
    browser.remote_content_hostname_allowlist, accepts); stop with Ctrl-C.

    \b
    Example:
      kgtwin neo4j guide              # then in Browser: :guide http://localhost:8765/kgtwin-guide.html
      kgtwin neo4j guide --write guide.html
    """
    import time

    from kgtwin.neo4j.guide import GuideServer, guide_html

    if write_to is not None:
        write_to.write_text(guide_html(), encoding="utf-8")
        click.echo(f"wrote {write_to}")
        return
    try:
        server = GuideServer(port=port)
    except OSError as error:
        raise click.ClickException(f"cannot serve on port {port}: {error.strerror}; "
                                   "choose another with --port") from None
    with server:
        click.echo(f"serving the guide on {server.url}; in Neo4j Browser run:\n"
                   f"  {server.command}\n(Ctrl-C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopped")


#: Rows ``kgtwin query`` prints unless told otherwise.
DEFAULT_ROW_LIMIT = 1000


@click.command("query")
@click.argument("cypher")
@click.option("--param", "-p", "params", multiple=True, help="name=value (JSON or plain text).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option("--write", is_flag=True, help="Allow the query to write (a write transaction).")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=DEFAULT_ROW_LIMIT,
    show_default=True,
    help="Print at most this many rows (0: all); rows stream, so any number fits in memory.",
)
@neo4j_options
def query(
    cypher: str, params: tuple[str, ...], fmt: str, write: bool, limit: int, settings: Any
) -> None:
    """Run CYPHER on Neo4j (read-only unless --write); values go in with --param.

    Without --write the server must plan the query as a read (no writes, LOAD CSV,
    state-changing procedures or administration commands), and it runs in a read-only
    transaction.

    \b
    Example:
      kgtwin query "MATCH (g:Gene {id: \\$id}) RETURN g.name" --param id=HGNC:1097
    """
    from itertools import islice

    from kgtwin.neo4j.query import open_query, parse_params, stream_text

    values = parse_params(params)
    with (
        settings.driver() as driver,
        open_query(driver, cypher, values, write=write, database=settings.database) as q,
    ):
        rows = q.rows if limit == 0 else islice(q.rows, limit)
        for text in stream_text(q.keys, rows, fmt):
            click.echo(text)
        cut = limit > 0 and next(q.rows, None) is not None
    if cut:
        click.echo(
            f"(showing the first {limit} rows; --limit N for more, --limit 0 for all)",
            err=True,
        )


def _echo_transfer(report: Any, where: str) -> None:
    for label in report.loaded:
        click.echo(f"copied   {label}")
    for label in report.skipped:
        click.echo(f"skipped  {label} (already there)")
    click.echo(f"{where} now holds {report.nodes} nodes and {report.edges} edges.")


@click.command("push")
@click.option(
    "--method",
    type=click.Choice(["auto", "bulk", "incremental"]),
    default="auto",
    show_default=True,
    help="bulk: neo4j-admin import into the local kgtwin server (replaces its database); "
    "incremental: batched transactions, merging; auto: bulk for an empty local server "
    "and a graph of 100,000 edges or more.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace everything the database holds (bulk: import over it; incremental: "
    "empty it first). Without it a bulk push needs an empty database.",
)
@click.option("--gzip", "compress", is_flag=True, help="Compress the bulk import files.")
@neo4j_options
@click.pass_context
def push(ctx: click.Context, method: str, replace: bool, compress: bool, settings: Any) -> None:
    """Copy the embedded store (--store) into Neo4j, source by source, with provenance.

    Incremental pushes merge, one transaction per batch: sources Neo4j already holds are
    skipped, so pushing again changes nothing, and a push that stopped half-way (the
    server went away) is completed by pushing again. A bulk push writes neo4j-admin
    import files, stops the local server, imports, and starts it again; it needs an
    empty database or --replace.
    The command says which method it chose and why.

    \b
    Example:
      kgtwin --store kgtwin-store push                  # to the local server
      kgtwin --store kgtwin-store push --method bulk --replace
      kgtwin push --neo4j-uri neo4j://db.example.org:7687 --neo4j-user kg
    """
    from kgtwin.cli.common import open_cli_store
    from kgtwin.neo4j.bulk import bulk_push, choose_method
    from kgtwin.neo4j.store import Neo4jStore
    from kgtwin.neo4j.transfer import copy_graph

    with open_cli_store(ctx, create=False) as embedded:
        edges = embedded.counts().edges
        chosen, why = choose_method(method, settings, edges, replace=replace)
        click.echo(f"method: {chosen} ({why})")
        if chosen == "bulk":
            report = bulk_push(embedded, settings, replace=replace, compress=compress)
            restart = report.stop_s + report.start_s
            click.echo(
                f"bulk import: {report.nodes} nodes and {report.edges} edges in "
                f"{report.total_s:.1f} s (files {report.write_s:.1f} s, import "
                f"{report.import_s:.1f} s, server stop/start {restart:.1f} s)"
            )
            return
        # Batch by batch: the records come from a store (already checked), and a source
        # of any size fits the server's transaction memory; a stopped push resumes.
        with Neo4jStore(settings, commit="batch") as neo4j:
            if replace:
                neo4j.clear()
            report = copy_graph(embedded, neo4j, progress=True)
    _echo_transfer(report, f"Neo4j at {settings.uri}")


@click.command("pull")
@neo4j_options
@click.pass_context
def pull(ctx: click.Context, settings: Any) -> None:
    """Copy the graph in Neo4j into the embedded store (--store), with provenance.

    \b
    Example:
      kgtwin --store from-neo4j pull
    """
    from kgtwin.cli.common import open_cli_store
    from kgtwin.neo4j.store import Neo4jStore
    from kgtwin.neo4j.transfer import copy_graph

    with Neo4jStore(settings) as neo4j, open_cli_store(ctx) as embedded:
        report = copy_graph(neo4j, embedded, progress=True)
    _echo_transfer(report, f"the store at {ctx.obj['store_path']}")


COMMANDS = [neo4j_group, query, push, pull]
