"""The Biolink vocabulary kgtwin aligns to: categories, predicates and their hierarchy.

Read from the pinned extract ``ontologies/biolink.json`` (see ``scripts/pin_ontologies.py``),
plus kgtwin's own identity choices in ``ontologies/identity.yaml``. Unknown names fail
early, with the closest valid names, so a typo never becomes a new category.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from functools import cache, cached_property, lru_cache
from importlib import resources

import yaml

from kgtwin.errors import VocabularyError

BIOLINK = "biolink:"
ROOT_CATEGORY = "biolink:NamedThing"
ROOT_PREDICATE = "biolink:related_to"


class Biolink:
    """One pinned version of the Biolink model plus kgtwin's identity preferences."""

    def __init__(self, model: dict, identity: dict, renamed: dict | None = None):
        self.version: str = model["version"]
        self._categories: dict[str, dict] = model["categories"]
        self._predicates: dict[str, dict] = model["predicates"]
        self.prefix_map: dict[str, str] = model["prefix_map"]
        self._preferred: dict[str, list[str]] = identity.get("preferred_prefixes", {})
        self._precedence: list[str] = identity.get("category_precedence", [])
        self._category_lookup = _lookup_table(self._categories)
        self._predicate_lookup = _lookup_table(self._predicates)
        self._renamed = _renamed_table(renamed or {}, self)
        self._retired = {_key(name): str(releases) for name, releases in
                         ((renamed or {}).get("retired") or {}).items()}

    # --- validation -----------------------------------------------------------------
    def category(self, name: str) -> str:
        """The canonical category for ``name`` ('Gene', 'gene', 'biolink:Gene' all work)."""
        found = self._category_lookup.get(_key(name))
        if found is None:
            raise VocabularyError(_unknown("category", name, self._categories))
        return found

    def predicate(self, name: str) -> str:
        """The canonical predicate for ``name`` ('treats', 'biolink:treats' both work)."""
        found = self._predicate_lookup.get(_key(name))
        if found is None:
            raise VocabularyError(_unknown("predicate", name, self._predicates))
        return found

    def renamed_predicate(self, name: str) -> str | None:
        """The current predicate Biolink names as the same relation as ``name``, a
        predicate of another Biolink release (``ontologies/biolink_renamed_predicates.yaml``),
        or None when ``name`` is no such predicate."""
        return self._renamed.get(_key(name))

    def retired_predicate(self, name: str) -> str | None:
        """The releases (``2.0.0..3.0.3``) that had ``name``, a predicate Biolink retired
        naming no current one as the same relation; None for any other name."""
        return self._retired.get(_key(name))

    def is_category(self, name: str) -> bool:
        return _key(name) in self._category_lookup

    def is_predicate(self, name: str) -> bool:
        return _key(name) in self._predicate_lookup

    @property
    def categories(self) -> list[str]:
        return sorted(self._categories)

    @property
    def predicates(self) -> list[str]:
        return sorted(self._predicates)

    # --- hierarchy ------------------------------------------------------------------
    def ancestors(self, category: str) -> list[str]:
        """The category, its ``is_a`` chain and mixins, nearest first."""
        return list(self._ancestor_table[self.category(category)])

    def lineage(self, category: str) -> list[str]:
        """The category and its ``is_a`` chain to the root, nearest first (no mixins):
        the classes a node of ``category`` is, as opposed to the traits it has."""
        return self._is_a_chain(self.category(category))

    def descendants(self, category: str) -> frozenset[str]:
        """Every category that counts as ``category`` (itself included)."""
        return self._descendant_table[self.category(category)]

    def is_a(self, child: str, parent: str) -> bool:
        return self.category(parent) in self._ancestor_table[self.category(child)]

    def predicate_descendants(self, predicate: str) -> frozenset[str]:
        canonical = self.predicate(predicate)
        return frozenset(p for p in self._predicates if canonical in self._predicate_chain(p))

    def inverse(self, predicate: str) -> str | None:
        canonical = self.predicate(predicate)
        return self._inverses.get(canonical)

    def is_symmetric(self, predicate: str) -> bool:
        return bool(self._predicates[self.predicate(predicate)].get("symmetric"))

    def depth(self, category: str) -> int:
        """Length of the ``is_a`` chain to the root: deeper is more specific."""
        depth, current = 0, self._categories[self.category(category)].get("is_a")
        while current:
            depth += 1
            current = self._categories.get(current, {}).get("is_a")
        return depth

    # --- identity -------------------------------------------------------------------
    def preferred_prefixes(self, category: str) -> list[str]:
        """Prefixes in order of preference for naming a node of ``category``.

        kgtwin's choice in ``identity.yaml`` first, then Biolink's ``id_prefixes`` of the
        category or its nearest ancestor that has them.
        """
        ordered: list[str] = []
        for name in self._is_a_chain(self.category(category)):
            for prefix in self._preferred.get(name, []):
                if prefix not in ordered:
                    ordered.append(prefix)
            if ordered:
                break
        for name in self._is_a_chain(self.category(category)):
            own = self._categories[name].get("id_prefixes") or []
            if own:
                ordered.extend(p for p in own if p not in ordered)
                break
        return ordered

    def resolve_category(self, categories: Iterable[str]) -> str:
        """One category for a node several records describe (deterministic).

        The most specific wins when the categories lie on one lineage (``Drug`` over
        ``ChemicalEntity`` over ``NamedThing``); otherwise the first in kgtwin's
        precedence list, then the deepest, then the alphabetically first.
        """
        found = sorted({self.category(c) for c in categories})
        if not found:
            return ROOT_CATEGORY
        leaves = [c for c in found if not any(o != c and self.is_a(o, c) for o in found)]
        if len(leaves) == 1:
            return leaves[0]
        for name in self._precedence:
            if name in leaves:
                return name
        return sorted(leaves, key=lambda c: (-self.depth(c), c))[0]

    # --- tables built once ----------------------------------------------------------
    def _is_a_chain(self, category: str) -> list[str]:
        chain, current = [], category
        while current and current not in chain:
            chain.append(current)
            current = self._categories.get(current, {}).get("is_a")
        return chain

    def _predicate_chain(self, predicate: str) -> list[str]:
        chain, current = [], predicate
        while current and current not in chain:
            chain.append(current)
            current = self._predicates.get(current, {}).get("is_a")
        return chain

    @cached_property
    def _ancestor_table(self) -> dict[str, tuple[str, ...]]:
        table: dict[str, tuple[str, ...]] = {}

        def walk(name: str) -> tuple[str, ...]:
            if name in table:
                return table[name]
            spec = self._categories.get(name, {})
            found = [name]
            for parent in [spec.get("is_a"), *spec.get("mixins", [])]:
                if parent and parent in self._categories:
                    found.extend(a for a in walk(parent) if a not in found)
            table[name] = tuple(found)
            return table[name]

        for name in self._categories:
            walk(name)
        return table

    @cached_property
    def _descendant_table(self) -> dict[str, frozenset[str]]:
        below: dict[str, set[str]] = {name: set() for name in self._categories}
        for name, ancestors in self._ancestor_table.items():
            for ancestor in ancestors:
                below[ancestor].add(name)
        return {name: frozenset(found) for name, found in below.items()}

    @cached_property
    def _inverses(self) -> dict[str, str]:
        table = {}
        for name, spec in self._predicates.items():
            if spec.get("inverse") in self._predicates:
                table[name] = spec["inverse"]
                table.setdefault(spec["inverse"], name)
        return table


@lru_cache(maxsize=8192)  # called for every record's category/predicate on load
def _key(name: str) -> str:
    text = name.strip()
    if text.lower().startswith(BIOLINK):
        text = text[len(BIOLINK) :]
    return re.sub(r"[\s_]+", "", text).casefold()


def _lookup_table(names: Iterable[str]) -> dict[str, str]:
    return {_key(name): name for name in names}


def _renamed_table(pinned: dict, biolink: Biolink) -> dict[str, str]:
    """Old name (lookup key) -> current predicate; each current one must exist in the
    pinned model, so a re-pin that drops one fails here, not on a user's file."""
    if pinned and pinned.get("biolink_version") != biolink.version:
        raise VocabularyError(f"biolink_renamed_predicates.yaml was checked against "
                              f"Biolink {pinned.get('biolink_version')}, the pinned "
                              f"model is {biolink.version}: check it again")
    table = {}
    for old, spec in (pinned.get("renamed") or {}).items():
        if biolink.is_predicate(old):
            raise VocabularyError(f"{old} is a predicate of Biolink {biolink.version}: "
                                  "it needs no renaming")
        table[_key(old)] = biolink.predicate(spec["current"])
    return table


def _unknown(kind: str, name: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(
        name if name.startswith(BIOLINK) else BIOLINK + name, list(valid), n=3, cutoff=0.5
    )
    hint = f"; closest: {', '.join(close)}" if close else ""
    return f"unknown Biolink {kind} {name!r}{hint}"


@cache
def default_biolink() -> Biolink:
    """The pinned Biolink model; read from package data on first use."""
    folder = resources.files("kgtwin.ontologies")
    model = json.loads(folder.joinpath("biolink.json").read_text())
    identity = yaml.safe_load(folder.joinpath("identity.yaml").read_text())
    renamed = yaml.safe_load(folder.joinpath("biolink_renamed_predicates.yaml").read_text())
    return Biolink(model, identity, renamed)
