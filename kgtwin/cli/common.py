"""Helpers every command module shares: opening the store, parsing KEY=VALUE, JSON out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kgtwin.store.base import Commit, GraphStore
    from kgtwin.twin.executor import Executor, ExecutorKind


def open_cli_store(
    ctx: click.Context,
    *,
    create: bool = True,
    commit: Commit = "load",
    lock_wait: float | None = None,
) -> GraphStore:
    """The store named by ``--store``/``KGTWIN_STORE`` (use as a context manager)."""
    from kgtwin.store import open_store

    return open_store(ctx.obj["store_path"], create=create, commit=commit, lock_wait=lock_wait)


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


def executor_options(command):
    """``--executor threads|dask`` and ``--scheduler ADDRESS`` (commands that simulate
    many twins; see :mod:`kgtwin.twin.executor`)."""
    command = click.option(
        "--scheduler", metavar="ADDRESS",
        help="Dask scheduler (tcp://host:8786) for --executor dask; default: local worker "
             "processes started for this run.")(command)
    return click.option(
        "--executor", type=click.Choice(["threads", "dask"]), default="threads",
        show_default=True, help="Where the twins are simulated: threads here, or Dask "
                                "(same numbers for the same seed).")(command)


def make_executor(kind: ExecutorKind, scheduler: str | None, workers: int | None) -> Executor:
    """The executor the options name (a usage error names what is wrong)."""
    from kgtwin.twin.executor import Executor, ExecutorError

    if scheduler and kind != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    try:
        return Executor(kind=kind, scheduler=scheduler, workers=workers)
    except ExecutorError as error:
        raise click.UsageError(str(error)) from None
