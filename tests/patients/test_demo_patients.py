"""The shipped demo patients load into an embedded store as connected patient subgraphs."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.demo.patients import DEMO_KEY, load_demo_patients, patient_files
from kgtwin.errors import NotFoundError
from kgtwin.patients import list_patients, patient_profile, patient_subgraph, resolve_patient
from kgtwin.privacy import KEY_ENV, pseudonymiser


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "store"
    from kgtwin.store import open_store

    with open_store(folder) as store:
        reports = load_demo_patients(store, folder)
    return folder, reports


def test_demo_files_are_shipped():
    files = dict(patient_files())
    assert len(files["fhir"]) == 21
    assert files["maf"][0].exists() and files["expression"][0].exists()


def test_demo_loads_cleanly_and_twice_is_a_no_op(demo):
    folder, reports = demo
    assert [r.bad for r in reports] == [0, 0, 0]
    assert (folder / DEMO_KEY).exists()
    from kgtwin.store import open_store

    with open_store(folder) as store:
        again = load_demo_patients(store, folder)
        assert all(r.skipped for r in again)
        assert len(list_patients(store)) == 21


def demo_patient(folder, number):
    return pseudonymiser(folder / DEMO_KEY).patient(f"DEMO-MRN-{number:04d}")


def test_braf_crc_patient_is_one_connected_subgraph(demo):
    folder, _ = demo
    from kgtwin.store import open_store

    with open_store(folder) as store:
        patient = demo_patient(folder, 4)  # BRAF V600E colorectal cancer on vemurafenib
        profile = patient_profile(store, patient)
        graph = patient_subgraph(store, patient)
    assert [d.disease for d in profile.diagnoses] == ["MONDO:0005575"]
    assert [(t.name, t.response) for t in profile.treatments] == [
        ("vemurafenib", "progressive_disease")]
    assert len(profile.samples) == 1
    changes = {(v.symbol, v.change) for v in profile.variants}
    assert changes == {("BRAF", "p.V600E"), ("TP53", "p.R273H")}
    braf = next(v for v in profile.variants if v.symbol == "BRAF")
    assert braf.carrier == profile.samples[0]  # FHIR variant and MAF row: one statement
    expression = profile.measurements[profile.measurements["kind"] == "expression"]
    assert len(expression) == 27 and expression["zscore"].notna().all()
    assert nx.is_weakly_connected(graph)
    assert {"HGNC:1097", "MONDO:0005575", "CHEBI:63637", patient} <= set(graph.nodes)


def test_cml_patient_has_the_fusion_and_a_complete_response(demo):
    folder, _ = demo
    from kgtwin.store import open_store

    with open_store(folder) as store:
        profile = patient_profile(store, demo_patient(folder, 12))
    assert [(v.symbol, v.change) for v in profile.variants] == [("ABL1", "BCR::ABL1 fusion")]
    assert [(t.drug, t.response) for t in profile.treatments] == [
        ("CHEBI:45783", "complete_response")]


def test_her2_patient_has_the_amplification_and_no_treatment_yet(demo):
    folder, _ = demo
    from kgtwin.store import open_store

    with open_store(folder) as store:
        profile = patient_profile(store, demo_patient(folder, 21))
    assert [(v.symbol, v.change) for v in profile.variants] == [("ERBB2", "amplification")]
    assert not profile.treatments


def test_resolve_patient_by_prefix_and_unknown(demo):
    folder, _ = demo
    from kgtwin.store import open_store

    with open_store(folder) as store:
        patient = demo_patient(folder, 1)
        assert resolve_patient(store, patient.split(":")[1][:10]) == patient
        with pytest.raises(NotFoundError):
            resolve_patient(store, "nosuchpatient")


def test_patient_cli_list_and_show(demo, monkeypatch):
    folder, _ = demo
    monkeypatch.delenv(KEY_ENV)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--store", str(folder), "patient", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert len(rows) == 21 and sum("melanoma" in r["diagnoses"] for r in rows) == 4
    shown = runner.invoke(cli, ["--store", str(folder), "patient", "show", "--identifier",
                                "DEMO-MRN-0009", "--key-file", str(folder / DEMO_KEY)])
    assert shown.exit_code == 0, shown.output
    assert "variant EGFR p.L858R" in shown.output and "osimertinib" in shown.output
    assert "DEMO-MRN" not in shown.output
    missing = runner.invoke(cli, ["--store", str(folder), "patient", "show", "zzzzzzzz"])
    assert missing.exit_code == 1 and "no patient" in missing.output


def test_keygen_cli(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["patient", "keygen", str(tmp_path / "k.key")])
    assert result.exit_code == 0 and (tmp_path / "k.key").stat().st_size == 65
    again = runner.invoke(cli, ["patient", "keygen", str(tmp_path / "k.key")])
    assert again.exit_code == 1 and "never overwrites" in again.output
