"""Just enough of logical-model syntax to know who regulates whom, and with what sign.

The twin engine (``kgtwin.twin``) owns the full semantics of BNET, MaBoSS and
SBML-qual. Loading a model into the graph needs less: each node's rule text, and for
each regulator in a rule whether it acts positively, negatively or both ways (the
function rises with it in some states and falls in others). This module reads rules
into that, with a small tokenizer and recursive-descent parser over ``! & | ^ ( ) ? :``
and their word forms, and a truth table per rule for the signs.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

_TOKEN = re.compile(r"\s*(&&|\|\||[!&|^()?:~]|[A-Za-z_][\w.]*|\d+(?:\.\d+)?)")
_NOT, _AND, _OR, _XOR = {"!", "~", "NOT", "not"}, {"&", "&&", "AND", "and"}, \
    {"|", "||", "OR", "or"}, {"^", "XOR", "xor"}
_CONSTANTS = {"0", "1", "true", "false", "TRUE", "FALSE", "True", "False"}
QUAL = "http://www.sbml.org/sbml/level3/version1/qual/version1"


class RuleSyntaxError(ValueError):
    """A rule that is not a Boolean expression over node names."""


def tokenize(text: str) -> list[str]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if not found or found.end() == position:
            raise RuleSyntaxError(f"unexpected {text[position:position + 10]!r} in rule")
        tokens.append(found.group(1))
        position = found.end()
    return tokens


Expr = tuple  # ("var", name) | ("const", bool) | ("not", e) | (op, [e, ...]) | ("ite", c, a, b)


class _Parser:
    """Recursive descent over ``?:`` < ``|``/``^`` < ``&`` < ``!`` (C precedence)."""

    def __init__(self, tokens: list[str]):
        self.tokens, self.at = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise RuleSyntaxError("rule ends too early")
        self.at += 1
        return token

    def expression(self) -> Expr:
        condition = self.disjunction()
        if self.peek() != "?":
            return condition
        self.take()
        then = self.expression()
        if self.take() != ":":
            raise RuleSyntaxError("'?' without ':'")
        return ("ite", condition, then, self.expression())

    def disjunction(self) -> Expr:
        terms, xor = [self.conjunction()], []
        while self.peek() in _OR | _XOR:
            if self.take() in _XOR:
                xor.append(len(terms))
            terms.append(self.conjunction())
        if len(terms) == 1:
            return terms[0]
        return ("xor" if xor else "or", terms)

    def conjunction(self) -> Expr:
        terms = [self.unary()]
        while self.peek() in _AND:
            self.take()
            terms.append(self.unary())
        return terms[0] if len(terms) == 1 else ("and", terms)

    def unary(self) -> Expr:
        token = self.take()
        if token in _NOT:
            return ("not", self.unary())
        if token == "(":
            inner = self.expression()
            if self.take() != ")":
                raise RuleSyntaxError("unbalanced parentheses")
            return inner
        if token in _CONSTANTS:
            return ("const", token.lower() not in {"0", "false"})
        if re.match(r"[A-Za-z_]", token) and token not in _AND | _OR | _XOR:
            return ("var", token)
        raise RuleSyntaxError(f"unexpected {token!r}")


def parse_rule(rule: str) -> Expr | None:
    """The expression tree of a rule (None for an empty rule)."""
    parser = _Parser(tokenize(rule))
    if parser.peek() is None:
        return None
    tree = parser.expression()
    if parser.peek() is not None:
        raise RuleSyntaxError(f"unexpected {parser.peek()!r} after the end of the rule")
    return tree


def evaluate(tree: Expr, values: dict[str, bool]) -> bool:
    kind = tree[0]
    if kind == "var":
        return values[tree[1]]
    if kind == "const":
        return tree[1]
    if kind == "not":
        return not evaluate(tree[1], values)
    if kind == "and":
        return all(evaluate(t, values) for t in tree[1])
    if kind == "or":
        return any(evaluate(t, values) for t in tree[1])
    if kind == "xor":
        return sum(evaluate(t, values) for t in tree[1]) % 2 == 1
    return evaluate(tree[2] if evaluate(tree[1], values) else tree[3], values)


def variables(tree: Expr) -> list[str]:
    if tree[0] == "var":
        return [tree[1]]
    if tree[0] == "const":
        return []
    children = tree[1] if tree[0] in {"and", "or", "xor"} else tree[1:]
    return list(dict.fromkeys(v for child in children for v in variables(child)))


def _syntactic(tree: Expr, sign: int, found: dict[str, set[int]]) -> None:
    kind = tree[0]
    if kind == "var":
        found.setdefault(tree[1], set()).add(sign)
    elif kind == "not":
        _syntactic(tree[1], -sign, found)
    elif kind in {"and", "or"}:
        for child in tree[1]:
            _syntactic(child, sign, found)
    elif kind in {"xor", "ite"}:
        children = tree[1] if kind == "xor" else tree[1:]
        for child in children:
            _syntactic(child, sign, found)
            _syntactic(child, -sign, found)


#: Rules over at most this many nodes are checked by truth table; larger ones by syntax.
TRUTH_TABLE_LIMIT = 12


def regulator_signs(rule: str) -> dict[str, int]:
    """Each node a rule reads -> +1 (activates), -1 (inhibits) or 0 (both ways).

    The sign is the function's: a regulator is positive when switching it on never
    switches the target off (and sometimes on), which sees through the DNF expansions
    of multi-level MaBoSS nodes where a regulator also appears negated. Regulators the
    function does not depend on are left out. Rules over more than
    :data:`TRUTH_TABLE_LIMIT` nodes fall back to the parity of negations around each.
    """
    tree = parse_rule(rule)
    if tree is None:
        return {}
    names = variables(tree)
    if len(names) > TRUTH_TABLE_LIMIT:
        found: dict[str, set[int]] = {}
        _syntactic(tree, 1, found)
        return {n: (next(iter(s)) if len(s) == 1 else 0) for n, s in found.items()}
    signs = {}
    for name in names:
        others = [n for n in names if n != name]
        effects = set()
        for bits in range(1 << len(others)):
            values = {n: bool(bits >> i & 1) for i, n in enumerate(others)}
            low = evaluate(tree, {**values, name: False})
            high = evaluate(tree, {**values, name: True})
            if low != high:
                effects.add(1 if high else -1)
        if effects:
            signs[name] = next(iter(effects)) if len(effects) == 1 else 0
    return signs


def bnet_rules(text: str) -> list[tuple[int, str, str]]:
    """(line, node, rule) of a BNET file (``target, factors``; ``#`` comments)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        node, sep, rule = body.partition(",")
        if node.strip().lower() == "targets" and rule.strip().lower() == "factors":
            continue
        if not sep:
            raise RuleSyntaxError(f"line {number}: expected 'node, rule'")
        found.append((number, node.strip(), rule.strip()))
    return found


_BND_NODE = re.compile(r"\b[Nn]ode\s+([A-Za-z_][\w.]*)\s*\{(.*?)\}", re.DOTALL)
_BND_LOGIC = re.compile(r"\blogic\s*=\s*(.*?);", re.DOTALL)


def bnd_rules(text: str) -> list[tuple[int, str, str]]:
    """(line, node, logic) of a MaBoSS ``.bnd`` file; nodes without logic are inputs."""
    text = re.sub(r"//[^\n]*", "", text)
    found = []
    for match in _BND_NODE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        logic = _BND_LOGIC.search(match.group(2))
        found.append((line, match.group(1), " ".join(logic.group(1).split()) if logic else ""))
    return found


def sbml_qual_rules(text: str) -> list[tuple[int, str, dict[str, int], str]]:
    """(transition number, output node, {input: sign}, rule) of an SBML-qual model.

    SBML-qual states each input's sign (``positive``/``negative``/``dual``); the rule is
    its MathML function terms written in BNET syntax (``A & !B``; ``X == 1`` is ``X``,
    ``X == 0`` is ``!X``), so the model node's rules read like those of a BNET model.
    Terms of level 1 are or-ed; a default of level 1 adds "none of the level-0 terms".
    A term this reading does not cover (multi-valued levels) leaves the rule empty.
    """
    root = ElementTree.fromstring(text)
    names = {}
    for species in root.iter(f"{{{QUAL}}}qualitativeSpecies"):
        ident = species.get(f"{{{QUAL}}}id")
        names[ident] = species.get(f"{{{QUAL}}}name") or ident
    found = []
    for number, transition in enumerate(root.iter(f"{{{QUAL}}}transition"), start=1):
        inputs = {}
        for item in transition.iter(f"{{{QUAL}}}input"):
            sign = {"positive": 1, "negative": -1}.get(item.get(f"{{{QUAL}}}sign", ""), 0)
            species = item.get(f"{{{QUAL}}}qualitativeSpecies")
            inputs[names.get(species, species)] = sign
        levels = {item.get(f"{{{QUAL}}}id"): item.get(f"{{{QUAL}}}thresholdLevel")
                  for item in transition.iter(f"{{{QUAL}}}input")}
        rule = _transition_rule(transition, names, {k: v for k, v in levels.items()
                                                    if k and v is not None})
        for output in transition.iter(f"{{{QUAL}}}output"):
            species = output.get(f"{{{QUAL}}}qualitativeSpecies")
            found.append((number, names.get(species, species), inputs, rule))
    return found


MATHML = "http://www.w3.org/1998/Math/MathML"


class _NotBoolean(ValueError):
    """A MathML term outside Boolean SBML-qual (levels above 1, arithmetic)."""


def _transition_rule(transition: ElementTree.Element, names: dict[str, str],
                     levels: dict[str, str]) -> str:
    """One transition's rule; ``levels`` are its inputs' named thresholds (bioLQM writes
    ``nik >= theta_t1_nik``, the input's ``thresholdLevel``)."""
    ones, zeros, default_on = [], [], False
    for term in transition.iter():
        level = term.get(f"{{{QUAL}}}resultLevel")
        if term.tag == f"{{{QUAL}}}defaultTerm":
            default_on = level not in (None, "0")
        elif term.tag == f"{{{QUAL}}}functionTerm":
            math = term.find(f"{{{MATHML}}}math")
            body = next(iter(math), None) if math is not None else None
            try:
                text = _mathml(body, names, levels) if body is not None else ""
            except _NotBoolean:
                return ""
            (zeros if level == "0" else ones).append(text)
    if default_on:
        ones.append(f"!({' | '.join(zeros)})" if zeros else "1")
    if not ones:
        return "0"
    return ones[0] if len(ones) == 1 else " | ".join(f"({t})" for t in ones)


def _mathml(node: ElementTree.Element, names: dict[str, str], levels: dict[str, str]) -> str:
    tag = node.tag.removeprefix(f"{{{MATHML}}}")
    if tag == "ci":
        ident = (node.text or "").strip()
        return names.get(ident, ident)
    if tag in ("true", "false"):
        return "1" if tag == "true" else "0"
    if tag != "apply":
        raise _NotBoolean(tag)
    operator, *args = list(node)
    op = operator.tag.removeprefix(f"{{{MATHML}}}")
    if op in ("and", "or", "xor"):
        joined = {"and": " & ", "or": " | ", "xor": " ^ "}[op]
        return "(" + joined.join(_mathml(a, names, levels) for a in args) + ")"
    if op == "not":
        return "!" + _mathml(args[0], names, levels)
    if op in ("eq", "neq", "geq", "gt", "leq", "lt") and len(args) == 2:
        return _comparison(op, args, names, levels)
    raise _NotBoolean(op)


def _comparison(op: str, args: list[ElementTree.Element], names: dict[str, str],
                levels: dict[str, str]) -> str:
    """``X == 1`` -> ``X``; ``X == 0``/``X < 1`` -> ``!X`` (Boolean levels only)."""
    flipped = {"eq": "eq", "neq": "neq", "geq": "leq", "gt": "lt", "leq": "geq", "lt": "gt"}

    def is_level(item: ElementTree.Element) -> bool:
        return item.tag.endswith("cn") or (item.text or "").strip() in levels

    if is_level(args[0]) and not is_level(args[1]):
        args, op = args[::-1], flipped[op]
    variable, number = args
    if not variable.tag.endswith("ci") or not is_level(number):
        raise _NotBoolean(op)
    text = (number.text or "").strip()
    try:
        level = int(float(levels.get(text, text)))
    except ValueError:
        raise _NotBoolean(op) from None
    on = {("eq", 1): True, ("eq", 0): False, ("neq", 0): True, ("neq", 1): False,
          ("geq", 1): True, ("gt", 0): True, ("lt", 1): False, ("leq", 0): False}.get((op, level))
    if on is None:
        raise _NotBoolean(op)
    name = _mathml(variable, names, levels)
    return name if on else f"!{name}"
