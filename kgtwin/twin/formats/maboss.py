"""MaBoSS ``.bnd`` (nodes, logic, rates) and ``.cfg`` (parameters, istate, settings).

kgtwin reads the rate forms that published MaBoSS models use: ``@logic ? $u_X : 0`` and
``@logic ? 0 : $d_X`` (or the same with a Boolean condition instead of ``@logic``, or a
plain number), and writes that canonical form back. Rates that are arbitrary arithmetic
on node values have no Boolean-rule equivalent and are refused with the line.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kgtwin.errors import InputError
from kgtwin.twin.expr import TRUE, Const, Expr, ExprSyntaxError, Not, parse_expr
from kgtwin.twin.formats._common import check_known, check_name, parse_rule
from kgtwin.twin.model import LogicalModel, Node

__all__ = ["dumps_bnd", "dumps_cfg", "loads_maboss"]

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_NODE_HEAD = re.compile(r"\s*(?i:node)\s+(?P<name>[^\s{]+)\s*\{")
_STATEMENT = re.compile(r'(?:"[^"]*"|[^;"])+')
_LOGIC = "@logic"


def _strip_comments(text: str) -> str:
    """Blank out comments but keep their newlines so line numbers stay right."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _statements(text: str, start: int, end: int) -> list[tuple[str, str, int]]:
    """``key = value;`` statements in text[start:end] as (key, value, line)."""
    result = []
    for match in _STATEMENT.finditer(text, start, end):
        body = match.group(0)
        if not body.strip():
            continue
        line = _line_at(text, match.start() + len(body) - len(body.lstrip()))
        if "=" not in body:
            raise InputError(None, line, f"expected 'name = value', got {body.strip()!r}")
        key, value = body.split("=", 1)
        result.append((key.strip(), value.strip(), line))
    return result


# --- .cfg ------------------------------------------------------------------------------

_ARITHMETIC = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def _evaluate_number(text: str, parameters: Mapping[str, float]) -> float:
    """Arithmetic on numbers and ``$`` parameters (all MaBoSS parameter values use)."""
    source = re.sub(r"\$([A-Za-z0-9_]+)", r"__p_\1", text)
    lowered = source.strip().lower()
    if lowered in ("true", "false"):
        return 1.0 if lowered == "true" else 0.0

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            return _ARITHMETIC[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = walk(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Name) and node.id.startswith("__p_"):
            name = "$" + node.id[4:]
            if name not in parameters:
                raise ValueError(f"parameter {name} is not defined")
            return parameters[name]
        raise ValueError(f"{text!r} is not a number")

    try:
        return walk(ast.parse(source.strip(), mode="eval").body)
    except SyntaxError:
        raise ValueError(f"{text!r} is not a number") from None


_ISTATE_TERM = re.compile(r"^\s*([^\[\]]+)\[\s*([01])\s*\]\s*$")


def _istate(text: str, parameters: Mapping[str, float]) -> float:
    """``1``, ``0``, ``-1`` (random: 0.5), ``TRUE``, or ``p[1], q[0]``: P(on)."""
    if "[" not in text:
        value = _evaluate_number(text, parameters)
        if value == -1:
            return 0.5
        if value not in (0, 1):
            raise ValueError(f"istate {text!r} must be 0, 1, -1 or 'p[1], q[0]'")
        return value
    weights = {0: 0.0, 1: 0.0}
    for term in text.split(","):
        match = _ISTATE_TERM.match(term)
        if not match:
            raise ValueError(f"cannot read istate term {term.strip()!r}")
        weights[int(match.group(2))] += _evaluate_number(match.group(1), parameters)
    total = weights[0] + weights[1]
    if total <= 0:
        raise ValueError(f"istate {text!r} has no positive weight")
    return weights[1] / total


@dataclass
class _Cfg:
    parameters: dict[str, float]
    istates: dict[str, tuple[float, int]]
    settings: dict[str, float | str]


def _read_cfg(text: str, path: str | Path | None) -> _Cfg:
    text = _strip_comments(text)
    cfg = _Cfg(parameters={}, istates={}, settings={})
    try:
        statements = _statements(text, 0, len(text))
    except InputError as error:
        raise InputError(path, error.where, error.reason) from None
    for key, value, line in statements:
        try:
            _cfg_statement(cfg, key, value, line)
        except ValueError as error:
            raise InputError(path, line, str(error)) from None
    return cfg


def _cfg_statement(cfg: _Cfg, key: str, value: str, line: int) -> None:
    if key.startswith("$"):
        cfg.parameters[key] = _evaluate_number(value, cfg.parameters)
    elif key.endswith(".istate"):
        node = key[: -len(".istate")].strip()
        if node.startswith("["):  # [A].istate = p[1], q[0]; several nodes: a joint law
            node = node.strip("[] ")
            if "," in node:
                raise ValueError("joint initial states ([A, B].istate) are not supported")
        cfg.istates[node] = (_istate(value, cfg.parameters), line)
    elif "." in key:
        cfg.settings[key] = value  # per-node flags such as is_internal, kept verbatim
    else:
        try:
            cfg.settings[key] = _evaluate_number(value, cfg.parameters)
        except ValueError:
            cfg.settings[key] = value


# --- .bnd ------------------------------------------------------------------------------


@dataclass
class _Rate:
    value: float
    condition: Expr | str | None  # None: unconditional; "@logic"/"!@logic"; or a rule
    on_when_true: bool


_CONDITIONAL = re.compile(r"^(?P<cond>[^?]+)\?(?P<then>[^:]+):(?P<other>.+)$")


def _unwrap(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _read_rate(text: str, parameters: Mapping[str, float]) -> _Rate:
    """``k``, ``$p``, or ``COND ? a : b`` with one side zero (COND: @logic or a rule)."""
    text = _unwrap(text)
    match = _CONDITIONAL.match(text)
    if not match:
        return _Rate(_evaluate_number(text, parameters), None, True)
    then = _evaluate_number(_unwrap(match.group("then")), parameters)
    other = _evaluate_number(_unwrap(match.group("other")), parameters)
    if then and other:
        raise ValueError("a rate that is non-zero both ways is not a Boolean rule")
    cond_text = _unwrap(match.group("cond")).replace(" ", "")
    if cond_text in (_LOGIC, "!" + _LOGIC):
        condition: Expr | str = cond_text
    else:
        try:
            condition = parse_expr(_unwrap(match.group("cond")))
        except ExprSyntaxError as error:
            raise ValueError(f"syntax error in rate condition: {error}") from None
    return _Rate(then or other, condition, on_when_true=bool(then) or not other)


def _logic_of(node: str, logic: Expr | None, up: _Rate, down: _Rate) -> Expr:
    """The node's rule, checking the rates switch it on exactly when the rule holds."""
    up_cond = _condition(up, logic)
    down_cond = _condition(down, logic)
    if logic is None:
        if up.value and up_cond is not None:
            logic = up_cond
        elif down.value and down_cond is not None:
            logic = _negate(down_cond)
        else:
            raise ValueError("no logic and no conditional rate")
    if up.value and up_cond != logic:
        raise ValueError("rate_up does not follow the logic (supported: '@logic ? rate : 0')")
    if down.value and down_cond != _negate(logic):
        raise ValueError("rate_down does not mirror the logic (supported: '@logic ? 0 : rate')")
    return logic


def _negate(expr: Expr) -> Expr:
    if isinstance(expr, Not):
        return expr.arg
    if isinstance(expr, Const):
        return Const(not expr.value)
    return Not(expr)


def _condition(rate: _Rate, logic: Expr | None) -> Expr | None:
    """The rule under which a non-zero rate applies (None for a rate that is always 0)."""
    if rate.condition is None:
        return TRUE if rate.value else None
    condition = rate.condition
    if isinstance(condition, str):
        if logic is None:
            raise ValueError("@logic used but the node has no logic")
        condition = logic if condition == _LOGIC else _negate(logic)
    return condition if rate.on_when_true else _negate(condition)


def _read_bnd(
    text: str, parameters: Mapping[str, float], path: str | Path | None
) -> tuple[dict[str, Node], dict[str, int]]:
    text = _strip_comments(text)
    nodes: dict[str, Node] = {}
    lines: dict[str, int] = {}
    position = 0
    while text[position:].strip():
        head = _NODE_HEAD.match(text, position)
        if not head:
            offset = position + len(text[position:]) - len(text[position:].lstrip())
            raise InputError(path, _line_at(text, offset), "expected 'Node NAME {'")
        name, line = head.group("name"), _line_at(text, head.start("name"))
        check_name(name, path=path, line=line)
        close = text.find("}", head.end())
        if close < 0:
            raise InputError(path, line, f"node {name}: missing '}}'")
        if name in nodes:
            first = lines[name]
            raise InputError(path, line, f"node {name} is defined twice (first at line {first})")
        nodes[name], logic_line = _read_node(name, text, head.end(), close, parameters, path)
        lines[name] = logic_line or line  # errors in the rule point at its logic line
        position = close + 1
    if not nodes:
        raise InputError(path, None, "no node defined")
    return nodes, lines


def _read_node(
    name: str, text: str, start: int, end: int, parameters: Mapping[str, float], path
) -> tuple[Node, int | None]:
    attributes: dict[str, tuple[str, int]] = {}
    try:
        statements = _statements(text, start, end)
    except InputError as error:
        raise InputError(path, error.where, error.reason) from None
    for key, value, line in statements:
        if key.lower() in attributes:
            raise InputError(path, line, f"node {name}: {key} is given twice")
        attributes[key.lower()] = (value, line)
    logic = None
    if "logic" in attributes:
        value, line = attributes["logic"]
        logic = parse_rule(value, path=path, line=line, node=name)
    # MaBoSS's defaults when a rate is absent.
    up_text, up_line = attributes.get("rate_up", ("@logic ? 1 : 0", None))
    down_text, down_line = attributes.get("rate_down", ("@logic ? 0 : 1", None))
    line = up_line
    try:
        up = _read_rate(up_text, parameters)
        line = down_line
        down = _read_rate(down_text, parameters)
        line = up_line or down_line or attributes.get("logic", ("", None))[1]
        rule = _logic_of(name, logic, up, down)
    except ValueError as error:
        raise InputError(path, line, f"node {name}: {error}") from None
    node = Node(name=name, rule=rule, rate_up=up.value, rate_down=down.value)
    return node, attributes.get("logic", ("", None))[1]


def loads_maboss(
    bnd_text: str,
    cfg_text: str = "",
    *,
    bnd_path: str | Path | None = None,
    cfg_path: str | Path | None = None,
    name: str = "model",
) -> LogicalModel:
    """Read a MaBoSS model from its ``.bnd`` text and (optional) ``.cfg`` text."""
    cfg = _read_cfg(cfg_text, cfg_path)
    try:
        nodes, lines = _read_bnd(bnd_text, cfg.parameters, bnd_path)
    except InputError as error:
        if cfg_text.strip() or "is not defined" not in error.reason:
            raise
        raise InputError(error.path, error.where, error.reason + " (no .cfg was read)") from None
    check_known({n: node.rule for n, node in nodes.items()}, lines, path=bnd_path)
    for node_name, (probability, line) in cfg.istates.items():
        if node_name not in nodes:
            raise InputError(cfg_path, line, f"istate of undefined node {node_name!r}")
        nodes[node_name] = Node(
            name=node_name,
            rule=nodes[node_name].rule,
            rate_up=nodes[node_name].rate_up,
            rate_down=nodes[node_name].rate_down,
            initial_on=probability,
        )
    rate_names = {f"${p}_{n}" for n in nodes for p in ("u", "d")}
    extra = {k: v for k, v in cfg.parameters.items() if k not in rate_names}
    return LogicalModel(
        nodes=tuple(nodes.values()), name=name, settings=cfg.settings, parameters=extra
    )


def dumps_bnd(model: LogicalModel) -> str:
    """Write the ``.bnd``: logic plus rates ``@logic ? $u_X : 0`` / ``@logic ? 0 : $d_X``."""
    blocks = []
    for node in model.nodes:
        blocks.append(
            f"Node {node.name} {{\n"
            f"  logic = {node.rule.to_text()};\n"
            f"  rate_up = @logic ? $u_{node.name} : 0;\n"
            f"  rate_down = @logic ? 0 : $d_{node.name};\n"
            "}\n"
        )
    return "\n".join(blocks)


def dumps_cfg(model: LogicalModel) -> str:
    """Write the ``.cfg``: rate parameters, other parameters, istate, settings."""
    lines = []
    for node in model.nodes:
        lines += [f"$u_{node.name} = {node.rate_up!r};", f"$d_{node.name} = {node.rate_down!r};"]
    lines += [f"{key} = {value!r};" for key, value in model.parameters.items()]
    lines.append("")
    for node in model.nodes:
        lines.append(_istate_line(node.name, node.initial_on))
    lines.append("")
    for key, value in model.settings.items():
        lines.append(f"{key} = {_setting_text(value)};")
    return "\n".join(lines) + "\n"


def _istate_line(name: str, probability: float) -> str:
    if probability in (0.0, 1.0):
        return f"{name}.istate = {int(probability)};"
    return f"[{name}].istate = {probability!r}[1], {1.0 - probability!r}[0];"


def _setting_text(value: float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, str) else repr(value)
