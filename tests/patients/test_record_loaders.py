"""FHIR, phenopacket and clinical CSV loaders on small files in the real formats."""

from __future__ import annotations

import json

import pytest
from kgtwin.loaders import get_loader

from kgtwin.errors import InputError, KgTwinError
from kgtwin.load import load_files
from kgtwin.model import Edge, Measurement, Node
from kgtwin.privacy import pseudonymiser


def records(format, paths, **options):
    return list(get_loader(format)(paths, **options).records())


def edges_of(found, predicate=None):
    return [r for r in found if isinstance(r, Edge)
            and (predicate is None or r.predicate == predicate)]


def test_fhir_bundle_becomes_a_patient_subgraph(data):
    found = records("fhir", [data / "bundle.json"])
    patient = pseudonymiser().patient("TEST-MRN-0001")
    node = next(r for r in found if isinstance(r, Node) and r.id == patient)
    assert node.category == "biolink:Case"
    assert dict(node.properties) == {
        "sex": "female", "age_band": "50-59", "key_id": pseudonymiser().key_id}
    diagnosis = edges_of(found, "biolink:has_phenotype")[0]
    assert (diagnosis.subject, diagnosis.object) == (patient, "MONDO:0005105")
    melanoma = next(r for r in found if isinstance(r, Node) and r.id == "MONDO:0005105")
    assert "SNOMED:372244006" in melanoma.xrefs
    treated = {e.object for e in edges_of(found, "biolink:treated_by")}
    assert treated == {"CHEBI:75045", "CHEBI:75998"}  # request via Medication, statement
    response = [e for e in edges_of(found, "biolink:treated_by") if "response" in e.properties]
    assert [(e.object, e.properties["response"]) for e in response] == [
        ("CHEBI:75998", "partial_response")]
    sample = pseudonymiser().sample("TCGA-ZZ-A001-01A")
    assert Edge(sample, "biolink:derives_from", patient) in found
    variant = edges_of(found, "biolink:has_missense_variant")[0]
    assert (variant.subject, variant.object) == (sample, "HGNC:1097")
    assert variant.qualifiers["sequence_variant_qualifier"] == "p.V600E"
    assert variant.properties["allele_fraction"] == 0.42
    assert [m.feature for m in found if isinstance(m, Measurement)] == ["LOINC:2532-0"]


def test_fhir_sample_meets_the_maf_sample_and_variant(store, data):
    load_files(store, "maf", [data / "mutations.maf"])
    load_files(store, "fhir", [data / "bundle.json"])
    sample = pseudonymiser().sample("TCGA-ZZ-A001-01A")
    variants = [e for e in store.edges(subject=sample) if e.object == "HGNC:1097"]
    assert len(variants) == 1  # MAF p.V600E and FHIR NP_004324.2:p.Val600Glu: one statement
    assert {p.source for p in variants[0].provenance} == {"maf", "fhir"}
    patient = pseudonymiser().patient("TEST-MRN-0001")
    assert store.neighbors(sample, predicate="biolink:derives_from")[0].node.id == patient


def test_fhir_invalid_resource_names_entry_and_path_not_value(tmp_path, data):
    bundle = json.loads((data / "bundle.json").read_text())
    bundle["entry"][1]["resource"]["subject"] = {"reference": 12, "secret": "TOPSECRET-9"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(InputError) as error:
        records("fhir", [path])
    message = str(error.value)
    assert "bad.json (entry 2): invalid FHIR Condition: subject" in message
    assert "TOPSECRET" not in message
    loader = get_loader("fhir")([path], skip_bad=True)
    kept = list(loader.records())
    assert loader.bad.count == 1 and not edges_of(kept, "biolink:has_phenotype")
    assert edges_of(kept, "biolink:treated_by")


def test_fhir_ndjson_and_single_resources(tmp_path, data):
    bundle = json.loads((data / "bundle.json").read_text())
    path = tmp_path / "bundles.ndjson"
    path.write_text(json.dumps(bundle) + "\n\n" + json.dumps(bundle["entry"][0]["resource"]) + "\n")
    found = records("fhir", [path])
    patients = {r.id for r in found if isinstance(r, Node) and r.category == "biolink:Case"}
    assert patients == {pseudonymiser().patient("TEST-MRN-0001")}


def test_fhir_reference_outside_the_bundle_is_bad(tmp_path, data):
    bundle = json.loads((data / "bundle.json").read_text())
    bundle["entry"][1]["resource"]["subject"] = {"reference": "Patient/elsewhere"}
    path = tmp_path / "ref.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(InputError, match=r"entry 2\): Condition: reference to a Patient"):
        records("fhir", [path])


def test_phenopacket_subject_variants_treatment(data):
    found = records("phenopacket", [data / "phenopacket.json"])
    # A packet naming no publication is its own dataset (ids are scoped by dataset).
    patient = pseudonymiser().patient("TEST-PP-0002", "phenopacket-file:phenopacket.json")
    sample = pseudonymiser().sample("TCGA-ZZ-A003-01A", "phenopacket-file:phenopacket.json")
    node = next(r for r in found if isinstance(r, Node) and r.id == patient)
    assert node.properties["sex"] == "male" and node.properties["age_band"] == "60-69"
    assert "birth_date" not in node.properties
    diagnoses = {e.object for e in edges_of(found, "biolink:has_phenotype")}
    assert diagnoses == {"MONDO:0005233", "HP:0012735"}  # excluded Dyspnea left out
    variant = edges_of(found, "biolink:has_missense_variant")[0]
    assert (variant.subject, variant.object) == (sample, "HGNC:3236")
    assert variant.properties["protein_change"] == "p.L858R"
    assert variant.properties["classification"] == "pathogenic"
    treatment = edges_of(found, "biolink:treated_by")[0]
    assert treatment.object == "CHEBI:90943"
    assert treatment.properties["response"] == "partial_response"


def test_phenopacket_schema_errors_do_not_echo_values(tmp_path, data):
    packet = json.loads((data / "phenopacket.json").read_text())
    packet["subject"]["sex"] = "SECRETSEX"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(packet))
    with pytest.raises(InputError) as error:
        records("phenopacket", [path])
    assert "invalid value at Phenopacket.subject.sex" in str(error.value)
    assert "SECRETSEX" not in str(error.value)
    packet = json.loads((data / "phenopacket.json").read_text())
    packet["subject"]["nickname"] = "x"
    path.write_text(json.dumps(packet))
    with pytest.raises(InputError, match="unknown field 'nickname'"):
        records("phenopacket", [path])


def test_clinical_csv_with_column_mapping(data):
    found = records("clinical-csv", [data / "clinical.csv"],
                    mapping=str(data / "clinical_columns.yaml"))
    patients = {r.id for r in found if isinstance(r, Node) and r.category == "biolink:Case"}
    assert pseudonymiser().patient("TEST-MRN-0001") in patients and len(patients) == 3
    diagnoses = {e.object for e in edges_of(found, "biolink:has_phenotype")}
    assert diagnoses == {"MONDO:0005105", "ICD10:C34.9", "MONDO:0007254"}
    drugs = {e.object: e.properties.get("response") for e in edges_of(found, "biolink:treated_by")}
    assert drugs["DRUGBANK:DB15569"] == "stable_disease"
    assert drugs["DRUGBANK:DB12015"] == "partial_response"
    text = repr(found)
    assert "Alice" not in text and "responded well" not in text


def test_clinical_csv_inline_columns_and_bad_rows(tmp_path):
    path = tmp_path / "c.tsv"
    path.write_text("id\tdx\tage\nP1\tMONDO:0005105\t40\nP2\tnot a code\t50\nP3\t\t200\n")
    options = {"columns": "patient:id,diagnosis:dx"}
    with pytest.raises(InputError, match=r"c.tsv:3: a diagnosis value is not a code CURIE"):
        records("clinical-csv", [path], **options)
    loader = get_loader("clinical-csv")([path], skip_bad=True, **options)
    kept = list(loader.records())
    assert loader.bad.count == 2 and len(edges_of(kept)) == 1
    with pytest.raises(KgTwinError, match="unknown column role"):
        get_loader("clinical-csv")([path], columns="nickname:id")
