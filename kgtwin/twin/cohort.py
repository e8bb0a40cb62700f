"""Every patient x drug of a cohort: a table, a heatmap, variant-response associations and
a calibration of scores against observed responses.

Each patient's twin in a cohort is that patient's own twin, built exactly as ``kgtwin
twin rank-drugs`` builds it (``patient_twin.build_patient_twin``: the patient's seeds,
the graph, the same settings), so a patient-drug score is one number wherever it is
shown: the cohort table and HTML, ``rank-drugs``, ``twin update`` and the demo report
(``docs/scores.md`` says why this definition and not a wiring shared by the cohort). A
drug none of whose targets is in a patient's twin, or a mutant-selective drug without
its mutant, does not act on that twin: its row says so (``acts`` false, ``why``).

Associations: for each variant carried by at least ``min_carriers`` patients (and not
by at least as many), and each drug, the twins' scores of carriers and non-carriers are
compared with a two-sided Mann-Whitney U test; ``q`` is the Benjamini-Hochberg adjusted
p-value over all tests. These are associations among twins (what the model predicts for
carriers), not clinical evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd

from kgtwin.errors import NotFoundError
from kgtwin.patients import list_patients, patient_profile, resolve_patient
from kgtwin.store.base import GraphStore
from kgtwin.twin.calibrate import Calibration, fit_calibration, responder
from kgtwin.twin.drugs import candidate_ids, graph_drugs, mutant_blocked
from kgtwin.twin.executor import Executor
from kgtwin.twin.patient_twin import PatientTwin, TwinSettings, build_patient_twin
from kgtwin.twin.personal import alterations, seed_genes
from kgtwin.twin.profile import Twin, all_levels
from kgtwin.twin.response import Drug, TreatmentResponse, rank_treatments
from kgtwin.twin.simulate import SimulationSettings

__all__ = [
    "CohortResult",
    "CohortTwin",
    "associations",
    "run_cohort",
    "simulate_cohort",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class CohortTwin:
    """One patient's personalised twin in the cohort and what it is compared against."""

    patient: str
    label: str
    diagnosis: str
    variants: tuple[str, ...]
    twin: Twin
    regimens: tuple[tuple[tuple[str, ...], str], ...] = ()  # (drug names, observed response)
    #: This twin's own version of each drug (targets inside its model), by drug id or
    #: name; empty: the cohort's drugs act as given (``screen`` twins share one wiring).
    own_drugs: dict[str, Drug] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CohortResult:
    """The patient x drug table and what was derived from it."""

    table: pd.DataFrame
    associations: pd.DataFrame
    observed: pd.DataFrame
    calibration: Calibration | None
    #: Nodes of each patient's twin (its own wiring), by patient id.
    model_nodes: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def _row(twin: CohortTwin, drug: Drug, response: TreatmentResponse | None) -> dict:
    acts = response is not None and not response.untargeted
    row = {"patient": twin.patient, "label": twin.label, "diagnosis": twin.diagnosis,
           "variants": ", ".join(twin.variants) or "none",
           "patient_specific": twin.twin.patient_specific, "drug": drug.name,
           "drug_id": drug.id, "acts": acts, "why": "" if acts else _why_not(twin, drug),
           "score": 0.0, "score_low": 0.0, "score_high": 0.0}
    if response is not None:
        row |= {"score": response.score, "score_low": response.score_low,
                "score_high": response.score_high}
        for readout in response.readouts:
            key = readout.name.lower()
            row |= {f"d_{key}": readout.change, f"d_{key}_low": readout.low,
                    f"d_{key}_high": readout.high, f"{key}_untreated": readout.untreated}
    return row


def _present(twin: CohortTwin) -> list[tuple[str, ...]]:
    return [tuple(v.split(" ", 1)) if " " in v else (v, "") for v in twin.variants]


def _own(twin: CohortTwin, drug: Drug) -> Drug | None:
    """The twin's version of ``drug`` (None: it has no target in the twin)."""
    if not twin.own_drugs:
        return drug
    return twin.own_drugs.get(drug.id or drug.name)


def _why_not(twin: CohortTwin, drug: Drug) -> str:
    if mutant_blocked(drug.name, _present(twin)):
        return "needs a mutant this patient lacks"
    return "none of its targets is in this twin"


def _acting(twin: CohortTwin, drugs: Sequence[Drug]) -> list[Drug]:
    """Drugs that act on this twin, as the twin has them (targets inside its model;
    mutant-selective drugs need the patient's mutant)."""
    present = _present(twin)
    found = [_own(twin, drug) for drug in drugs if not mutant_blocked(drug.name, present)]
    return [drug for drug in found if drug is not None]


def _hold_key(model, drug: Drug) -> tuple:
    """What the engine will do with a drug: the nodes it holds, which way, how often."""
    nodes = frozenset(n for t in drug.targets for n in all_levels(model, model.nodes_for_gene(t)))
    return nodes, drug.action, drug.strength


def _simulate_one(twin: CohortTwin, drugs: Sequence[Drug], settings: SimulationSettings,
                  share: bool = True):
    """One twin: every acting drug and observed regimen, untreated simulated once.

    Drugs that hold the same nodes the same way at the same strength (seven EGFR
    inhibitors all hold the twin's EGFR node off) are the same intervention to the model,
    so one simulation serves them all; the table repeats its numbers for each drug.
    """
    acting = _acting(twin, drugs)
    model = twin.twin.model
    by_name = {d.name.lower(): d for d in acting}
    shared: dict[tuple, Drug] = {}
    for drug in acting:
        shared.setdefault(_hold_key(model, drug) if share else (drug.name,), drug)
    treatments = [(d,) for d in shared.values()]
    regimens = []
    for names, response in twin.regimens:
        combo = tuple(by_name[n] for n in names if n in by_name)
        if len(combo) > 1:
            treatments.append(combo)
        if combo:
            regimens.append((combo, response))
    responses = rank_treatments(twin.twin, treatments, settings) if treatments else []
    by_label = {r.drugs: r for r in responses}
    for drug in acting:
        first = shared[_hold_key(model, drug) if share else (drug.name,)]
        by_label[(drug.name,)] = by_label[(first.name,)]
    rows = [_row(twin, d, by_label.get((d.name,))) for d in drugs]
    observed = [{"patient": twin.patient, "label": twin.label, "diagnosis": twin.diagnosis,
                 "treatment": " + ".join(d.name for d in combo),
                 "score": by_label[tuple(d.name for d in combo)].score,
                 "response": response, "responder": responder(response)}
                for combo, response in regimens]
    return rows, observed


def simulate_cohort(
    twins: Sequence[CohortTwin],
    drugs: Sequence[Drug],
    settings: SimulationSettings,
    *,
    workers: int | None = None,
    share: bool = True,
    executor: Executor | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every twin x drug (and each twin's observed regimens), one task per twin on
    ``executor`` (default: ``workers`` threads here; or Dask, :mod:`kgtwin.twin.executor`),
    with the same numbers either way. ``share=False`` simulates every drug even when
    another holds the same nodes. Returns the table and the observed pairs."""
    executor = executor or Executor(workers=workers)
    one = partial(_simulate_one, drugs=drugs, settings=settings, share=share)
    results = executor.map(one, list(twins))
    rows = [row for found, _ in results for row in found]
    observed = [row for _, found in results for row in found]
    return pd.DataFrame(rows), pd.DataFrame(observed)


def associations(table: pd.DataFrame, min_carriers: int = 2) -> pd.DataFrame:
    """Variant x drug: carriers' vs non-carriers' mean score, Mann-Whitney p, BH q."""
    from scipy.stats import mannwhitneyu

    columns = ["variant", "drug", "carriers", "others", "mean_carriers", "mean_others",
               "difference", "p", "q"]
    patients = table.drop_duplicates("patient").set_index("patient")["variants"]
    carried = {p: {v.strip() for v in text.split(",")} - {"none"}
               for p, text in patients.items()}
    variants = sorted({v for found in carried.values() for v in found})
    rows = []
    for variant in variants:
        carriers = {p for p, found in carried.items() if variant in found}
        if len(carriers) < min_carriers or len(carried) - len(carriers) < min_carriers:
            continue
        # A drug that does not act on a twin (a mutant-selective drug without its mutant)
        # predicts no change: its score 0 is compared too.
        for drug, scores in table.groupby("drug"):
            inside = scores[scores["patient"].isin(carriers)]["score"].to_numpy()
            outside = scores[~scores["patient"].isin(carriers)]["score"].to_numpy()
            if len(inside) < min_carriers or len(outside) < min_carriers:
                continue
            if np.ptp(np.concatenate([inside, outside])) == 0:
                p = 1.0
            else:
                p = float(mannwhitneyu(inside, outside, alternative="two-sided").pvalue)
            rows.append([variant, drug, len(inside), len(outside), inside.mean(), outside.mean(),
                         inside.mean() - outside.mean(), p, np.nan])
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        order = frame["p"].rank(method="first").to_numpy()
        adjusted = frame["p"].to_numpy() * len(frame) / order
        # Benjamini-Hochberg: running minimum from the largest p down.
        ranked = np.argsort(order)
        q = np.minimum.accumulate(adjusted[ranked][::-1])[::-1]
        frame.loc[frame.index[ranked], "q"] = np.minimum(q, 1.0)
        frame = frame.sort_values(["p", "difference"], ascending=[True, False])
    return frame.reset_index(drop=True)


def _regimens(profile) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The patient's treatments grouped by their observed response (one regimen each)."""
    grouped: dict[str, list[str]] = {}
    for treatment in profile.treatments:
        if treatment.response and treatment.name:
            grouped.setdefault(treatment.response, []).append(treatment.name.lower())
    return tuple((tuple(sorted(names)), response) for response, names in sorted(grouped.items()))


def run_cohort(
    store: GraphStore,
    patients: Sequence[str] | None = None,
    drugs: Sequence[str] | None = None,
    settings: TwinSettings | None = None,
    *,
    workers: int | None = None,
    executor: Executor | None = None,
) -> CohortResult:
    """Build every patient's own twin (as ``rank-drugs`` does), simulate every drug on
    it (on ``executor``: default ``workers`` threads)."""
    settings = settings or TwinSettings()
    ids = ([resolve_patient(store, p) for p in patients] if patients
           else [row["id"] for row in list_patients(store)])
    if not ids:
        raise NotFoundError("no patients in the store")
    profiles = {p: patient_profile(store, p) for p in ids}
    built = {p: build_patient_twin(store, p, settings, records=profiles[p]) for p in ids}
    candidates: set[str] = set()
    if drugs:
        # Drugs by name need every drug's name.
        all_drugs = graph_drugs(store, strength=settings.strength)
    else:
        for profile in profiles.values():
            candidates |= candidate_ids(store, profile, seed_genes(store, profile))
        all_drugs = graph_drugs(store, strength=settings.strength, ids=candidates)
    chosen = _choose_drugs(store, all_drugs, drugs, candidates)
    twins = [_cohort_twin(built[p], profiles[p]) for p in ids]
    acting = [d for d in chosen if any(_acting(t, [d]) for t in twins)]
    table, observed = simulate_cohort(twins, chosen, settings.simulation, workers=workers,
                                      executor=executor)
    calibration = None
    if not observed.empty:
        usable = observed[observed["responder"].notna()]
        if len(usable) >= 2:
            calibration = fit_calibration(usable["score"], usable["responder"].astype(int))
    skipped = {d.name: f"none of its targets ({', '.join(d.targets)}) is in any of these "
                       "patients' twins, or it needs a mutant none of them carries"
               for d in chosen if d not in acting}
    return CohortResult(table=table, associations=associations(table), observed=observed,
                        calibration=calibration, skipped=skipped,
                        model_nodes={p: len(b.graph_model.model) for p, b in built.items()})


def _cohort_twin(built: PatientTwin, profile) -> CohortTwin:
    """A patient's own twin, as the cohort simulates it."""
    return CohortTwin(
        patient=built.patient, label=built.patient.split(":", 1)[1][:8],
        diagnosis="; ".join(sorted(d.name or d.disease for d in profile.diagnoses)),
        variants=tuple(a.label for a in alterations(profile)),
        twin=built.twin, regimens=_regimens(profile),
        own_drugs={d.id or d.name: d for d in built.drugs})


def _choose_drugs(store, all_drugs: dict[str, Drug], names, candidates) -> list[Drug]:
    if not names:
        return sorted((all_drugs[d] for d in candidates if d in all_drugs),
                      key=lambda d: d.name.lower())
    by_name = {d.name.lower(): d for d in all_drugs.values()}
    chosen = []
    for name in names:
        drug = by_name.get(name.lower()) or all_drugs.get(store.resolve(name) or name)
        if drug is None:
            raise NotFoundError(f"no drug {name!r} with gene targets in the graph")
        chosen.append(replace(drug))
    return chosen
