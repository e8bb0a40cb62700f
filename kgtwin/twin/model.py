"""The logical model: nodes, Boolean rules, MaBoSS rates, initial-on probabilities, genes.

One typed object that every file format reads into and writes from, so a twin built by
kgtwin can be checked in GINsim, MaBoSS or pyboolnet and any published model can be run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kgtwin.errors import KgTwinError
from kgtwin.twin.expr import Const, Expr, Var

__all__ = ["LogicalModel", "ModelError", "Node", "level_nodes"]

_LEVEL = re.compile(r"^(?P<base>.+)_b(?P<level>[0-9]+)$")
_NAME = re.compile(r"^[A-Za-z0-9_.]+$")
_RESERVED = frozenset({"and", "or", "not", "xor", "true", "false"})


class ModelError(KgTwinError, ValueError):
    """A model is inconsistent (unknown node in a rule, duplicate node, bad number)."""


@dataclass(frozen=True, kw_only=True)
class Node:
    """One node: it turns on at ``rate_up`` when its rule is true and it is off, and off at
    ``rate_down`` when the rule is false and it is on (MaBoSS semantics).

    ``initial_on`` is the probability that the node is on at time 0; ``genes`` are the
    gene symbols (e.g. HGNC) the node stands for, used to personalise it.
    """

    name: str
    rule: Expr
    rate_up: float = 1.0
    rate_down: float = 1.0
    initial_on: float = 0.5
    genes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        name = self.name
        if not _NAME.match(name) or name.replace(".", "").isdigit() or name.lower() in _RESERVED:
            raise ModelError(f"invalid node name {name!r} (letters, digits, _ and . only)")
        for label in ("rate_up", "rate_down"):
            value = getattr(self, label)
            if not value >= 0 or value == float("inf"):
                raise ModelError(f"node {self.name}: {label} must be finite and >= 0, not {value}")
        if not 0.0 <= self.initial_on <= 1.0:
            raise ModelError(
                f"node {self.name}: initial_on is a probability, not {self.initial_on}"
            )

    @property
    def is_input(self) -> bool:
        """An input keeps its initial value: its rule is itself (or a constant)."""
        return self.rule == Var(self.name) or isinstance(self.rule, Const)


@dataclass(frozen=True, kw_only=True)
class LogicalModel:
    """An executable Boolean model with MaBoSS rates; immutable, edits return a copy.

    ``settings`` keeps simulation settings read from a MaBoSS ``.cfg`` (``max_time``,
    ``time_tick``, ``sample_count``...) so a model round-trips; ``parameters`` keeps
    ``$`` parameters that are not per-node rates.
    """

    nodes: tuple[Node, ...]
    name: str = "model"
    settings: Mapping[str, float | str] = field(default_factory=dict)
    parameters: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [node.name for node in self.nodes]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise ModelError(f"node {name} is defined twice")
            seen.add(name)
        for node in self.nodes:
            unknown = node.rule.variables() - seen
            if unknown:
                raise ModelError(f"rule of {node.name} uses unknown node(s) {sorted(unknown)}")
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(names)})

    @property
    def names(self) -> tuple[str, ...]:
        """Node names in model order (the column order of every simulation array)."""
        return tuple(node.name for node in self.nodes)

    def index(self, name: str) -> int:
        """Position of a node; raises ModelError naming the node if absent."""
        try:
            return self._index[name]  # type: ignore[attr-defined]
        except KeyError:
            raise ModelError(f"model {self.name} has no node {name!r}") from None

    def node(self, name: str) -> Node:
        """The node called ``name``."""
        return self.nodes[self.index(name)]

    def __contains__(self, name: object) -> bool:
        return name in self._index  # type: ignore[attr-defined]

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Nodes whose rule is themselves or a constant."""
        return tuple(node.name for node in self.nodes if node.is_input)

    def replace_nodes(self, changed: Iterable[Node]) -> LogicalModel:
        """A copy with some nodes replaced (matched by name)."""
        by_name = {node.name: node for node in changed}
        for name in by_name:
            self.index(name)
        return replace(self, nodes=tuple(by_name.get(n.name, n) for n in self.nodes))

    def update_node(self, name: str, **changes: object) -> LogicalModel:
        """A copy with one node's fields changed (``rule``, rates, ``initial_on``, ``genes``)."""
        return self.replace_nodes([replace(self.node(name), **changes)])

    def fix(self, values: Mapping[str, bool | int]) -> LogicalModel:
        """Hold nodes at a value: the rule becomes that constant and so does the start state.

        This is how MaBoSS and PROFILE model mutations, drugs at full strength, and inputs
        set by the experiment. Multi-level names (``ERK`` for ``ERK_b1``, ``ERK_b2``) fix
        every level.
        """
        changed = []
        for name, value in values.items():
            for level in level_nodes(self, name):
                on = bool(value)
                changed.append(replace(self.node(level), rule=Const(on), initial_on=float(on)))
        return self.replace_nodes(changed)

    def with_genes(self, genes: Mapping[str, Iterable[str]]) -> LogicalModel:
        """A copy whose nodes carry the given gene symbols (a multi-level base name gives
        them to every level)."""
        return self.replace_nodes(
            replace(self.node(level), genes=tuple(symbols))
            for name, symbols in genes.items()
            for level in level_nodes(self, name)
        )

    def nodes_for_gene(self, gene: str) -> tuple[str, ...]:
        """Nodes standing for a gene: by ``genes`` first, else a node of that name."""
        hits = tuple(node.name for node in self.nodes if gene in node.genes)
        if hits:
            return hits
        try:
            return level_nodes(self, gene)
        except ModelError:
            return ()


def level_nodes(model: LogicalModel, name: str) -> tuple[str, ...]:
    """Resolve a node name, allowing the base name of a multi-level node.

    Published MaBoSS models write a three-level ERK as Boolean ``ERK_b1`` (level >= 1) and
    ``ERK_b2`` (level >= 2); ``ERK`` then means all of them, lowest level first.
    """
    if name in model:
        return (name,)
    levels = []
    for node_name in model.names:
        match = _LEVEL.match(node_name)
        if match and match.group("base") == name:
            levels.append((int(match.group("level")), node_name))
    if not levels:
        raise ModelError(f"model {model.name} has no node {name!r}")
    return tuple(node_name for _, node_name in sorted(levels))
