"""A logical model built from the knowledge graph: curated rules where a model covers the
genes, rules derived from signed edges elsewhere, and a record of which is which.

The wiring is the signed regulatory neighbourhood of the seed genes (a patient's altered
genes and the targets of candidate drugs) and of the phenotype readouts:

1. every gene within ``hops`` regulation edges of a seed (either direction), plus the
   genes on the shortest directed regulation paths (at most ``path_length`` edges) from
   each seed to each readout, so a readout is always wired to the seeds that reach it;
2. if a curated logical model in the graph (a ``KGTWIN.MODEL:`` node, see
   ``loaders/logical_model.py``) mentions any seed, the model covering most seeds is
   used whole, with its published rules, rates and initial states; its genes and readouts
   are represented by its own nodes (``MAPK1`` by ``ERK_b1``...);
3. every other gene and readout becomes a *derived* node whose rule follows the default
   used by CellNOpt-style prior-knowledge models: **on when any activator is on and no
   inhibitor is on**; with inhibitors only, on when none of them is on; with no regulator
   in the twin, an input (keeps its initial state, P(on) = 0.5 unless personalised).
   A derived node reads a curated gene through the curated node's lowest level
   (``ERK_b1`` for MAPK1); a protein complex (``biolink:MacromolecularComplex``, e.g.
   OmniPath's ``ABI1_BRK1_CYFIP1_NCKAP1_WASF1``) is the AND of its ``has_part`` member
   genes, which join the twin with it, and of its own regulators' default rule if any;
4. derived nodes without a directed path to a readout are dropped, since they cannot
   change a prediction; seeds dropped so are listed in ``unreached``.

Deliberate limits, so a result can be traced: curated rules are not extended with every
graph edge into a curated node (for example NF1 -| KRAS beside the BRAF model's RAS node;
that would change the model's validated behaviour). The one exception is a gene the
sample *gains* that the curated model does not pass on (a BCR::ABL1 fusion, an ERBB2
amplification): its edges into curated nodes are added to their rules, and the node's
origin says so (``_extend_curated``), since otherwise the patient's driver would reach
nothing. Unsigned edges (no ``object_direction_qualifier``) and
gene pairs stated with both signs define no rule and are listed in ``skipped``; edges
another model predicted (``knowledge_level: prediction``, e.g. embedding write-backs)
are not knowledge to build on and are ignored.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kgtwin.errors import KgTwinError
from kgtwin.model import KNOWLEDGE_LEVEL, PREDICTED
from kgtwin.store.base import GraphStore
from kgtwin.twin.expr import parse_expr
from kgtwin.twin.model import LogicalModel, Node
from kgtwin.twin.personal import TUMOUR_SUPPRESSORS

__all__ = [
    "CURATED",
    "DEFAULT_READOUTS",
    "DERIVED",
    "BuildError",
    "BuildSettings",
    "GraphModel",
    "NodeOrigin",
    "build_model",
    "curated_models",
    "default_rule",
]

log = logging.getLogger(__name__)

CURATED = "curated"
DERIVED = "derived"
REGULATES = "biolink:regulates"
MENTIONS = "biolink:mentions"
MODEL_PREFIX = "KGTWIN.MODEL:"
GENE = "biolink:Gene"
#: A protein complex (OmniPath's ``A_B_C``, see ``loaders/complexes.py``): the AND of its
#: ``has_part`` member genes.
COMPLEX = "biolink:MacromolecularComplex"
HAS_PART = "biolink:has_part"
#: GO readouts and the node names the response engine scores (weights in response.py).
DEFAULT_READOUTS = {"GO:0008283": "Proliferation", "GO:0006915": "Apoptosis"}
APOPTOSIS = "GO:0006915"
#: The gene whose node gates apoptosis under ``BuildSettings.p53_gated_apoptosis``.
P53_SYMBOL = "TP53"
_LEVEL = re.compile(r"_b\d+$")


class BuildError(KgTwinError):
    """The graph holds too little to build a twin (no seed in it, no readout reached)."""


@dataclass(frozen=True, kw_only=True)
class BuildSettings:
    """How far the neighbourhood reaches and whether curated models are used."""

    hops: int = 1
    path_length: int = 6
    use_curated: bool = True
    readouts: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_READOUTS))
    #: A derived gene with inhibitors but no activator in the twin is an input (its state
    #: comes from the sample's data or prior) instead of "on when no inhibitor is on":
    #: without it a receptor read only with its negative feedback (ERK -| EGFR) is on in
    #: every cell. Tumour suppressors keep the inhibitor-only rule (present unless lost).
    signal_needs_activator: bool = False
    #: A derived readout with k >= 2 activators becomes k levels (``Proliferation_b1`` ..
    #: ``_bk``; level j: at least j activators on, no inhibitor on), so its value (the
    #: mean of its levels) is the fraction of its activating inputs that are on instead
    #: of "any one of them": one bypass route (PI3K -> S6K beside ERK) then keeps part of
    #: the readout, not all of it.
    graded_readouts: bool = False
    #: p53 licenses mitochondrial apoptosis instead of causing it: in a derived node on
    #: p53's routes into the Apoptosis readout (BAX, the readout itself) that has another
    #: activator, p53 moves from "any activator" to "required" (``BAX = BCL2L11 & p53``
    #: instead of ``BCL2L11 | p53``), as in the Flobak model PROFILE ships (``BAX = p53``,
    #: ``CytochromeC = !BCL2 & BAX``). A drug's death signal (ERK off -> BIM) then kills
    #: only cells with functional p53, and TP53 loss lowers drug-induced apoptosis.
    #: Patient twins use it (``TwinSettings``); curated rules are never changed.
    p53_gated_apoptosis: bool = False
    #: With ``graded_readouts``: a readout's inhibitors are brakes, not a veto. Level
    #: (j, m) is on when at least j of its k activators are on and at least m of its n
    #: inhibitors are off, so its value is (fraction of activators on) x (fraction of
    #: inhibitors off). With the veto, one inhibitor on at rest in every cell (PARP1 -|
    #: apoptosis: single-strand break repair in every proliferating cell) holds the
    #: readout at 0 in every twin, and no drug but one aimed at that inhibitor moves it.
    braked_readouts: bool = False

    def __post_init__(self) -> None:
        if self.hops < 0 or self.path_length < 1:
            raise BuildError("hops must be >= 0 and path_length >= 1")

    def to_dict(self) -> dict:
        """JSON-ready, for the twin's stored parameters."""
        return {"hops": self.hops, "path_length": self.path_length,
                "use_curated": self.use_curated, "readouts": dict(self.readouts),
                "signal_needs_activator": self.signal_needs_activator,
                "graded_readouts": self.graded_readouts,
                "braked_readouts": self.braked_readouts,
                "p53_gated_apoptosis": self.p53_gated_apoptosis}


@dataclass(frozen=True, kw_only=True)
class NodeOrigin:
    """Where a twin node's rule comes from.

    ``origin`` is ``curated`` (``source`` is the model node) or ``derived`` (``source``
    names the default rule and ``regulators`` lists (node, sign) read from the graph).
    ``entities`` are the graph ids (genes, GO terms) the node stands for.
    """

    name: str
    origin: str
    source: str
    entities: tuple[str, ...] = ()
    regulators: tuple[tuple[str, int], ...] = ()

    def to_dict(self) -> dict:
        return {"origin": self.origin, "source": self.source, "entities": list(self.entities),
                "regulators": [[n, s] for n, s in self.regulators]}


@dataclass(frozen=True, kw_only=True)
class GraphModel:
    """The built model, what every node's rule comes from, and how the graph maps onto it."""

    model: LogicalModel
    origins: Mapping[str, NodeOrigin]
    curated_model: str | None
    seeds: tuple[str, ...]
    readouts: Mapping[str, str]  # readout node (base) name -> graph id
    entity_nodes: Mapping[str, tuple[str, ...]]  # graph id -> twin nodes
    unreached: tuple[str, ...] = ()  # seeds without a node in the twin
    skipped: tuple[str, ...] = ()
    #: (source, version, checksum prefix) of every statement the wiring was read from.
    sources: tuple[tuple[str, str, str], ...] = ()

    def nodes_with(self, origin: str) -> list[str]:
        """Twin nodes whose rule is ``curated`` or ``derived``."""
        return [name for name, o in self.origins.items() if o.origin == origin]

    def summary(self) -> dict:
        """Counts and lists for people and JSON."""
        return {
            "nodes": len(self.model),
            "curated_model": self.curated_model,
            "curated": self.nodes_with(CURATED),
            "derived": self.nodes_with(DERIVED),
            "readouts": dict(self.readouts),
            "seeds": list(self.seeds),
            "unreached": list(self.unreached),
            "skipped": list(self.skipped),
        }


# --- the graph side --------------------------------------------------------------------


class _Signed:
    """Signed regulation edges read lazily from the store, one node's edges at a time."""

    def __init__(self, store: GraphStore, readouts: Iterable[str]):
        self.store = store
        self.readouts = set(readouts)
        self.incoming: dict[str, dict[str, int]] = {}
        self.outgoing: dict[str, dict[str, int]] = {}
        self.skipped: set[str] = set()
        self.sources: set[tuple[str, str, str]] = set()
        self._genes: dict[str, bool] = {}
        self._members: dict[str, tuple[str, ...]] = {}

    def _usable(self, id: str) -> bool:
        if id in self.readouts:
            return True
        if id not in self._genes:
            node = self.store.node(id)
            self._genes[id] = node is not None and node.category == GENE
            if node is not None and node.category == COMPLEX:
                # Only a complex whose members the graph names (OmniPath's A_B_C) joins;
                # one without (a SIGNOR-C id alone) stays out, as before.
                self._members[id] = tuple(sorted(
                    n.edge.object for n in self.store.neighbors(id, predicate=HAS_PART,
                                                                direction="out")))
                self._genes[id] = bool(self._members[id])
        return self._genes[id]

    def members(self, id: str) -> tuple[str, ...]:
        """A complex's member genes (none for a gene)."""
        return self._members.get(id, ()) if self._usable(id) else ()

    def _read(self, id: str, direction: str) -> dict[str, int]:
        cache = self.outgoing if direction == "out" else self.incoming
        if id in cache:
            return cache[id]
        signs: dict[str, set[int]] = {}
        for neighbor in self.store.neighbors(id, predicate=REGULATES, direction=direction):
            edge = neighbor.edge
            other = edge.object if direction == "out" else edge.subject
            if other == id or not self._usable(other) or edge.subject in self.readouts:
                continue
            if _within_one_model_node(edge.properties.get("model_edge")):
                continue
            if edge.qualifiers.get(KNOWLEDGE_LEVEL) == PREDICTED:
                continue  # another model's prediction is not knowledge to build on
            signs.setdefault(other, set()).add(edge.sign)
            self.sources |= provenance_keys(edge)
        found = {}
        for other, values in signs.items():
            pair = f"{id} -> {other}" if direction == "out" else f"{other} -> {id}"
            if values == {1} or values == {-1}:
                found[other] = values.pop()
            else:
                self.skipped.add(f"{pair}: " + ("unsigned" if values == {0} else "both signs"))
        cache[id] = found
        return found

    def out(self, id: str) -> dict[str, int]:
        return self._read(id, "out")

    def into(self, id: str) -> dict[str, int]:
        return self._read(id, "in")


def provenance_keys(record) -> set[tuple[str, str, str]]:
    """(source, version, checksum prefix) of each source that states a node or edge."""
    return {(p.source, p.version, p.checksum[:12]) for p in record.provenance}


def _within_one_model_node(model_edge: str | None) -> bool:
    """An edge a model loader derived between two genes of one (multi-level) node, such as
    MAP2K1 -> MAP2K2 from ``MEK_b2 -> MEK_b1``: it states no regulation between genes."""
    if not model_edge or " -> " not in model_edge:
        return False
    regulator, target = model_edge.split(" -> ", 1)
    return _LEVEL.sub("", regulator.strip()) == _LEVEL.sub("", target.strip())


def _neighbourhood(signed: _Signed, seeds: list[str], hops: int) -> set[str]:
    found = set(seeds)
    frontier = list(seeds)
    for _ in range(hops):
        step = []
        for id in frontier:
            for other in (*signed.out(id), *signed.into(id)):
                if other not in found and other not in signed.readouts:
                    found.add(other)
                    step.append(other)
        frontier = step
    return found


def _paths_to_readouts(signed: _Signed, seeds: list[str], length: int) -> set[str]:
    """Genes on a shortest directed path (<= ``length`` edges) from a seed to a readout."""
    on_paths: set[str] = set()
    for seed in seeds:
        parents: dict[str, str | None] = {seed: None}
        queue = deque([(seed, 0)])
        while queue:
            id, depth = queue.popleft()
            if depth == length or id in signed.readouts:
                continue
            for other in signed.out(id):
                if other not in parents:
                    parents[other] = id
                    queue.append((other, depth + 1))
        for readout in signed.readouts & parents.keys():
            step = parents[readout]
            while step is not None:
                on_paths.add(step)
                step = parents[step]
    return on_paths


def curated_models(store: GraphStore, genes: Iterable[str]) -> dict[str, set[str]]:
    """Curated model node -> the given genes it mentions."""
    covering: dict[str, set[str]] = {}
    for gene in genes:
        for neighbor in store.neighbors(gene, predicate=MENTIONS, direction="in"):
            if neighbor.node.id.startswith(MODEL_PREFIX) and "rules" in neighbor.node.properties:
                covering.setdefault(neighbor.node.id, set()).add(gene)
    return covering


def _load_curated(store: GraphStore, model_id: str) -> tuple[LogicalModel, dict[str, str]]:
    """The curated model rebuilt from its graph node, and graph id -> model node."""
    from kgtwin.twin.formats.bnet import loads_bnet
    from kgtwin.twin.formats.maboss import loads_maboss
    from kgtwin.twin.formats.sbml import loads_sbml

    node = store.node(model_id)
    props = node.properties
    name = node.name or model_id.split(":", 1)[1]
    text = props.get("model_text", "")
    format_ = props.get("format")
    if format_ == "maboss":
        model = loads_maboss(text, props.get("config_text", ""), name=name)
    elif format_ == "bnet":
        model = loads_bnet(text, name=name)
    elif format_ == "sbml-qual":
        model = loads_sbml(text, name=name)
    else:
        raise BuildError(f"curated model {model_id} has unknown format {format_!r}")
    genes = {n: tuple(s) for n, s in dict(props.get("node_genes", {})).items() if n in model}
    model = model.with_genes(genes)
    mapping: dict[str, str] = {}
    for edge in store.edges(subject=model_id, predicate=MENTIONS):
        node_name = edge.properties.get("model_node")
        if node_name and node_name in model:
            mapping[edge.object] = node_name
    return model, mapping


def _symbols(store: GraphStore, ids: Iterable[str], limit: int = 8) -> str:
    names = [(store.node(i).name if store.node(i) is not None else None) or i for i in ids]
    return ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")


# --- rules -------------------------------------------------------------------------------


def _node_name(symbol: str, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", symbol) or "node"
    if name[0].isdigit():
        name = f"g_{name}"
    while name in taken:
        name = f"{name}_gene"
    taken.add(name)
    return name


def default_rule(regulators: Mapping[str, int]) -> str:
    """On when any activator is on and no inhibitor is on (BNET syntax)."""
    activators = sorted(n for n, s in regulators.items() if s > 0)
    inhibitors = sorted(n for n, s in regulators.items() if s < 0)
    parts = []
    if activators:
        parts.append("(" + " | ".join(activators) + ")" if len(activators) > 1 else activators[0])
    parts += [f"!{n}" for n in inhibitors]
    return " & ".join(parts)


def _reaches(wiring: Mapping[str, set[str]], targets: set[str]) -> set[str]:
    """Nodes with a directed path to ``targets`` (wiring: node -> its regulators)."""
    found = set(targets)
    queue = deque(targets)
    while queue:
        for regulator in wiring.get(queue.popleft(), ()):
            if regulator not in found:
                found.add(regulator)
                queue.append(regulator)
    return found


def build_model(
    store: GraphStore,
    seeds: Iterable[str],
    settings: BuildSettings | None = None,
    *,
    name: str = "twin",
    gained: Iterable[str] = (),
) -> GraphModel:
    """The twin's logical model for ``seeds`` (gene ids as stored, e.g. ``HGNC:1097``).

    ``gained``: genes the sample gains (activating variant, amplification, fusion); where
    the curated model does not pass such a gene on, its signed graph edges into the
    curated model's nodes are added to those nodes' rules (see :func:`_extend_curated`)."""
    settings = settings or BuildSettings()
    seeds = sorted({store.resolve(s) or s for s in seeds})
    readout_ids = dict(settings.readouts)
    signed = _Signed(store, readout_ids)
    genes = _neighbourhood(signed, seeds, settings.hops)
    genes |= _paths_to_readouts(signed, seeds, settings.path_length)
    genes = {g for g in genes if signed._usable(g) and g not in readout_ids}
    genes |= {m for g in genes for m in signed.members(g) if signed._usable(m)}

    curated, mapping, model_id = None, {}, None
    if settings.use_curated:
        covering = curated_models(store, seeds)
        if covering:
            model_id = max(sorted(covering), key=lambda m: len(covering[m]))
            curated, mapping = _load_curated(store, model_id)
            signed.sources |= provenance_keys(store.node(model_id))
    graph = _assemble(store, signed, seeds, genes, readout_ids, curated, mapping, model_id,
                      name, settings)
    return _extend_curated(graph, signed, mapping, {store.resolve(g) or g for g in gained})


def _extend_curated(graph: GraphModel, signed: _Signed, mapping: Mapping[str, str],
                    gained: set[str]) -> GraphModel:
    """Add the signed edges of gained genes the curated model does not pass on to the
    rules of the curated nodes they point to.

    A curated model's published rules are kept for everything it passes on, but a driver
    it does not (a BCR::ABL1 fusion beside the BRAF model's GRB2, a derived node; an
    ERBB2 amplification, whose BRAF-model node no other node reads) would otherwise hold
    a node whose signal stops there, and the twin would ignore the patient's driver. So
    for each gene the sample gains that is a derived node, or a curated node nothing else
    in the model reads, each graph edge from it into a curated node that does not read
    it yet becomes ``rule | gene`` (activation) or ``rule & !gene`` (inhibition) of that
    node. Only gains: a lost gene is held off, and an edge from a gene that is off changes
    no rule's value. In a sample without such a gain the curated rules are the published
    ones.
    """
    if not mapping or not gained:
        return graph
    model = graph.model
    added: dict[str, list[tuple[str, int]]] = {}
    read = {v for node in model.nodes for v in node.rule.variables() if v != node.name}
    for gene in sorted(gained):
        nodes = list(graph.entity_nodes.get(gene, ()))
        if not nodes or (graph.origins[nodes[0]].origin == CURATED and nodes[0] in read):
            continue  # not in the twin, or a curated node the model already passes on
        for target, sign in sorted(signed.out(gene).items()):
            node = mapping.get(target)
            if node is not None and node in model.names and node not in nodes \
                    and nodes[0] not in model.node(node).rule.variables():
                added.setdefault(node, []).append((nodes[0], sign))
    if not added:
        return graph
    changed, origins = [], dict(graph.origins)
    for node, extra in sorted(added.items()):
        text = model.node(node).rule.to_text()
        for regulator, sign in extra:
            text = f"({text}) | {regulator}" if sign > 0 else f"({text}) & !{regulator}"
        changed.append(replace(model.node(node), rule=parse_expr(text)))
        origin = origins[node]
        words = ", ".join(f"{r} ({'+' if s > 0 else '-'})" for r, s in extra)
        origins[node] = replace(origin, source=f"{origin.source}; extended with graph edges "
                                               f"from gained genes: {words}",
                                regulators=tuple(sorted({*origin.regulators, *extra})))
    return replace(graph, model=model.replace_nodes(changed), origins=origins)


def _curated_part(curated, mapping, model_id, readout_ids):
    """Origins, graph id -> node and readouts of the curated model's nodes."""
    origins: dict[str, NodeOrigin] = {}
    entity_nodes: dict[str, tuple[str, ...]] = {}
    readouts: dict[str, str] = {}
    if curated is None:
        return origins, entity_nodes, readouts
    by_node: dict[str, list[str]] = {}
    for entity, node in mapping.items():
        by_node.setdefault(node, []).append(entity)
        entity_nodes[entity] = (node,)
        if entity in readout_ids:
            readouts[_LEVEL.sub("", node)] = entity
    for node in curated.names:
        origins[node] = NodeOrigin(name=node, origin=CURATED, source=model_id,
                                   entities=tuple(sorted(by_node.get(node, ()))))
    return origins, entity_nodes, readouts


def _derived_names(store, genes, readout_ids, entity_nodes, readouts, taken) -> dict[str, str]:
    """Graph id -> node name for genes and readouts the curated model does not cover."""
    derived: dict[str, str] = {}
    for entity in sorted(genes) + sorted(readout_ids):
        if entity in entity_nodes:
            continue
        if entity in readout_ids:
            if readout_ids[entity] in readouts:  # the curated model has that readout
                continue
            label = readout_ids[entity]
        else:
            node = store.node(entity)
            label = node.name if node is not None and node.name else entity.split(":")[-1]
        derived[entity] = _node_name(label, taken)
    return derived


def _regulators(signed, derived, entity_nodes) -> dict[str, dict[str, int]]:
    """Derived node -> {regulator node: sign}; a node read with both signs is dropped."""
    reader = {e: n for e, n in derived.items()} | {e: n[0] for e, n in entity_nodes.items()}
    regulators: dict[str, dict[str, int]] = {}
    for entity, node in derived.items():
        regs: dict[str, int] = {}
        for source, sign in signed.into(entity).items():
            reads = reader.get(source)
            if reads is not None:
                regs[reads] = sign if regs.get(reads, sign) == sign else 0
        regulators[node] = {n: s for n, s in regs.items() if s != 0}
    return regulators


def _complex_members(signed, derived, entity_nodes) -> dict[str, list[str]]:
    """Derived complex node -> the twin nodes of its members (the complex is their AND)."""
    reader = {e: n for e, n in derived.items()} | {e: n[0] for e, n in entity_nodes.items()}
    return {node: sorted({reader[m] for m in signed.members(entity) if m in reader})
            for entity, node in derived.items() if signed.members(entity)}


def complex_rule(members: list[str], regulators: Mapping[str, int]) -> str:
    """A complex is on when all its members are on and, if signed edges regulate it, its
    default rule holds too (BNET syntax)."""
    rule = default_rule(regulators)
    return " & ".join(members + ([f"({rule})"] if rule else []))


def _alive(curated, regulators, readout_nodes, members=None) -> set[str]:
    """Nodes with a directed path to a readout, through derived and curated wiring."""
    wiring = {n: set(r) | set((members or {}).get(n, ())) for n, r in regulators.items()}
    for node in curated.nodes if curated is not None else ():
        wiring[node.name] = set(node.rule.variables()) - {node.name}
    return _reaches(wiring, readout_nodes)


def _graded(node: str, regs: Mapping[str, int]) -> list[Node]:
    """Levels of a readout: level j is on when at least j activators and no inhibitor are."""
    from itertools import combinations

    activators = sorted(n for n, s in regs.items() if s > 0)
    veto = "".join(f" & !{n}" for n in sorted(n for n, s in regs.items() if s < 0))
    levels = []
    for j in range(1, len(activators) + 1):
        terms = " | ".join("(" + " & ".join(c) + ")" for c in combinations(activators, j))
        levels.append(Node(name=f"{node}_b{j}", rule=parse_expr(f"({terms}){veto}")))
    return levels


def _braked(node: str, regs: Mapping[str, int]) -> list[Node]:
    """Levels of a readout whose inhibitors are brakes: level (j, m) is on when at least j
    activators are on and at least m inhibitors are off; the mean of the levels is the
    product of the two fractions (without inhibitors, the graded levels)."""
    from itertools import combinations

    activators = sorted(n for n, s in regs.items() if s > 0)
    inhibitors = sorted(n for n, s in regs.items() if s < 0)
    if not inhibitors:
        return _graded(node, regs)

    def at_least(names: list[str], j: int, literal: str) -> str:
        return " | ".join("(" + " & ".join(literal + n for n in c) + ")"
                          for c in combinations(names, j))

    levels = []
    for j in range(1, len(activators) + 1):
        for m in range(1, len(inhibitors) + 1):
            rule = f"({at_least(activators, j, '')}) & ({at_least(inhibitors, m, '!')})"
            levels.append(Node(name=f"{node}_b{len(levels) + 1}", rule=parse_expr(rule)))
    return levels


def _p53_gated(store, regulators, derived, entity_nodes, members, alive) -> dict[str, str]:
    """Derived nodes whose p53 activation becomes a requirement, each with p53's node name.

    These are the Apoptosis readout and the derived nodes on p53's routes into it (nodes
    p53 activates that reach the readout without going back through p53), each only if
    it has an activator besides p53: a node p53 alone switches on (its own effector) keeps
    the default rule, as does every curated rule."""
    tp53 = store.resolve(f"hgnc.symbol:{P53_SYMBOL}")
    p53 = (entity_nodes.get(tp53) or (derived.get(tp53),))[0] if tp53 else None
    apoptosis = derived.get(APOPTOSIS)
    if p53 is None or p53 not in alive or apoptosis is None:
        return {}
    wiring = {n: {r for r in regs if r != p53} for n, regs in regulators.items() if n != p53}
    routes = _reaches(wiring, {apoptosis})
    return {n: p53 for n, regs in regulators.items()
            if n in routes and n in alive and n not in members and regs.get(p53, 0) > 0
            and any(s > 0 for r, s in regs.items() if r != p53)}


def _assemble(store, signed, seeds, genes, readout_ids, curated, mapping, model_id, name,
              settings):
    origins, entity_nodes, readouts = _curated_part(curated, mapping, model_id, readout_ids)
    taken = set(curated.names) if curated else set()
    derived = _derived_names(store, genes, readout_ids, entity_nodes, readouts, taken)
    regulators = _regulators(signed, derived, entity_nodes)
    readout_nodes = {n for e, n in derived.items() if e in readout_ids}
    readout_nodes |= {n for n in (curated.names if curated else ())
                      if _LEVEL.sub("", n) in readouts}
    members = _complex_members(signed, derived, entity_nodes)
    alive = _alive(curated, regulators, readout_nodes, members)
    keep = {e: n for e, n in derived.items() if n in alive}
    gated = (_p53_gated(store, regulators, derived, entity_nodes, members, alive)
             if settings.p53_gated_apoptosis else {})
    if curated is None and not (keep.keys() - set(readout_ids)):
        raise BuildError(
            f"none of the {len(seeds)} seed gene(s) ({_symbols(store, seeds)}) reaches a "
            "readout through signed regulation edges, and no curated model covers them: "
            "the twin would be empty")
    nodes = list(curated.nodes) if curated else []
    for entity, node in sorted(keep.items(), key=lambda item: item[1]):
        regs = {n: s for n, s in regulators[node].items() if n in alive}
        if node in members:
            nodes.append(Node(name=node, rule=parse_expr(complex_rule(members[node], regs))))
            origins[node] = NodeOrigin(
                name=node, origin=DERIVED, entities=(entity,),
                source="complex: all has_part members on, and its signed regulators' default "
                       "rule", regulators=tuple(sorted({**regs, **dict.fromkeys(
                           members[node], 1)}.items())))
            entity_nodes[entity] = (node,)
            continue
        symbol = store.node(entity).name if entity not in readout_ids else None
        if settings.signal_needs_activator and symbol and not any(s > 0 for s in regs.values()) \
                and symbol.upper() not in TUMOUR_SUPPRESSORS:
            regs = {}
        if settings.graded_readouts and settings.braked_readouts and not symbol \
                and any(s > 0 for s in regs.values()) and any(s < 0 for s in regs.values()):
            made = _braked(node, regs)
            source = ("braked readout: level (j, m) on when >= j activators are on and >= m "
                      "inhibitors off (value = fraction of activators on x fraction of "
                      "inhibitors off)")
        elif settings.graded_readouts and not symbol and sum(s > 0 for s in regs.values()) > 1:
            made = _graded(node, regs)
            source = "graded readout: level j on when >= j activators and no inhibitor are on"
        elif node in gated:
            p53 = gated[node]
            rest = default_rule({n: s for n, s in regs.items() if n != p53})
            made = [Node(name=node, rule=parse_expr(f"({rest}) & {p53}"),
                         genes=(symbol,) if symbol else ())]
            source = (f"p53-gated apoptosis: another activator on, {p53} on (required, not "
                      "sufficient) and no inhibitor on (signed graph edges)")
        else:
            made = [Node(name=node, rule=parse_expr(default_rule(regs) or node),
                         genes=(symbol,) if symbol else ())]
            source = "default rule: any activator on and no inhibitor on (signed graph edges)"
        nodes += made
        for level in made:
            origins[level.name] = NodeOrigin(name=level.name, origin=DERIVED, source=source,
                                             entities=(entity,),
                                             regulators=tuple(sorted(regs.items())))
        entity_nodes[entity] = tuple(level.name for level in made)
        if entity in readout_ids:
            readouts[node] = entity
    model = LogicalModel(nodes=tuple(nodes), name=name,
                         settings=dict(curated.settings) if curated else {},
                         parameters=dict(curated.parameters) if curated else {})
    return GraphModel(model=model, origins=origins, curated_model=model_id, seeds=tuple(seeds),
                      readouts=readouts, entity_nodes=entity_nodes,
                      unreached=tuple(s for s in seeds if s not in entity_nodes),
                      skipped=tuple(sorted(signed.skipped)),
                      sources=tuple(sorted(signed.sources)))
