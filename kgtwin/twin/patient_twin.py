"""A patient's twin from the graph: build, personalise, treat, rank.

Ties the graph side (``build``, ``personal``, ``drugs``) to the engine (``profile``,
``response``): seeds = altered genes + expression outliers + targets of candidate drugs;
model = curated rules where a model covers them, derived rules elsewhere; personalised
with the patient's variants, expression and tissue context; every drug with a target in
the twin is simulated against the untreated twin with the same settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from kgtwin.patients import Profile, patient_profile
from kgtwin.store.base import GraphStore
from kgtwin.twin.build import BuildSettings, GraphModel, build_model
from kgtwin.twin.calibrate import Calibration
from kgtwin.twin.drugs import (
    candidate_ids,
    drug_sources,
    drug_targets,
    graph_drugs,
    parse_treatments,
    twin_drugs,
)
from kgtwin.twin.formats.bnet import dumps_bnet
from kgtwin.twin.personal import alterations, engine_profile, expression, seed_genes
from kgtwin.twin.profile import (
    Effect,
    PatientProfile,
    PersonalisationSettings,
    Twin,
    personalise,
)
from kgtwin.twin.response import Drug, TreatmentResponse, rank_treatments
from kgtwin.twin.simulate import SimulationSettings

__all__ = ["DEFAULT_TRAJECTORIES", "PatientTwin", "TwinSettings", "build_patient_twin",
           "default_simulation", "rank_patient_drugs"]


#: The simulation every twin command uses unless told otherwise: the CLI's defaults and
#: the demo's, so a twin the demo stored is current for `kgtwin twin update`.
DEFAULT_TRAJECTORIES = 2000
DEFAULT_MAX_TIME = 50.0
DEFAULT_SEED = 0
#: Names the way a treatment's seed is derived: the untreated run's own (common random
#: numbers, ``response.rank_treatments``).
TREATMENT_SEEDING = "common: the untreated seed"


def default_simulation(trajectories: int = DEFAULT_TRAJECTORIES,
                       seed: int = DEFAULT_SEED) -> SimulationSettings:
    """The twins' simulation settings (cells per treatment and seed may be changed)."""
    return SimulationSettings(trajectories=trajectories, max_time=DEFAULT_MAX_TIME, seed=seed)


@dataclass(frozen=True, kw_only=True)
class TwinSettings:
    """Everything that decides a twin's predictions besides the patient's records."""

    #: Patient twins gate apoptosis on p53 (``BuildSettings.p53_gated_apoptosis``).
    build: BuildSettings = field(
        default_factory=lambda: BuildSettings(p53_gated_apoptosis=True))
    personalisation: PersonalisationSettings = field(default_factory=PersonalisationSettings)
    simulation: SimulationSettings = field(default_factory=default_simulation)
    strength: float = 1.0
    calibration: Calibration | None = None

    def to_dict(self) -> dict:
        p, s = self.personalisation, self.simulation
        return {
            "build": self.build.to_dict(),
            "personalisation": {"gain_mode": p.gain_mode, "gain_rate_factor": p.gain_rate_factor,
                                "expression_mode": p.expression_mode,
                                "amplification": p.amplification,
                                **({"effects": {k: e.value for k, e in p.effects}}
                                   if p.effects else {})},
            "simulation": {"trajectories": s.trajectories, "max_time": s.max_time,
                           "time_tick": s.time_tick, "seed": s.seed,
                           # How each treatment's random stream is chosen (response.py):
                           # a twin stored under another scheme is not current.
                           "treatment_seed": TREATMENT_SEEDING},
            "strength": self.strength,
            **({"calibration": self.calibration.to_dict()} if self.calibration else {}),
        }


@dataclass(frozen=True, kw_only=True)
class PatientTwin:
    """A built, personalised twin and everything it was built from."""

    patient: str
    graph_model: GraphModel
    profile: PatientProfile
    twin: Twin
    drugs: tuple[Drug, ...]
    notes: tuple[str, ...]
    records: dict
    settings: TwinSettings

    @property
    def model_text(self) -> str:
        """The (unpersonalised) twin model in BNET, as stored with each version."""
        return dumps_bnet(self.graph_model.model)

    @property
    def inputs_hash(self) -> str:
        """Hash of the records, settings, model and drugs: equal hash, equal predictions."""
        drugs = [[d.id, d.name, list(d.targets), str(d.action)] for d in self.drugs]
        text = json.dumps({"records": self.records, "settings": self.settings.to_dict(),
                           "model": self.model_text, "drugs": drugs},
                          sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _records(store: GraphStore, profile: Profile, knowledge: set) -> dict:
    """What the twin is built from, as plain data (stored with the version): the
    patient's records and the knowledge sources of every statement the twin read."""
    return {
        "diagnoses": sorted(d.disease for d in profile.diagnoses),
        "variants": [{"gene": a.gene, "symbol": a.symbol, "change": a.change,
                      "effect": a.effect.value if a.effect else None, "why": a.reason}
                     for a in alterations(profile)],
        "expression": {symbol: z for symbol, z in sorted(expression(store, profile).values())},
        "treatments": sorted([{"drug": t.drug, "name": t.name, "response": t.response}
                              for t in profile.treatments], key=lambda t: t["drug"]),
        "knowledge": [list(k) for k in sorted(knowledge)],
    }


def build_patient_twin(
    store: GraphStore,
    patient: str,
    settings: TwinSettings | None = None,
    *,
    extra_drugs: Iterable[str] = (),
    records: Profile | None = None,
) -> PatientTwin:
    """Build the twin of ``patient`` (id, pseudonym or unique prefix) from the graph.

    ``records``: the patient's records already read with ``patient_profile`` (a cohort
    reads them once for the twin and its own columns); read from the store if omitted."""
    settings = settings or TwinSettings()
    profile = records if records is not None else patient_profile(store, patient)
    seeds = seed_genes(store, profile)
    candidates = candidate_ids(store, profile, seeds) | {store.resolve(d) or d
                                                          for d in extra_drugs}
    targets = {t for d in candidates for t in drug_targets(store, d)}
    gained = {store.resolve(f"hgnc.symbol:{a.target}") or a.gene if a.target else a.gene
              for a in alterations(profile) if a.effect is Effect.GAIN}
    graph_model = build_model(store, set(seeds) | targets, settings.build,
                              name=f"twin_{profile.id.split(':', 1)[1][:12]}", gained=gained)
    engine, notes = engine_profile(store, profile, graph_model.model)
    twin = personalise(graph_model.model, engine, settings.personalisation)
    variants = [(a.symbol, a.change) for a in alterations(profile)]
    genes = [e for e in graph_model.entity_nodes if e not in graph_model.readouts.values()]
    all_drugs = graph_drugs(store, strength=settings.strength, genes=genes)
    drugs = tuple(twin_drugs(all_drugs, graph_model.model, variants))
    return PatientTwin(patient=profile.id, graph_model=graph_model, profile=engine, twin=twin,
                       drugs=drugs, notes=tuple(notes + list(twin.ignored)),
                       records=_records(store, profile, set(graph_model.sources)
                                        | drug_sources(store, drugs)),
                       settings=settings)


def rank_patient_drugs(
    twin: PatientTwin,
    store: GraphStore | None = None,
    *,
    combinations: Sequence[str] = (),
    only: Sequence[str] = (),
) -> list[TreatmentResponse]:
    """Every drug of the twin (or ``only`` those) and the given combinations
    (``"a+b"``), best response score first."""
    drugs = {d.id or d.name: d for d in twin.drugs}
    treatments: list[tuple[Drug, ...]] = []
    if only:
        treatments += parse_treatments(only, drugs, store)
    else:
        treatments += [(d,) for d in twin.drugs]
    if combinations:
        treatments += parse_treatments(combinations, drugs, store)
    if not treatments:
        return []
    return rank_treatments(twin.twin, treatments, twin.settings.simulation)
