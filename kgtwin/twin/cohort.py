"""Every patient x drug of a cohort: a table, a heatmap, variant-response associations and
a calibration of scores against observed responses.

Cohort twins share one wiring: the model built (``build.py``) from the union of every
patient's seeds (altered genes, expression outliers, targets of candidate drugs), so
scores are comparable across patients; each twin is personalised with its own records
(``personal.py``). A single patient's ``rank-drugs`` builds from that patient's seeds
alone, so its numbers can differ slightly from the cohort's.

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
from kgtwin.twin.build import GraphModel, build_model
from kgtwin.twin.calibrate import Calibration, fit_calibration, responder
from kgtwin.twin.drugs import candidate_ids, drug_targets, graph_drugs, mutant_blocked
from kgtwin.twin.executor import Executor
from kgtwin.twin.patient_twin import TwinSettings
from kgtwin.twin.personal import alterations, engine_profile, seed_genes
from kgtwin.twin.profile import Twin, all_levels, personalise
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


@dataclass(frozen=True, kw_only=True)
class CohortResult:
    """The patient x drug table and what was derived from it."""

    table: pd.DataFrame
    associations: pd.DataFrame
    observed: pd.DataFrame
    calibration: Calibration | None
    model: GraphModel | None = None
    skipped: dict[str, str] = field(default_factory=dict)


def _row(twin: CohortTwin, drug: Drug, response: TreatmentResponse | None) -> dict:
    row = {"patient": twin.patient, "label": twin.label, "diagnosis": twin.diagnosis,
           "variants": ", ".join(twin.variants) or "none", "drug": drug.name,
           "drug_id": drug.id, "acts": response is not None and not response.untargeted,
           "score": 0.0, "score_low": 0.0, "score_high": 0.0}
    if response is not None:
        row |= {"score": response.score, "score_low": response.score_low,
                "score_high": response.score_high}
        for readout in response.readouts:
            key = readout.name.lower()
            row |= {f"d_{key}": readout.change, f"d_{key}_low": readout.low,
                    f"d_{key}_high": readout.high}
    return row


def _acting(twin: CohortTwin, drugs: Sequence[Drug]) -> list[Drug]:
    """Drugs that act on this twin (mutant-selective drugs need the patient's mutant)."""
    present = [tuple(v.split(" ", 1)) if " " in v else (v, "") for v in twin.variants]
    return [drug for drug in drugs if not mutant_blocked(drug.name, present)]


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
    """Build the cohort's shared wiring, personalise every twin, simulate every drug
    (on ``executor``: default ``workers`` threads)."""
    settings = settings or TwinSettings(
        simulation=SimulationSettings(trajectories=500, max_time=50, seed=0))
    ids = ([resolve_patient(store, p) for p in patients] if patients
           else [row["id"] for row in list_patients(store)])
    if not ids:
        raise NotFoundError("no patients in the store")
    profiles = {p: patient_profile(store, p) for p in ids}
    seeds: set[str] = set()
    candidates: set[str] = set()
    for profile in profiles.values():
        own = seed_genes(store, profile)
        seeds |= set(own)
        candidates |= candidate_ids(store, profile, own)
    # Drugs by name need every drug's name; candidates only their own records.
    all_drugs = (graph_drugs(store, strength=settings.strength) if drugs
                 else graph_drugs(store, strength=settings.strength, ids=candidates))
    chosen = _choose_drugs(store, all_drugs, drugs, candidates)
    targets = {t for d in chosen for t in drug_targets(store, d.id)}
    model = build_model(store, seeds | targets, settings.build, name="cohort_twin")
    acting = [d for d in chosen if any(model.model.nodes_for_gene(t) for t in d.targets)]
    twins = []
    for patient, profile in profiles.items():
        engine, _ = engine_profile(store, profile, model.model)
        twins.append(CohortTwin(
            patient=patient, label=patient.split(":", 1)[1][:8],
            diagnosis="; ".join(sorted(d.name or d.disease for d in profile.diagnoses)),
            variants=tuple(a.label for a in alterations(profile)),
            twin=personalise(model.model, engine, settings.personalisation),
            regimens=_regimens(profile)))
    table, observed = simulate_cohort(twins, acting, settings.simulation, workers=workers,
                                      executor=executor)
    calibration = None
    if not observed.empty:
        usable = observed[observed["responder"].notna()]
        if len(usable) >= 2:
            calibration = fit_calibration(usable["score"], usable["responder"].astype(int))
    skipped = {d.name: f"none of its targets ({', '.join(d.targets)}) is wired to a readout "
                       "through signed regulation edges in the graph"
               for d in chosen if d not in acting}
    return CohortResult(table=table, associations=associations(table), observed=observed,
                        calibration=calibration, model=model, skipped=skipped)


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
