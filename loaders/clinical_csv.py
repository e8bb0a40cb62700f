"""Plain clinical tables (CSV/TSV) with a column mapping -> a patient subgraph.

A row describes one patient (several rows may describe the same one). Which column
plays which role is given by ``--option columns=ROLE:COLUMN,...`` or a YAML file
``--option mapping=FILE`` (``{patient: MRN, diagnosis: dx_code, ...}``); by default the
first column the header has among the role's usual spellings (:data:`SPELLINGS`:
cBioPortal's ``PATIENT_ID`` and ``SAMPLE_ID``, TCGA's ``bcr_patient_barcode``, …).
cBioPortal's ``#`` description lines above the header are skipped; ``--option skip=N``
passes over N lines of a title above the header (supplementary tables), and
``--option delimiter=semicolon`` reads European CSV. Roles:

* ``patient`` (required): the raw identifier, pseudonymised;
* ``sample``: a sample identifier of that patient, pseudonymised;
* ``sex``; ``age`` in years (kept as a ten-year band);
* ``diagnosis``: disease codes as CURIEs (``SNOMEDCT:372244006``, ``ICD10:C43.9``,
  ``MONDO:0005105``), several separated by ``|`` or ``;``; mapped to MONDO when shipped;
* ``drug``: drug codes as CURIEs (``RXCUI:1147220``, ``CHEBI:63637``), mapped likewise;
* ``response``: the response to the row's drugs (``CR``/``PR``/``SD``/``PD`` or words).

Any other column is ignored, never stored: it may hold names or notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml
from kgtwin.loaders.base import open_binary, read_rows
from kgtwin.loaders.mappings import code_node, disease_mapper, drug_mapper
from kgtwin.loaders.patient_base import PatientLoader, delimiter_for

from kgtwin.errors import InputError, InvalidIdentifierError, KgTwinError
from kgtwin.ids import normalize
from kgtwin.model import Edge, Record
from kgtwin.patient_schema import (
    DIAGNOSIS,
    DISEASE,
    DRUG,
    TREATMENT,
    patient_node,
    sample_node,
    sample_of,
)
from kgtwin.privacy import age_band

ROLES = ("patient", "sample", "sex", "age", "diagnosis", "drug", "response")
SEXES = {"f": "female", "female": "female", "m": "male", "male": "male",
         "other": "other", "unknown": "unknown", "u": "unknown"}
RESPONSES = {"cr": "complete_response", "complete response": "complete_response",
             "pr": "partial_response", "partial response": "partial_response",
             "sd": "stable_disease", "stable disease": "stable_disease",
             "pd": "progressive_disease", "progressive disease": "progressive_disease",
             "ne": "not_evaluable", "not evaluable": "not_evaluable"}
SPLIT = re.compile(r"[|;]")
#: Header spellings of each role, tried in order when the user maps no column to it.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "patient": ("patient", "patient_id", "PATIENT_ID", "bcr_patient_barcode", "case_id",
                "Case.ID", "subject_id", "participant_id"),
    "sample": ("sample", "sample_id", "SAMPLE_ID", "Tumor_Sample_Barcode", "specimen_id"),
    "sex": ("sex", "SEX", "gender", "GENDER"),
    "age": ("age", "AGE", "age_years", "age_at_diagnosis", "AGE_AT_DIAGNOSIS"),
    "diagnosis": ("diagnosis", "diagnosis_code", "disease_code"),
    "drug": ("drug", "drug_code", "treatment_code"),
    "response": ("response", "best_response", "RESPONSE"),
}


def parse_columns(columns: str | None, mapping: str | None) -> dict[str, str]:
    """The role -> column mapping the user gave (other roles are found by spelling)."""
    found: dict[str, str] = {}
    if mapping:
        try:
            loaded = yaml.safe_load(Path(mapping).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise KgTwinError(f"cannot read the column mapping {mapping}: {error}") from None
        if not isinstance(loaded, dict):
            raise KgTwinError(f"the column mapping {mapping} must map roles to columns")
        found.update({str(k): str(v) for k, v in loaded.items()})
    for pair in (columns or "").split(","):
        if pair.strip():
            role, sep, column = pair.partition(":")
            if not sep:
                raise KgTwinError(f"columns option: expected ROLE:COLUMN, got {pair!r}")
            found[role.strip()] = column.strip()
    unknown = set(found) - set(ROLES)
    if unknown:
        raise KgTwinError(f"unknown column role(s) {sorted(unknown)}; roles: {list(ROLES)}")
    return found


class ClinicalCsvLoader(PatientLoader):
    """Clinical CSV/TSV with a column mapping (see module docs)."""

    name = "clinical-csv"
    description = "Clinical CSV/TSV + column mapping: patients, samples, diagnoses, drugs"

    def __init__(
        self,
        paths: list[Path],
        *,
        columns: str | None = None,
        mapping: str | None = None,
        delimiter: str | None = None,
        skip: int | str = 0,
        **options,
    ):
        super().__init__(paths, **options)
        self.given = parse_columns(columns, mapping)
        self.delimiter = delimiter
        self.skip = int(skip)

    @classmethod
    def columns_help(cls) -> str:
        return "\n".join(f"  {role}{' (required)' if role == 'patient' else ''}: "
                         f"{', '.join(SPELLINGS[role])}" for role in ROLES)

    def _resolve(self, path: Path, header: list[str]) -> dict[str, str]:
        """Role -> column for this file's header: the user's, else the first spelling."""
        columns = dict(self.given)
        for role in ROLES:
            if role not in columns:
                columns[role] = next((c for c in SPELLINGS[role] if c in header), "")
        for role, column in self.given.items():
            if column not in header:
                raise InputError(path, self.position, f"the {role} column {column!r} is not "
                                 f"in the header")
        if not columns["patient"]:
            raise InputError(path, self.position, "no patient column (one of "
                             f"{', '.join(SPELLINGS['patient'])}; or --option "
                             f"columns=patient:COLUMN){header_hint(path, self.skip)}")
        return columns

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            self.columns: dict[str, str] = {}
            rows = read_rows(self, path, delimiter=delimiter_for(path, self.delimiter),
                             skip=self.skip)
            for row in rows:
                if not self.columns:
                    self.columns = self._resolve(path, list(row))
                try:
                    yield from self._row(row)
                except ValueError as error:
                    self.reject(str(error))

    def _cell(self, row: dict[str, str], role: str) -> str:
        column = self.columns[role]
        return (row.get(column) or "").strip() if column else ""

    def _row(self, row: dict[str, str]) -> list[Record]:
        raw = self._cell(row, "patient")
        if not raw:
            raise ValueError("empty patient identifier")
        patient = self.patient_id(raw)
        out: list[Record] = [patient_node(patient, self.key_id, self._properties(row, raw))]
        if self._cell(row, "sample"):
            sample = self.sample_id(self._cell(row, "sample"))
            out += [sample_node(sample), sample_of(sample, patient)]
        for code in self._codes(row, "diagnosis"):
            node, properties = code_node(code, disease_mapper(), DISEASE)
            out += [node, Edge(patient, DIAGNOSIS, node.id, properties=properties)]
        response = self._response(row)
        for code in self._codes(row, "drug"):
            node, properties = code_node(code, drug_mapper(), DRUG)
            if response:
                properties["response"] = response
            out += [node, Edge(patient, TREATMENT, node.id, properties=properties)]
        return out

    def _properties(self, row: dict[str, str], raw: str) -> dict[str, object]:
        properties: dict[str, object] = {}
        sex = self._cell(row, "sex").lower()
        if sex:
            if sex not in SEXES:
                raise ValueError(f"sex must be one of {sorted(set(SEXES.values()))}")
            properties["sex"] = SEXES[sex]
        age = self._cell(row, "age")
        if age:
            try:
                years = float(age)
            except ValueError:
                raise ValueError("age must be a number of years") from None
            if not 0 <= years < 150:
                raise ValueError("age must be between 0 and 150 years")
            properties["age_band"] = age_band(years)
        if "identifiers" in self.allow:
            properties["identifier"] = raw
        return properties

    def _codes(self, row: dict[str, str], role: str) -> list[str]:
        codes = []
        for text in SPLIT.split(self._cell(row, role)):
            if text.strip():
                try:
                    codes.append(normalize(text.strip()))
                except InvalidIdentifierError:
                    raise ValueError(  # the value is not quoted: it may be anything
                        f"a {role} value is not a code CURIE such as "
                        "SNOMEDCT:372244006, ICD10:C43.9 or RXCUI:1147220"
                    ) from None
        return codes

    def _response(self, row: dict[str, str]) -> str | None:
        text = self._cell(row, "response").lower()
        if not text:
            return None
        if text not in RESPONSES:
            raise ValueError("response must be one of CR, PR, SD, PD, NE (or spelt out)")
        return RESPONSES[text]


#: Delimiters a header line is tried with, by the name ``--option delimiter=`` takes.
_DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def header_hint(path: Path, skip: int, lines: int = 20) -> str:
    """Where the header seems to be when the expected line has no patient column: a
    supplementary table's title lines above it (``--option skip=N``), another delimiter
    (a European CSV's ``;``). Empty when no early line names a patient column."""
    with open_binary(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if number > lines:
                break
            if number <= skip:
                continue
            text = raw.decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r\n")
            for name, delimiter in _DELIMITERS.items():
                cells = [c.strip().strip('"') for c in text.split(delimiter)]
                found = next((c for c in cells if c in SPELLINGS["patient"]), None)
                if found:
                    return (f"; line {number} looks like the header ({found!r}, "
                            f"{name}-separated): --option skip={number - 1} "
                            f"--option delimiter={name}")
    return ""

