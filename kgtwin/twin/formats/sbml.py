"""SBML-qual (Boolean): the exchange format of GINsim, CellCollective and the CoLoMoTo tools.

Each node is a qualitative species of max level 1 with one transition: function terms of
result level 1 hold the rule, the default term is 0. Rates have no place in SBML-qual;
initial levels are written only when a node's start is certain (probability 0 or 1).
Multi-valued species (max level > 1) are refused: kgtwin models are Boolean, and
published multi-level nodes are already written as Boolean ``_b1``/``_b2`` levels.
"""

from __future__ import annotations

import re
from pathlib import Path

from kgtwin.errors import InputError
from kgtwin.twin.expr import FALSE, TRUE, And, Const, Expr, Not, Or, Var, Xor
from kgtwin.twin.model import LogicalModel, ModelError, Node

__all__ = ["dumps_sbml", "loads_sbml"]

_SID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _libsbml():
    try:
        import libsbml
    except ImportError as error:  # pragma: no cover - a declared dependency
        raise ImportError("SBML-qual needs python-libsbml: pip install python-libsbml") from error
    return libsbml


# --- writing ---------------------------------------------------------------------------


def _formula(expr: Expr) -> str:
    """The rule in libsbml's L3 infix syntax, comparing each node to level 1."""
    if isinstance(expr, Const):
        return "true" if expr.value else "false"
    if isinstance(expr, Var):
        return f"({expr.name} == 1)"
    if isinstance(expr, Not):
        return f"!{_formula(expr.arg)}"
    if isinstance(expr, Xor):
        return "xor(" + ", ".join(_formula(arg) for arg in expr.args) + ")"
    joiner = " && " if isinstance(expr, And) else " || "
    return "(" + joiner.join(_formula(arg) for arg in expr.args) + ")"


def dumps_sbml(model: LogicalModel) -> str:
    """Write an SBML L3V1 document with the qual package (node names must be SBML ids)."""
    bad = [name for name in model.names if not _SID.match(name)]
    if bad:
        raise ModelError(f"node name {bad[0]!r} is not a valid SBML id (letters, digits, _)")
    libsbml = _libsbml()
    namespaces = libsbml.SBMLNamespaces(3, 1, "qual", 1)
    document = libsbml.SBMLDocument(namespaces)
    document.setPackageRequired("qual", True)
    sbml_model = document.createModel()
    sbml_model.setId(_sid(model.name))
    compartment = sbml_model.createCompartment()
    compartment.setId("cell")
    compartment.setConstant(True)
    qual = sbml_model.getPlugin("qual")
    for node in model.nodes:
        species = qual.createQualitativeSpecies()
        species.setId(node.name)
        species.setCompartment("cell")
        species.setConstant(False)
        species.setMaxLevel(1)
        if node.initial_on in (0.0, 1.0):
            species.setInitialLevel(int(node.initial_on))
    for node in model.nodes:
        if node.rule == Var(node.name):
            continue  # an input: no transition, it keeps its level
        _add_transition(libsbml, qual, node)
    return libsbml.writeSBMLToString(document)


def _add_transition(libsbml, qual, node: Node) -> None:
    transition = qual.createTransition()
    transition.setId(f"tr_{node.name}")
    for name in sorted(node.rule.variables()):
        put = transition.createInput()
        put.setId(f"tr_{node.name}_in_{name}")
        put.setQualitativeSpecies(name)
        put.setTransitionEffect(libsbml.INPUT_TRANSITION_EFFECT_NONE)
    output = transition.createOutput()
    output.setQualitativeSpecies(node.name)
    output.setTransitionEffect(libsbml.OUTPUT_TRANSITION_EFFECT_ASSIGNMENT_LEVEL)
    default = transition.createDefaultTerm()
    default.setResultLevel(0)
    term = transition.createFunctionTerm()
    term.setResultLevel(1)
    math = libsbml.parseL3Formula(_formula(node.rule))
    if math is None:  # pragma: no cover - _formula writes only what libsbml reads
        raise ValueError(f"libsbml cannot read the rule of {node.name}")
    term.setMath(math)


def _sid(name: str) -> str:
    cleaned = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "model"
    return cleaned if not cleaned[0].isdigit() else "_" + cleaned


# --- reading ---------------------------------------------------------------------------


def loads_sbml(text: str, *, path: str | Path | None = None, name: str = "model") -> LogicalModel:
    """Read a Boolean SBML-qual document (GINsim, CellCollective, bioLQM exports)."""
    libsbml = _libsbml()
    document = libsbml.readSBMLFromString(text)
    for index in range(document.getNumErrors()):
        error = document.getError(index)
        if error.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            raise InputError(path, error.getLine() or None, error.getMessage().strip())
    sbml_model = document.getModel()
    qual = sbml_model.getPlugin("qual") if sbml_model is not None else None
    if qual is None or qual.getNumQualitativeSpecies() == 0:
        raise InputError(path, None, "no SBML-qual species (is this an SBML-qual file?)")
    species = {}
    for item in qual.getListOfQualitativeSpecies():
        if item.isSetMaxLevel() and item.getMaxLevel() > 1:
            raise InputError(
                path, item.getLine(), f"species {item.getId()} is multi-valued (max level > 1)"
            )
        if item.getId() in species:
            first = species[item.getId()].getLine()
            raise InputError(
                path, item.getLine(), f"species {item.getId()} is defined twice (line {first})"
            )
        species[item.getId()] = item
    rules = {sid: _default_rule(item) for sid, item in species.items()}
    for transition in qual.getListOfTransitions():
        target, rule = _read_transition(transition, species, path)
        rules[target] = rule
    nodes = tuple(
        Node(name=sid, rule=rules[sid], initial_on=_initial(item)) for sid, item in species.items()
    )
    return LogicalModel(nodes=nodes, name=sbml_model.getId() or name)


def _default_rule(item) -> Expr:
    """Without a transition a species keeps its level; a constant one its initial level."""
    if item.getConstant():
        return Const(item.isSetInitialLevel() and item.getInitialLevel() >= 1)
    return Var(item.getId())


def _initial(item) -> float:
    if item.isSetInitialLevel():
        return float(min(item.getInitialLevel(), 1))
    return 0.5


def _read_transition(transition, species, path) -> tuple[str, Expr]:
    outputs = list(transition.getListOfOutputs())
    if len(outputs) != 1:
        raise InputError(path, transition.getLine(), "a transition needs exactly one output")
    target = outputs[0].getQualitativeSpecies()
    if target not in species:
        raise InputError(path, outputs[0].getLine(), f"output {target!r} is not a species")
    default = transition.getDefaultTerm()
    default_on = default is not None and default.getResultLevel() >= 1
    ones: list[Expr] = []
    zeros: list[Expr] = []
    for term in transition.getListOfFunctionTerms():
        try:
            condition = _from_math(term.getMath(), species)
        except ValueError as error:
            raise InputError(path, term.getLine(), f"transition of {target}: {error}") from None
        (ones if term.getResultLevel() >= 1 else zeros).append(condition)
    # First the terms of level 1, then those of level 0, then the default.
    rule: Expr = Or((*ones, And((Not(Or((*zeros, FALSE))), Const(default_on)))))
    return target, rule.substitute({})


_RELATIONS = {
    "eq": lambda a, b: a == b,
    "neq": lambda a, b: a != b,
    "geq": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "leq": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}
_FLIPPED = {"eq": "eq", "neq": "neq", "geq": "leq", "gt": "lt", "leq": "geq", "lt": "gt"}


def _from_math(math, species) -> Expr:
    if math is None:
        raise ValueError("function term without math")
    kind = math.getName() if math.isRelational() else None
    if math.isLogical():
        args = tuple(_from_math(math.getChild(i), species) for i in range(math.getNumChildren()))
        op = math.getName()
        if op == "not":
            return Not(args[0])
        return {"and": And, "or": Or, "xor": Xor}[op](args)
    if kind in _RELATIONS:
        return _relation(math, kind, species)
    if math.isBoolean() and math.getType() in _constant_types():
        return TRUE if math.getName() == "true" else FALSE
    if math.isName() and math.getName() in species:
        return Var(math.getName())
    raise ValueError(f"cannot read MathML element {math.getName() or math.getType()!r}")


def _constant_types():
    libsbml = _libsbml()
    return (libsbml.AST_CONSTANT_TRUE, libsbml.AST_CONSTANT_FALSE)


def _relation(math, kind: str, species) -> Expr:
    """``x == 1``, ``x >= 1``, ``1 > x``...: the Boolean levels of x that satisfy it."""
    left, right = math.getChild(0), math.getChild(1)
    if left.isName() and right.isNumber():
        name, number, relation = left.getName(), right.getValue(), _RELATIONS[kind]
    elif right.isName() and left.isNumber():
        name, number, relation = right.getName(), left.getValue(), _RELATIONS[_FLIPPED[kind]]
    else:
        raise ValueError("a comparison must be between a species and a number")
    if name not in species:
        raise ValueError(f"unknown species {name!r}")
    on, off = relation(1, number), relation(0, number)
    if on and off:
        return TRUE
    if on:
        return Var(name)
    return Not(Var(name)) if off else FALSE
