"""Boolean rules as typed expression trees, with one parser for every rule dialect.

BNET, MaBoSS and SBML-qual write the same logic with different spellings (``!``/``~``/
``NOT``, ``&``/``&&``/``AND``...). Parsing once into a small immutable tree lets every
format, the exact solver and the simulator share one meaning of a rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kgtwin.errors import KgTwinError

__all__ = [
    "FALSE",
    "TRUE",
    "And",
    "Const",
    "Expr",
    "ExprSyntaxError",
    "Not",
    "Or",
    "Var",
    "Xor",
    "parse_expr",
]


class ExprSyntaxError(KgTwinError, ValueError):
    """A rule is not a well-formed Boolean expression; ``column`` is 1-based."""

    def __init__(self, reason: str, column: int):
        self.reason = reason
        self.column = column
        super().__init__(f"{reason} at column {column}")


class Expr:
    """Base of the expression tree; subclasses are frozen dataclasses (hashable, comparable)."""

    def variables(self) -> frozenset[str]:
        """Names of the nodes the rule reads."""
        return frozenset(_iter_vars(self))

    def evaluate(self, state: Mapping[str, bool | int]) -> bool:
        """The rule's value in a state (a mapping node name -> 0/1)."""
        raise NotImplementedError

    def substitute(self, values: Mapping[str, bool]) -> Expr:
        """Replace some nodes by constants and simplify what becomes constant."""
        raise NotImplementedError

    def to_text(self) -> str:
        """The rule in the ``! & | ^`` syntax that BNET and MaBoSS both read."""
        return _render(self, 0)

    def __str__(self) -> str:
        return self.to_text()


@dataclass(frozen=True)
class Const(Expr):
    value: bool

    def evaluate(self, state: Mapping[str, bool | int]) -> bool:
        return self.value

    def substitute(self, values: Mapping[str, bool]) -> Expr:
        return self


TRUE = Const(True)
FALSE = Const(False)


@dataclass(frozen=True)
class Var(Expr):
    name: str

    def evaluate(self, state: Mapping[str, bool | int]) -> bool:
        return bool(state[self.name])

    def substitute(self, values: Mapping[str, bool]) -> Expr:
        if self.name in values:
            return Const(bool(values[self.name]))
        return self


@dataclass(frozen=True)
class Not(Expr):
    arg: Expr

    def evaluate(self, state: Mapping[str, bool | int]) -> bool:
        return not self.arg.evaluate(state)

    def substitute(self, values: Mapping[str, bool]) -> Expr:
        arg = self.arg.substitute(values)
        if isinstance(arg, Const):
            return Const(not arg.value)
        return Not(arg)


@dataclass(frozen=True)
class And(Expr):
    args: tuple[Expr, ...]

    def evaluate(self, state: Mapping[str, bool | int]) -> bool:
        return all(a.evaluate(state) for a in self.args)

    def substitute(self, values: Mapping[str, bool]) -> Expr:
        args = [a.substitute(values) for a in self.args]
        if any(a == FALSE for a in args):
            return FALSE
        rest = tuple(a for a in args if a != TRUE)
        return _nary(And, rest, TRUE)


@dataclass(frozen=True)
class Or(Expr):
    args: tuple[Expr, ...]

    def evaluate(self, state: Mapping[str, bool | int]) -> bool:
        return any(a.evaluate(state) for a in self.args)

    def substitute(self, values: Mapping[str, bool]) -> Expr:
        args = [a.substitute(values) for a in self.args]
        if any(a == TRUE for a in args):
            return TRUE
        rest = tuple(a for a in args if a != FALSE)
        return _nary(Or, rest, FALSE)


@dataclass(frozen=True)
class Xor(Expr):
    args: tuple[Expr, ...]

    def evaluate(self, state: Mapping[str, bool | int]) -> bool:
        return sum(a.evaluate(state) for a in self.args) % 2 == 1

    def substitute(self, values: Mapping[str, bool]) -> Expr:
        args = [a.substitute(values) for a in self.args]
        parity = sum(a.value for a in args if isinstance(a, Const)) % 2 == 1
        rest = tuple(a for a in args if not isinstance(a, Const))
        if not rest:
            return Const(parity)
        inner = _nary(Xor, rest, FALSE)
        return Not(inner) if parity else inner


def _nary(kind: type, args: tuple[Expr, ...], empty: Const) -> Expr:
    if not args:
        return empty
    if len(args) == 1:
        return args[0]
    return kind(args)


def _iter_vars(expr: Expr) -> Iterator[str]:
    if isinstance(expr, Var):
        yield expr.name
    elif isinstance(expr, Not):
        yield from _iter_vars(expr.arg)
    elif isinstance(expr, And | Or | Xor):
        for arg in expr.args:
            yield from _iter_vars(arg)


# Precedence when printing: higher binds tighter.
_PRECEDENCE = {Or: 1, Xor: 2, And: 3}
_SYMBOL = {Or: " | ", Xor: " ^ ", And: " & "}


def _render(expr: Expr, outer: int) -> str:
    if isinstance(expr, Const):
        return "1" if expr.value else "0"
    if isinstance(expr, Var):
        return expr.name
    if isinstance(expr, Not):
        return "!" + _render(expr.arg, 4)
    kind = type(expr)
    level = _PRECEDENCE[kind]
    text = _SYMBOL[kind].join(_render(arg, level) for arg in expr.args)
    return f"({text})" if level <= outer else text


# --- parsing -------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<op>&&|\|\||[!~&|^()])|(?P<word>[A-Za-z0-9_.]+)|(?P<bad>\S))")
_WORD_OPS = {"and": "&", "or": "|", "not": "!", "xor": "^"}
_CONSTANTS = {"0": FALSE, "1": TRUE, "true": TRUE, "false": FALSE}


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    """Tokens as (kind, text, 1-based column); kinds: op, name, const."""
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        column = match.start(match.lastgroup) + 1
        if match.group("bad"):
            raise ExprSyntaxError(f"unexpected character {match.group('bad')!r}", column)
        if match.group("op"):
            op = {"&&": "&", "||": "|", "~": "!"}.get(match.group("op"), match.group("op"))
            tokens.append(("op", op, column))
            continue
        word = match.group("word")
        lowered = word.lower()
        if lowered in _WORD_OPS:
            tokens.append(("op", _WORD_OPS[lowered], column))
        elif lowered in _CONSTANTS:
            tokens.append(("const", lowered, column))
        elif word[0].isdigit() and word.replace(".", "").isdigit():
            raise ExprSyntaxError(f"number {word!r} is not a Boolean constant", column)
        else:
            tokens.append(("name", word, column))
    return tokens


class _Parser:
    """Recursive descent: or > xor > and > not > atom (the usual precedence)."""

    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.position = 0
        self.end_column = len(text) + 1

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take_op(self, op: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] == op:
            self.position += 1
            return True
        return False

    def parse(self) -> Expr:
        if not self.tokens:
            raise ExprSyntaxError("empty rule", 1)
        expr = self.binary(0)
        token = self.peek()
        if token is not None:
            raise ExprSyntaxError(f"unexpected {token[1]!r}", token[2])
        return expr

    _LEVELS = (("|", Or), ("^", Xor), ("&", And))

    def binary(self, level: int) -> Expr:
        if level == len(self._LEVELS):
            return self.unary()
        op, kind = self._LEVELS[level]
        args = [self.binary(level + 1)]
        while self.take_op(op):
            args.append(self.binary(level + 1))
        return args[0] if len(args) == 1 else kind(tuple(args))

    def unary(self) -> Expr:
        if self.take_op("!"):
            return Not(self.unary())
        return self.atom()

    def atom(self) -> Expr:
        token = self.peek()
        if token is None:
            raise ExprSyntaxError("rule ends too early", self.end_column)
        kind, text, column = token
        self.position += 1
        if kind == "name":
            return Var(text)
        if kind == "const":
            return _CONSTANTS[text]
        if text == "(":
            inner = self.binary(0)
            if not self.take_op(")"):
                following = self.peek()
                where = following[2] if following else self.end_column
                raise ExprSyntaxError("missing ')'", where)
            return inner
        raise ExprSyntaxError(f"unexpected {text!r}", column)


def parse_expr(text: str) -> Expr:
    """Parse a rule written with ``! ~ NOT``, ``& && AND``, ``| || OR``, ``^ XOR``, 0/1."""
    return _Parser(text).parse()
