"""Shipped mapping tables the patient and omics loaders read: genes, diseases, drugs.

* ``ontologies/gene_symbols.tsv``: symbol -> HGNC id for the demo genes. Symbols are
  the one gene spelling that is not a CURIE; a small shipped table keeps the loaders
  free of downloads, and ``--option genes=FILE`` adds an HGNC complete-set TSV
  (columns ``hgnc_id``, ``symbol``, optional ``alias_symbol``/``prev_symbol``) for real
  cohorts. Ensembl ids (``ENSG…``, version dropped) and Entrez ids become
  ``ENSEMBL:``/``NCBIGene:`` CURIEs, which the HGNC loader's xrefs collapse onto HGNC nodes.
* ``ontologies/disease_mappings.sssom.tsv`` and ``drug_mappings.sssom.tsv``: SSSOM
  tables from clinical codes (SNOMED CT, ICD-10, RxNorm) to MONDO and ChEBI/DrugBank.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from kgtwin.errors import InvalidIdentifierError, KgTwinError
from kgtwin.ids import normalize
from kgtwin.model import Node

ENSEMBL_GENE = re.compile(r"^ENSG\d{11}(\.\d+)?$")
EXACT = "skos:exactMatch"
#: SSSOM predicates a diagnosis or medication may follow to its target (best first).
USABLE = (EXACT, "skos:closeMatch", "skos:broadMatch")


def _table_rows(text: str) -> Iterator[dict[str, str]]:
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    yield from csv.DictReader(lines, delimiter="\t")


def _shipped(name: str) -> str:
    return resources.files("kgtwin.ontologies").joinpath(name).read_text(encoding="utf-8")


class GeneResolver:
    """Gene symbols, Ensembl ids, Entrez ids and CURIEs -> gene CURIEs (None if unknown)."""

    def __init__(self, extra: str | Path | None = None):
        self.symbols: dict[str, str] = {}
        self.names: dict[str, str] = {}
        #: ENSEMBL:/NCBIGene: ids the tables know -> their HGNC id.
        self.ids: dict[str, str] = {}
        for row in _table_rows(_shipped("gene_symbols.tsv")):
            self._add(row["symbol"], row["hgnc_id"], primary=True)
            self.ids[f"NCBIGene:{row['entrez_id']}"] = row["hgnc_id"]
            self.ids[f"ENSEMBL:{row['ensembl_gene_id']}"] = row["hgnc_id"]
        if extra:
            self._read_hgnc(Path(extra))

    def _add(self, symbol: str, hgnc: str, *, primary: bool) -> None:
        symbol = symbol.strip().upper()
        if not symbol or not hgnc.strip():
            return
        if primary:
            self.symbols[symbol] = hgnc.strip()
            self.names[hgnc.strip()] = symbol
        else:  # aliases and previous symbols never override an approved symbol
            self.symbols.setdefault(symbol, hgnc.strip())

    def _read_hgnc(self, path: Path) -> None:
        try:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    hgnc = row.get("hgnc_id") or ""
                    self._add(row.get("symbol") or "", hgnc, primary=True)
                    for column in ("alias_symbol", "prev_symbol"):
                        for alias in (row.get(column) or "").strip('"').split("|"):
                            self._add(alias, hgnc, primary=False)
        except (OSError, KeyError, csv.Error) as error:
            raise KgTwinError(f"cannot read the gene table {path}: {error}") from None

    def resolve(self, value: str, *, entrez: str | None = None) -> str | None:
        """A gene CURIE for a symbol/Ensembl/CURIE value; ``entrez`` is a fallback id."""
        text = value.strip()
        if not text:
            return self._entrez(entrez)
        found = self.symbols.get(text.upper())
        if found:
            return found
        if ENSEMBL_GENE.match(text):
            return self._known("ENSEMBL:" + text.split(".")[0])
        if ":" in text:
            try:
                curie = normalize(text)
            except InvalidIdentifierError:
                return self._entrez(entrez)
            return self._known(curie.split(".")[0] if curie.startswith("ENSEMBL:") else curie)
        return self._entrez(entrez)

    def _known(self, curie: str) -> str:
        return self.ids.get(curie, curie)

    def _entrez(self, entrez: str | None) -> str | None:
        entrez = (entrez or "").strip()
        if entrez.isdigit() and entrez != "0":
            return self._known(f"NCBIGene:{entrez}")
        return None

    def symbol(self, curie: str) -> str | None:
        """The approved symbol of an HGNC id, if the tables know it (the node's name)."""
        return self.names.get(curie)


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


def code_node(
    code: str, mapper: CodeMapper, category: str, label: str | None = None
) -> tuple[Node, dict[str, str]]:
    """:func:`target_node`, or the code itself as the node when no mapping is shipped."""
    return target_node(code, mapper, category) or (
        Node(id=code, category=category, name=label or None), {"code": code}
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
