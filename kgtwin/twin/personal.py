"""A graph patient (``kgtwin.patients.Profile``) as the twin engine's ``PatientProfile``.

What each record does to the twin (PROFILE-style, Béal et al. 2019; the engine applies
it, see ``kgtwin/twin/profile.py``):

- **variants** become mutations, each read by ``kgtwin/twin/effects.py`` from the
  shipped gene-role and hotspot tables: activating hotspot or amplified oncogene -> gain;
  truncating, deep deletion or damaging change of a tumour suppressor -> loss (TP53
  R175H, a dominant-negative hotspot, included; a change classified benign or of
  uncertain significance is not read as damaging); fusion -> gain of its kinase
  (``BCR::ABL1`` -> ABL1). A variant the tables do not decide is recorded with the
  reason, never guessed; ``PersonalisationSettings.effects`` (``--effect``) overrides.
  Benign variants are skipped. Gain holds the gene's node on (or raises its rate,
  ``gain_mode="rate"``), loss holds it off.
- **expression** z-scores (cohort-relative, as stored beside the graph) go to the engine,
  which sets a node's initial P(on) to 1/(1+e^-z) and scales its rates by A^(2v-1)
  (A = 100). Genes with |z| >= :data:`OUTLIER_Z` are *expression outliers* and seed the
  twin's neighbourhood like altered genes.
- **diagnosis** sets tissue and environment context from ``contexts.tsv``: SOX10 on in
  melanoma and off elsewhere (the melanoma vs colorectal branch of Béal et al. 2021),
  EGFR ligands present in colorectal cancer only (not a blanket "EGF on": an EGFR-mutant
  tumour signals through its mutant receptor), HGF/FGF absent. Context holds nodes, so it
  overrides expression;
  the context's genes also seed the neighbourhood, so a twin derived from signed edges
  alone carries them too.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from kgtwin.patients import Profile
from kgtwin.store.base import GraphStore
from kgtwin.twin.effects import read_variant
from kgtwin.twin.model import LogicalModel
from kgtwin.twin.profile import Effect, Mutation, PatientProfile

__all__ = [
    "OUTLIER_Z",
    "TUMOUR_SUPPRESSORS",
    "Alteration",
    "alterations",
    "context_states",
    "engine_profile",
]

#: |z| at or above which an expressed gene seeds the twin as an outlier.
OUTLIER_Z = 2.0
#: Tumour suppressors that signalling models carry, for callers that need a constant
#: (twin building, screens). Variant effects are decided by ``gene_roles.tsv`` (via
#: ``effects.gene_role``), where each of these is a tsg (a test checks).
TUMOUR_SUPPRESSORS = frozenset({
    "APC", "ARID1A", "ATM", "BRCA1", "BRCA2", "CDKN1A", "CDKN1B", "CDKN2A", "FBXW7",
    "KEAP1", "NF1", "NF2", "PTEN", "RB1", "SMAD4", "STK11", "TP53", "TSC1", "TSC2", "VHL",
})
_BENIGN = {"benign", "likely_benign", "likely benign"}
_SUBCLASS = "biolink:subclass_of"


@dataclass(frozen=True, kw_only=True)
class Alteration:
    """One altered gene of the patient and what the twin will do with it."""

    gene: str  # graph id
    symbol: str
    change: str
    effect: Effect | None
    reason: str
    target: str = ""  # the gene whose activity changes (a fusion's kinase), else symbol
    classification: str | None = None

    @property
    def label(self) -> str:
        return f"{self.symbol} {self.change}".strip()


def _change(text: str) -> str:
    """``p.V600E`` -> ``V600E``; ``BCR::ABL1 fusion`` -> ``BCR-ABL1`` (the hotspot table's)."""
    change = text.strip().removeprefix("p.")
    if "::" in change:
        change = change.split()[0].replace("::", "-")
    return change


def alterations(profile: Profile) -> list[Alteration]:
    """The patient's variants (benign ones skipped), one per gene and change."""
    found: dict[tuple[str, str], Alteration] = {}
    for variant in profile.variants:
        if (variant.classification or "").lower() in _BENIGN:
            continue
        symbol = variant.symbol or variant.gene.split(":")[-1]
        change = _change(variant.change)
        reading = read_variant(symbol, change, variant.classification,
                               mutation_effect=variant.mutation_effect)
        found.setdefault((variant.gene, change), Alteration(
            gene=variant.gene, symbol=symbol, change=change, effect=reading.effect,
            reason=reading.reason, target=reading.gene,
            classification=variant.classification))
    return [found[key] for key in sorted(found)]


def expression(store: GraphStore, profile: Profile) -> dict[str, tuple[str, float]]:
    """Gene id -> (symbol, z-score) of the patient's expression measurements (mean over
    samples when there are several)."""
    frame = profile.measurements
    if frame.empty:
        return {}
    rows = frame[(frame["kind"] == "expression") & frame["zscore"].notna()]
    result = {}
    for gene, z in rows.groupby("feature")["zscore"].mean().items():
        node = store.node(gene)
        result[str(gene)] = ((node.name if node is not None and node.name else str(gene)),
                             round(float(z), 6))
    return result


@functools.cache
def _contexts() -> tuple[tuple[str, str, bool, str], ...]:
    text = resources.files("kgtwin.twin").joinpath("contexts.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(
        (line for line in text.splitlines() if not line.startswith("#")), delimiter="\t")
    return tuple((r["disease"], r["gene"], r["state"] == "1", r["note"]) for r in rows)


def _ancestors(store: GraphStore, diseases: Iterable[str]) -> set[str]:
    found: set[str] = set()
    queue = list(diseases)
    while queue:
        disease = queue.pop()
        if disease in found:
            continue
        found.add(disease)
        queue += [e.object for e in store.edges(subject=disease, predicate=_SUBCLASS)]
    return found


def context_states(store: GraphStore, profile: Profile) -> dict[str, tuple[bool, str]]:
    """Gene symbol -> (held on?, why) from the diagnoses; specific rows beat ``*``."""
    diseases = _ancestors(store, [d.disease for d in profile.diagnoses])
    states: dict[str, tuple[bool, str]] = {}
    specific: set[str] = set()
    for disease, gene, on, note in _contexts():
        if disease in diseases:
            states[gene] = (on, note)
            specific.add(gene)
        elif disease == "*" and gene not in specific:
            states.setdefault(gene, (on, note))
    return states


def engine_profile(
    store: GraphStore, profile: Profile, model: LogicalModel
) -> tuple[PatientProfile, list[str]]:
    """The engine's profile of this patient on ``model``, and notes on what was set."""
    notes = []
    mutations = []
    for alteration in alterations(profile):
        mutations.append(Mutation(gene=alteration.target or alteration.symbol,
                                  variant=alteration.change, effect=alteration.effect,
                                  classification=alteration.classification))
        effect = alteration.effect.value if alteration.effect else "ignored"
        notes.append(f"{alteration.label}: {effect} ({alteration.reason})")
    node_states = {}
    for symbol, (on, note) in context_states(store, profile).items():
        for node in model.nodes_for_gene(symbol):
            node_states[node] = on
            notes.append(f"context: {node} held {int(on)} ({note})")
    values = {symbol: z for symbol, z in expression(store, profile).values()}
    engine = PatientProfile(id=profile.id, mutations=tuple(mutations), expression=values,
                            node_states=node_states)
    return engine, notes


def seed_genes(store: GraphStore, profile: Profile) -> dict[str, str]:
    """Gene id -> why it seeds the twin: altered (variant, copy number), an expression
    outlier, or set by the tissue context (so a derived twin has the context's nodes)."""
    seeds = {a.gene: f"variant {a.change}" for a in alterations(profile)}
    for gene, (_, z) in expression(store, profile).items():
        if abs(z) >= OUTLIER_Z:
            seeds.setdefault(gene, f"expression outlier (z = {z:+.2f})")
    for symbol, (on, _) in context_states(store, profile).items():
        gene = store.resolve(f"hgnc.symbol:{symbol}")
        if gene is not None:
            seeds.setdefault(gene, f"tissue context ({symbol} {'on' if on else 'off'})")
    return seeds
