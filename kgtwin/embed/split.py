"""Leakage-free train/validation/test splits of a graph's triples.

A held-out statement leaks back into training in three ways, and each is cut:

* the same pair stated again: another source, an inverse predicate (``treated_by``), a
  symmetric or looser predicate (``related_to``) — every statement between the two
  entities, either way round, leaves training with it ("inverse_or_duplicate");
* statements whose provenance says they were derived from held-out (or removed)
  statements (``derived_from``) leave when *all* their sources are out, transitively
  ("derived"); one that a training statement still supports stays (counted as
  ``kept.derived_still_supported``): removing it would be a leak in reverse, since
  true pairs would then share nothing the model could use by construction;
* nothing else is touched, and every held-out entity keeps at least one training
  statement, so the model has an embedding to rank it with.

Three kinds: ``edges`` holds out a random share of the task statements; ``entities``
holds out every task statement of a share of the diseases (or drugs), the zero-shot
question; ``explicit`` takes a given test set (benchmark splits; there the same-pair
rule is off unless asked for, and derived statements follow the rule above).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

import numpy as np

from kgtwin.embed.triples import GraphTriples, StatementKey, base_predicate, matches
from kgtwin.errors import KgTwinError

log = logging.getLogger(__name__)

#: Task predicates held out by default: indications and gene–disease associations.
DEFAULT_TASKS = ("biolink:treats", "biolink:gene_associated_with_condition")

Side = Literal["subject", "object"]


@dataclass(frozen=True)
class Split:
    """Index arrays into ``GraphTriples.triples`` and what was removed for leakage."""

    kind: str
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    removed: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)  # leak candidates kept, and why
    tasks: tuple[str, ...] = ()
    held_out_entities: tuple[str, ...] = ()

    @property
    def removed_for_leakage(self) -> int:
        return sum(self.removed.values())

    def summary(self) -> dict:
        return {
            "kind": self.kind,
            "train": len(self.train),
            "valid": len(self.valid),
            "test": len(self.test),
            "removed_for_leakage": self.removed_for_leakage,
            "removed": dict(self.removed),
            "kept": dict(self.kept),
            "tasks": list(self.tasks),
            "held_out_entities": len(self.held_out_entities),
        }


class _Leakage:
    """Which statements go with a held-out one: same pair, and what derives from them."""

    def __init__(self, graph: GraphTriples):
        self.graph = graph
        self.by_pair: dict[frozenset[str], list[int]] = defaultdict(list)
        for i, (s, _, o) in enumerate(graph.triples.tolist()):
            self.by_pair[frozenset((s, o))].append(i)
        self.by_key: dict[StatementKey, list[int]] = defaultdict(list)
        for i, (s, r, o) in enumerate(graph.triples.tolist()):
            self.by_key[(s, base_predicate(r), o)].append(i)
        self.children: dict[int, list[int]] = defaultdict(list)
        for i, references in graph.derived.items():
            for key in references:
                for parent in self.by_key.get(key, ()):
                    self.children[parent].append(i)

    def pair(self, index: int) -> list[int]:
        s, _, o = self.graph.triples[index]
        return self.by_pair[frozenset((s, o))]

    def restatements(self, index: int) -> list[int]:
        """Statements of the same fact: same predicate and direction, its Biolink inverse
        the other way round, or a symmetric predicate either way."""
        s, r, o = self.graph.triples[index]
        base = base_predicate(r)
        inverse, symmetric = _inverse_of(base)
        found = []
        for j in self.pair(index):
            sj, rj, oj = self.graph.triples[j]
            other = base_predicate(rj)
            same = (sj, oj) == (s, o) and other == base
            turned = (sj, oj) == (o, s) and (other == inverse or (other == base and symmetric))
            if same or turned:
                found.append(j)
        return found

    def closure(
        self, held: Iterable[int], *, same_pair: bool = True, already: Iterable[int] = ()
    ) -> tuple[set[int], set[int]]:
        """What must leave training with ``held``: (same-pair statements, derived ones).

        A derived statement leaves only when *every* statement it derives from is out
        (held out, removed itself, or in ``already``: what earlier steps took); one
        still supported by a training statement stays, so a gene keeps the phenotypes
        its training diseases give it.
        """
        held = set(held)
        before = set(already)
        related = self.pair if same_pair else self.restatements
        pairs = {j for i in held for j in related(i)} - held - before
        out = held | pairs | before
        derived: set[int] = set()
        frontier = list(held | pairs)
        while frontier:
            node = frontier.pop()
            for child in self.children.get(node, ()):
                if child in out or self._supported(child, out):
                    continue
                removal = [child] + [t for t in self.pair(child) if t not in out
                                     and self.graph.triples[t][1] == self.graph.triples[child][1]]
                for j in removal:  # the derived statement and its restatements
                    derived.add(j)
                    out.add(j)
                    frontier.append(j)
        return pairs, derived

    def partly_supported(self, out: set[int]) -> int:
        """Derived statements kept in training although some of their sources are out."""
        return sum(
            1 for child, keys in self.graph.derived.items() if child not in out
            and any(p in out for key in keys for p in self.by_key.get(key, ()))
        )

    def _supported(self, child: int, out: set[int]) -> bool:
        """Whether every source of ``child`` is out (False) or one remains (True)."""
        for key in self.graph.derived.get(child, ()):
            parents = self.by_key.get(key, ())
            if not parents or any(parent not in out for parent in parents):
                return True  # a source outside the graph still supports it
        return False


@lru_cache(maxsize=4096)
def _inverse_of(predicate: str) -> tuple[str | None, bool]:
    """(Biolink inverse, symmetric?) of a predicate; (None, False) for non-Biolink ones."""
    from kgtwin.biolink import default_biolink

    biolink = default_biolink()
    try:
        return biolink.inverse(predicate), biolink.is_symmetric(predicate)
    except (KgTwinError, KeyError, ValueError):
        return None, False


class _Budget:
    """Training degree of each entity, so no held-out entity loses its last statement."""

    def __init__(self, graph: GraphTriples):
        self.triples = graph.triples
        self.degree: dict[str, int] = defaultdict(int)
        for s, _, o in self.triples.tolist():
            self.degree[s] += 1
            self.degree[o] += 1

    def take(self, removal: set[int]) -> bool:
        """Removes the statements if every entity keeps one; False (and no change) if not."""
        loss: dict[str, int] = defaultdict(int)
        for i in removal:
            s, _, o = self.triples[i]
            loss[s] += 1
            loss[o] += 1
        if any(self.degree[e] - n < 1 for e, n in loss.items()):
            return False
        for e, n in loss.items():
            self.degree[e] -= n
        return True


def _task_indices(graph: GraphTriples, tasks: Sequence[str]) -> np.ndarray:
    labels = [r for r in np.unique(graph.triples[:, 1]).tolist() if matches(r, tasks)]
    found = np.flatnonzero(np.isin(graph.triples[:, 1], labels))
    if not len(found):
        raise KgTwinError(
            f"no statements of the task predicates {', '.join(tasks)} to hold out; "
            "name the task predicates with --task"
        )
    return found


def _finish(
    kind: str,
    graph: GraphTriples,
    test: set[int],
    valid: set[int],
    leaks: tuple[set[int], set[int]],
    tasks: Sequence[str],
    entities: Sequence[str] = (),
    leakage: _Leakage | None = None,
) -> Split:
    pairs, derived = leaks
    out = test | valid | pairs | derived
    kept = leakage.partly_supported(out) if leakage is not None else 0
    train = np.array([i for i in range(len(graph)) if i not in out], dtype=np.int64)
    split = Split(
        kind=kind,
        train=train,
        valid=np.array(sorted(valid), dtype=np.int64),
        test=np.array(sorted(test), dtype=np.int64),
        removed={"inverse_or_duplicate": len(pairs), "derived": len(derived)},
        kept={"derived_still_supported": kept},
        tasks=tuple(tasks),
        held_out_entities=tuple(entities),
    )
    log.info("split %s", split.summary())
    return split


def edge_split(
    graph: GraphTriples,
    tasks: Sequence[str] = DEFAULT_TASKS,
    *,
    test_fraction: float = 0.2,
    valid_fraction: float = 0.1,
    seed: int = 42,
) -> Split:
    """Holds out a random share of the task statements, with everything that leaks them."""
    candidates = _task_indices(graph, tasks)
    order = np.random.default_rng(seed).permutation(candidates)
    want_test = round(test_fraction * len(candidates))
    want_valid = round(valid_fraction * len(candidates))
    leakage, budget = _Leakage(graph), _Budget(graph)
    taken: set[int] = set()
    test: set[int] = set()
    valid: set[int] = set()
    pairs: set[int] = set()
    derived: set[int] = set()
    for index in order.tolist():
        if len(test) >= want_test and len(valid) >= want_valid:
            break
        if index in taken:
            continue  # already removed as the duplicate of an earlier held-out statement
        new_pairs, new_derived = leakage.closure([index], already=taken)
        removal = ({index} | new_pairs | new_derived) - taken
        if not budget.take(removal):
            continue
        taken |= removal
        (test if len(test) < want_test else valid).add(index)
        pairs |= new_pairs
        derived |= new_derived
    return _finish("edges", graph, test, valid, _disjoint(pairs, derived, test | valid), tasks,
                   leakage=leakage)


def entity_split(
    graph: GraphTriples,
    tasks: Sequence[str] = ("biolink:treats",),
    *,
    side: Side = "object",
    test_fraction: float = 0.2,
    valid_fraction: float = 0.1,
    seed: int = 42,
) -> Split:
    """Holds out every task statement of a share of the task's objects (or subjects).

    The zero-shot question: can the model rank drugs for a disease with no known drug?
    Held-out entities keep their other statements (genes, phenotypes), which is all the
    model may use.
    """
    candidates = _task_indices(graph, tasks)
    column = 2 if side == "object" else 0
    by_entity: dict[str, list[int]] = defaultdict(list)
    for i in candidates.tolist():
        by_entity[graph.triples[i, column]].append(i)
    names = sorted(by_entity)
    order = [names[i] for i in np.random.default_rng(seed).permutation(len(names))]
    want_test = round(test_fraction * len(names))
    want_valid = round(valid_fraction * len(names))
    leakage, budget = _Leakage(graph), _Budget(graph)
    taken: set[int] = set()
    test: set[int] = set()
    valid: set[int] = set()
    pairs: set[int] = set()
    derived: set[int] = set()
    held_test: list[str] = []
    held_valid: list[str] = []
    for entity in order:
        if len(held_test) >= want_test and len(held_valid) >= want_valid:
            break
        held = set(by_entity[entity]) - taken
        if not held:
            continue
        new_pairs, new_derived = leakage.closure(held, already=taken)
        removal = (held | new_pairs | new_derived) - taken
        if not budget.take(removal):
            continue
        taken |= removal
        target, names_out = (
            (test, held_test) if len(held_test) < want_test else (valid, held_valid)
        )
        target |= held
        names_out.append(entity)
        pairs |= new_pairs
        derived |= new_derived
    return _finish(
        "entities", graph, test, valid, _disjoint(pairs, derived, test | valid), tasks, held_test,
        leakage=leakage,
    )


def explicit_split(
    graph: GraphTriples,
    test: Iterable[Sequence[str]],
    valid: Iterable[Sequence[str]] = (),
    *,
    remove_leaks: bool = True,
    same_pair: bool = False,
) -> tuple[GraphTriples, Split]:
    """A given test set (a benchmark's): its statements leave training, with their leaks.

    Test statements that are not in the graph are added to it (they are usually kept out
    of the store). Statements naming an entity the training graph does not know cannot
    be ranked and are dropped, with a warning, as PyKEEN does. Statements derived from
    held-out ones (``derived_from``) and restatements of a held-out fact (inverse or
    symmetric twins) leave training; other statements between a held-out pair stay
    unless ``same_pair`` (a published benchmark's training set is the
    benchmark: on Nations the same-pair rule would remove 1,562 of 1,592 statements).
    ``remove_leaks=False`` keeps the training set exactly as published.
    """
    index = {tuple(row): i for i, row in enumerate(graph.triples.tolist())}
    rows = graph.triples.tolist()
    chosen: dict[str, set[int]] = {"test": set(), "valid": set()}
    for name, given in (("test", test), ("valid", valid)):
        for triple in given:
            key = tuple(triple)
            if key not in index:
                index[key] = len(rows)
                rows.append(list(key))
            chosen[name].add(index[key])
    chosen["valid"] -= chosen["test"]
    held = chosen["test"] | chosen["valid"]
    extended = GraphTriples(
        triples=np.array(rows, dtype=str).reshape(-1, 3),
        categories=graph.categories,
        names=graph.names,
        derived=graph.derived,
        store_checksum=graph.store_checksum,
    )
    leakage = _Leakage(extended)
    if remove_leaks:
        pairs, derived = leakage.closure(held, same_pair=same_pair)
    else:
        pairs, derived = set(), set()
    out = held | pairs | derived
    known: set[str] = set()
    for i, (s, _, o) in enumerate(rows):
        if i not in out:
            known.update((s, o))
    for name in ("test", "valid"):
        unseen = {i for i in chosen[name] if rows[i][0] not in known or rows[i][2] not in known}
        if unseen:
            log.warning("%d %s statements name entities unseen in training; dropped",
                        len(unseen), name)
        chosen[name] -= unseen
    relations = sorted({base_predicate(rows[i][1]) for i in chosen["test"]})
    split = _finish(
        "explicit", extended, chosen["test"], chosen["valid"], (pairs, derived), relations,
        leakage=leakage if remove_leaks else None,
    )
    # statements dropped as unseen are neither trained on nor tested
    train = np.array([i for i in split.train if i not in held], dtype=np.int64)
    return extended, replace(split, train=train)


def carve_validation(
    split: Split, graph: GraphTriples, *, fraction: float = 0.1, seed: int = 42
) -> Split:
    """A validation set taken from training when a benchmark gives none (early stopping).

    A random ``fraction`` of the training statements of the test relations (at most as
    many as there are test statements) moves to validation; a statement is taken only
    when both its entities keep another training statement, so each can still be ranked.
    """
    rng = np.random.default_rng(seed)
    relations = set(split.tasks)
    train = split.train
    eligible = [i for i in train.tolist() if base_predicate(graph.triples[i, 1]) in relations]
    want = min(len(split.test), int(len(eligible) * fraction))
    uses: dict[str, int] = defaultdict(int)
    for s, _, o in graph.triples[train].tolist():
        uses[s] += 1
        uses[o] += 1
    chosen = []
    for i in rng.permutation(eligible).tolist():
        if len(chosen) >= want:
            break
        s, _, o = graph.triples[i]
        if uses[s] > 1 and uses[o] > 1:
            uses[s] -= 1
            uses[o] -= 1
            chosen.append(i)
    valid = np.array(sorted(chosen), dtype=np.int64)
    log.info("no validation statements given: %d taken from training for early stopping",
             len(valid))
    return replace(split, train=np.setdiff1d(train, valid), valid=valid)


def _disjoint(pairs: set[int], derived: set[int], held: set[int]) -> tuple[set[int], set[int]]:
    pairs = pairs - held
    return pairs, derived - held - pairs
