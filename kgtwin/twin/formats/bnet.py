"""BNET: ``node, rule`` per line, as read by pyboolnet, BoolNet, mpbn and AEON."""

from __future__ import annotations

from pathlib import Path

from kgtwin.errors import InputError
from kgtwin.twin.expr import Expr
from kgtwin.twin.formats._common import check_known, check_name, parse_rule
from kgtwin.twin.model import LogicalModel, Node

__all__ = ["dumps_bnet", "loads_bnet"]


def loads_bnet(text: str, *, path: str | Path | None = None, name: str = "model") -> LogicalModel:
    """Read BNET text; ``#`` starts a comment and a ``targets, factors`` header is optional.

    BNET has no rates or initial states: every node gets rate 1 and starts on with
    probability 0.5 (MaBoSS's defaults).
    """
    rules: dict[str, Expr] = {}
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "," not in line:
            raise InputError(path, number, "expected 'node, rule'")
        target, rule_text = (part.strip() for part in line.split(",", 1))
        if target.lower() == "targets" and rule_text.lower() == "factors":
            continue
        check_name(target, path=path, line=number)
        if target in rules:
            raise InputError(
                path, number, f"node {target} is defined twice (first at line {lines[target]})"
            )
        rules[target] = parse_rule(rule_text, path=path, line=number, node=target)
        lines[target] = number
    if not rules:
        raise InputError(path, None, "no node defined")
    check_known(rules, lines, path=path)
    return LogicalModel(nodes=tuple(Node(name=n, rule=r) for n, r in rules.items()), name=name)


def dumps_bnet(model: LogicalModel) -> str:
    """Write BNET (logic only: rates and initial states have no place in the format)."""
    width = max(len(name) for name in model.names)
    lines = ["targets, factors"]
    lines += [f"{node.name + ',':<{width + 1}} {_bnet_rule(node.rule)}" for node in model.nodes]
    return "\n".join(lines) + "\n"


def _bnet_rule(rule: Expr) -> str:
    """BNET has no XOR; pyboolnet and BoolNet read ``^`` poorly, so expand it."""
    return _expand_xor(rule).to_text()


def _expand_xor(rule: Expr) -> Expr:
    from kgtwin.twin.expr import And, Not, Or, Xor

    if isinstance(rule, Not):
        return Not(_expand_xor(rule.arg))
    if isinstance(rule, And | Or):
        return type(rule)(tuple(_expand_xor(arg) for arg in rule.args))
    if isinstance(rule, Xor):
        left = _expand_xor(rule.args[0])
        for arg in rule.args[1:]:
            right = _expand_xor(arg)
            left = Or((And((left, Not(right))), And((Not(left), right))))
        return left
    return rule
