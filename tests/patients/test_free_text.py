"""Patient free text stays out, and patients never rename knowledge.

Every display, label, narrative and ``valueString`` of a FHIR bundle and a Phenopacket
is replaced by planted text (names, an MRN, dates, an address, a phone number, a note),
the files are named the way Synthea names them (``Given_Family_MRN-….json``), and then
the store folder, the logs (``--debug``), every export and all CLI output are searched.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.privacy import KEY_ENV, KEY_FILE_ENV, write_key

DATA = Path(__file__).resolve().parents[1] / "data" / "patients"
HP_SLICE = Path(__file__).resolve().parents[2] / "kgtwin" / "demo" / "knowledge" / "hp_slice.obo"
PLANTED = [
    "Ottoline Quillfeather",
    "MRN ZX-77120-QF",
    "born 1961-04-23",
    "12 Larkspur Lane, Fennimore ZX9 4QQ",
    "call 555-0199-77",
    "patient anxious about the biopsy, daughter Wilhelmina present",
]
FILE_NAME = "Ottoline204_Quillfeather88_ZX-77120-QF-5e0b7c1d"
SECRETS = [
    "Ottoline", "Quillfeather", "ZX-77120-QF", "1961-04-23", "Larkspur", "Fennimore",
    "ZX9 4QQ", "555-0199-77", "anxious", "Wilhelmina", "5e0b7c1d",
]  # fmt: skip


def plant(value: Any, texts: Iterator) -> Any:
    """Every display, label, narrative div and valueString replaced by planted text."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("display", "label", "div", "valueString", "description") and isinstance(
                item, str
            ):
                out[key] = PLANTED[next(texts) % len(PLANTED)]
            else:
                out[key] = plant(item, texts)
        return out
    if isinstance(value, list):
        return [plant(item, texts) for item in value]
    return value


def planted_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    texts = count()
    bundle = plant(json.loads((DATA / "bundle.json").read_text()), texts)
    for entry in bundle["entry"]:  # a free-text component on every Observation
        resource = entry["resource"]
        if resource["resourceType"] == "Observation":
            resource.setdefault("component", []).append(
                {
                    "code": {"coding": [{"system": "http://loinc.org", "code": "53037-8"}]},
                    "valueString": PLANTED[5],
                }
            )
    packet = plant(json.loads((DATA / "phenopacket.json").read_text()), texts)
    packet["phenotypicFeatures"].append({"type": {"id": "HP:0000118", "label": PLANTED[0]}})
    files = {
        "fhir": folder / f"{FILE_NAME}.json",
        "phenopacket": folder / f"{FILE_NAME}-packet.json",
        "maf": folder / f"{FILE_NAME}.maf",
        "vcf": folder / f"{FILE_NAME}.vcf",
    }
    files["fhir"].write_text(json.dumps(bundle))
    files["phenopacket"].write_text(json.dumps(packet))
    files["maf"].write_bytes((DATA / "mutations.maf").read_bytes())
    files["vcf"].write_bytes((DATA / "variants.vcf").read_bytes())
    return files


def leaks(data: bytes) -> list[str]:
    return [s for s in SECRETS if s.lower().encode() in data.lower()]


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return write_key(tmp_path / "keys" / "pseudonym.key")


@pytest.mark.parametrize("ontology_first", [True, False])
def test_no_free_text_or_file_name_anywhere(tmp_path, key_file, caplog, ontology_first):
    caplog.set_level(logging.DEBUG)
    store = tmp_path / "store"
    files = planted_files(tmp_path / "in")
    outputs: list[str] = []

    def invoke(*args: str) -> str:
        result = CliRunner().invoke(cli, ["--debug", "--store", str(store), *args])
        outputs.append(result.output)
        assert result.exit_code == 0, result.output
        return result.stdout

    if ontology_first:
        invoke("load", "obo", str(HP_SLICE))
    for format, path in files.items():
        invoke("load", format, str(path), "--option", f"key_file={key_file}", "--skip-bad")
    if not ontology_first:
        invoke("load", "obo", str(HP_SLICE))
    invoke("status")
    invoke("status", "--json")
    listed = invoke("patient", "list")
    node = json.loads(invoke("node", "HP:0000118", "--json"))
    exports = tmp_path / "exports"
    invoke("export", "kgx", str(exports / "kgx"))
    invoke("export", "rdf", str(exports / "graph.ttl"))
    invoke("export", "graphml", str(exports / "graph.graphml"))
    shown = [line.split()[0] for line in listed.splitlines() if "KGTWIN.PATIENT:" in line]
    assert shown
    for patient in shown:
        invoke("patient", "show", patient, "--json")

    # the ontology's name stands, whichever came first
    assert node["name"] == "Phenotypic abnormality"
    stored = b"\n".join(p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file())
    exported = b"\n".join(p.read_bytes() for p in sorted(exports.rglob("*")) if p.is_file())
    assert leaks(stored) == []
    assert leaks(exported) == []
    assert leaks("\n".join(outputs).encode()) == []
    assert leaks(caplog.text.encode()) == []


def test_debug_traceback_of_a_bad_record_quotes_no_value(tmp_path, key_file):
    # A validator's message quotes the bad value (pydantic: input_value='…'); the
    # one-line error never did, but --debug printed the whole exception chain.
    bundle = json.loads((DATA / "bundle.json").read_text())
    bundle["entry"][0]["resource"]["birthDate"] = PLANTED[0]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    result = CliRunner().invoke(
        cli,
        [
            "--debug",
            "--store",
            str(tmp_path / "s"),
            "load",
            "fhir",
            str(path),
            "--option",
            f"key_file={key_file}",
        ],
    )
    assert result.exit_code != 0
    shown = "".join(traceback.format_exception(*result.exc_info)) + result.output
    assert "Patient" in shown
    assert leaks(shown.encode()) == []
