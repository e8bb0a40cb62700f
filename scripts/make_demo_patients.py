"""Writes kgtwin's synthetic demo patients: FHIR R4 bundles, a MAF and an expression matrix.

Run from the repository root: ``python scripts/make_demo_patients.py``. Deterministic
(seeded), so the shipped files only change when this script does. The profiles follow
public knowledge of each disease (driver, standard therapy, typical response); no real
person's data is involved. Identifiers, names and birth dates are synthetic and exist to
show that kgtwin drops or pseudonymises them.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "kgtwin" / "demo" / "patients"
TIMESTAMP = "2026-01-15T09:00:00Z"
MRN_SYSTEM = "urn:kgtwin:demo:mrn"
SAMPLE_SYSTEM = "urn:kgtwin:demo:specimen"
SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"

DISEASES = {
    "melanoma": [(SNOMED, "372244006", "Malignant melanoma"), (ICD10, "C43.9", None)],
    "crc": [(SNOMED, "363406005", "Malignant neoplasm of colon"), (ICD10, "C18.9", None)],
    "nsclc": [(SNOMED, "254637007", "Non-small cell lung cancer"), (ICD10, "C34.9", None)],
    "cml": [(SNOMED, "92818009", "Chronic myeloid leukemia"), (ICD10, "C92.1", None)],
    "breast": [(SNOMED, "254837009", "Malignant neoplasm of breast"), (ICD10, "C50.9", None)],
}
DRUGS = {
    "vemurafenib": "1147220", "dabrafenib": "1424911", "trametinib": "1425098",
    "encorafenib": "2049106", "cetuximab": "318341", "sotorasib": "2550714",
    "osimertinib": "1721560", "erlotinib": "337525", "gefitinib": "328134",
    "imatinib": "282388", "dasatinib": "475342", "alpelisib": "2169302",
    "fulvestrant": "282357", "pembrolizumab": "1547545", "carboplatin": "40048",
    "tamoxifen": "10324", "letrozole": "72965",
}
RESPONSES = {  # mCODE condition-status trend codes (SNOMED CT)
    "CR": ("550991000124107", "Malignant neoplasm in full remission"),
    "PR": ("268910001", "Patient's condition improved"),
    "SD": ("359746009", "Patient's condition stable"),
    "PD": ("271299001", "Patient's condition worsened"),
}
# (gene, HGVSp_Short, HGVSp, chromosome, position, ref, alt, Entrez, HGVSc)
VARIANTS = {
    "BRAF V600E": ("BRAF", "p.V600E", "p.Val600Glu", "chr7", 140753336, "A", "T", 673,
                   "c.1799T>A"),
    "KRAS G12C": ("KRAS", "p.G12C", "p.Gly12Cys", "chr12", 25245351, "C", "A", 3845,
                  "c.34G>T"),
    "EGFR L858R": ("EGFR", "p.L858R", "p.Leu858Arg", "chr7", 55191822, "T", "G", 1956,
                   "c.2573T>G"),
    "PIK3CA H1047R": ("PIK3CA", "p.H1047R", "p.His1047Arg", "chr3", 179234297, "A", "G",
                      5290, "c.3140A>G"),
    "TP53 R175H": ("TP53", "p.R175H", "p.Arg175His", "chr17", 7675088, "C", "T", 7157,
                   "c.524G>A"),
    "TP53 R273H": ("TP53", "p.R273H", "p.Arg273His", "chr17", 7673802, "C", "T", 7157,
                   "c.818G>A"),
}
HGNC = {"BRAF": "HGNC:1097", "KRAS": "HGNC:6407", "EGFR": "HGNC:3236", "PIK3CA": "HGNC:8975",
        "TP53": "HGNC:11998", "ABL1": "HGNC:76", "ERBB2": "HGNC:3430"}
#: Copy-number changes, written like the fusion: a DNA-change (48004-6) text that kgtwin
#: reads as an amplification (no MAF row, no allele fraction).
COPY_NUMBER = {"ERBB2 amplification": ("ERBB2", "amplification")}

# number, sex, birth year, disease, variants, drugs, response, fhir_variant
PATIENTS = [
    (1, "female", 1968, "melanoma", ["BRAF V600E"], ["vemurafenib"], "PR", True),
    (2, "male", 1957, "melanoma", ["BRAF V600E"], ["dabrafenib", "trametinib"], "CR", False),
    (3, "male", 1979, "melanoma", ["BRAF V600E", "TP53 R175H"], ["dabrafenib", "trametinib"],
     "PR", False),
    (4, "female", 1962, "crc", ["BRAF V600E", "TP53 R273H"], ["vemurafenib"], "PD", True),
    (5, "male", 1955, "crc", ["BRAF V600E"], ["encorafenib", "cetuximab"], "PR", False),
    (6, "male", 1951, "nsclc", ["KRAS G12C", "TP53 R273H"], ["sotorasib"], "PR", True),
    (7, "female", 1959, "nsclc", ["KRAS G12C"], ["sotorasib"], "SD", False),
    (8, "male", 1948, "nsclc", ["KRAS G12C"], ["carboplatin"], "SD", False),
    (9, "female", 1966, "nsclc", ["EGFR L858R"], ["osimertinib"], "PR", True),
    (10, "female", 1972, "nsclc", ["EGFR L858R"], ["erlotinib"], "PR", False),
    (11, "male", 1960, "nsclc", ["EGFR L858R", "TP53 R175H"], ["gefitinib"], "SD", False),
    (12, "male", 1975, "cml", ["BCR::ABL1"], ["imatinib"], "CR", True),
    (13, "female", 1983, "cml", ["BCR::ABL1"], ["dasatinib"], "CR", True),
    (14, "female", 1958, "breast", ["PIK3CA H1047R"], ["alpelisib", "fulvestrant"], "PR", True),
    (15, "female", 1964, "breast", ["PIK3CA H1047R", "TP53 R175H"], ["fulvestrant"], "SD",
     False),
    (16, "male", 1970, "melanoma", [], ["pembrolizumab"], "PR", False),
    (17, "female", 1961, "crc", [], ["cetuximab"], "PR", False),
    (18, "male", 1953, "nsclc", ["TP53 R273H"], ["carboplatin"], "PD", False),
    (19, "female", 1969, "breast", [], ["tamoxifen"], "SD", False),
    (20, "male", 1977, "nsclc", [], ["carboplatin"], "SD", False),
    # Newly diagnosed HER2-positive (ERBB2-amplified) breast cancer, before treatment: the
    # twin ranks the options (trastuzumab, lapatinib, ...); no response is recorded.
    (21, "female", 1971, "breast", ["ERBB2 amplification"], [], None, True),
]
#: Patients 1-20 draw from the seeded module generator in the order the files were first
#: written; each patient added later draws from a generator of its own (seeded with its
#: number), so adding a patient changes no earlier patient's values.
FIRST_PATIENTS = 20
_OWN: dict[int, random.Random] = {}


def rng(number: int):
    """The random generator patient ``number``'s values are drawn from."""
    if number <= FIRST_PATIENTS:
        return random
    return _OWN.setdefault(number, random.Random(number))

GENES = ["BRAF", "KRAS", "NRAS", "EGFR", "ERBB2", "PIK3CA", "ABL1", "BCR", "TP53", "PTEN",
         "MAP2K1", "MAPK1", "MAPK3", "AKT1", "MTOR", "ESR1", "SOX10", "MITF", "DUSP6", "FOS",
         "EGR1", "MYC", "CCND1", "MKI67", "CDKN2A", "GAPDH", "ACTB"]
BASE = {"GAPDH": 13.5, "ACTB": 13.8, "MKI67": 7.0, "MYC": 8.0}
HIGH = {  # what each profile's tumours over-express (public knowledge, coarse)
    "melanoma": {"SOX10": 5.0, "MITF": 4.0},
    "crc": {"EGFR": 1.0, "MYC": 2.0},
    "nsclc": {},
    "cml": {"ABL1": 3.0, "BCR": 3.0, "MKI67": 2.0},
    "breast": {"ESR1": 5.0, "CCND1": 2.0},
    "BRAF V600E": {"DUSP6": 3.0, "FOS": 1.5, "EGR1": 1.5},  # MAPK pathway output
    "KRAS G12C": {"DUSP6": 2.0},
    "EGFR L858R": {"EGFR": 3.0, "DUSP6": 1.5},
    "PIK3CA H1047R": {"AKT1": 1.0},
    "ERBB2 amplification": {"ERBB2": 4.0},  # amplified genes are over-expressed
}


def mrn(number: int) -> str:
    return f"DEMO-MRN-{number:04d}"


def barcode(number: int) -> str:
    return f"DEMO-{number:02d}-TUMOR-01"


def coding(system: str, code: str, display: str | None = None) -> dict:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def entry(kind: str, ident: str, resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{ident}", "resource": {"resourceType": kind, **resource}}


def bundle(patient: tuple) -> dict:
    number, sex, year, disease, variants, drugs, response, fhir_variant = patient
    draw = rng(number)
    pid = f"00000000-0000-4000-8000-{number:012d}"
    ref = {"reference": f"urn:uuid:{pid}"}
    entries = [
        entry("Patient", pid, {
            "identifier": [{"system": MRN_SYSTEM, "value": mrn(number)}],
            "name": [{"family": "Synthetic", "given": [f"Demo{number:02d}"]}],
            "gender": sex, "birthDate": f"{year}-06-15",
        }),
        entry("Condition", f"{pid}-c", {
            "clinicalStatus": {"coding": [coding(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", "active")]},
            "code": {"coding": [coding(*c) for c in DISEASES[disease]]},
            "subject": ref,
        }),
        entry("Specimen", f"{pid}-s", {
            "identifier": [{"system": SAMPLE_SYSTEM, "value": barcode(number)}],
            "type": {"coding": [coding(SNOMED, "119376003", "Tissue specimen")]},
            "subject": ref,
        }),
        entry("Observation", f"{pid}-hb", {
            "status": "final", "subject": ref,
            "code": {"coding": [coding(LOINC, "718-7", "Hemoglobin [Mass/volume] in Blood")]},
            "valueQuantity": {"value": round(draw.uniform(10.5, 15.5), 1), "unit": "g/dL",
                              "system": "http://unitsofmeasure.org", "code": "g/dL"},
        }),
    ]
    for index, drug in enumerate(drugs):
        entries.append(entry("MedicationStatement", f"{pid}-m{index}", {
            "status": "active" if response in ("CR", "PR", "SD") else "stopped",
            "medicationCodeableConcept": {"coding": [coding(RXNORM, DRUGS[drug], drug)]},
            "subject": ref,
        }))
    if drugs:
        code, display = RESPONSES[response]
        entries.append(entry("Observation", f"{pid}-r", {
            "status": "final", "subject": ref,
            "code": {"coding": [coding(LOINC, "88040-1", "Response to cancer treatment")]},
            "focus": [{"reference": f"urn:uuid:{pid}-m{i}"} for i in range(len(drugs))],
            "valueCodeableConcept": {"coding": [coding(SNOMED, code, display)]},
        }))
    if fhir_variant:
        entries += variant_observations(pid, variants, draw)
    return {"resourceType": "Bundle", "type": "collection", "timestamp": TIMESTAMP,
            "entry": entries}


def variant_observations(pid: str, variants: list[str], draw=random) -> list[dict]:
    found = []
    for index, name in enumerate(variants):
        if name == "BCR::ABL1":
            gene, change = "ABL1", [component("48004-6", text="BCR::ABL1 fusion")]
            fraction = None
        elif name in COPY_NUMBER:
            gene, text = COPY_NUMBER[name]
            change, fraction = [component("48004-6", text=text)], None
        else:
            gene, _, protein, *_rest = VARIANTS[name]
            change = [component("48005-3", coding("http://varnomen.hgvs.org", protein))]
            fraction = round(draw.uniform(0.2, 0.5), 2)
        parts = [
            component("48018-6", coding("http://www.genenames.org/geneId", HGNC[gene], gene)),
            *change,
            component("53037-8", coding(LOINC, "LA6668-3", "Pathogenic")),
            component("48002-0", coding(LOINC, "LA6684-0", "Somatic")),
        ]
        if fraction is not None:
            parts.append({"code": {"coding": [coding(LOINC, "81258-6")]},
                          "valueQuantity": {"value": fraction}})
        found.append(entry("Observation", f"{pid}-v{index}", {
            "status": "final",
            "code": {"coding": [coding(LOINC, "69548-6", "Genetic variant assessment")]},
            "subject": {"reference": f"urn:uuid:{pid}"},
            "specimen": {"reference": f"urn:uuid:{pid}-s"},
            "component": parts,
        }))
    return found


def component(code: str, value: dict | None = None, *, text: str | None = None) -> dict:
    found = {"code": {"coding": [coding(LOINC, code)]}}
    if value is not None:
        found["valueCodeableConcept"] = {"coding": [value]}
    else:
        found["valueString"] = text
    return found


MAF_COLUMNS = ["Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome",
               "Start_Position", "End_Position", "Strand", "Variant_Classification",
               "Variant_Type", "Reference_Allele", "Tumor_Seq_Allele1", "Tumor_Seq_Allele2",
               "Tumor_Sample_Barcode", "HGVSc", "HGVSp", "HGVSp_Short", "t_depth",
               "t_ref_count", "t_alt_count", "CLIN_SIG"]


def maf_rows() -> list[list[str]]:
    rows = []
    for number, _, _, _, variants, *_ in PATIENTS:
        for name in variants:
            if name not in VARIANTS:
                continue
            gene, short, long_, chrom, pos, ref, alt, entrez, hgvsc = VARIANTS[name]
            depth = random.randint(80, 300)
            alt_count = int(depth * random.uniform(0.15, 0.55))
            rows.append([gene, entrez, "kgtwin.demo", "GRCh38", chrom, pos, pos, "+",
                         "Missense_Mutation", "SNP", ref, ref, alt, barcode(number), hgvsc,
                         long_, short, depth, depth - alt_count, alt_count, "pathogenic"])
    return [[str(v) for v in row] for row in rows]


def expression_rows() -> list[list[str]]:
    rows = [["Hugo_Symbol", *[barcode(p[0]) for p in PATIENTS]]]
    for gene in GENES:
        values = []
        for number, _, _, disease, variants, *_ in PATIENTS:
            value = BASE.get(gene, 6.0) + rng(number).gauss(0, 0.4)
            for profile in (disease, *variants):
                value += HIGH.get(profile, {}).get(gene, 0.0)
            values.append(f"{value:.2f}")
        rows.append([gene, *values])
    return rows


def main() -> None:
    random.seed(20260115)
    (OUT / "bundles").mkdir(parents=True, exist_ok=True)
    for patient in PATIENTS:
        path = OUT / "bundles" / f"patient-{patient[0]:02d}.json"
        path.write_text(json.dumps(bundle(patient), indent=1) + "\n")
    with open(OUT / "mutations.maf", "w") as handle:
        handle.write("#version 2.4\n")
        for row in [MAF_COLUMNS, *maf_rows()]:
            handle.write("\t".join(row) + "\n")
    with open(OUT / "expression.tsv", "w") as handle:
        for row in expression_rows():
            handle.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
