"""Privacy: known identifiers loaded from every patient format appear nowhere after.

Not in the store's files, not in logs, not in CLI output (including error messages of
bad records), not in any export. The same check finds them when the user explicitly
allows identifiers, which shows the search would see them if they leaked.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.privacy import KEY_ENV, KEY_FILE_ENV, pseudonymiser, write_key

PRIVATE = Path(__file__).resolve().parents[1] / "data" / "patients" / "privacy"
IDENTIFIERS = [
    "ZX-PRIV-48213", "078-05-1120", "Quillfeather", "Ottoline", "Marisol", "555-0199-77",
    "ottoline.q@example.org", "1961-04-23", "Larkspur", "Fennimore", "ZX9 4QQ", "Barnaby",
    "Wilhelmina", "ZX-SPEC-99120", "ACC-77341-ZX", "Peregrine", "ZX-NORM-99121",
    "ZX-SPEC-99122", "ZX-SPEC-99123", "ottoline-resource-1", "5e0b7c1d-91f4",
    "ZX-PRIV-55555", "2023-02-17",
]
LOADS = [
    ("fhir", "bundle.json"), ("maf", "mutations.maf"), ("expression", "expression.tsv"),
    ("clinical-csv", "clinical.csv"), ("phenopacket", "phenopacket.json"),
]
CLINICAL_COLUMNS = "columns=patient:MRN,sample:Sample,diagnosis:Dx,drug:Drug,age:Age"


def leaks(text: str | bytes, secrets: list[str]) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode()
    return [s for s in secrets if s.encode() in data or s.lower().encode() in data.lower()]


def files_text(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def run_everything(tmp_path: Path, key_file: Path, allow: str | None = None):
    """Loads every private file through the CLI, then lists, shows and exports."""
    store = tmp_path / "store"
    runner = CliRunner()
    outputs = []

    def invoke(*args: str, code: int = 0) -> None:
        result = runner.invoke(cli, ["--debug", "--store", str(store), *args])
        outputs.append(result.output)
        if code == 0 and result.exception is not None:
            raise result.exception
        assert result.exit_code == code, result.output

    base = ["--option", f"key_file={key_file}"] + (["--option", f"allow={allow}"] if allow
                                                      else [])
    for format, name in LOADS:
        extra = ["--option", CLINICAL_COLUMNS] if format == "clinical-csv" else []
        invoke("load", format, str(PRIVATE / name), *base, *extra, "--skip-bad")
    runner_fail = CliRunner().invoke(
        cli, ["--store", str(tmp_path / "other"), "load", "maf", str(PRIVATE / "mutations.maf"),
              *base])
    outputs.append(runner_fail.output)
    assert runner_fail.exit_code == 1 and "unknown gene 'NOTAGENE'" in runner_fail.output
    patient = pseudonymiser(key_file).patient("ZX-PRIV-48213")
    invoke("status", "--json")
    invoke("patient", "list")
    invoke("patient", "show", patient.split(":")[1][:8])
    invoke("patient", "show", patient, "--json")
    invoke("node", patient, "--json")
    invoke("neighbors", patient, "--json")
    exports = tmp_path / "exports"
    invoke("export", "kgx", str(exports / "kgx"))
    invoke("export", "rdf", str(exports / "graph.ttl"))
    invoke("export", "graphml", str(exports / "graph.graphml"))
    return store, exports, "\n".join(outputs), patient


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return write_key(tmp_path / "keys" / "pseudonym.key")


def test_no_identifier_anywhere(tmp_path, key_file, caplog):
    caplog.set_level(logging.DEBUG)
    store, exports, output, patient = run_everything(tmp_path, key_file)
    key = key_file.read_text().strip()
    assert leaks(files_text(store), [*IDENTIFIERS, key]) == []
    assert leaks(files_text(exports), [*IDENTIFIERS, key]) == []
    assert leaks(output, [*IDENTIFIERS, key]) == []
    assert leaks(caplog.text, [*IDENTIFIERS, key]) == []
    # ... while what the graph should hold is there: the patient, coarse age, the links.
    assert patient in output and "60-69" in output and "melanoma" in output
    assert "variant BRAF p.V600E" in output and "skipped 1 bad records" in output


def test_allowed_identifiers_are_found_by_the_same_check(tmp_path, key_file):
    store, _, output, _ = run_everything(tmp_path, key_file, allow="identifiers,names")
    assert "ZX-PRIV-48213" in leaks(files_text(store), IDENTIFIERS)
    assert "Quillfeather" in leaks(output, IDENTIFIERS)


def test_reload_updates_the_same_patient_and_another_key_makes_another(tmp_path, key_file):
    store = tmp_path / "store"
    bundle = str(PRIVATE / "bundle.json")
    runner = CliRunner()
    for key in (key_file, key_file, write_key(tmp_path / "second.key")):
        result = runner.invoke(cli, ["--store", str(store), "load", "fhir", bundle, "--force",
                                     "--skip-bad", "--option", f"key_file={key}"])
        assert result.exit_code == 0, result.output
    listed = runner.invoke(cli, ["--store", str(store), "patient", "list", "--json"])
    assert len({row["key_id"] for row in json.loads(listed.output)}) == 2
    assert len(json.loads(listed.output)) == 2  # twice the first key, once another


def test_ledger_keeps_the_key_path_not_the_key(tmp_path, key_file):
    from kgtwin.store import open_store

    store, *_ = run_everything(tmp_path, key_file)
    with open_store(store) as opened:
        options = [entry.source.options for entry in opened.ledger()]
    assert all(o.get("key_file") == str(key_file) for o in options)
