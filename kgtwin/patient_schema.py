"""How patients, samples and their findings are written as graph records.

One schema for every patient and omics loader, so a patient's subgraph looks the same
whether it came from FHIR, a phenopacket, a clinical CSV, a MAF or a VCF:

* ``KGTWIN.PATIENT:<pseudonym>`` (``biolink:Case``), properties ``sex``, ``age_band``,
  ``key_id``;
* ``KGTWIN.SAMPLE:<pseudonym>`` (``biolink:MaterialSample``) ``--derives_from-->`` patient;
* patient ``--has_phenotype-->`` disease (MONDO where a mapping is shipped), properties
  ``code`` (the source code) and ``mapping`` (the SSSOM predicate used);
* patient ``--treated_by-->`` drug, properties ``status``, ``code`` and, when observed,
  ``response`` (one of :data:`RESPONSES`);
* sample (or the patient, when the source names no sample) ``--has_sequence_variant-->``
  gene (a more specific Biolink child such as ``has_missense_variant`` when the variant
  class is known); the qualifier ``sequence_variant_qualifier`` holds the protein change
  (or genomic change), so two variants of one gene stay two statements; properties carry
  ``protein_change``, ``variant_classification``, ``classification`` and
  ``allele_fraction``;
* per-sample values (expression, copy number) and per-patient numeric observations
  (LOINC) are :class:`~kgtwin.model.Measurement` rows, not edges (one value per
  entity, feature and kind: a later load of the same observation replaces it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from kgtwin.model import Edge, Node

PATIENT = "biolink:Case"
SAMPLE = "biolink:MaterialSample"
GENE = "biolink:Gene"
DISEASE = "biolink:Disease"
DRUG = "biolink:Drug"
PHENOTYPE = "biolink:PhenotypicFeature"
#: What a LOINC code of a patient measurement is.
CLINICAL_ATTRIBUTE = "biolink:ClinicalAttribute"

SAMPLE_OF = "biolink:derives_from"
DIAGNOSIS = "biolink:has_phenotype"
TREATMENT = "biolink:treated_by"
VARIANT = "biolink:has_sequence_variant"
VARIANT_QUALIFIER = "sequence_variant_qualifier"

EXPRESSION = "expression"
COPY_NUMBER = "copy_number"
OBSERVATION = "observation"

#: Normalised treatment responses (RECIST-like), from best to worst.
RESPONSES = (
    "complete_response",
    "partial_response",
    "stable_disease",
    "progressive_disease",
    "not_evaluable",
)

#: MAF/VEP variant classes -> the most specific Biolink predicate for them.
VARIANT_PREDICATES = {
    "missense_mutation": "biolink:has_missense_variant",
    "missense_variant": "biolink:has_missense_variant",
    "nonsense_mutation": "biolink:has_nonsense_variant",
    "stop_gained": "biolink:has_nonsense_variant",
    "frame_shift_del": "biolink:has_frameshift_variant",
    "frame_shift_ins": "biolink:has_frameshift_variant",
    "frameshift_variant": "biolink:has_frameshift_variant",
    "splice_site": "biolink:has_splice_site_variant",
    "splice_region_variant": "biolink:has_splice_site_variant",
    "splice_acceptor_variant": "biolink:has_splice_site_variant",
    "splice_donor_variant": "biolink:has_splice_site_variant",
    "silent": "biolink:has_synonymous_variant",
    "synonymous_variant": "biolink:has_synonymous_variant",
}


AMINO_ACIDS = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}
_THREE_LETTER = re.compile("|".join(AMINO_ACIDS))
_MISSENSE = re.compile(r"^p\.[A-Z]\d+[A-Z]$")


@lru_cache(maxsize=65_536)
def protein_change(text: str | None) -> str | None:
    """HGVS protein changes in one spelling, so sources agree on a variant's identity.

    ``NP_004324.2:p.(Val600Glu)`` and ``p.Val600Glu`` both become ``p.V600E`` (the
    transcript/protein accession, parentheses of a predicted change and three-letter
    amino acids are dropped).
    """
    if not text or not text.strip():
        return None
    body = text.strip().rsplit(":", 1)[-1]
    if not body.startswith("p."):
        return text.strip()
    body = body[2:].strip("()")
    return "p." + _THREE_LETTER.sub(lambda m: AMINO_ACIDS[m.group(0)], body)


#: Protein variants a knowledge base describes (OncoKB, loaders/oncokb.py) have nodes.
KNOWLEDGE_VARIANT = "biolink:SequenceVariant"


def knowledge_variant_id(gene: str, change: str) -> str:
    """The node id of ``gene``'s protein variant ``change`` as a knowledge base states it
    (``HGNC:1097``, ``p.V600E`` -> ``KGTWIN.VARIANT:HGNC-1097-p.V600E``), so a patient's
    variant edge (gene id and ``sequence_variant_qualifier``) finds that node."""
    return f"KGTWIN.VARIANT:{gene.replace(':', '-')}-{protein_change(change)}"


#: Gene-level alterations a knowledge base states an effect for (OncoKB's own words), and
#: the patient variants each covers (:func:`gene_level_alteration`).
TRUNCATING, AMPLIFICATION, DELETION = "Truncating Mutations", "Amplification", "Deletion"
_TRUNCATING = re.compile(r"^p\.\S*(\*|X|fs\S*|_splice)$")
_TRUNCATING_PREDICATES = {"biolink:has_nonsense_variant", "biolink:has_frameshift_variant",
                          "biolink:has_splice_site_variant"}


def gene_level_variant_id(gene: str, alteration: str) -> str:
    """The node id of a knowledge base's statement on a class of ``gene``'s alterations
    (``HGNC:1101``, ``Truncating Mutations`` ->
    ``KGTWIN.VARIANT:HGNC-1101-Truncating_Mutations``); protein variants' ids have ``p.``."""
    slug = re.sub(r"[^A-Za-z0-9.+-]+", "_", alteration.strip()).strip("_")
    return f"KGTWIN.VARIANT:{gene.replace(':', '-')}-{slug}"


def gene_level_alteration(predicate: str, change: str) -> str | None:
    """The gene-level alteration (OncoKB's name) a patient's variant edge falls under:
    a nonsense, frameshift or splice change is one of the gene's Truncating Mutations,
    a GISTIC amplification or deep deletion its Amplification or Deletion; else None."""
    text = change.strip()
    if text.lower() == "amplification":
        return AMPLIFICATION
    if text.lower() == "deep deletion":
        return DELETION
    if predicate in _TRUNCATING_PREDICATES or _TRUNCATING.match(text):
        return TRUNCATING
    return None


def is_missense(change: str | None) -> bool:
    return bool(change and _MISSENSE.match(change))


def variant_predicate(variant_class: str | None) -> str:
    """The Biolink predicate for a variant class (``has_sequence_variant`` if unknown)."""
    if not variant_class:
        return VARIANT
    return VARIANT_PREDICATES.get(variant_class.strip().lower(), VARIANT)


def patient_node(patient: str, key_id: str, properties: Mapping[str, Any] | None = None) -> Node:
    return Node(
        id=patient, category=PATIENT, properties={"key_id": key_id, **(properties or {})}
    )


def sample_node(sample: str, properties: Mapping[str, Any] | None = None) -> Node:
    return Node(id=sample, category=SAMPLE, properties=properties or {})


def sample_of(sample: str, patient: str) -> Edge:
    return Edge(subject=sample, predicate=SAMPLE_OF, object=patient)


def variant_edge(
    carrier: str,
    gene: str,
    change: str,
    *,
    variant_class: str | None = None,
    properties: Mapping[str, Any] | None = None,
) -> Edge:
    """A variant of ``gene`` carried by a sample (or patient); ``change`` is its identity.

    The maps are handed over read-only, so the edge keeps them without a copy (a MAF
    makes a million of these).
    """
    props = {k: v for k, v in (properties or {}).items() if v is not None and v != ""}
    if variant_class:
        props["variant_classification"] = variant_class
    return Edge(
        subject=carrier,
        predicate=variant_predicate(variant_class),
        object=gene,
        qualifiers=MappingProxyType({VARIANT_QUALIFIER: change}),
        properties=MappingProxyType(props),
    )


__all__ = [
    "CLINICAL_ATTRIBUTE",
    "COPY_NUMBER",
    "DIAGNOSIS",
    "DISEASE",
    "DRUG",
    "EXPRESSION",
    "GENE",
    "OBSERVATION",
    "PATIENT",
    "PHENOTYPE",
    "RESPONSES",
    "SAMPLE",
    "SAMPLE_OF",
    "TREATMENT",
    "VARIANT",
    "VARIANT_QUALIFIER",
    "is_missense",
    "patient_node",
    "protein_change",
    "sample_node",
    "sample_of",
    "variant_edge",
    "variant_predicate",
]
