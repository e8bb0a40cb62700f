"""Helpers every command module shares: opening the store, parsing KEY=VALUE, JSON out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kgtwin.store.base import Commit, GraphStore


def open_cli_store(
    ctx: click.Context, *, create: bool = True, commit: Commit = "load"
) -> GraphStore:
    """The store named by ``--store``/``KGTWIN_STORE`` (use as a context manager)."""
    from kgtwin.store import open_store

    return open_store(ctx.obj["store_path"], create=create, commit=commit)


def parse_pairs(pairs: Iterable[str], option: str) -> dict[str, str]:
    """``("a=1", "b=x")`` -> ``{"a": "1", "b": "x"}``; a pair without ``=`` is a usage error."""
    parsed = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint=option)
        parsed[key.strip()] = value.strip()
    return parsed


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, default=str))
