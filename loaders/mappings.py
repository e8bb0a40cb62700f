"""Shipped mapping tables the patient and omics loaders read: genes, diseases, drugs.

* genes: the one gene index (:mod:`kgtwin.genes`: shipped HGNC index, a fetched
  release, or ``--option genes=FILE``), seen through :class:`GeneResolver`.
* ``ontologies/disease_mappings.sssom.tsv`` and ``drug_mappings.sssom.tsv``: SSSOM
  tables from clinical codes (SNOMED CT, ICD-10, RxNorm) to MONDO and ChEBI/DrugBank.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from kgtwin.loaders.naming import is_curie

from kgtwin.errors import InvalidIdentifierError
from kgtwin.genes import fetch_hint, gene_index
from kgtwin.ids import normalize
from kgtwin.model import Node

EXACT = "skos:exactMatch"
#: SSSOM predicates a diagnosis or medication may follow to its target (best first).
USABLE = (EXACT, "skos:closeMatch", "skos:broadMatch")


def _table_rows(text: str) -> Iterator[dict[str, str]]:
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    yield from csv.DictReader(lines, delimiter="\t")


def _shipped(name: str) -> str:
    return resources.files("kgtwin.ontologies").joinpath(name).read_text(encoding="utf-8")


class GeneResolver:
    """Gene symbols, Ensembl/Entrez/UniProt/HGNC ids and CURIEs -> HGNC ids (None if unknown).

    A thin view of the one gene index (:mod:`kgtwin.genes`) for loaders that must know a
    gene before they can build a record (a variant's gene, a matrix row).
    """

    def __init__(self, extra: str | Path | None = None, *, keep: bool = False):
        self.index = gene_index(extra)
        #: ``unresolved_genes=keep``: a symbol no gene answers to is kept as
        #: ``hgnc.symbol:X`` instead of making its record bad.
        self.keep = keep
        #: Values no gene answered to -> why (listed at the end of the load).
        self.unresolved: dict[str, str] = {}

    def resolve(self, value: str, *, entrez: str | None = None, ensembl: str | None = None,
                kind: str | None = None) -> str | None:
        """The HGNC id of a symbol/id/CURIE value; ``entrez`` and ``ensembl`` are fallback
        ids (a symbol renamed since the table still lands through them)."""
        text = value.strip()
        if text:
            found = self.index.resolve(text, kind=kind).hgnc
            if found:
                return found
        entrez = (entrez or "").strip()
        if entrez.isdigit() and entrez != "0":
            found = self.index.resolve(entrez, kind="entrez").hgnc
            if found:
                return found
        if ensembl and ensembl.strip():
            found = self.index.resolve(ensembl.strip()).hgnc
            if found:
                return found
        named = text or (ensembl or "").strip() or entrez
        if named:
            self.unresolved.setdefault(named, self.index.resolve(named, kind=kind).reason())
            if self.keep and text and not is_curie(text) and not text.isdigit():
                return f"hgnc.symbol:{text}"
        return None

    def explain(self, value: str) -> str:
        """Why ``value`` did not resolve, and what the user can do."""
        return f"{self.index.resolve(value.strip()).reason()} ({fetch_hint(self.index)})"

    def symbol(self, curie: str) -> str | None:
        """The approved symbol of an HGNC id, if the index knows it, or the symbol a
        kept ``hgnc.symbol:X`` gene was given by (the node's name)."""
        if curie.startswith("hgnc.symbol:"):
            return curie.partition(":")[2]
        return self.index.symbol(curie)


@dataclass(frozen=True)
class Mapping:
    """Where one source code leads: the target id, its label, and how exact the match is."""

    target: str
    label: str
    predicate: str
    equivalents: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.predicate == EXACT


@dataclass
class CodeMapper:
    """Source codes (normalised CURIEs) -> :class:`Mapping`, from one SSSOM table."""

    table: str
    preferred: tuple[str, ...]
    _rows: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in _table_rows(_shipped(self.table)):
            if row["predicate_id"] not in USABLE:
                continue
            subject = normalize(row["subject_id"])
            self._rows.setdefault(subject, []).append(
                (normalize(row["object_id"]), row["object_label"], row["predicate_id"])
            )

    def map(self, code: str) -> Mapping | None:
        """The best target of ``code``: preferred prefix first, then the most exact match."""
        rows = self._rows.get(code)
        if not rows:
            return None

        def rank(row: tuple[str, str, str]) -> tuple[int, int]:
            prefix = row[0].partition(":")[0]
            order = self.preferred.index(prefix) if prefix in self.preferred else 99
            return (USABLE.index(row[2]), order)

        best = min(rows, key=rank)
        equivalents = tuple(r[0] for r in rows if r[2] == EXACT and r[0] != best[0])
        return Mapping(best[0], best[1], best[2], equivalents)

    def codes(self) -> list[str]:
        return sorted(self._rows)


def target_node(
    code: str, mapper: CodeMapper, category: str, label: str | None = None
) -> tuple[Node, dict[str, str]] | None:
    """The node a coded finding points to and the edge properties saying how (None if
    the code has no shipped mapping). Only exact matches make the code an xref."""
    mapping = mapper.map(code)
    if mapping is None:
        return None
    xrefs = (*mapping.equivalents, *((code,) if mapping.exact else ()))
    node = Node(id=mapping.target, category=category, name=mapping.label, xrefs=xrefs)
    return node, {"code": code, "mapping": mapping.predicate}


def code_node(code: str, mapper: CodeMapper, category: str) -> tuple[Node, dict[str, str]]:
    """:func:`target_node`, or the code itself as the node when no mapping is shipped.

    The node is named only from kgtwin's shipped mapping: the display or label a
    patient file gives a code is free text and never names a knowledge node.
    """
    return target_node(code, mapper, category) or (
        Node(id=code, category=category), {"code": code}
    )


@cache
def disease_mapper() -> CodeMapper:
    return CodeMapper("disease_mappings.sssom.tsv", ("MONDO",))


@cache
def drug_mapper() -> CodeMapper:
    return CodeMapper("drug_mappings.sssom.tsv", ("CHEBI", "DRUGBANK"))


#: FHIR coding systems kgtwin reads, as CURIE prefixes.
SYSTEMS = {
    "http://snomed.info/sct": "SNOMED",
    "http://hl7.org/fhir/sid/icd-10": "ICD10",
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10cm",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RXCUI",
    "http://loinc.org": "LOINC",
    "http://www.genenames.org": "HGNC",
    "http://www.genenames.org/geneId": "HGNC",
    "http://purl.obolibrary.org/obo/mondo.owl": "MONDO",
    "http://purl.obolibrary.org/obo/hp.owl": "HP",
}


def coding_curie(system: str | None, code: str | None) -> str | None:
    """A CURIE for a FHIR coding of a known system (None for unknown systems or codes)."""
    prefix = SYSTEMS.get((system or "").strip())
    code = (code or "").strip()
    if not prefix or not code:
        return None
    try:
        return normalize(code if prefix == "HGNC" and code.startswith("HGNC:") else
                         f"{prefix}:{code}")
    except InvalidIdentifierError:
        return None


__all__ = [
    "CodeMapper",
    "GeneResolver",
    "Mapping",
    "code_node",
    "coding_curie",
    "disease_mapper",
    "drug_mapper",
    "target_node",
]
