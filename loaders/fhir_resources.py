"""FHIR R4 resources (validated by ``fhir.resources.R4B``) -> patient-schema records.

One function per resource type; each gets the validated resource and a
:class:`BundleContext` that resolves references inside the bundle and pseudonymises.
A function raises :class:`Skip` with a reason for a resource it cannot use; the loader
turns that into a bad record. Only the fields listed in :mod:`kgtwin.privacy`'s
allow-list are read: narrative ``text``, ``note``, names, addresses, telecom and dates
are never looked at unless allowed.

Observations read:

* genomic variants (Genomics Reporting IG): LOINC 69548-6 or any Observation with a
  48018-6 (gene studied) component; 48005-3 protein change, 48004-6 DNA change,
  81258-6 allele fraction, 53037-8 clinical significance, 48002-0 genomic source;
  the variant hangs on ``specimen`` when given, else on the patient;
* treatment response (mCODE): LOINC 88040-1 / 97509-4, linked to a medication through
  ``focus`` or ``partOf``; its value becomes ``response`` on the treatment edge;
* any other LOINC Observation with a numeric ``valueQuantity``: a patient measurement.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from kgtwin.loaders.mappings import (
    code_node,
    coding_curie,
    disease_mapper,
    drug_mapper,
    target_node,
)
from kgtwin.loaders.patient_base import PatientLoader

from kgtwin.model import Edge, Measurement, Node, Record
from kgtwin.patient_schema import (
    CLINICAL_ATTRIBUTE,
    DIAGNOSIS,
    DISEASE,
    DRUG,
    OBSERVATION,
    TREATMENT,
    is_missense,
    patient_node,
    protein_change,
    sample_node,
    sample_of,
    variant_edge,
)
from kgtwin.privacy import age_band, age_on

GENE_STUDIED = "LOINC:48018-6"
VARIANT_CODES = {"LOINC:69548-6"}
RESPONSE_CODES = {"LOINC:88040-1", "LOINC:97509-4"}
PROTEIN_CHANGE = "LOINC:48005-3"
DNA_CHANGE = "LOINC:48004-6"
ALLELE_FRACTION = "LOINC:81258-6"
SIGNIFICANCE = "LOINC:53037-8"
GENOMIC_SOURCE = "LOINC:48002-0"
#: mCODE condition-status codes (SNOMED CT) and plain RECIST words -> kgtwin responses.
RESPONSE_VALUES = {
    "SNOMED:550991000124107": "complete_response",
    "SNOMED:268910001": "partial_response",
    "SNOMED:359746009": "stable_disease",
    "SNOMED:271299001": "progressive_disease",
    "SNOMED:709137006": "not_evaluable",
    "cr": "complete_response",
    "pr": "partial_response",
    "sd": "stable_disease",
    "pd": "progressive_disease",
}
GENDERS = {"male", "female", "other", "unknown"}


class Skip(Exception):
    """A resource kgtwin cannot use; the message is the reason (never a raw identifier)."""


@dataclass
class BundleContext:
    """What converting one bundle's resources needs: references, pseudonyms, a date."""

    loader: PatientLoader
    resources: dict[str, Any]
    today: date

    def find(self, reference: Any, *types: str) -> Any:
        """The bundle's resource a Reference points to (of one of ``types``)."""
        text = getattr(reference, "reference", None) or ""
        found = self.resources.get(text)
        if found is None and "/" in text:
            found = self.resources.get("/".join(text.rstrip("/").split("/")[-2:]))
        if found is None or (types and found.get_resource_type() not in types):
            raise Skip(f"reference to a {'/'.join(types) or 'resource'} not in the bundle")
        return found

    def patient_of(self, resource: Any, field: str = "subject") -> str:
        return self.patient_id(self.find(getattr(resource, field, None), "Patient"))

    def patient_id(self, patient: Any) -> str:
        return self.loader.patient_id(raw_patient_id(patient, self.loader))

    def sample_id(self, specimen: Any) -> str:
        raw = raw_specimen_id(specimen)
        if raw is None:
            raise Skip("Specimen without identifier, accessionIdentifier or id")
        return self.loader.sample_id(raw)


def raw_patient_id(patient: Any, loader: PatientLoader) -> str:
    """The identifier a patient is known by across files (first identifier, else id)."""
    wanted = getattr(loader, "identifier_system", None)
    for identifier in patient.identifier or ():
        if identifier.value and (not wanted or identifier.system == wanted):
            return identifier.value
    if patient.id:
        return patient.id
    raise Skip("Patient without identifier or id")


def raw_specimen_id(specimen: Any) -> str | None:
    for identifier in [*(specimen.identifier or ()), specimen.accessionIdentifier]:
        if identifier is not None and identifier.value:
            return identifier.value
    return specimen.id


def curies_of(concept: Any) -> list[tuple[str, str | None]]:
    """(CURIE, display) of a CodeableConcept's codings in systems kgtwin knows."""
    found = []
    for coding in getattr(concept, "coding", None) or ():
        curie = coding_curie(coding.system, coding.code)
        if curie:
            found.append((curie, coding.display))
    return found


def patient(resource: Any, context: BundleContext) -> Iterator[Record]:
    loader = context.loader
    properties: dict[str, Any] = {}
    if resource.gender:
        if resource.gender not in GENDERS:
            raise Skip(f"Patient.gender must be one of {sorted(GENDERS)}")
        properties["sex"] = resource.gender
    if resource.birthDate:
        birth = _as_date(resource.birthDate)
        properties["age_band"] = age_band(age_on(birth, context.today))
        if "birth_dates" in loader.allow:
            properties["birth_date"] = birth.isoformat()
    if "identifiers" in loader.allow:
        properties["identifier"] = raw_patient_id(resource, loader)
    if "names" in loader.allow and resource.name:
        name = resource.name[0]
        properties["name"] = " ".join([*(name.given or ()), name.family or ""]).strip()
    yield patient_node(context.patient_id(resource), loader.key_id, properties)


def condition(resource: Any, context: BundleContext) -> Iterator[Record]:
    subject = context.patient_of(resource)
    codes = curies_of(resource.code)
    if not codes:
        raise Skip("Condition.code has no SNOMED CT, ICD-10 or MONDO coding")
    node, properties = _target(codes, disease_mapper(), DISEASE)
    status = _first_code(resource.clinicalStatus)
    if status:
        properties["clinical_status"] = status
    yield node
    yield Edge(subject=subject, predicate=DIAGNOSIS, object=node.id, properties=properties)


def medication(resource: Any, context: BundleContext) -> Iterator[Record]:
    """MedicationStatement and MedicationRequest: patient treated_by drug."""
    subject = context.patient_of(resource)
    node, properties = medication_target(resource, context)
    if resource.status:
        properties["status"] = resource.status
    yield node
    yield Edge(subject=subject, predicate=TREATMENT, object=node.id, properties=properties)


def medication_target(resource: Any, context: BundleContext) -> tuple[Node, dict[str, Any]]:
    concept = resource.medicationCodeableConcept
    if concept is None and resource.medicationReference is not None:
        concept = context.find(resource.medicationReference, "Medication").code
    codes = curies_of(concept)
    if not codes:
        raise Skip("medication has no RxNorm coding")
    return _target(codes, drug_mapper(), DRUG)


def specimen(resource: Any, context: BundleContext) -> Iterator[Record]:
    sample = context.sample_id(resource)
    properties = {}
    # The type's code (a CURIE where the system is known), never its display text.
    kind = next((c for c, _ in curies_of(resource.type)), None) or _first_code(resource.type)
    if kind:
        properties["sample_type"] = kind
    yield sample_node(sample, properties)
    if resource.subject is not None:
        yield sample_of(sample, context.patient_of(resource))


def observation(resource: Any, context: BundleContext) -> Iterator[Record]:
    codes = {c for c, _ in curies_of(resource.code)}
    components = {
        c: component for component in resource.component or ()
        for c, _ in curies_of(component.code)
    }
    if codes & VARIANT_CODES or GENE_STUDIED in components:
        yield from _variant(resource, components, context)
    elif codes & RESPONSE_CODES:
        yield from _response(resource, context)
    elif resource.valueQuantity is not None and resource.valueQuantity.value is not None:
        loinc = next((c for c in sorted(codes) if c.startswith("LOINC:")), None)
        if loinc is None:
            raise Skip("numeric Observation without a LOINC code")
        subject = context.patient_of(resource)
        if context.loader.first_time(loinc):
            yield Node(id=loinc, category=CLINICAL_ATTRIBUTE)  # not named by the display
        yield Measurement(subject, loinc, OBSERVATION, float(resource.valueQuantity.value))


def _variant(resource: Any, components: dict[str, Any], context: BundleContext):
    gene_component = components.get(GENE_STUDIED)
    genes = curies_of(getattr(gene_component, "valueCodeableConcept", None))
    if not genes:
        raise Skip("variant Observation without an HGNC-coded gene studied (48018-6)")
    gene = context.loader.genes.resolve(genes[0][0])
    protein = protein_change(_component_text(components.get(PROTEIN_CHANGE), code_first=True))
    dna = _component_text(components.get(DNA_CHANGE), code_first=True)
    if not (protein or dna):
        raise Skip("variant Observation without protein (48005-3) or DNA (48004-6) change")
    fraction = None
    quantity = getattr(components.get(ALLELE_FRACTION), "valueQuantity", None)
    if quantity is not None and quantity.value is not None:
        fraction = float(quantity.value)
        if not 0.0 <= fraction <= 1.0:
            raise Skip("allele fraction (81258-6) must be between 0 and 1")
    if resource.specimen is not None:
        carrier = context.sample_id(context.find(resource.specimen, "Specimen"))
    else:
        carrier = context.patient_of(resource)
    yield from context.loader.gene_node(gene)
    yield variant_edge(
        carrier,
        gene,
        protein or dna,
        variant_class="missense_variant" if is_missense(protein) else None,
        properties={
            "protein_change": protein,
            "dna_change": dna,
            "allele_fraction": fraction,
            "classification": _component_text(components.get(SIGNIFICANCE)),
            "genomic_source": _component_text(components.get(GENOMIC_SOURCE)),
        },
    )


def _response(resource: Any, context: BundleContext) -> Iterator[Record]:
    subject = context.patient_of(resource)
    value = _response_value(resource.valueCodeableConcept)
    if value is None:
        raise Skip("response Observation value is not a known response code")
    targets = [*(resource.focus or ()), *(resource.partOf or ())]
    if not targets:
        raise Skip("response Observation names no medication (focus or partOf)")
    for reference in targets:
        treatment = context.find(reference, "MedicationStatement", "MedicationRequest")
        node, _ = medication_target(treatment, context)
        yield Edge(
            subject=subject, predicate=TREATMENT, object=node.id, properties={"response": value}
        )


def _response_value(concept: Any) -> str | None:
    for curie, _ in curies_of(concept):
        if curie in RESPONSE_VALUES:
            return RESPONSE_VALUES[curie]
    for coding in getattr(concept, "coding", None) or ():
        if (coding.code or "").lower() in RESPONSE_VALUES:
            return RESPONSE_VALUES[coding.code.lower()]
    return None


def _target(codes: list[tuple[str, str | None]], mapper, category: str):
    """The node a coded finding points to: the first mapped code, else the first code."""
    for code, _ in codes:
        found = target_node(code, mapper, category)
        if found is not None:
            return found
    return code_node(codes[0][0], mapper, category)


def _first_code(concept: Any, *, display: bool = False) -> str | None:
    for coding in getattr(concept, "coding", None) or ():
        if coding.code:
            return (coding.display or coding.code) if display else coding.code
    return None


def _component_text(component: Any, *, code_first: bool = False) -> str | None:
    """A component's coded (or string) value: the display (or code) of its first coding."""
    if component is None:
        return None
    concept = component.valueCodeableConcept
    for coding in getattr(concept, "coding", None) or ():
        first, second = (coding.code, coding.display) if code_first else (
            coding.display, coding.code)
        if first or second:
            return first or second
    return component.valueString or None


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    text = str(value)
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


HANDLERS = {
    "Patient": patient,
    "Condition": condition,
    "MedicationStatement": medication,
    "MedicationRequest": medication,
    "Specimen": specimen,
    "Observation": observation,
}
