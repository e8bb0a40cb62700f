"""Personalising a model with a patient's (or cell line's) mutations and expression.

In the spirit of PROFILE (Béal et al. 2019, Front. Physiol. 10:1321; applied to BRAF in
Béal et al. 2021): discrete data (mutations) fix nodes, continuous data (expression)
sets initial-on probabilities and transition rates.

Mapping, documented so a result can be traced:

- a mutation's effect is an override of the settings (``effects``: ``GENE`` or
  ``GENE:VARIANT`` -> gain/loss), else the one given (``Mutation.effect``), else read
  from the shipped gene-role and hotspot tables (``kgtwin/twin/effects.py``: activating
  hotspot or amplified oncogene -> gain, truncating, deep deletion or damaging change of
  a tumour suppressor -> loss, fusion -> gain of its kinase); a variant the tables do
  not decide is listed in ``Twin.ignored`` with the reason, never guessed;
- a mutation names a gene or a model node. A node name holds that node only, as PROFILE
  does (``MEK_b1`` gain holds ``MEK_b1``; ``MEK_b2`` stays free to follow its rule); a
  gene symbol, or the base name of a multi-level node (``MEK``), holds every level of
  the gene's node(s), the whole protein being constitutively on (or off);
- loss of function holds the node(s) off; gain holds them on (``gain_mode="fix"``,
  PROFILE's choice) or multiplies ``rate_up`` and divides ``rate_down`` by
  ``gain_rate_factor`` (``"rate"``: the node is favoured but can still be switched off);
- expression comes either as z-scores (``expression``) or as PROFILE's normalised
  levels in [0, 1] (``levels``; 0 and 1 are fine). A z-score z of a node's genes (their
  mean) becomes a level v = 1 / (1 + e^-z); a level is used as it is. The node's
  ``initial_on`` becomes v and its rates ``rate_up * A^(2v - 1)`` and
  ``rate_down * A^(1 - 2v)``, PROFILE's ``-rb`` rates with amplification factor A = 100
  (``expression_mode`` chooses initial, rates, both or none). Keys are gene symbols or
  node names: a node-name key sets that node only (PROFILE's node-level tables carry
  ``ERK_b1`` but not ``ERK_b2``) and wins over the node's genes; a gene sets every node
  that lists it (upper levels without genes share level 1's). For one node a level beats
  a z-score. Keys that set nothing (no such gene or node, a node held by a mutation, a
  gene shadowed by a node-name key) are listed in ``Twin.ignored``;
- ``node_states`` holds nodes known to be on or off (environment inputs such as growth
  factors, or lineage factors such as SOX10), as an experimenter would set them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from kgtwin.twin.effects import Effect, VariantEffect, hotspot_effect, read_variant
from kgtwin.twin.model import LogicalModel, ModelError, level_nodes

__all__ = [
    "Effect",
    "Mutation",
    "PatientProfile",
    "PersonalisationSettings",
    "Twin",
    "all_levels",
    "hotspot_effect",
    "mutated_nodes",
    "personalise",
    "profile_from_dict",
]

_LEVEL = re.compile(r"^(?P<base>.+)_b(?P<level>[0-9]+)$")

@dataclass(frozen=True, kw_only=True)
class Mutation:
    """A gene alteration: ``variant`` is a protein change (``V600E``), ``fusion``,
    ``amplification``...; ``effect`` is inferred when not given."""

    gene: str
    variant: str = ""
    effect: Effect | None = None
    classification: str | None = None  # clinical significance (ClinVar-style), if known


@dataclass(frozen=True, kw_only=True)
class PatientProfile:
    """A patient's or cell line's data, keyed by gene symbol (or model node name).

    ``id`` is free text (a CURIE of the patient record where one exists);
    ``expression`` holds z-scores, ``levels`` PROFILE's normalised levels in [0, 1].
    """

    id: str
    mutations: tuple[Mutation, ...] = ()
    expression: Mapping[str, float] = field(default_factory=dict)
    levels: Mapping[str, float] = field(default_factory=dict)
    node_states: Mapping[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, value in self.levels.items():
            if not 0.0 <= value <= 1.0:
                raise ModelError(f"profile {self.id}: level of {key} is {value}, not in [0, 1]")
        for key, value in self.expression.items():
            if not math.isfinite(value):
                raise ModelError(f"profile {self.id}: z-score of {key} is {value}, not finite")


@dataclass(frozen=True, kw_only=True)
class PersonalisationSettings:
    """How data become model changes (see the module docs for the formulas)."""

    gain_mode: str = "fix"
    gain_rate_factor: float = 100.0
    expression_mode: str = "both"
    amplification: float = 100.0
    #: Effect overrides, ``("BRAF:V600E", Effect.GAIN)`` or ``("ALK", Effect.GAIN)`` (every
    #: variant of the gene); they beat the tables and ``Mutation.effect``.
    effects: tuple[tuple[str, Effect], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "effects", tuple(
            (key.strip().upper().replace(":P.", ":"), Effect(effect))
            for key, effect in self.effects))
        if self.gain_mode not in ("fix", "rate"):
            raise ModelError("gain_mode is 'fix' or 'rate'")
        if self.expression_mode not in ("initial", "rates", "both", "none"):
            raise ModelError("expression_mode is 'initial', 'rates', 'both' or 'none'")
        if self.gain_rate_factor <= 0 or self.amplification < 1:
            raise ModelError("gain_rate_factor must be > 0 and amplification >= 1")


@dataclass(frozen=True, kw_only=True)
class Twin:
    """A personalised model: ``model`` with rates and initial states set, ``fixed`` the
    nodes held by mutations and known states, and an account of what was applied."""

    profile_id: str
    model: LogicalModel
    fixed: Mapping[str, int]
    applied: tuple[str, ...]
    ignored: tuple[str, ...]
    patient_specific: bool = True

    @property
    def notice(self) -> str | None:
        """A warning when nothing of the patient's own data changed the model."""
        if self.patient_specific:
            return None
        return ("no patient-specific change: no variant or expression value reached the "
                "model, so this twin is the generic model (with any known states)")

    def to_dict(self) -> dict:
        """JSON-ready record of the twin (for writing back to the graph): what was applied
        and a checksum of the personalised model it runs."""
        from kgtwin.twin.formats import model_checksum

        return {
            "profile_id": self.profile_id,
            "model": self.model.name,
            "model_sha256": model_checksum(self.model),
            "fixed": dict(self.fixed),
            "applied": list(self.applied),
            "ignored": list(self.ignored),
            "patient_specific": self.patient_specific,
            **({"notice": self.notice} if self.notice else {}),
        }


def _override(mutation: Mutation, settings: PersonalisationSettings) -> Effect | None:
    gene = mutation.gene.upper()
    variant = mutation.variant.strip().upper().removeprefix("P.")
    found = dict(settings.effects)
    return found.get(f"{gene}:{variant}", found.get(gene))


def _effect(mutation: Mutation, settings: PersonalisationSettings) -> VariantEffect:
    override = _override(mutation, settings)
    if override is not None:
        return VariantEffect(mutation.gene, override, "override")
    if mutation.effect is not None:
        return VariantEffect(mutation.gene, Effect(mutation.effect), "given")
    return read_variant(mutation.gene, mutation.variant, mutation.classification)


def all_levels(model: LogicalModel, nodes: tuple[str, ...]) -> list[str]:
    """Every level of the multi-level nodes among ``nodes`` (``ERK_b1`` -> ERK_b1, ERK_b2)."""
    result: list[str] = []
    for node in nodes:
        match = _LEVEL.match(node)
        levels = level_nodes(model, match.group("base")) if match else (node,)
        result += [level for level in levels if level not in result]
    return result


def mutated_nodes(model: LogicalModel, name: str) -> list[str]:
    """The nodes a mutation of ``name`` holds: a node name that is no gene's symbol is
    that node only (``MEK_b1``); a gene or a multi-level base name is every level."""
    if name in model and not any(name in node.genes for node in model.nodes):
        return [name]
    return all_levels(model, model.nodes_for_gene(name))


def _apply_mutations(model, profile, settings, fixed, applied, ignored) -> LogicalModel:
    for mutation in profile.mutations:
        label = f"{mutation.gene} {mutation.variant}".strip()
        reading = _effect(mutation, settings)
        effect = reading.effect
        nodes = mutated_nodes(model, reading.gene)
        if effect is None:
            ignored.append(f"{label}: no effect read ({reading.reason})")
        elif not nodes:
            ignored.append(f"{label}: {effect.value}, but no model node for {reading.gene}")
        elif effect is Effect.LOSS or settings.gain_mode == "fix":
            for node in nodes:
                fixed[node] = int(effect is Effect.GAIN)
            applied.append(f"{label}: {effect.value} -> {', '.join(nodes)} held "
                           f"{fixed[nodes[0]]} ({reading.reason})")
        else:
            factor = settings.gain_rate_factor
            for node in nodes:
                current = model.node(node)
                model = model.update_node(
                    node, rate_up=current.rate_up * factor, rate_down=current.rate_down / factor
                )
            applied.append(f"{label}: gain -> {', '.join(nodes)} rates x/÷ {factor:g} "
                           f"({reading.reason})")
    for key, effect in settings.effects:
        gene, _, variant = key.partition(":")
        if not any(m.gene.upper() == gene and (not variant or m.variant.strip().upper()
                                               .removeprefix("P.") == variant)
                   for m in profile.mutations):
            ignored.append(f"override {key}={effect.value}: the profile has no such variant")
    return model


def _node_genes(model: LogicalModel, name: str) -> tuple[str, ...]:
    """A node's genes; upper levels without genes of their own share level 1's."""
    node = model.node(name)
    if node.genes:
        return node.genes
    match = _LEVEL.match(name)
    first = f"{match.group('base')}_b1" if match else None
    if first and first in model and model.node(first).genes:
        return model.node(first).genes
    return (name,)


def _logistic(z: float) -> float:
    return 0.5 * (1.0 + math.tanh(z / 2.0))  # 1 / (1 + e^-z), without overflow


def _node_level(model, name, profile, used) -> float | None:
    """The node's level v in [0, 1] from the profile, or None; records the keys used."""
    match = _LEVEL.match(name)
    for key in (name, match.group("base") if match else None):  # the node, or its base
        if key in profile.levels:
            used.add(key)
            return float(profile.levels[key])
        if key in profile.expression:
            used.add(key)
            return _logistic(float(profile.expression[key]))
    genes = _node_genes(model, name)
    levels = [g for g in genes if g in profile.levels]
    if levels:
        used.update(levels)
        return sum(float(profile.levels[g]) for g in levels) / len(levels)
    scores = [g for g in genes if g in profile.expression]
    if scores:
        used.update(scores)
        return _logistic(sum(float(profile.expression[g]) for g in scores) / len(scores))
    return None


def _unused_keys(model, profile, fixed, used) -> list[str]:
    """Why each expression or level key that set nothing was left out."""
    genes = {gene: node.name for node in model.nodes for gene in _node_genes(model, node.name)}
    reasons: dict[str, list[str]] = {}
    for key in sorted(set(profile.expression) | set(profile.levels)):
        if key in used:
            continue
        node = key if key in model else genes.get(key)
        if node is None and any(_LEVEL.match(n) and _LEVEL.match(n).group("base") == key
                                for n in model.names):
            node = level_nodes(model, key)[0]
        if node is None:
            reason = "no model node or gene of that name"
        elif node in fixed:
            reason = "node held (mutation or known state)"
        else:
            reason = "node given by a node-name key or a level"
        reasons.setdefault(reason, []).append(key)
    lines = []
    for reason, keys in reasons.items():
        more = f" (+{len(keys) - _SHOWN} more)" if len(keys) > _SHOWN else ""
        shown = ", ".join(keys[:_SHOWN]) + more
        lines.append(f"expression of {len(keys)} key(s) not used ({reason}): {shown}")
    return lines


#: Keys named in one ``ignored`` line; a whole transcriptome lists only the count beyond.
_SHOWN = 20


def _apply_expression(model, profile, settings, fixed, applied, ignored) -> LogicalModel:
    if not (profile.expression or profile.levels):
        return model
    if settings.expression_mode == "none":
        count = len(profile.expression) + len(profile.levels)
        ignored.append(f"{count} expression value(s) not used (expression_mode 'none')")
        return model
    changed = []
    used: set[str] = set()
    for node in model.nodes:
        if node.name in fixed:
            continue
        level = _node_level(model, node.name, profile, used)
        if level is None:
            continue
        changes: dict[str, float] = {}
        if settings.expression_mode in ("initial", "both"):
            changes["initial_on"] = level
        if settings.expression_mode in ("rates", "both") and not node.is_input:
            boost = settings.amplification ** (2 * level - 1)
            changes |= {"rate_up": node.rate_up * boost, "rate_down": node.rate_down / boost}
        changed.append(replace(node, **changes))
    if changed:
        applied.append(f"expression -> {len(changed)} node(s) ({settings.expression_mode})")
    ignored += _unused_keys(model, profile, fixed, used)
    return model.replace_nodes(changed)


def personalise(
    model: LogicalModel,
    profile: PatientProfile,
    settings: PersonalisationSettings | None = None,
) -> Twin:
    """Build a patient's twin from a generic model and the patient's data (pure function)."""
    settings = settings or PersonalisationSettings()
    fixed: dict[str, int] = {}
    applied: list[str] = []
    ignored: list[str] = []
    model = _apply_mutations(model, profile, settings, fixed, applied, ignored)
    from_mutations = len(applied)
    for name, value in profile.node_states.items():
        for level in level_nodes(model, name):
            fixed[level] = int(bool(value))
        applied.append(f"{name} held {int(bool(value))} (known state)")
    before_expression = len(applied)
    model = _apply_expression(model, profile, settings, fixed, applied, ignored)
    return Twin(
        profile_id=profile.id,
        model=model,
        fixed=fixed,
        applied=tuple(applied),
        ignored=tuple(ignored),
        patient_specific=bool(from_mutations) or len(applied) > before_expression,
    )


def profile_from_dict(data: object, *, source: str | None = None) -> PatientProfile:
    """A profile from parsed JSON/YAML: ``{"id", "mutations": [{"gene", "variant",
    "effect"}], "expression": {gene: z}, "levels": {gene or node: v in [0, 1]},
    "node_states": {node: 0|1}}``; bad fields raise InputError naming the field."""
    from kgtwin.errors import InputError

    if not isinstance(data, dict) or "id" not in data:
        raise InputError(source, "profile", "expected an object with an 'id'")
    unknown = set(data) - {"id", "mutations", "expression", "levels", "node_states"}
    if unknown:
        raise InputError(source, "profile", f"unknown field(s) {sorted(unknown)}")
    mutations = []
    for k, item in enumerate(data.get("mutations", [])):
        try:
            effect = item.get("effect")
            mutations.append(
                Mutation(
                    gene=str(item["gene"]),
                    variant=str(item.get("variant", "")),
                    effect=Effect(effect) if effect is not None else None,
                )
            )
        except (KeyError, ValueError, AttributeError, TypeError) as error:
            raise InputError(source, f"mutations[{k}]", f"bad mutation: {error!r}") from None
    try:
        expression = {str(g): float(z) for g, z in data.get("expression", {}).items()}
        levels = {str(g): float(v) for g, v in data.get("levels", {}).items()}
        states = {str(n): bool(int(v)) for n, v in data.get("node_states", {}).items()}
        return PatientProfile(id=str(data["id"]), mutations=tuple(mutations),
                              expression=expression, levels=levels, node_states=states)
    except (ValueError, AttributeError, TypeError) as error:
        raise InputError(
            source, "profile", f"bad expression, levels or node_states: {error}") from None
