"""``--effect`` on the graph twin commands, and the patient-specific flag in their JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kgtwin.cli.main import cli

from .conftest import find_patients


def test_effect_override_on_build_and_rank(demo_store) -> None:
    patient = find_patients(demo_store, "melanoma", {"BRAF p.V600E"})[0]
    base = ["--store", str(demo_store.path), "twin"]
    plain = CliRunner().invoke(cli, [*base, "build", patient, "--json"])
    assert plain.exit_code == 0, plain.output
    data = json.loads(plain.output)
    assert data["fixed"]["BRAF"] == 1 and data["patient_specific"] is True
    assert "notice" not in data
    flipped = CliRunner().invoke(cli, [*base, "build", patient, "--effect", "BRAF:V600E=loss",
                                       "--json"])
    data = json.loads(flipped.output)
    assert data["fixed"]["BRAF"] == 0
    assert any("(override)" in line for line in data["personalisation"])
    ranked = CliRunner().invoke(cli, [*base, "rank-drugs", patient, "--effect", "BRAF=loss",
                                      "--trajectories", "100", "--json"])
    assert ranked.exit_code == 0, ranked.output
    data = json.loads(ranked.output)
    assert data["settings"]["personalisation"]["effects"] == {"BRAF": "loss"}
    assert data["patient_specific"] is True
    bad = CliRunner().invoke(cli, [*base, "build", patient, "--effect", "BRAF"])
    assert bad.exit_code != 0 and "GENE[:VARIANT]=gain|loss" in bad.output
