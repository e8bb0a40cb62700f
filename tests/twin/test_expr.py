"""Rule parsing: every dialect, precedence, errors with columns, print/parse identity."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kgtwin.twin.expr import FALSE, TRUE, And, Expr, ExprSyntaxError, Not, Or, Var, Xor, parse_expr

A, B, C = Var("A"), Var("B"), Var("C")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A", A),
        ("!A", Not(A)),
        ("~A", Not(A)),
        ("NOT A", Not(A)),
        ("A & B | C", Or((And((A, B)), C))),
        ("A && B || C", Or((And((A, B)), C))),
        ("A AND (B OR C)", And((A, Or((B, C))))),
        ("A | B & C", Or((A, And((B, C))))),
        ("A ^ B", Xor((A, B))),
        ("!(A & B)", Not(And((A, B)))),
        ("1", TRUE),
        ("false", FALSE),
        ("  p70_b1 & ERK.p  ", And((Var("p70_b1"), Var("ERK.p")))),
    ],
)
def test_parses_every_dialect(text: str, expected: Expr) -> None:
    assert parse_expr(text) == expected


@pytest.mark.parametrize(
    ("text", "column"),
    [("A &", 4), ("(A | B", 7), ("A B", 3), ("A # B", 3), ("", 1), ("A & 2", 5), (")", 1)],
)
def test_syntax_errors_name_the_column(text: str, column: int) -> None:
    with pytest.raises(ExprSyntaxError) as caught:
        parse_expr(text)
    assert caught.value.column == column


def test_substitute_simplifies_constants() -> None:
    rule = parse_expr("(A & B) | (!A & C) | (A ^ C)")
    assert rule.substitute({"A": True}) == Or((B, Not(C)))
    assert rule.substitute({"A": False, "C": False}) == FALSE
    assert parse_expr("A ^ B ^ C").substitute({"A": True, "B": True}) == C


def _truth_table(expr: Expr, names: list[str]) -> list[bool]:
    return [
        expr.evaluate(dict(zip(names, values, strict=True)))
        for values in itertools.product([0, 1], repeat=len(names))
    ]


NAMES = ["A", "B", "C", "D"]
leaves = st.sampled_from([Var(n) for n in NAMES] + [TRUE, FALSE])
exprs = st.recursive(
    leaves,
    lambda inner: st.one_of(
        inner.map(Not),
        st.lists(inner, min_size=2, max_size=3).map(lambda a: And(tuple(a))),
        st.lists(inner, min_size=2, max_size=3).map(lambda a: Or(tuple(a))),
        st.lists(inner, min_size=2, max_size=3).map(lambda a: Xor(tuple(a))),
    ),
    max_leaves=12,
)


@given(exprs)
def test_printing_then_parsing_keeps_the_meaning(expr: Expr) -> None:
    again = parse_expr(expr.to_text())
    assert _truth_table(again, NAMES) == _truth_table(expr, NAMES)
    assert parse_expr(again.to_text()) == again  # printing is a fixed point after one pass


@given(exprs, st.dictionaries(st.sampled_from(NAMES), st.booleans()))
def test_substitution_agrees_with_evaluation(expr: Expr, values: dict[str, bool]) -> None:
    reduced = expr.substitute(values)
    for state in itertools.product([0, 1], repeat=len(NAMES)):
        full = dict(zip(NAMES, state, strict=True)) | {k: int(v) for k, v in values.items()}
        assert reduced.evaluate(full) == expr.evaluate(full)
