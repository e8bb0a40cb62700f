"""GA4GH Phenopackets v2 (JSON, one phenopacket a file) -> a patient subgraph.

Parsed and validated by the ``phenopackets`` package's protobuf schema (unknown fields
and bad enum values fail the packet). Read: ``subject`` (pseudonymised ``id``, ``sex``,
an age band from ``timeAtLastEncounter``), ``diseases`` and interpretation diagnoses
(MONDO ids used as they are, other codes through the shipped mappings),
``phenotypicFeatures`` (``excluded`` ones, which the patient was found not to have, and
excluded diseases are not stored: counted as passed over, as no has_phenotype edge may
say them), ``biosamples`` (pseudonymised samples of the
subject), ``genomicInterpretations`` (variant edges from the named biosample, else
from the subject), ``medicalActions`` treatments with ``responseToTreatment``, and
numeric ``measurements``. ``dateOfBirth`` and free-text ``description`` fields are not
kept (see :mod:`kgtwin.privacy`).

A structural variant (a descriptor with a ``structuralType`` and a label but no HGVS
expression or VCF record, as phenopacket-store writes deletions and duplications) is
a variant of its gene named by that label, classed by the structural type. A variant
with no gene at all (a telomeric 11q deletion) has no gene to attach to: it is passed
over, the patient kept, and the count said at the end of the load.

A subject's id is only unique within its study ("Patient 1" appears in 171 papers of
phenopacket-store), so without ``--option dataset=NAME`` a packet's ids are
pseudonymised within the publications its ``metaData.externalReferences`` name (else
within its file).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from google.protobuf.json_format import Parse, ParseError
from kgtwin.loaders.base import open_text
from kgtwin.loaders.mappings import code_node, disease_mapper, drug_mapper
from kgtwin.loaders.patient_base import PatientLoader
from phenopackets import Phenopacket, Sex

from kgtwin.errors import InvalidIdentifierError
from kgtwin.ids import normalize
from kgtwin.model import Edge, Measurement, Node, Record
from kgtwin.patient_schema import (
    CLINICAL_ATTRIBUTE,
    DIAGNOSIS,
    DISEASE,
    DRUG,
    OBSERVATION,
    PHENOTYPE,
    TREATMENT,
    is_missense,
    patient_node,
    protein_change,
    sample_node,
    sample_of,
    variant_edge,
)
from kgtwin.privacy import age_band

log = logging.getLogger(__name__)
#: Why an excluded phenotype or disease gave no record (counted as passed over).
EXCLUDED_PHENOTYPE = "an excluded phenotype (observed absent): not stored as a phenotype"
EXCLUDED_DISEASE = "an excluded disease (ruled out): not stored as a diagnosis"

YEARS = re.compile(r"^P(\d+)Y")
#: Response terms are matched on their label (NCIt and others spell these alike).
RESPONSE_WORDS = (
    ("complete", "complete_response"),
    ("partial", "partial_response"),
    ("favorable", "partial_response"),
    ("stable", "stable_disease"),
    ("progress", "progressive_disease"),
    ("unfavorable", "progressive_disease"),
)


class Unusable(Exception):
    """A part of a phenopacket kgtwin cannot use (the message names the field)."""


def parse_reason(error: ParseError) -> str:
    """A protobuf parse error without the offending value (it may be an identifier)."""
    text = str(error)
    unknown = re.search(r'has no field named "([^"]{0,60})"', text)
    where = text.rsplit(" at ", 1)[-1].split("\n")[0].rstrip(".") if " at " in text else ""
    if unknown:
        return f"unknown field {unknown.group(1)!r} at {where}"
    return f"invalid value at {where or 'Phenopacket'}"


class PhenopacketLoader(PatientLoader):
    """Phenopackets v2 JSON files (see module docs)."""

    name = "phenopacket"
    description = "GA4GH Phenopackets v2 JSON: patient, diseases, phenotypes, variants, drugs"
    #: 2: ids scoped by the packet's publication (1 merged "Patient 1" of all papers).
    version = "2"
    _packet_dataset: str | None = None

    def dataset_of(self, path: Path) -> str:
        """The option, else the packet's publications, else its file."""
        if self.dataset is not None:
            return self.dataset
        return self._packet_dataset or f"phenopacket-file:{path.name}"

    suffixes = (".json",)

    def records(self) -> Iterator[Record]:
        self.geneless_variants = 0
        for path in self.paths:
            packet = self._parse(path)
            if packet is not None:
                yield from self._packet(packet)
        if self.geneless_variants:
            log.warning("passed over %d variant(s) with no geneContext (a variant edge "
                        "needs a gene); their patients were kept", self.geneless_variants)

    def _parse(self, path: Path) -> Phenopacket | None:
        self.path, self.position = path, "phenopacket"
        try:
            with open_text(path) as handle:
                text = handle.read()
        except UnicodeDecodeError as error:
            self.reject(f"not valid UTF-8 ({error.reason})")
            return None
        try:
            return Parse(text, Phenopacket())
        except ParseError as error:
            self.reject("invalid phenopacket: " + parse_reason(error))
        except (ValueError, TypeError, RecursionError):
            self.reject("invalid phenopacket: not a JSON object")
        return None

    def _packet(self, packet: Phenopacket) -> Iterator[Record]:
        if not packet.subject.id:
            self.reject("phenopacket without subject.id")
            return
        records: list[Record] = []
        references = sorted({r.id.strip() for r in packet.meta_data.external_references
                             if r.id.strip()})
        self._packet_dataset = "phenopacket:" + "|".join(references) if references else None
        try:
            patient = self.patient_id(packet.subject.id)
            records.append(self._subject(packet, patient))
            samples = self._biosamples(packet, patient, records)
            self._diseases(packet, patient, records)
            self._features(packet, patient, records)
            self._variants(packet, patient, samples, records)
            self._treatments(packet, patient, records)
            self._measurements(packet, patient, records)
        except Unusable as error:
            self.reject(str(error))
            return
        yield from records

    def _subject(self, packet: Phenopacket, patient: str) -> Node:
        subject = packet.subject
        properties: dict[str, object] = {}
        if subject.sex:
            properties["sex"] = Sex.Name(subject.sex).lower()
        years = YEARS.match(subject.time_at_last_encounter.age.iso8601duration or "")
        if years:
            properties["age_band"] = age_band(int(years.group(1)))
        if "identifiers" in self.allow:
            properties["identifier"] = subject.id
        if "birth_dates" in self.allow and subject.HasField("date_of_birth"):
            properties["birth_date"] = subject.date_of_birth.ToJsonString()[:10]
        return patient_node(patient, self.key_id, properties)

    def _biosamples(self, packet: Phenopacket, patient: str, out: list) -> dict[str, str]:
        samples = {}
        for biosample in packet.biosamples:
            if not biosample.id:
                raise Unusable("biosample without id")
            sample = self.sample_id(biosample.id)
            samples[biosample.id] = sample
            tissue = biosample.sampled_tissue.id  # the UBERON code, not the label text
            out.append(sample_node(sample, {"sample_type": tissue} if tissue else {}))
            out.append(sample_of(sample, patient))
        return samples

    def _diseases(self, packet: Phenopacket, patient: str, out: list) -> None:
        terms = [d.term for d in packet.diseases if not d.excluded]
        if excluded := len(packet.diseases) - len(terms):
            self.pass_over(EXCLUDED_DISEASE, excluded)
        terms += [i.diagnosis.disease for i in packet.interpretations
                  if i.diagnosis.disease.id]
        for term in terms:
            node, properties = _mapped(term.id, term.label, disease_mapper(), DISEASE)
            out += [node, Edge(patient, DIAGNOSIS, node.id, properties=properties)]

    def _features(self, packet: Phenopacket, patient: str, out: list) -> None:
        for feature in packet.phenotypic_features:
            if feature.excluded:
                self.pass_over(EXCLUDED_PHENOTYPE)
                continue
            curie = _curie(feature.type.id, "phenotypicFeatures.type")
            out += [Node(curie, PHENOTYPE),  # the ontology names it, not the packet
                    Edge(patient, DIAGNOSIS, curie)]

    def _variants(self, packet: Phenopacket, patient: str, samples: dict, out: list) -> None:
        for interpretation in packet.interpretations:
            for genomic in interpretation.diagnosis.genomic_interpretations:
                variant = genomic.variant_interpretation
                descriptor = variant.variation_descriptor
                gene_id = descriptor.gene_context.value_id or descriptor.gene_context.symbol
                if not gene_id:
                    self.geneless_variants += 1
                    self.pass_over("variant with no geneContext (a variant edge needs a gene)")
                    continue
                gene = self.genes.resolve(gene_id)
                if gene is None:
                    raise Unusable("variant without a known geneContext")
                change = _change(descriptor)
                if change is None:
                    raise Unusable("variant without an hgvs expression, vcfRecord or "
                                   "structuralType with a label")
                structural = descriptor.structural_type.label or None
                carrier = samples.get(genomic.subject_or_biosample_id, patient)
                out += list(self.gene_node(gene))
                classification = variant.acmg_pathogenicity_classification
                out.append(variant_edge(
                    carrier, gene, change,
                    variant_class=structural
                    or ("missense_variant" if is_missense(change) else None),
                    properties={
                        "protein_change": change if change.startswith("p.") else None,
                        "classification": _enum_name(variant, classification),
                        "allelic_state": descriptor.allelic_state.label or None,
                    },
                ))

    def _treatments(self, packet: Phenopacket, patient: str, out: list) -> None:
        for action in packet.medical_actions:
            if not action.HasField("treatment"):
                continue
            agent = action.treatment.agent
            node, properties = _mapped(agent.id, agent.label, drug_mapper(), DRUG)
            response = _response(action.response_to_treatment.label)
            if response:
                properties["response"] = response
                properties["response_code"] = action.response_to_treatment.id
            out += [node, Edge(patient, TREATMENT, node.id, properties=properties)]

    def _measurements(self, packet: Phenopacket, patient: str, out: list) -> None:
        for measurement in packet.measurements:
            if not measurement.value.HasField("quantity"):
                continue
            assay = _curie(measurement.assay.id, "measurements.assay")
            if self.first_time(assay):
                out.append(Node(assay, CLINICAL_ATTRIBUTE))
            out.append(Measurement(patient, assay, OBSERVATION,
                                   float(measurement.value.quantity.value)))


def _curie(value: str, field: str) -> str:
    try:
        return normalize(value)
    except InvalidIdentifierError:
        raise Unusable(f"{field}.id is not a known CURIE") from None


def _mapped(code: str, label: str, mapper, category: str) -> tuple[Node, dict]:
    curie = _curie(code, category.removeprefix("biolink:").lower())
    return code_node(curie, mapper, category)  # the label is free text: not kept


def _change(descriptor) -> str | None:
    by_syntax = {e.syntax: e.value for e in descriptor.expressions}
    for syntax in ("hgvs.p", "hgvs.c", "hgvs.g", "hgvs"):
        if by_syntax.get(syntax):
            return protein_change(by_syntax[syntax])
    vcf = descriptor.vcf_record
    if vcf.chrom and vcf.pos:
        return f"{vcf.chrom}:g.{vcf.pos}{vcf.ref}>{vcf.alt}"
    if descriptor.structural_type.id and (descriptor.label or descriptor.id):
        return descriptor.label or descriptor.id
    return None


def _enum_name(message, value: int) -> str | None:
    field = message.DESCRIPTOR.fields_by_name["acmg_pathogenicity_classification"]
    name = field.enum_type.values_by_number[value].name if value else None
    return name.lower().replace("_", " ") if name else None


def _response(label: str) -> str | None:
    text = label.lower()
    for word, response in sorted(RESPONSE_WORDS, key=lambda w: -len(w[0])):
        if word in text:
            return response
    return None
