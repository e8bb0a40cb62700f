"""Drugs for twins, read from the graph: targets, actions, candidates and combinations.

A drug acts through its ``biolink:affects`` edges to genes (drug-target tables): the
``action`` property (``inhibitor``, ``antagonist``, ``blocker``... or ``agonist``,
``activator``...) decides whether it holds its targets off or on; without a known
action the edge's ``object_direction_qualifier`` does (``decreased`` -> off,
``increased`` -> on). The engine (``kgtwin/twin/response.py``) applies the drug at a
``strength`` s (the target is held in a fraction s of simulated cells) and combines
drugs by applying every drug's holds.

Candidates for a patient are the drugs indicated (``biolink:treats``) for a diagnosis
or an ancestor of it, the drugs the patient received, and the drugs acting on an altered
gene; their targets seed the twin. Every drug with a target in the built twin is ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from kgtwin.errors import NotFoundError
from kgtwin.model import KNOWLEDGE_LEVEL, PREDICTED
from kgtwin.patients import Profile
from kgtwin.store.base import GraphStore
from kgtwin.twin.model import LogicalModel
from kgtwin.twin.response import Action, Drug

__all__ = [
    "AFFECTS",
    "MUTANT_SELECTIVE",
    "candidate_ids",
    "carries",
    "drug_sources",
    "drug_targets",
    "graph_drugs",
    "mutant_blocked",
    "parse_treatments",
    "twin_drugs",
]

AFFECTS = "biolink:affects"
TREATS = "biolink:treats"
GENE = "biolink:Gene"
_INHIBITING = {"inhibitor", "antagonist", "blocker", "inverse_agonist", "negative_modulator",
               "antibody", "degrader", "suppressor"}
#: Drugs that act only on a mutant protein: drug name -> (gene, change pattern). A twin
#: without that variant gets no target for them. Covalent KRAS G12C inhibitors bind only
#: the G12C protein (FDA labels of sotorasib and adagrasib). BRAF V600 inhibitors block
#: the V600-mutant monomer; in BRAF wild-type cells they do not shut RAF signalling down
#: but transactivate RAF dimers (paradoxical activation; Poulikakos et al. 2010, Nature
#: 464:427; FDA labels restrict them to BRAF V600 tumours).
MUTANT_SELECTIVE = {
    "sotorasib": ("KRAS", "G12C"), "adagrasib": ("KRAS", "G12C"),
    "vemurafenib": ("BRAF", "V600*"), "dabrafenib": ("BRAF", "V600*"),
    "encorafenib": ("BRAF", "V600*"), "plx4720": ("BRAF", "V600*"),
}
#: Changes that name no protein change (gene-level calls such as a screen's "BRAF
#: mutated"): for a codon class (``V600*``) they count as the class, since nearly all
#: activating BRAF mutations of melanoma and colorectal cancer are V600 (Davies et al.
#: 2002, Nature 417:949); never for one exact change such as G12C.
GENE_LEVEL = {"", "MUTATION", "MUTATED", "GAIN"}


def carries(variants: Iterable[tuple[str, str]], needed: tuple[str, str]) -> bool:
    """Whether (symbol, change) pairs include the change a mutant-selective drug needs."""
    import fnmatch

    gene, pattern = needed
    for symbol, change in variants:
        if symbol.upper() != gene:
            continue
        change = change.upper().removeprefix("P.")
        if fnmatch.fnmatchcase(change, pattern) or (pattern.endswith("*")
                                                    and change in GENE_LEVEL):
            return True
    return False


def mutant_blocked(drug_name: str, variants: Iterable[tuple[str, str]]) -> bool:
    """A mutant-selective drug on a twin without its mutant: it does not act."""
    needed = MUTANT_SELECTIVE.get(drug_name.lower().replace("-", ""))
    return needed is not None and not carries(variants, needed)
_ACTIVATING = {"agonist", "activator", "positive_modulator", "inducer", "stimulator"}


def _action(edge) -> Action | None:
    action = str(edge.properties.get("action", "")).lower().replace(" ", "_")
    if action in _INHIBITING:
        return Action.INHIBITOR
    if action in _ACTIVATING:
        return Action.AGONIST
    return {1: Action.AGONIST, -1: Action.INHIBITOR}.get(edge.sign)


def drug_targets(store: GraphStore, drug: str) -> dict[str, Action]:
    """Gene id -> action for one drug (a gene acted on both ways is left out)."""
    found: dict[str, set[Action]] = {}
    for edge in store.edges(subject=drug, predicate=AFFECTS):
        if _predicted(edge):
            continue
        action = _action(edge)
        target = store.node(edge.object)
        if action is not None and target is not None and target.category == GENE:
            found.setdefault(edge.object, set()).add(action)
    return {gene: actions.pop() for gene, actions in found.items() if len(actions) == 1}


def graph_drugs(
    store: GraphStore,
    *,
    strength: float = 1.0,
    genes: Iterable[str] | None = None,
    ids: Iterable[str] | None = None,
) -> dict[str, Drug]:
    """Drugs with gene targets, as engine drugs keyed by drug id: those acting on
    ``genes`` and/or listed in ``ids``, or every drug in the graph when neither is given
    (a full scan of drug-target edges: give ``genes`` on large graphs).

    A drug that inhibits some targets and activates others is split by the engine's
    one-action model into its predominant action (ties: inhibitor); the other targets
    are dropped and the choice is visible in the drug's ``targets``.
    """
    if genes is None and ids is None:
        subjects = {e.subject for e in store.edges(predicate=AFFECTS) if not _predicted(e)}
    else:
        subjects = set(ids or ())
        for gene in genes or ():
            subjects |= {e.subject for e in store.edges(predicate=AFFECTS, object=gene)
                         if not _predicted(e)}
    drugs = {}
    for drug_id in sorted(subjects):
        drug = _engine_drug(store, drug_id, strength)
        if drug is not None:
            drugs[drug_id] = drug
    return drugs


def _engine_drug(store: GraphStore, drug_id: str, strength: float) -> Drug | None:
    targets = drug_targets(store, drug_id)
    if not targets:
        return None
    node = store.node(drug_id)
    inhibits = [g for g, a in targets.items() if a is Action.INHIBITOR]
    activates = [g for g, a in targets.items() if a is Action.AGONIST]
    action = Action.INHIBITOR if len(inhibits) >= len(activates) else Action.AGONIST
    chosen = inhibits if action is Action.INHIBITOR else activates
    symbols = tuple(sorted(_symbol(store, g) for g in chosen))
    # Drug names as DrugBank writes them; record loaders may capitalise them.
    name = node.name.lower() if node is not None and node.name else drug_id
    return Drug(name=name, targets=symbols, action=action, strength=strength, id=drug_id)


def _symbol(store: GraphStore, gene: str) -> str:
    node = store.node(gene)
    return node.name if node is not None and node.name else gene


def candidate_ids(store: GraphStore, profile: Profile, altered: Iterable[str]) -> set[str]:
    """Drugs indicated for a diagnosis (or an ancestor), received, or acting on an
    altered gene."""
    from kgtwin.twin.personal import _ancestors

    diseases = _ancestors(store, [d.disease for d in profile.diagnoses])
    found = {t.drug for t in profile.treatments}
    for disease in diseases:
        found |= {e.subject for e in store.edges(predicate=TREATS, object=disease)
                  if not _predicted(e)}
    for gene in altered:
        found |= {e.subject for e in store.edges(predicate=AFFECTS, object=gene)
                  if not _predicted(e)}
    return found


def _predicted(edge) -> bool:
    """Another model's prediction (e.g. an embedding's treats link) is not knowledge."""
    return edge.qualifiers.get(KNOWLEDGE_LEVEL) == PREDICTED


def drug_sources(store: GraphStore, drugs: Iterable[Drug]) -> set[tuple[str, str, str]]:
    """(source, version, checksum prefix) of the drug-target statements of ``drugs``."""
    from kgtwin.twin.build import provenance_keys

    found: set[tuple[str, str, str]] = set()
    for drug in drugs:
        for edge in store.edges(subject=drug.id, predicate=AFFECTS):
            if not _predicted(edge):
                found |= provenance_keys(edge)
    return found


def twin_drugs(
    drugs: Mapping[str, Drug], model: LogicalModel, variants: Iterable[tuple[str, str]] = ()
) -> list[Drug]:
    """The drugs with at least one target in ``model``, targets outside it dropped; a
    mutant-selective drug keeps its target only where ``variants`` (symbol, change) has
    the mutant."""
    variants = list(variants)
    found = []
    for drug in drugs.values():
        if mutant_blocked(drug.name, variants):
            continue
        inside = tuple(t for t in drug.targets if model.nodes_for_gene(t))
        if inside:
            found.append(replace(drug, targets=inside))
    return sorted(found, key=lambda d: d.name)


def parse_treatments(
    texts: Iterable[str], drugs: Mapping[str, Drug], store: GraphStore
) -> list[tuple[Drug, ...]]:
    """``"vemurafenib"`` or ``"encorafenib+cetuximab"`` (names or CURIEs) -> treatments."""
    by_name = {d.name.lower(): d for d in drugs.values()}
    treatments = []
    for text in texts:
        combo = []
        for part in (p.strip() for p in text.split("+")):
            drug = by_name.get(part.lower())
            if drug is None:
                drug = drugs.get(store.resolve(part) or part) if ":" in part else None
            if drug is None:
                raise NotFoundError(f"no drug {part!r} acts on this twin (none of its graph "
                                    "targets is in the twin, or it needs a mutant the "
                                    "patient lacks)")
            combo.append(drug)
        treatments.append(tuple(combo))
    return treatments
