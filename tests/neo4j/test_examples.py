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


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """The graph `kgtwin demo` leaves in its embedded store (predictions and a twin
    version included), with the fixed demo pseudonyms the examples name."""
    from kgtwin.demo.run import run_demo
    from kgtwin.store import EmbeddedStore

    folder = tmp_path_factory.mktemp("demo")
    with EmbeddedStore(folder / "store") as store:
        run_demo(store, folder / "out", echo=lambda _line: None)
    store = EmbeddedStore(folder / "store", create=False)
    yield store
    store.close()


@pytest.mark.slow
def test_every_example_answers_on_the_demo_graph(demo_store, empty_graph, neo4j_settings):
    """Each example, with the parameters it ships, returns rows on the demo graph pushed to
    Neo4j (what a newcomer sees after `kgtwin demo` and `kgtwin push`)."""
    from kgtwin.neo4j.store import Neo4jStore
    from kgtwin.neo4j.transfer import copy_graph

    with Neo4jStore(neo4j_settings) as target:
        copy_graph(demo_store, target)
    answers = {e.name: run_query(empty_graph, e.cypher, e.params).to_dict(orient="records")
               for e in examples()}
    assert all(answers.values()), [name for name, rows in answers.items() if not rows]

    targets = {r["target_name"] for r in answers["1-drug-targets-pathways"]}
    assert {"ABL1", "KIT"} <= targets

    about = answers["2-patient-everything"]
    relations = {(r["relation"], r["other_name"]) for r in about}
    assert ("HAS_PHENOTYPE", "colorectal cancer") in relations
    assert ("HAS_MISSENSE_VARIANT", "BRAF") in relations  # through the patient's sample

    evidence = answers["3-repurposing-evidence"]
    assert {r["model"] for r in evidence} == {demo_store_model(demo_store)}
    assert all(len(r["relations"]) >= 2 for r in evidence)  # never the prediction itself
    assert [r["score"] for r in evidence] == sorted((r["score"] for r in evidence),
                                                    reverse=True)

    captions = dict(run_query(empty_graph, "MATCH (n) WHERE n:Case OR n:MaterialSample "
                              "RETURN n.id AS id, n.kgtwin_caption AS caption").values)
    assert captions["KGTWIN.PATIENT:g56pqxmj6omrrjpbhmbaznnt7q"] == (
        "patient g56pqxmj · colorectal cancer")
    assert all(c.startswith(("patient ", "sample ")) for c in captions.values())
    assert any(c.startswith("sample ") and c.endswith(" of g56pqxmj") for c in captions.values())

    twins = answers["4-patient-twins"]
    assert {r["twin"] for r in twins} == {"KGTWIN.TWIN:g56pqxmj6omrrjpbhmbaznnt7q-v1"}
    assert [r["rank"] for r in twins] == sorted(r["rank"] for r in twins)
    assert all(r["score_low"] <= r["score"] <= r["score_high"] for r in twins)


def demo_store_model(store) -> str:
    """The model id of the demo's written predictions, as the embedded store has it."""
    (model,) = {e.properties["model_id"] for e in store.edges(predicate="biolink:treats")
                if e.qualifiers.get("knowledge_level") == "prediction"}
    return model


def test_examples_command_prints_and_exports(tmp_path):
    result = CliRunner().invoke(cli, ["neo4j", "examples", "--export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert ':param drug_id => "CHEBI:45783"' in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{e.name}.cypher" for e in examples()]
        + ["GUIDE.md", "kgtwin-guide.html", "kgtwin.grass"])
    style = (tmp_path / "kgtwin.grass").read_text()
    assert 'node.Case {' in style and 'caption: "{kgtwin_caption}"' in style
