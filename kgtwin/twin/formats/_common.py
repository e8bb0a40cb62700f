"""What every model reader shares: rule parsing with file:line errors, node checks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from kgtwin.errors import InputError
from kgtwin.twin.expr import Expr, ExprSyntaxError, parse_expr

NODE_NAME = re.compile(r"^[A-Za-z0-9_.]+$")
RESERVED = frozenset({"and", "or", "not", "xor", "true", "false"})  # as in model.Node


def parse_rule(text: str, *, path: str | Path | None, line: int, node: str) -> Expr:
    """Parse one rule, turning a syntax error into an InputError at the rule's line."""
    try:
        return parse_expr(text)
    except ExprSyntaxError as error:
        raise InputError(path, line, f"syntax error in rule of {node}: {error}") from None


def check_name(name: str, *, path: str | Path | None, line: int) -> str:
    """Node names are letters, digits, ``_`` and ``.``, not only digits, not an operator
    word (``and``, ``not``...) or a constant (``true``, ``false``)."""
    if not NODE_NAME.match(name) or name.replace(".", "").isdigit() or name.lower() in RESERVED:
        raise InputError(path, line, f"invalid node name {name!r}")
    return name


def check_known(
    rules: Mapping[str, Expr], lines: Mapping[str, int], *, path: str | Path | None
) -> None:
    """Every node a rule reads must be defined; report the first offending line."""
    for name, rule in sorted(rules.items(), key=lambda item: lines[item[0]]):
        unknown = sorted(rule.variables() - rules.keys())
        if unknown:
            raise InputError(
                path, lines[name], f"rule of {name} uses undefined node {unknown[0]!r}"
            )
