"""Ontologies (OBO and OWL/RDF): terms become typed nodes, ``is_a`` becomes ``subclass_of``.

Each term's Biolink class comes from ``ontologies/ontology_terms.yaml`` by the prefix of
its id (HP -> PhenotypicFeature, MONDO -> Disease, GO by namespace, ...). Xrefs that the
same file declares exact (MONDO's ``MONDO:equivalentTo``) join the node's identity, so
the store finds the MONDO node by its DOID or OMIM id; other xrefs stay a property.
``alt_id`` values are old ids of the same term and join the identity too, listed in the
``alt_ids`` property so the term's own id names the node (not DOID:353, an alt_id of
lymphoma DOID:0060058, which sorts first). Obsolete terms
are left out. Relations ``part_of``, ``has_part`` and GO's (positively/negatively)
``regulates`` become edges; other relations and logical definitions are not loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from kgtwin.loaders.base import Loader
from kgtwin.loaders.naming import direction
from kgtwin.loaders.obo import Stanza, quoted, read_header, stanzas

from kgtwin.errors import KgTwinError
from kgtwin.ids import ALT_IDS, default_normaliser
from kgtwin.model import Edge, Node, Record

#: Why an obsolete term gave no record (counted as passed over).
OBSOLETE = "an obsolete term (--option include_obsolete=true keeps it)"
SUBCLASS_OF = "biolink:subclass_of"
#: OBO relation -> (Biolink predicate, sign). Relations not listed are not loaded.
RELATIONS = {
    "part_of": ("biolink:part_of", 0),
    "BFO:0000050": ("biolink:part_of", 0),
    "has_part": ("biolink:has_part", 0),
    "BFO:0000051": ("biolink:has_part", 0),
    "regulates": ("biolink:regulates", 0),
    "RO:0002211": ("biolink:regulates", 0),
    "positively_regulates": ("biolink:regulates", 1),
    "RO:0002213": ("biolink:regulates", 1),
    "negatively_regulates": ("biolink:regulates", -1),
    "RO:0002212": ("biolink:regulates", -1),
}


@dataclass
class Term:
    """An ontology class, whichever syntax it was read from."""

    id: str
    name: str | None = None
    namespace: str | None = None
    definition: str | None = None
    synonyms: list[str] = field(default_factory=list)
    xrefs: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    relations: list[tuple[str, str]] = field(default_factory=list)
    obsolete: bool = False


@cache
def term_rules() -> dict[str, dict]:
    """Per-prefix typing rules from ``ontologies/ontology_terms.yaml`` (canonical prefixes)."""
    text = resources.files("kgtwin.ontologies").joinpath("ontology_terms.yaml").read_text()
    ids = default_normaliser()
    rules = {}
    for prefix, rule in yaml.safe_load(text).items():
        rule = dict(rule)
        listed = rule.get("equivalent_xrefs", [])
        rule["equivalent"] = {ids.canonical_prefix(p) or p for p in listed}
        rules[ids.canonical_prefix(prefix) or prefix] = rule
    return rules


class OntologyLoader(Loader):
    """Shared mapping of terms to records; subclasses read the syntax."""

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 category: str | None = None, include_obsolete: bool = False):
        super().__init__(paths, skip_bad=skip_bad)
        self.category = category
        self.include_obsolete = include_obsolete
        self.ids = default_normaliser()
        self.rules = term_rules()

    def terms(self) -> Iterator[Term]:
        raise NotImplementedError

    def records(self) -> Iterator[Record]:
        for term in self.terms():
            if term.obsolete and not self.include_obsolete:
                self.pass_over(OBSOLETE)
                continue
            try:
                yield from self.term_records(term)
            except KgTwinError as error:
                self.reject(str(error))

    def term_records(self, term: Term) -> Iterator[Record]:
        curie = self.ids.normalize(term.id)
        rule = self.rules.get(curie.partition(":")[0], {})
        equivalent, related = self._split_xrefs(term, rule)
        properties: dict[str, object] = {}
        for key, value in (("definition", term.definition), ("namespace", term.namespace),
                           ("synonyms", term.synonyms), ("related_xrefs", related),
                           (ALT_IDS, term.alt_ids)):
            if value:
                properties[key] = value
        if term.obsolete:
            properties["deprecated"] = True
        yield Node(id=curie, category=self._category(term, rule), name=term.name,
                   xrefs=tuple(equivalent + term.alt_ids), properties=properties)
        for parent in term.parents:
            yield Edge(curie, SUBCLASS_OF, parent)
        for relation, target in term.relations:
            if relation in RELATIONS:
                predicate, sign = RELATIONS[relation]
                yield Edge(curie, predicate, target, qualifiers=direction(sign))

    def _category(self, term: Term, rule: dict) -> str:
        if self.category:
            return self.category
        by_namespace = rule.get("category_by_namespace", {})
        if term.namespace in by_namespace:
            return by_namespace[term.namespace]
        return rule.get("category", "biolink:NamedThing")

    def _split_xrefs(self, term: Term, rule: dict) -> tuple[list[str], list[str]]:
        equivalent, related = [], []
        needed = rule.get("equivalence_source")
        for xref, modifiers in term.xrefs:
            prefix = self.ids.canonical_prefix(xref.partition(":")[0])
            exact = prefix in rule.get("equivalent", ()) and (
                needed is None or needed in modifiers.get("source", [])
            )
            (equivalent if exact else related).append(xref)
        return equivalent, related


class OboLoader(OntologyLoader):
    """OBO 1.4 flat files (HP, MONDO, DOID, GO, ChEBI releases), streamed stanza by stanza."""

    name = "obo"
    description = ("OBO ontology (HP, MONDO, DOID, GO, ChEBI): terms, subclass_of, xrefs "
                   "(--option category=... overrides the configured class)")

    def source_version(self) -> str | None:
        header = read_header(self.paths[0])
        return header.get("data-version") or header.get("date")

    def terms(self) -> Iterator[Term]:
        for path in self.paths:
            for stanza in stanzas(self, path):
                if stanza.kind != "Term":
                    continue
                term = self._term(stanza)
                if term is not None:
                    yield term

    def _term(self, stanza: Stanza) -> Term | None:
        ident = stanza.first("id")
        if not ident:
            self.reject("[Term] stanza without an id")
            return None
        relations = []
        for value in stanza.all("relationship"):
            parts = value.split()
            if len(parts) >= 2:
                relations.append((parts[0], parts[1]))
        return Term(
            id=ident,
            name=stanza.first("name"),
            namespace=stanza.first("namespace"),
            definition=quoted(stanza.first("def")) if stanza.first("def") else None,
            synonyms=[quoted(s) for s in stanza.all("synonym")],
            xrefs=[(x.split()[0], stanza.modifiers.get(("xref", x), {}))
                   for x in stanza.all("xref") if x.split()],
            alt_ids=stanza.all("alt_id"),
            parents=[p.split()[0] for p in stanza.all("is_a") if p.split()],
            relations=relations,
            obsolete=(stanza.first("is_obsolete") or "").lower() == "true",
        )


class OwlLoader(OntologyLoader):
    """OWL/RDF ontologies (RDF/XML, Turtle, N-Triples) read with rdflib.

    rdflib parses a whole file into memory (RDF/XML cannot be streamed), so for very
    large ontologies prefer their OBO release, which the ``obo`` loader streams.
    """

    name = "owl"
    description = "OWL/RDF ontology (.owl RDF/XML, .ttl, .nt) read with rdflib"

    def terms(self) -> Iterator[Term]:
        from kgtwin.loaders.owl_terms import owl_terms

        for path in self.paths:
            self.path, self.position = path, None
            yield from owl_terms(self, path)


__all__ = ["OboLoader", "OntologyLoader", "OwlLoader", "Term", "term_rules"]
