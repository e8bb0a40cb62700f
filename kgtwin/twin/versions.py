"""Twins stored in the graph as versions that evolve with the patient.

Each version is written with ``store.load`` as its own source (``twin:<twin id>``), so it
is atomic, recorded in the ledger and removable like any other source:

* node ``KGTWIN.TWIN:<patient pseudonym>-v<N>`` (``biolink:DatasetVersion``) with
  properties ``version``, ``patient``, ``created_at``, ``model_text`` (the twin's BNET
  before personalisation), ``model_hash``, ``inputs_hash`` (records + settings + model),
  ``origins`` (curated model, curated nodes, derived rules), ``personalisation`` (held
  nodes and what was applied), ``settings``, ``records`` (the diagnoses, variants,
  expression z-scores, treatments with observed responses and knowledge sources it was
  built from), ``changes`` (what differs from the previous version) and
  ``combinations`` (scores of drug combinations);
* ``twin --biolink:model_of--> patient``;
* ``twin --biolink:derives_from--> previous version`` (property ``relation:
  previous_version``) and ``--> curated model`` (``relation: curated_model``);
* one prediction per single drug: ``twin --biolink:associated_with--> drug`` with
  qualifier ``knowledge_level: prediction`` and properties ``score``, ``score_low``,
  ``score_high``, ``rank``, ``readouts`` (change and interval per readout) and
  ``twin_version`` (and ``p_response`` when a cohort calibration is given). (Biolink
  has no "predicted response" predicate; ``associated_with`` with the prediction
  knowledge level says exactly that much.)

A new version is written only when the patient's records, the knowledge the twin reads,
the settings or the model changed (``inputs_hash`` differs), or when forced. Earlier
versions are never changed, so ``history`` shows how predictions moved.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kgtwin import __version__
from kgtwin.model import KNOWLEDGE_LEVEL, PREDICTED, Edge, Node
from kgtwin.patients import resolve_patient
from kgtwin.store.base import GraphStore, SourceInfo
from kgtwin.twin.build import DERIVED
from kgtwin.twin.calibrate import Calibration
from kgtwin.twin.patient_twin import (
    PatientTwin,
    TwinSettings,
    build_patient_twin,
    rank_patient_drugs,
)
from kgtwin.twin.response import TreatmentResponse

__all__ = [
    "PREDICTION",
    "TWIN_CATEGORY",
    "TwinVersion",
    "UpdateResult",
    "latest_version",
    "record_changes",
    "twin_history",
    "update_twin",
    "version_records",
]

TWIN_PREFIX = "KGTWIN.TWIN"
TWIN_CATEGORY = "biolink:DatasetVersion"
OF_PATIENT = "biolink:model_of"
DERIVES = "biolink:derives_from"
PREDICTION = "biolink:associated_with"
LOADER = "kgtwin-twin@1"


@dataclass(frozen=True, kw_only=True)
class TwinVersion:
    """One stored version of a patient's twin and its predictions, best first."""

    id: str
    version: int
    created_at: str
    inputs_hash: str
    model_hash: str
    changes: tuple[str, ...]
    predictions: tuple[dict, ...]
    properties: dict = field(repr=False, default_factory=dict)

    def to_dict(self) -> dict:
        return {"id": self.id, "version": self.version, "created_at": self.created_at,
                "inputs_hash": self.inputs_hash, "model_hash": self.model_hash,
                "changes": list(self.changes), "predictions": list(self.predictions)}


@dataclass(frozen=True, kw_only=True)
class UpdateResult:
    """What ``update_twin`` did: the current version, and whether it is new."""

    version: TwinVersion
    created: bool
    changes: tuple[str, ...]


def _pseudonym(patient: str) -> str:
    return patient.split(":", 1)[1]


def twin_id(patient: str, version: int) -> str:
    return f"{TWIN_PREFIX}:{_pseudonym(patient)}-v{version}"


def twin_history(store: GraphStore, patient: str) -> list[TwinVersion]:
    """Every stored version of the patient's twin, oldest first."""
    patient = resolve_patient(store, patient)
    versions = []
    for neighbor in store.neighbors(patient, predicate=OF_PATIENT, direction="in"):
        node = neighbor.node
        if not node.id.startswith(f"{TWIN_PREFIX}:"):
            continue
        props = dict(node.properties)
        predictions = sorted(
            ({"drug": e.object, "name": _name(store, e.object), **dict(e.properties)}
             for e in store.edges(subject=node.id, predicate=PREDICTION)
             if e.qualifiers.get(KNOWLEDGE_LEVEL) == PREDICTED),
            key=lambda p: p.get("rank", 0))
        versions.append(TwinVersion(
            id=node.id, version=int(props.get("version", 0)),
            created_at=str(props.get("created_at", "")),
            inputs_hash=str(props.get("inputs_hash", "")),
            model_hash=str(props.get("model_hash", "")),
            changes=tuple(props.get("changes", ())), predictions=tuple(predictions),
            properties=props))
    return sorted(versions, key=lambda v: v.version)


def _name(store: GraphStore, id: str) -> str | None:
    """A drug's name as ``graph_drugs`` writes it (lower case, as DrugBank does)."""
    node = store.node(id)
    return node.name.lower() if node is not None and node.name else None


def latest_version(store: GraphStore, patient: str) -> TwinVersion | None:
    history = twin_history(store, patient)
    return history[-1] if history else None


def record_changes(before: dict | None, after: dict) -> list[str]:
    """What differs between two versions' records, in words (first version: 'first')."""
    if before is None:
        return ["first version"]
    changes = []
    old = {(v["symbol"], v["change"]) for v in before.get("variants", [])}
    new = {(v["symbol"], v["change"]) for v in after.get("variants", [])}
    changes += [f"new variant {g} {c}" for g, c in sorted(new - old)]
    changes += [f"variant no longer recorded: {g} {c}" for g, c in sorted(old - new)]
    old_x, new_x = before.get("expression", {}), after.get("expression", {})
    moved = sorted(g for g in new_x if old_x.get(g) != new_x[g])
    if moved:
        changes.append(f"expression changed for {len(moved)} gene(s): {', '.join(moved[:8])}")
    old_t = {(t["drug"], t.get("response")) for t in before.get("treatments", [])}
    for drug, response in sorted(
            {(t["drug"], t.get("response")) for t in after.get("treatments", [])} - old_t,
            key=str):
        changes.append(f"treatment {drug}" + (f": observed {response}" if response else ""))
    if before.get("diagnoses") != after.get("diagnoses"):
        changes.append("diagnoses changed")
    if before.get("knowledge") != after.get("knowledge"):
        changes.append("knowledge sources changed")
    return changes


def _prediction(twin_node: str, response: TreatmentResponse, rank: int, version: int,
                drug: str, calibration: Calibration | None) -> Edge:
    calibrated = ({"p_response": round(calibration.probability(response.score), 6)}
                  if calibration is not None else {})
    return Edge(
        subject=twin_node, predicate=PREDICTION, object=drug,
        qualifiers={KNOWLEDGE_LEVEL: PREDICTED},
        properties={
            "score": round(response.score, 6), "score_low": round(response.score_low, 6),
            "score_high": round(response.score_high, 6), "rank": rank,
            "twin_version": version,
            "readouts": {r.name: {"change": round(r.change, 6), "low": round(r.low, 6),
                                  "high": round(r.high, 6)} for r in response.readouts},
            **calibrated,
        })


def version_records(
    twin: PatientTwin,
    responses: Sequence[TreatmentResponse],
    version: int,
    previous: TwinVersion | None,
    changes: Sequence[str],
) -> list[Node | Edge]:
    """The node and edges of one twin version (see the module docs)."""
    node_id = twin_id(twin.patient, version)
    graph_model = twin.graph_model
    model_text = twin.model_text
    singles = [r for r in responses if len(r.drugs) == 1]
    combos = [r for r in responses if len(r.drugs) > 1]
    ids = {d.name: d.id for d in twin.drugs}
    properties = {
        "version": version,
        "patient": twin.patient,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "kgtwin_version": __version__,
        "model_format": "bnet",
        "model_text": model_text,
        "model_hash": hashlib.sha256(model_text.encode("utf-8")).hexdigest(),
        "inputs_hash": twin.inputs_hash,
        "origins": {
            "curated_model": graph_model.curated_model,
            "curated": graph_model.nodes_with("curated"),
            "derived": {n: graph_model.model.node(n).rule.to_text()
                        for n in graph_model.nodes_with(DERIVED)},
        },
        "personalisation": {"fixed": dict(twin.twin.fixed), "applied": list(twin.twin.applied),
                            "notes": list(twin.notes),
                            "patient_specific": twin.twin.patient_specific},
        "settings": twin.settings.to_dict(),
        "records": twin.records,
        "changes": list(changes),
        "combinations": [{"treatment": r.label, "score": round(r.score, 6),
                          "score_low": round(r.score_low, 6),
                          "score_high": round(r.score_high, 6)} for r in combos],
    }
    records: list[Node | Edge] = [
        Node(id=node_id, category=TWIN_CATEGORY,
             name=f"twin of {_pseudonym(twin.patient)[:12]} v{version}", properties=properties),
        Edge(node_id, OF_PATIENT, twin.patient),
    ]
    if previous is not None:
        records.append(Edge(node_id, DERIVES, previous.id,
                            properties={"relation": "previous_version"}))
    if graph_model.curated_model:
        records.append(Edge(node_id, DERIVES, graph_model.curated_model,
                            properties={"relation": "curated_model"}))
    for rank, response in enumerate(singles, 1):
        drug = response.drugs[0]
        records.append(_prediction(node_id, response, rank, version, ids.get(drug) or drug,
                                   twin.settings.calibration))
    return records


def update_twin(
    store: GraphStore,
    patient: str,
    settings: TwinSettings | None = None,
    *,
    combinations: Sequence[str] = (),
    force: bool = False,
) -> UpdateResult:
    """Bring the stored twin up to date: a new version if anything it reads changed."""
    patient = resolve_patient(store, patient)
    twin = build_patient_twin(store, patient, settings)
    latest = latest_version(store, patient)
    if latest is not None and latest.inputs_hash == twin.inputs_hash and not force:
        return UpdateResult(version=latest, created=False, changes=())
    changes = record_changes(latest.properties.get("records") if latest else None, twin.records)
    if latest is not None and not changes:
        changes = ["settings or model changed" if latest.inputs_hash != twin.inputs_hash
                   else "rebuilt on request"]
    responses = rank_patient_drugs(twin, store, combinations=combinations)
    version = (latest.version if latest else 0) + 1
    records = version_records(twin, responses, version, latest, changes)
    source = SourceInfo(name=f"twin:{twin_id(patient, version)}", version=str(version),
                        checksum=twin.inputs_hash, loader=LOADER)
    store.load(records, source)
    return UpdateResult(version=latest_version(store, patient), created=True,
                        changes=tuple(changes))
