"""Just enough of logical-model syntax to know who regulates whom, and with what sign.

The twin engine (``kgtwin.twin``) owns the full semantics of BNET, MaBoSS and
SBML-qual. Loading a model into the graph needs less: each node's rule text, and for
each regulator in a rule whether it acts positively (appears without negation),
negatively (under an odd number of ``!``/``NOT``) or both (in an XOR, in the condition
of ``?:``, or with both parities). This module reads rules into that, with a small
tokenizer and recursive-descent parser over ``! & | ^ ( ) ? :`` and their word forms.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

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


class _Parser:
    def __init__(self, tokens: list[str]):
        self.tokens, self.at = tokens, 0
        self.signs: dict[str, set[int]] = {}

    def peek(self) -> str | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise RuleSyntaxError("rule ends too early")
        self.at += 1
        return token

    def expression(self, signs: set[int]) -> None:
        start = self.at
        self.disjunction(signs)
        if self.peek() == "?":  # condition ? a : b — the condition acts both ways
            end, self.at = self.at, start
            self.disjunction({1, -1})
            self.at = end + 1
            self.expression(signs)
            if self.take() != ":":
                raise RuleSyntaxError("'?' without ':'")
            self.expression(signs)

    def disjunction(self, signs: set[int]) -> None:
        start = self.at
        self.conjunction(signs)
        xor = False
        while self.peek() in _OR | _XOR:
            xor |= self.take() in _XOR
            self.conjunction(signs)
        if xor:  # every operand of an XOR chain acts both ways
            end, self.at = self.at, start
            self.conjunction({1, -1})
            while self.at < end:
                self.take()
                self.conjunction({1, -1})

    def conjunction(self, signs: set[int]) -> None:
        self.unary(signs)
        while self.peek() in _AND:
            self.take()
            self.unary(signs)

    def unary(self, signs: set[int]) -> None:
        token = self.take()
        if token in _NOT:
            self.unary({-s for s in signs})
        elif token == "(":
            self.expression(signs)
            if self.take() != ")":
                raise RuleSyntaxError("unbalanced parentheses")
        elif token in _CONSTANTS:
            return
        elif re.match(r"[A-Za-z_]", token):
            self.signs.setdefault(token, set()).update(signs)
        else:
            raise RuleSyntaxError(f"unexpected {token!r}")


def regulator_signs(rule: str) -> dict[str, int]:
    """Each node a rule reads -> +1 (activates), -1 (inhibits) or 0 (both ways)."""
    parser = _Parser(tokenize(rule))
    if parser.peek() is None:
        return {}
    parser.expression({1})
    if parser.peek() is not None:
        raise RuleSyntaxError(f"unexpected {parser.peek()!r} after the end of the rule")
    return {name: (next(iter(s)) if len(s) == 1 else 0) for name, s in parser.signs.items()}


@dataclass
class ModelRules:
    """A model's node rules (text) and signed regulators, by node name."""

    rules: dict[str, str] = field(default_factory=dict)
    regulators: dict[str, dict[str, int]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


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


def sbml_qual_rules(text: str) -> list[tuple[int, str, dict[str, int]]]:
    """(transition number, output node, {input: sign}) of an SBML-qual model.

    SBML-qual states each input's sign (``positive``/``negative``/``dual``); the rule
    itself is MathML, left to the twin engine.
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
        for output in transition.iter(f"{{{QUAL}}}output"):
            species = output.get(f"{{{QUAL}}}qualitativeSpecies")
            found.append((number, names.get(species, species), inputs))
    return found
