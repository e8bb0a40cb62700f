"""A patient's slice of the graph, read back from any store: profile, subgraph, listing.

The one reader of :mod:`kgtwin.patient_schema`, so the CLI and the twin builder see a
patient the same way whatever files the records came from: diagnoses, treatments with
observed responses, samples, variants (on a sample, or on the patient when the source
named no sample) and the per-sample measurements.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from kgtwin.errors import NotFoundError
from kgtwin.model import Node
from kgtwin.patient_schema import (
    DIAGNOSIS,
    PATIENT,
    SAMPLE_OF,
    TREATMENT,
    VARIANT,
    VARIANT_QUALIFIER,
    gene_level_alteration,
    gene_level_variant_id,
    knowledge_variant_id,
)
from kgtwin.privacy import PATIENT_PREFIX
from kgtwin.store.base import GraphStore

#: A pseudonym prefix this long is enough to name a patient on the command line.
MIN_PREFIX = 6


@dataclass(frozen=True)
class Diagnosis:
    disease: str
    name: str | None
    code: str | None = None
    mapping: str | None = None


@dataclass(frozen=True)
class Treatment:
    drug: str
    name: str | None
    response: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Variant:
    gene: str
    symbol: str | None
    change: str
    carrier: str
    kind: str
    classification: str | None = None
    allele_fraction: float | None = None
    #: What a knowledge base loaded into the graph says the variant does (OncoKB's
    #: ``Likely Gain-of-function``), from the variant's node if the graph has one.
    mutation_effect: str | None = None


@dataclass(frozen=True)
class Profile:
    """Everything the graph holds about one patient (pseudonymous)."""

    id: str
    properties: dict[str, Any]
    diagnoses: list[Diagnosis]
    treatments: list[Treatment]
    samples: list[str]
    variants: list[Variant]
    measurements: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["measurements"] = self.measurements.to_dict(orient="records")
        return data


def resolve_patient(store: GraphStore, given: str) -> str:
    """A patient id from a full id, a bare pseudonym or a unique pseudonym prefix."""
    text = given.strip()
    candidate = text if ":" in text else f"{PATIENT_PREFIX}:{text}"
    found = store.resolve(candidate)
    if found is not None and _is_patient(store, found):
        return found
    bare = candidate.split(":", 1)[1]
    if len(bare) >= MIN_PREFIX:
        matches = [n.id for n in store.nodes(category=PATIENT)
                   if n.id.split(":", 1)[1].startswith(bare)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFoundError(f"{given!r} names {len(matches)} patients; give more of it")
    raise NotFoundError(f"no patient {given!r} (see `kgtwin patient list`)")


def _is_patient(store: GraphStore, id: str) -> bool:
    node = store.node(id)
    return node is not None and node.category == PATIENT


def _name(store: GraphStore, id: str) -> str | None:
    node = store.node(id)
    return node.name if node is not None else None


def patient_profile(store: GraphStore, patient: str) -> Profile:
    """The profile of a patient (``patient`` as :func:`resolve_patient` accepts it)."""
    patient = resolve_patient(store, patient)
    node = store.node(patient)
    diagnoses = [
        Diagnosis(e.object, _name(store, e.object), e.properties.get("code"),
                  e.properties.get("mapping"))
        for e in store.edges(subject=patient, predicate=DIAGNOSIS)
    ]
    treatments = [
        Treatment(e.object, _name(store, e.object), e.properties.get("response"),
                  e.properties.get("status"))
        for e in store.edges(subject=patient, predicate=TREATMENT)
    ]
    samples = sorted(e.subject for e in store.edges(object=patient, predicate=SAMPLE_OF))
    variants = [v for carrier in (patient, *samples) for v in _variants(store, carrier)]
    frames = [store.measurements(entity=entity) for entity in (patient, *samples)]
    frames = [f.astype({"value": float, "zscore": float}) for f in frames if not f.empty]
    measurements = (pd.concat(frames, ignore_index=True) if frames
                    else pd.DataFrame(columns=["entity", "feature", "kind", "value", "zscore"]))
    return Profile(patient, dict(node.properties), diagnoses, treatments, samples, variants,
                   measurements)


def _variants(store: GraphStore, carrier: str) -> list[Variant]:
    found = []
    for neighbor in store.neighbors(carrier, predicate=VARIANT, direction="out"):
        edge = neighbor.edge
        change = edge.qualifiers.get(VARIANT_QUALIFIER, "")
        known = (store.node(knowledge_variant_id(edge.object, change))
                 if change.startswith("p.") else None)
        if known is None or not known.properties.get("mutation_effect"):
            known = _gene_level(store, edge.object, edge.predicate, change) or known
        found.append(Variant(
            gene=edge.object,
            symbol=neighbor.node.name,
            change=change,
            carrier=carrier,
            kind=edge.predicate.removeprefix("biolink:"),
            classification=edge.properties.get("classification"),
            allele_fraction=edge.properties.get("allele_fraction"),
            mutation_effect=known.properties.get("mutation_effect") if known else None,
        ))
    return found


def _gene_level(store: GraphStore, gene: str, predicate: str, change: str) -> Node | None:
    """A knowledge base's statement on the class of the gene's alterations this variant
    falls under (OncoKB's BRCA2 Truncating Mutations for BRCA2 p.R3128*), read where the
    variant itself has no statement with an effect."""
    alteration = gene_level_alteration(predicate, change)
    return store.node(gene_level_variant_id(gene, alteration)) if alteration else None


def patient_subgraph(store: GraphStore, patient: str) -> nx.MultiDiGraph:
    """The patient, its samples and every edge of either (diseases, drugs, genes)."""
    profile = patient_profile(store, patient)
    return store.subgraph([profile.id, *profile.samples], hops=1)


def list_patients(store: GraphStore) -> list[dict[str, Any]]:
    """Every patient by pseudonym, with sex, age band and diagnoses' names."""
    rows = []
    for node in store.nodes(category=PATIENT):
        diagnoses = sorted(
            _name(store, e.object) or e.object
            for e in store.edges(subject=node.id, predicate=DIAGNOSIS)
        )
        samples = sum(1 for _ in store.edges(object=node.id, predicate=SAMPLE_OF))
        rows.append({
            "id": node.id,
            "sex": node.properties.get("sex"),
            "age_band": node.properties.get("age_band"),
            "diagnoses": diagnoses,
            "samples": samples,
            "key_id": node.properties.get("key_id"),
        })
    return rows


__all__ = [
    "Diagnosis",
    "Profile",
    "Treatment",
    "Variant",
    "list_patients",
    "patient_profile",
    "patient_subgraph",
    "resolve_patient",
]
