"""What a patient record may leave in the graph: coded values on an allow-list, no text.

Patient formats carry free text everywhere: FHIR ``valueString`` and coding
``display``\\ s, a Specimen type's display, every Phenopacket ``label``. Such text can
hold a name, a phone number or a clinician's note, so kgtwin keeps from patient sources
only values that are codes or come from a closed vocabulary (:data:`EDGE_RULES`), and
never lets a patient record name a knowledge node: a disease, drug, phenotype or
clinical attribute that a patient file mentions is named only from kgtwin's shipped
tables (HGNC, the SSSOM code mappings), never from the file, so a Phenopacket's label
for ``HP:0000118`` can no longer replace the ontology's name.

The filter runs on every record of every :class:`PatientLoader`, in the load machinery,
so a new patient format gets it without doing anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kgtwin.model import Edge, Node, Record
from kgtwin.patient_schema import PATIENT, SAMPLE

_TOKEN = re.compile(r"[A-Za-z0-9_.:+\-]{1,64}\Z")  # a code: no spaces, short
_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*:[A-Za-z0-9_.\-]{1,64}\Z")
# HGVS (p./c./g./n./m./r., optionally after a reference and ':'), or chrom:pos ref>alt.
_CHANGE = re.compile(
    r"([A-Za-z0-9_.]{1,40}:)?[cgmnpr]\.[A-Za-z0-9_>*+\-=()?\[\];,]{1,120}\Z"
    r"|(chr)?[0-9XYMT]{1,2}:g?\.?[0-9]{1,10}[ACGTN]*>[ACGTN,]*\Z"
)
_AGE_BAND = re.compile(r"([0-9]{1,3}-[0-9]{1,3}|[0-9]{1,3}\+)\Z")
#: Words of the closed vocabularies patient files use for classifications and states
#: (ACMG, ClinVar CLNSIG, GENO allelic states, genomic sources, RECIST responses).
VOCABULARY = frozenset(
    [
        "pathogenic",
        "likely",
        "benign",
        "uncertain",
        "significance",
        "conflicting",
        "interpretations",
        "of",
        "pathogenicity",
        "drug",
        "response",
        "risk",
        "factor",
        "association",
        "protective",
        "affects",
        "not",
        "provided",
        "other",
        "low",
        "penetrance",
        "established",
        "vus",
        "and",
        "heterozygous",
        "homozygous",
        "hemizygous",
        "heteroplasmic",
        "homoplasmic",
        "compound",
        "somatic",
        "germline",
        "de",
        "novo",
        "unknown",
        "complete",
        "partial",
        "stable",
        "progressive",
        "disease",
        "evaluable",
    ]
)


def _token(value: Any) -> bool:
    return isinstance(value, str) and bool(_TOKEN.match(value))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _words(value: Any) -> bool:
    """A value from a closed vocabulary: a code, or words all in :data:`VOCABULARY`."""
    if _token(value) and not any(c.isdigit() for c in value):
        return all(w in VOCABULARY for w in re.split(r"[_\-\s]+", value.lower()) if w)
    if not isinstance(value, str) or len(value) > 80:
        return False
    words = re.split(r"[\s,/_\-]+", value.lower())
    return all(w in VOCABULARY for w in words if w)


def _code_or_words(value: Any) -> bool:
    return _words(value) or (isinstance(value, str) and bool(_CURIE.match(value)))


#: Edge and node properties a patient source may set, each with the test its value
#: must pass; anything else is dropped.
EDGE_RULES: dict[str, Callable[[Any], bool]] = {
    "protein_change": lambda v: isinstance(v, str) and bool(_CHANGE.match(v)),
    "dna_change": lambda v: isinstance(v, str) and bool(_CHANGE.match(v)),
    "genomic_change": lambda v: isinstance(v, str) and bool(_CHANGE.match(v)),
    "allele_fraction": _number,
    "classification": _code_or_words,
    "genomic_source": _code_or_words,
    "allelic_state": _code_or_words,
    "variant_classification": _token,
    "clinical_status": _token,
    "status": _token,
    "response": _token,
    "response_code": lambda v: isinstance(v, str) and bool(_CURIE.match(v)),
    "code": lambda v: isinstance(v, str) and bool(_CURIE.match(v)),
    "mapping": lambda v: isinstance(v, str) and bool(_CURIE.match(v)),
    "copy_number_call": lambda v: _number(v) or _token(v),
}
PATIENT_RULES: dict[str, Callable[[Any], bool]] = {
    "key_id": _token,
    "sex": _token,
    "age_band": lambda v: isinstance(v, str) and bool(_AGE_BAND.match(v)),
}
SAMPLE_RULES: dict[str, Callable[[Any], bool]] = {
    "sample_type": lambda v: isinstance(v, str) and bool(_CURIE.match(v) or _TOKEN.match(v)),
    # a GSEA CLS class (loaders/cls.py): one short token, as the file writes it
    "class_label": _token,
}
#: Kept on patient nodes only when the user allowed them (``--option allow=...``).
ALLOWED_EXTRAS = {"identifiers": "identifier", "names": "name", "birth_dates": "birth_date"}


def coded_only(records: Iterable[Record], allow: frozenset[str]) -> Iterator[Record]:
    """``records`` with free text removed and knowledge nodes stripped of patient labels."""
    extras = {ALLOWED_EXTRAS[a] for a in allow if a in ALLOWED_EXTRAS}
    for record in records:
        if isinstance(record, Node):
            yield _node(record, extras)
        elif isinstance(record, Edge) and record.properties:
            kept = _kept(record.properties, EDGE_RULES)
            if len(kept) != len(record.properties):
                record = _replace(record, properties=MappingProxyType(kept))
            yield record
        else:
            yield record


def _node(node: Node, extras: set[str]) -> Node:
    if node.category == PATIENT:
        kept = _kept(node.properties, PATIENT_RULES)
        kept.update({k: v for k, v in node.properties.items() if k in extras})
        name = node.name if "name" in extras else None
        return _replace(node, name=name, properties=MappingProxyType(kept))
    if node.category == SAMPLE:
        return _replace(
            node, name=None, properties=MappingProxyType(_kept(node.properties, SAMPLE_RULES))
        )
    # A knowledge node (gene, disease, drug, phenotype, assay): patient loaders name it
    # only from kgtwin's shipped tables (HGNC, SSSOM mappings); nothing else is kept.
    if not node.properties:
        return node
    return _replace(node, properties=MappingProxyType({}))


def file_labels(pseudonym: Callable[[str], str], paths: Iterable[Path]) -> list[str]:
    """Patient files as the ledger, ``status`` and Neo4j show them: keyed pseudonyms.

    Synthea and many EHR exports name a file after the patient
    (``Name_Surname_MRN-….json``), so the name as given must not be stored; the same
    file under the same key always gets the same label, and its extension is kept.
    """
    labels = []
    for path in paths:
        suffix = "".join(s for s in path.suffixes[-2:] if len(s) <= 6 and s[1:].isalnum())
        labels.append(f"file-{pseudonym(path.name)[:12]}{suffix}")
    return labels


def _kept(properties: Any, rules: dict[str, Callable[[Any], bool]]) -> dict[str, Any]:
    return {k: v for k, v in (properties or {}).items() if k in rules and rules[k](v)}


def _replace(record: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(record, **changes)


__all__ = ["EDGE_RULES", "VOCABULARY", "coded_only", "file_labels"]
