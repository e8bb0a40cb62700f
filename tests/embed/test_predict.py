"""Predictions: right category, not already linked, explained, written back and removed."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from kgtwin import embed
from kgtwin.cli.main import cli
from kgtwin.embed import modeldir
from kgtwin.embed.explain import PathIndex, explain_pair, nearest_positives
from kgtwin.errors import KgTwinError, NotFoundError
from kgtwin.model import KNOWLEDGE_LEVEL, PREDICTED
from kgtwin.store import open_store

T2D = "MONDO:0005148"
SITAGLIPTIN = "CHEBI:40237"


@pytest.fixture(scope="module")
def predictor(trained):
    store_path, model_dir = trained
    store = open_store(store_path)
    yield embed.Predictor.open(model_dir, store)
    store.close()


def test_repurpose_ranks_unlinked_drugs_only(predictor):
    frame = embed.predict_repurpose(predictor, disease=T2D, k=50)
    store = predictor.store
    linked = {e.subject for e in store.edges(predicate="biolink:treats", object=T2D)}
    assert linked and not linked & set(frame["candidate"])
    assert set(frame["category"]) <= {"biolink:SmallMolecule", "biolink:Drug"}
    assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    assert (np.diff(frame["score"]) <= 0).all()
    assert frame["percentile"].iloc[0] == 100.0
    assert len(frame) == frame["candidates"].iloc[0] == 42 - len(linked)


def test_targets_for_a_disease_are_genes_and_for_a_drug_use_its_relation(predictor):
    genes = embed.predict_targets(predictor, disease="MONDO:0005105", k=5)
    assert set(genes["category"]) == {"biolink:Gene"}
    assert (genes["relation"] == "biolink:gene_associated_with_condition").all()
    acts_on = embed.predict_targets(predictor, drug="CHEBI:63637", k=5)
    assert (acts_on["relation"] == "biolink:affects[decreased]").all()
    assert "HGNC:1097" not in set(acts_on["candidate"])  # BRAF: vemurafenib's known target


def test_any_equivalent_id_and_clear_errors(predictor):
    by_xref = embed.predict_repurpose(predictor, drug="DRUGBANK:DB00331", k=3)  # metformin
    assert (by_xref["query"] == "CHEBI:6801").all()
    with pytest.raises(NotFoundError):
        embed.predict_repurpose(predictor, disease="MONDO:9999999")
    with pytest.raises(KgTwinError, match="exactly one"):
        embed.predict_repurpose(predictor, disease=T2D, drug=SITAGLIPTIN)


def test_explanations_are_graph_paths_between_the_pair(predictor):
    index = predictor.paths
    ids = predictor.trained.entity_to_id
    paths = index.paths(ids[SITAGLIPTIN], ids[T2D], limit=5)
    # sitagliptin -affects-> DPP4 -gene_associated_with_condition-> T2D
    assert (ids[SITAGLIPTIN], ids["HGNC:3009"], ids[T2D]) in [nodes for _, nodes in paths]
    weights = [w for w, _ in paths]
    assert weights == sorted(weights, reverse=True)
    # pioglitazone and obesity: described hop by hop, with names and directions
    described = explain_pair(index, ids["CHEBI:8228"], ids["MONDO:0011122"], predictor.label)
    assert described[0]["path"] == (
        "pioglitazone -affects[increased]-> PPARG -gene_associated_with_condition-> "
        "obesity disorder"
    )
    frame = embed.predict_repurpose(predictor, drug="CHEBI:8228", k=30)
    assert any(frame["paths"].map(len)) and any(frame["nearest_positives"].map(len))


def test_path_index_finds_every_short_path_of_a_small_graph():
    # 0-1-3, 0-2-3, 0-1-2-3, 0-2-1-3 and the direct 0-3
    mapped = np.array([[0, 0, 1], [0, 0, 2], [1, 0, 3], [2, 1, 3], [1, 1, 2], [3, 0, 0]])
    index = PathIndex.build(mapped, 4, ["r", "s"])
    found = {nodes for _, nodes in index.paths(0, 3, limit=10)}
    assert found == {(0, 3), (0, 1, 3), (0, 2, 3), (0, 1, 2, 3), (0, 2, 1, 3)}
    assert index.edge(3, 0) == ("r", True) and index.edge(0, 3) == ("r", False)


def test_nearest_positives_by_cosine():
    vectors = np.array([[1.0, 0], [0.9, 0.1], [0, 1], [-1, 0]])
    assert [i for i, _ in nearest_positives(vectors, 0, np.array([2, 1, 3, 0]))] == [1, 2, 3]


def test_write_back_replaces_and_removes_by_model_id(trained):
    store_path, model_dir = trained
    with open_store(store_path) as store:
        predictor = embed.Predictor.open(model_dir, store)
        model_id = predictor.trained.model_id
        frame = embed.predict_repurpose(predictor, disease=T2D, k=4)
        assert embed.write_predictions(store, frame, model_id=model_id, task="repurpose",
                                       model_dir=model_dir) == 4
        embed.write_predictions(store, frame, model_id=model_id, task="repurpose",
                                model_dir=model_dir)
        other = embed.predict_targets(predictor, disease=T2D, k=2)
        embed.write_predictions(store, other, model_id=model_id, task="targets",
                                model_dir=model_dir)
        predicted = [e for e in store.edges() if e.qualifiers.get(KNOWLEDGE_LEVEL) == PREDICTED]
        assert len(predicted) == 6  # re-running replaced, the other question stayed
        edge = next(e for e in predicted if e.predicate == "biolink:treats")
        assert edge.qualifiers["agent_type"] == "computational_model"
        assert {"score", "rank", "percentile", "model_id", "date"} <= set(edge.properties)
        assert edge.properties["model_id"] == model_id
        # the asserted graph the model learned from is untouched, and it is still current
        modeldir.check_graph_version(modeldir.load(model_dir), store)
        assert len(embed.predictions_frame(store, model_id)) == 6
        assert embed.remove_predictions(store, model_id) == 6
        assert embed.predictions_frame(store).empty


def test_cli_train_evaluate_predict_remove(tmp_path):
    from .conftest import load_fixture

    load_fixture(tmp_path / "store").close()
    runner = CliRunner()
    base = ["--store", str(tmp_path / "store")]
    out = tmp_path / "model"
    result = runner.invoke(cli, [*base, "embed", "train", "--model", "DistMult", "--epochs", "3",
                                 "--dim", "16", "--no-early-stopping", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "removed for leakage" in result.output and "degree" in result.output
    result = runner.invoke(cli, ["embed", "evaluate", str(out), "--json"])
    report = json.loads(result.output)
    assert {"pykeen", "tasks", "overall", "verdicts", "removed_for_leakage"} <= set(report)
    result = runner.invoke(cli, [*base, "predict", "repurpose", "--model", str(out), "--disease",
                                 T2D, "-k", "3", "--write", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["written"] == 3 and len(answer["predictions"]) == 3
    result = runner.invoke(cli, [*base, "predict", "targets", "--model", str(out), "--drug",
                                 SITAGLIPTIN, "-k", "2"])
    assert result.exit_code == 0 and "percentile" in result.output
    result = runner.invoke(cli, [*base, "predict", "remove", "--model-id", answer["model_id"]])
    assert "removed 3 predicted edges" in result.output
    result = runner.invoke(cli, [*base, "predict", "repurpose", "--model", str(out),
                                 "--disease", "MONDO:9999999"])
    assert result.exit_code == 1 and "does not know" in result.output


def test_cli_train_with_an_explicit_test_file(tmp_path):
    from .conftest import load_fixture

    load_fixture(tmp_path / "store").close()
    held_out = tmp_path / "test.tsv"
    # DrugBank's id of metformin resolves to its CHEBI node; the inverse statement leaks
    held_out.write_text("DRUGBANK:DB00331\tbiolink:treats\tMONDO:0005148\n"
                        "CHEBI:49668\tbiolink:treats\tMONDO:0005233\n")
    result = CliRunner().invoke(cli, [
        "--store", str(tmp_path / "store"), "embed", "train", "--test-triples", str(held_out),
        "--epochs", "2", "--dim", "8", "--no-early-stopping", "--out", str(tmp_path / "m"),
        "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["split"]["kind"] == "explicit" and report["split"]["test"] == 2
    assert report["removed_for_leakage"] >= 2  # treated_by twins and derived 'cancer' links


def test_python_api_resolves_any_id_without_the_store(trained):
    _, model_dir = trained
    for spelling in ("DRUGBANK:DB00331", "drugbank:DB00331", "CHEBI:6801"):
        frame = embed.predict_repurpose(model_dir, drug=spelling, k=3, explain=False)
        assert (frame["query"] == "CHEBI:6801").all(), spelling


def test_written_predictions_never_count_as_known_links(trained):
    store_path, model_dir = trained
    with open_store(store_path) as store:
        predictor = embed.Predictor.open(model_dir, store)
        model_id = predictor.trained.model_id
        melanoma = "MONDO:0005105"  # a question no other test writes
        first = embed.predict_repurpose(predictor, disease=melanoma, k=5, explain=False)
        for _ in range(3):
            again = embed.predict_repurpose(predictor, disease=melanoma, k=5, explain=False)
            assert again["candidate"].tolist() == first["candidate"].tolist()
            embed.write_predictions(store, again, model_id=model_id, task="repurpose",
                                    model_dir=model_dir)
        sources = [e.source.name for e in store.ledger()
                   if e.source.name.endswith(f"{model_id}/repurpose/{melanoma}")]
        assert len(sources) == 1  # one entry per model and question
        assert embed.remove_predictions(store, model_id) == 5
