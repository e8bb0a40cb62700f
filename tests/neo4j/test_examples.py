"""The shipped Browser examples run on the demo graph and answer what they promise."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kgtwin.cli.main import cli
from kgtwin.neo4j.examples import examples
from kgtwin.neo4j.query import run_query, write_clauses

pytestmark = pytest.mark.neo4j


def by_name(name: str):
    return next(example for example in examples() if example.name == name)


def test_four_examples_all_read_only():
    found = examples()
    assert [e.name for e in found] == [
        "1-drug-targets-pathways",
        "2-patient-everything",
        "3-repurposing-evidence",
        "4-patient-twins",
    ]
    for example in found:
        assert example.title and example.description and example.params
        assert write_clauses(example.cypher) == []


def test_drug_targets_and_pathways(demo_graph):
    example = by_name("1-drug-targets-pathways")
    rows = run_query(demo_graph, example.cypher, example.params).to_dict(orient="records")
    assert [(r["target_name"], r["direction"], r["pathways"]) for r in rows] == [
        ("ABL1", "decreased", []),
        ("KIT", "decreased", ["Signaling by SCF-KIT"]),
    ]


def test_everything_about_a_patient(demo_graph):
    example = by_name("2-patient-everything")
    frame = run_query(demo_graph, example.cypher, example.params)
    rows = sorted(zip(frame["about"], frame["relation"], frame["direction"],
                      frame["other_name"], strict=True))  # fmt: skip
    assert rows == [
        ("KGTWIN.PATIENT:P001", "ASSOCIATED_WITH_RESPONSE_TO", "out", "imatinib"),
        ("KGTWIN.PATIENT:P001", "ASSOCIATED_WITH_RESPONSE_TO", "out", "imatinib"),
        ("KGTWIN.PATIENT:P001", "DERIVES_FROM", "in", "sample S001"),
        ("KGTWIN.PATIENT:P001", "HAS_PHENOTYPE", "out", "chronic myelogenous leukemia"),
        ("KGTWIN.PATIENT:P001", "TREATED_BY", "out", "imatinib"),
        ("KGTWIN.SAMPLE:S001", "HAS_SEQUENCE_VARIANT", "out", "ABL1"),
    ]
    assert set(frame["knowledge_level"]) == {"asserted", "prediction"}


def test_evidence_behind_a_predicted_repurposing(demo_graph):
    example = by_name("3-repurposing-evidence")
    rows = run_query(demo_graph, example.cypher, example.params).to_dict(orient="records")
    assert rows[0]["model"] == "transe-demo@1"
    assert rows[0]["score"] == pytest.approx(0.87)
    assert ["imatinib", "KIT", "type 2 diabetes mellitus"] in [r["path"] for r in rows]
    # The prediction itself is never its own evidence.
    assert all(len(r["relations"]) >= 2 for r in rows)


def test_patient_twins_and_predictions(demo_graph):
    example = by_name("4-patient-twins")
    rows = run_query(demo_graph, example.cypher, example.params).to_dict(orient="records")
    assert [(r["twin"], r["other_name"], r["score"]) for r in rows] == [
        ("twin:P001@v1", "imatinib", pytest.approx(0.71)),
        ("twin:P001@v2", "imatinib", pytest.approx(0.83)),
    ]


def test_examples_command_prints_and_exports(tmp_path):
    result = CliRunner().invoke(cli, ["neo4j", "examples", "--export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert ':param drug_id => "CHEBI:45783"' in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{e.name}.cypher" for e in examples()]
