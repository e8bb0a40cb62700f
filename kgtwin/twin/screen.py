"""A drug screen of twins: many samples (cell lines or patients) x drugs in one process.

Samples come from a profile table (one row per alteration: ``sample, tissue, gene,
change[, effect]``; a sample without alteration has one row with an empty gene) or from
the store's patients. Every sample's twin runs on one shared wiring, built from the
knowledge graph's signed regulation edges (``build.py``, derived rules only: a curated
model would own the readouts and cut the derived chains of other drug classes, such as
CDK4 -> RB1, off them) around the union of the samples' altered genes and the drugs'
targets. Each twin then differs by its own data:

- alterations hold their gene's node on (gain) or off (loss), as in ``profile.py``;
- inputs of the wiring (nodes without a regulator) start from the tissue prior of
  ``tissue_priors.tsv`` (growth-factor ligands and receptors are off unless the tissue
  row says they are present, in a fraction of cells; other inputs, such as tumour
  suppressors and apoptosis machinery, are present as in a wild-type cell), pinned per
  cell (``ScreenSettings.pin_inputs``); every other node starts off (a cell at rest);
- expression z-scores, where given, scale the rates of regulated nodes (PROFILE's
  mapping, ``expression_mode="rates"``: see :data:`PERSONALISATION`).

Per sample the work is one plain function (:func:`screen_sample`) of picklable
arguments, so an executor can map it; twins that are identical (same tissue prior and
same alterations read on the wiring) are simulated once.

A drug that reaches no readout is kept in the result with the reason (no target in the
graph, targets not wired to a readout, or a mutant-selective drug without its mutant).
"""

from __future__ import annotations

import csv
import functools
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import pandas as pd

from kgtwin.errors import KgTwinError
from kgtwin.store.base import GraphStore
from kgtwin.twin.build import BuildSettings, GraphModel, build_model
from kgtwin.twin.cohort import CohortTwin, simulate_cohort
from kgtwin.twin.drugs import MUTANT_SELECTIVE, graph_drugs, mutant_blocked
from kgtwin.twin.executor import Executor
from kgtwin.twin.model import LogicalModel
from kgtwin.twin.profile import (
    Effect,
    Mutation,
    PatientProfile,
    PersonalisationSettings,
    personalise,
)
from kgtwin.twin.response import Drug
from kgtwin.twin.simulate import SimulationSettings

__all__ = [
    "Sample",
    "ScreenError",
    "ScreenResult",
    "ScreenSettings",
    "normalise_drug",
    "read_samples",
    "run_screen",
    "samples_from_store",
    "screen_sample",
    "tissue_prior",
]

log = logging.getLogger(__name__)
_WORD = re.compile(r"[^a-z0-9]")


class ScreenError(KgTwinError):
    """A screen input (sample table, drug list) that cannot be used."""


def normalise_drug(name: str) -> str:
    """``PLX-4720``, ``plx4720`` and ``PLX 4720`` are one name to a screen."""
    return _WORD.sub("", name.lower())


@dataclass(frozen=True, kw_only=True)
class Sample:
    """One screened sample: its id, tissue (free text, matched to the prior table) and
    alterations (gene symbol, change, effect when known)."""

    id: str
    tissue: str = ""
    mutations: tuple[Mutation, ...] = ()
    expression: Mapping[str, float] = field(default_factory=dict)

    @property
    def variants(self) -> tuple[str, ...]:
        return tuple(f"{m.gene} {m.variant}".strip() for m in self.mutations)


@dataclass(frozen=True, kw_only=True)
class ScreenSettings:
    """What decides a screen's numbers besides the samples and the graph."""

    trajectories: int = 500
    max_time: float = 30.0
    seed: int = 0
    strength: float = 1.0
    hops: int = 2
    path_length: int = 6
    workers: int | None = None
    executor: Executor | None = None  # default: ``workers`` threads
    #: Tissue-prior inputs drawn per cell from their own stream, stratified
    #: (``SimulationSettings.pin_inputs``): treated and untreated cells share them.
    pin_inputs: bool = True

    def simulation(self) -> SimulationSettings:
        return SimulationSettings(trajectories=self.trajectories, max_time=self.max_time,
                                  seed=self.seed, pin_inputs=self.pin_inputs)


@dataclass(frozen=True, kw_only=True)
class ScreenResult:
    """Sample x drug scores, the shared wiring, and why some drugs do not act."""

    table: pd.DataFrame
    samples: tuple[Sample, ...]
    drugs: tuple[Drug, ...]
    model: GraphModel
    not_acting: Mapping[str, str]

    @property
    def tissues(self) -> dict[str, str]:
        return {s.id: s.tissue for s in self.samples}


# --- reading samples -------------------------------------------------------------------


def _effect(text: str, path: Path, line: int) -> Effect | None:
    text = (text or "").strip().lower()
    if not text:
        return None
    try:
        return Effect(text)
    except ValueError:
        raise ScreenError(f"{path}:{line}: effect {text!r} is neither 'gain' nor 'loss'") from None


def read_samples(path: str | Path) -> list[Sample]:
    """Samples from a profile table (TSV or CSV): columns ``sample``, ``tissue``,
    ``gene``, ``change`` and optionally ``effect`` (gain/loss); one row per alteration."""
    path = Path(path)
    delimiter = "\t" if path.suffix.lower() in (".tsv", ".txt") else ","
    tissues: dict[str, str] = {}
    mutations: dict[str, list[Mutation]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader((row for row in handle if not row.startswith("#")),
                                delimiter=delimiter)
        missing = {"sample", "gene"} - set(reader.fieldnames or ())
        if missing:
            raise ScreenError(f"{path}:1: missing column(s) {', '.join(sorted(missing))} "
                              "(need sample, tissue, gene, change[, effect])")
        for line, row in enumerate(reader, start=2):
            sample = (row.get("sample") or "").strip()
            if not sample:
                raise ScreenError(f"{path}:{line}: empty sample id")
            tissue = (row.get("tissue") or "").strip()
            if tissues.setdefault(sample, tissue) != tissue:
                raise ScreenError(f"{path}:{line}: sample {sample} has two tissues "
                                  f"({tissues[sample]!r}, {tissue!r})")
            found = mutations.setdefault(sample, [])
            gene = (row.get("gene") or "").strip()
            if gene:
                found.append(Mutation(gene=gene, variant=(row.get("change") or "").strip(),
                                      effect=_effect(row.get("effect", ""), path, line)))
    if not tissues:
        raise ScreenError(f"{path}: no samples")
    return [Sample(id=s, tissue=tissues[s], mutations=tuple(dict.fromkeys(mutations[s])))
            for s in tissues]


# --- tissue prior ----------------------------------------------------------------------


@functools.cache
def _priors() -> tuple[tuple[str, str, float, str], ...]:
    text = resources.files("kgtwin.twin").joinpath("tissue_priors.tsv").read_text("utf-8")
    rows = csv.DictReader((ln for ln in text.splitlines() if not ln.startswith("#")),
                          delimiter="\t")
    return tuple((r["tissue"].strip().lower(), r["gene"].strip(), float(r["p_on"]),
                  r["note"]) for r in rows)


def tissue_prior(tissue: str) -> dict[str, float]:
    """Gene symbol -> P(on) for inputs in this tissue: the ``*`` rows, overridden by the
    rows whose tissue is a word of ``tissue`` (``lung_NSCLC`` matches ``lung``)."""
    words = set(re.split(r"[^a-z0-9]+", tissue.lower())) | {tissue.lower()}
    found = {gene: p for t, gene, p, _ in _priors() if t == "*"}
    found |= {gene: p for t, gene, p, _ in _priors() if t != "*" and t in words}
    return found


#: P(on) of a tumour suppressor without regulator in the twin (its activity varies with
#: signals the twin does not carry, so half the cells; loss from data holds it off).
SUPPRESSOR_ON = 0.5


def _input_default(gene: str) -> float:
    """P(on) of an input no prior row names: a tumour suppressor is present and active in
    a wild-type cell (its loss comes from the sample's data); any other input carries no
    signal, since nothing upstream of it in the twin says it is active."""
    from kgtwin.twin.personal import TUMOUR_SUPPRESSORS

    return SUPPRESSOR_ON if gene.upper() in TUMOUR_SUPPRESSORS else 0.0


def _with_prior(model: LogicalModel, prior: Mapping[str, float]) -> LogicalModel:
    """The shared wiring with this tissue's inputs, every regulated node off at t = 0.

    Inputs keep their value for the run: the prior's fraction of cells has a ligand or an
    active receptor, the rest not. Everything else starts off and turns on only through
    what the inputs and the sample's alterations switch on. A random half-on start
    (the wiring's default) gave a receptor with no ligand a burst of signalling at t = 0,
    which the bistable AKT -> MDM2 -| p53 -> PTEN -| AKT loop could carry to the readout
    time, so a drug aimed at a silent receptor moved the score by noise-sized amounts
    (docs/twin-screen.md).
    """
    changed = []
    for node in model.nodes:
        if not node.is_input:  # a cell starts at rest: its inputs drive what turns on
            if node.initial_on != 0.0:
                changed.append(replace(node, initial_on=0.0))
            continue
        values = [prior[g] if g in prior else _input_default(g) for g in node.genes]
        value = sum(values) / len(values) if values else 0.0
        if value != node.initial_on:
            changed.append(replace(node, initial_on=value))
    return model.replace_nodes(changed) if changed else model


# --- running ---------------------------------------------------------------------------


#: Expression sets rates only: an input's activity (a receptor, a ligand, a kinase with no
#: regulator in the twin) comes from an alteration or the tissue prior, since a
#: cohort-relative mRNA level says little about whether a wild-type kinase signals.
PERSONALISATION = PersonalisationSettings(expression_mode="rates")


def screen_sample(model: LogicalModel, sample: Sample,
                  personalisation: PersonalisationSettings = PERSONALISATION) -> CohortTwin:
    """One sample's twin on the shared wiring (a plain function, for any executor)."""
    base = _with_prior(model, tissue_prior(sample.tissue))
    profile = PatientProfile(id=sample.id, mutations=sample.mutations,
                             expression=dict(sample.expression))
    twin = personalise(base, profile, personalisation)
    return CohortTwin(patient=sample.id, label=sample.id, diagnosis=sample.tissue,
                      variants=sample.variants, twin=twin)


def _pairs(sample: Sample) -> list[tuple[str, str]]:
    return [(m.gene, m.variant) for m in sample.mutations]


def _twin_key(sample: Sample, twin: CohortTwin) -> tuple:
    """Equal keys, equal simulations: the prior, what the twin holds, its expression and
    which mutant-selective drugs it lets act."""
    selective = tuple(sorted(d for d in MUTANT_SELECTIVE
                             if not mutant_blocked(d, _pairs(sample))))
    return (tuple(sorted(tissue_prior(sample.tissue).items())),
            tuple(sorted(twin.twin.fixed.items())), tuple(sorted(sample.expression.items())),
            selective)


def _choose(store: GraphStore, names: Sequence[str] | None,
            strength: float) -> tuple[list[Drug], dict[str, str]]:
    everything = graph_drugs(store, strength=strength)
    if not names:
        return sorted(everything.values(), key=lambda d: d.name), {}
    by_name = {normalise_drug(d.name): d for d in everything.values()}
    chosen, missing = [], {}
    for name in names:
        drug = by_name.get(normalise_drug(name)) or everything.get(store.resolve(name) or name)
        if drug is None:
            missing[name] = "no drug of that name with gene targets in the graph"
        else:
            chosen.append(replace(drug, name=name))
    return chosen, missing


def run_screen(
    store: GraphStore,
    samples: Sequence[Sample],
    drugs: Sequence[str] | None = None,
    settings: ScreenSettings | None = None,
) -> ScreenResult:
    """Every sample x drug on one wiring built from the graph; drugs by name or CURIE
    (default: every drug with gene targets)."""
    settings = settings or ScreenSettings()
    if not samples:
        raise ScreenError("no samples to screen")
    chosen, not_acting = _choose(store, drugs, settings.strength)
    seeds = {g for s in samples for m in s.mutations
             if (g := store.resolve(f"hgnc.symbol:{m.gene}"))}
    seeds |= {g for d in chosen for t in d.targets
              if (g := store.resolve(f"hgnc.symbol:{t}"))}
    priors = {g for s in {s.tissue for s in samples}
              for g, p in tissue_prior(s).items() if p > 0}
    seeds |= {g for p in priors if (g := store.resolve(f"hgnc.symbol:{p}"))}
    build = BuildSettings(hops=settings.hops, path_length=settings.path_length,
                          use_curated=False, signal_needs_activator=True,
                          graded_readouts=True, braked_readouts=True)
    wiring = build_model(store, seeds, build, name="screen_twin")
    model = wiring.model
    acting = []
    for drug in chosen:
        inside = [t for t in drug.targets if model.nodes_for_gene(t)]
        if inside:
            acting.append(drug)
        else:
            not_acting[drug.name] = (
                f"none of its targets ({', '.join(drug.targets)}) reaches a readout through "
                "signed regulation edges in the graph")
    for drug in acting:
        if all(mutant_blocked(drug.name, _pairs(s)) for s in samples):
            needed = MUTANT_SELECTIVE[drug.name.lower().replace("-", "")]
            not_acting[drug.name] = f"acts only on {' '.join(needed)}, which no sample has"
    twins = [screen_sample(model, s) for s in samples]
    table = _simulate_unique(samples, twins, acting, settings)
    return ScreenResult(table=table, samples=tuple(samples), drugs=tuple(chosen),
                        model=wiring, not_acting=not_acting)


def _simulate_unique(samples: Sequence[Sample], twins: Sequence[CohortTwin],
                     drugs: Sequence[Drug], settings: ScreenSettings) -> pd.DataFrame:
    """Simulate each distinct twin once; copy its rows to the samples that share it."""
    groups: dict[tuple, list[CohortTwin]] = {}
    for sample, twin in zip(samples, twins, strict=True):
        groups.setdefault(_twin_key(sample, twin), []).append(twin)
    firsts = [members[0] for members in groups.values()]
    log.info("screen: %d samples, %d distinct twins, %d drugs", len(twins), len(firsts),
             len(drugs))
    if not drugs:
        return pd.DataFrame(columns=["patient", "drug", "score", "acts"])
    table, _ = simulate_cohort(firsts, drugs, settings.simulation(), workers=settings.workers,
                               executor=settings.executor)
    by_first = {m[0].patient: m for m in groups.values()}
    frames = []
    for first, rows in table.groupby("patient", sort=False):
        for member in by_first[first]:
            frames.append(rows.assign(patient=member.patient, label=member.label,
                                      diagnosis=member.diagnosis,
                                      variants=", ".join(member.variants) or "none"))
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"patient": "sample", "diagnosis": "tissue"}).drop(
        columns=["label"])


def samples_from_store(store: GraphStore, patients: Iterable[str] | None = None) -> list[Sample]:
    """The store's patients as screen samples (diagnosis names as tissue)."""
    from kgtwin.patients import list_patients, patient_profile, resolve_patient
    from kgtwin.twin.personal import alterations, expression

    ids = ([resolve_patient(store, p) for p in patients] if patients
           else [row["id"] for row in list_patients(store)])
    found = []
    for patient in ids:
        profile = patient_profile(store, patient)
        # a fusion acts on its kinase (EML4::ALK recorded on EML4 -> ALK): a.target
        mutations = tuple(Mutation(gene=a.target or a.symbol, variant=a.change, effect=a.effect,
                                   classification=a.classification)
                          for a in alterations(profile))
        tissue = " ".join(sorted(d.name or d.disease for d in profile.diagnoses))
        values = {symbol: z for symbol, z in expression(store, profile).values()}
        found.append(Sample(id=patient, tissue=tissue, mutations=mutations, expression=values))
    return found
