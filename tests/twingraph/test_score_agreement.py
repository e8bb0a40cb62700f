"""One number per question: a patient-drug score is the same wherever it is shown.

``rank-drugs`` (all drugs, or ``--only``), ``twin cohort`` (its table and HTML) and a
twin version stored by ``twin update`` give the same score for the same patient, drug
and settings, on the demo store (the demo report is checked in ``tests/core/test_demo.py``).
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.twin.patient_twin import TwinSettings, default_simulation
from kgtwin.twin.versions import update_twin

from .conftest import find_patients, load_demo

TRAJECTORIES, SEED = 300, 3
SETTINGS = TwinSettings(simulation=default_simulation(TRAJECTORIES, SEED))
OPTIONS = ["--trajectories", str(TRAJECTORIES), "--seed", str(SEED)]
DRUGS = ["vemurafenib", "trametinib", "cetuximab", "erlotinib", "alpelisib"]
#: CLI JSON rounds scores to 4 decimals.
ROUNDED = 5.1e-5


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    """A demo store of its own: twin versions are written into it."""
    folder = tmp_path_factory.mktemp("agreement")
    load_demo(folder).close()
    return folder / "store"


@pytest.fixture(scope="module")
def patients(store_dir):
    from kgtwin.store import open_store

    with open_store(store_dir) as store:
        return (find_patients(store, "colorectal cancer", {"BRAF p.V600E", "TP53 p.R273H"})[:1]
                + find_patients(store, "melanoma", {"BRAF p.V600E"})[:1]
                + find_patients(store, "non-small cell lung carcinoma", {"EGFR p.L858R"})[:1])


def _run(store_dir, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--store", str(store_dir), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _ranking(store_dir, patient: str, *extra: str) -> dict[str, float]:
    data = json.loads(_run(store_dir, "twin", "rank-drugs", patient, *OPTIONS, "--json",
                           *extra))
    return {row["treatment"]: row["score"] for row in data["ranking"]}


@pytest.fixture(scope="module")
def cohort(store_dir, patients, tmp_path_factory):
    out = tmp_path_factory.mktemp("cohort")
    _run(store_dir, "twin", "cohort", "--patients", ",".join(patients), "--drugs",
         ",".join(DRUGS), *OPTIONS, "--workers", "1", "--out", str(out))
    return pd.read_csv(out / "cohort.csv"), (out / "cohort.html").read_text()


def _html_scores(page: str, label: str) -> dict[str, str | None]:
    """Drug -> the score in a cohort HTML row (its title, 3 decimals; None: grey)."""
    header = re.search(r"<table><tr><th></th>(.*?)</tr>", page).group(1)
    drugs = re.findall(r"<th>(.*?)</th>", header)
    row = re.search(rf"<tr><th>{label}[^<]*</th>(.*?)</tr>", page).group(1)
    cells = [m.group(1) for m in re.finditer(r'<td style="[^"]*"(?: title="([^"]*)")?>', row)]
    return dict(zip(drugs, cells, strict=True))


def test_patients_cover_several_twins(patients) -> None:
    assert len(patients) == 3


def test_rank_drugs_cohort_and_html_agree(store_dir, patients, cohort) -> None:
    table, page = cohort
    compared = 0
    for patient in patients:
        label = patient.split(":", 1)[1][:8]
        ranking = _ranking(store_dir, label)
        html = _html_scores(page, label)
        rows = table[table["label"] == label].set_index("drug")
        acting = [d for d in DRUGS if rows.loc[d, "acts"]]
        # A drug that does not act on the twin is absent from rank-drugs and grey in HTML.
        assert set(acting) == set(ranking) & set(DRUGS)
        alone = _ranking(store_dir, label, "--only", ",".join(acting))
        for drug in DRUGS:
            if drug not in acting:
                assert html[drug] is None
                continue
            score = rows.loc[drug, "score"]
            assert ranking[drug] == pytest.approx(score, abs=ROUNDED), (label, drug)
            assert alone[drug] == pytest.approx(score, abs=ROUNDED), (label, drug)
            assert html[drug] == f"{score:+.3f}", (label, drug)
            compared += 1
    assert compared >= 10


def test_a_stored_version_keeps_the_same_scores(store_dir, patients, cohort) -> None:
    from kgtwin.store import open_store

    table, _ = cohort
    with open_store(store_dir) as store:
        for patient in patients:
            version = update_twin(store, patient, SETTINGS).version
            stored = {row["name"]: row["score"] for row in version.predictions}
            rows = table[(table["patient"] == patient) & table["acts"]]
            for row in rows.itertuples():
                assert stored[row.drug] == pytest.approx(row.score, abs=6e-7), row.drug


def test_the_score_does_not_depend_on_the_other_drugs_asked(store_dir, patients) -> None:
    label = patients[0].split(":", 1)[1][:8]
    with_combo = _ranking(store_dir, label, "--combo", "encorafenib+cetuximab")
    alone = _ranking(store_dir, label, "--only", "cetuximab")
    assert with_combo["cetuximab"] == alone["cetuximab"]


def test_respond_on_the_exported_twin_gives_the_same_scores(store_dir, patients,
                                                            tmp_path) -> None:
    """`twin build --out` then `twin respond` on that file, with the drugs' targets as
    rank-drugs reports them, is the same question and gives the same number."""
    compared = 0
    for patient in patients:
        label = patient.split(":", 1)[1][:8]
        model = tmp_path / f"{label}.bnd"
        _run(store_dir, "twin", "build", label, *OPTIONS, "--out", str(model))
        ranked = [row for row in json.loads(_run(store_dir, "twin", "rank-drugs", label,
                                                 *OPTIONS, "--json"))["ranking"]
                  if row["treatment"] in DRUGS]
        specs = [f"--drug={row['treatment']}={','.join(row['targets'][row['treatment']])}"
                 for row in ranked]
        responded = json.loads(_run(store_dir, "twin", "respond", str(model), *OPTIONS,
                                    *specs, "--json"))["responses"]
        scores = {row["treatment"]: row["score"] for row in responded}
        for row in ranked:
            assert scores[row["treatment"]] == pytest.approx(row["score"], abs=ROUNDED), (
                label, row["treatment"])
            compared += 1
    assert compared >= 10
