"""Commands that find things by name: ``kgtwin search`` and ``kgtwin paths``."""

from __future__ import annotations

import click

from kgtwin.cli.common import echo_json, open_cli_store


@click.command()
@click.argument("text")
@click.option("--category", help="Only nodes of this Biolink category (or a subclass), "
              "e.g. Gene, Drug, Disease.")
@click.option("-k", "--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many matches to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def search(ctx: click.Context, text: str, category: str | None, limit: int,
           as_json: bool) -> None:
    """Find nodes by symbol, name, synonym or id, best match first.

    Exact ids and names rank first, then exact synonyms, then names that start with
    TEXT, then names and synonyms that contain it. Case is ignored.

    \b
    Examples:
      kgtwin search braf
      kgtwin search melanoma --category Disease
      kgtwin search "mitogen-activated" --category Gene -k 5 --json
    """
    from kgtwin.store.search import search as find

    with open_cli_store(ctx, create=False) as store:
        matches = find(store, text, category=category, limit=limit)
    if as_json:
        echo_json([m.to_dict() for m in matches])
        return
    for m in matches:
        via = "" if m.matched == m.node.name else f"  ({m.field}: {m.matched})"
        click.echo(f"{m.score:>4}  {m.node.id:<24} {m.node.name or '':<32} "
                   f"[{m.node.category.removeprefix('biolink:')}]{via}")
    click.echo(f"{len(matches)} match{'es' if len(matches) != 1 else ''}")


@click.command()
@click.argument("source")
@click.argument("target")
@click.option("--max-length", type=click.IntRange(1, 6), default=3, show_default=True,
              help="Longest path, in edges.")
@click.option("-k", "--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many paths to list (shortest first).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def paths(ctx: click.Context, source: str, target: str, max_length: int, limit: int,
          as_json: bool) -> None:
    """Paths between two nodes, shortest first, edges followed either way.

    SOURCE and TARGET are ids in any spelling, or names and symbols (`kgtwin search`
    finds them). The same as `store.paths()` in Python.

    \b
    Examples:
      kgtwin paths vemurafenib melanoma
      kgtwin paths CHEBI:63637 MONDO:0005105 --max-length 2 --json
    """
    from kgtwin.store.search import resolve_term

    with open_cli_store(ctx, create=False) as store:
        start, goal = resolve_term(store, source), resolve_term(store, target)
        found = store.paths(start, goal, max_length=max_length, limit=limit)
        names = {}
        for path in found:
            for edge in path:
                for id_ in (edge.subject, edge.object):
                    if id_ not in names:
                        node = store.node(id_)
                        names[id_] = (node.name if node else None) or id_
    if as_json:
        echo_json([{"length": len(path), "nodes": _walk(path, start),
                    "edges": [edge.to_dict() for edge in path]} for path in found])
        return
    for path in found:
        walk, text = _walk(path, start), names[start]
        for edge, nxt in zip(path, walk[1:], strict=True):
            label = edge.predicate.removeprefix("biolink:")
            forward = edge.object == nxt and edge.subject != nxt
            text += f" -[{label}]-> " if forward else f" <-[{label}]- "
            text += names[nxt]
        click.echo(f"{len(path)}  {text}")
    click.echo(f"{len(found)} path{'s' if len(found) != 1 else ''} from {start} to {goal} "
               f"(at most {max_length} edges)")


def _walk(path: list, start: str) -> list[str]:
    """The node ids a path visits in order, from ``start`` (edges point either way)."""
    walk = [start]
    for edge in path:
        walk.append(edge.object if edge.subject == walk[-1] else edge.subject)
    return walk


COMMANDS = [search, paths]
__all__ = ["COMMANDS"]
