"""LogicalModel's public methods, on the published BRAF model and the toy."""

from __future__ import annotations

import pytest

from kgtwin.errors import KgTwinError
from kgtwin.twin.expr import FALSE, TRUE, Var
from kgtwin.twin.model import LogicalModel, ModelError, level_nodes
from kgtwin.twin.models import PUBLISHED_MODELS, published_model


def test_lookup_and_inputs(toy: LogicalModel) -> None:
    assert toy.names == ("A", "B", "C") and len(toy) == 3 and "B" in toy and "Z" not in toy
    assert toy.index("C") == 2 and toy.node("C").rule == Var("B")
    assert toy.inputs == ("A",)
    with pytest.raises(ModelError, match="no node 'Z'"):
        toy.node("Z")


def test_fix_and_update_return_copies(toy: LogicalModel) -> None:
    fixed = toy.fix({"A": 1, "C": 0})
    assert fixed.node("A").rule == TRUE and fixed.node("A").initial_on == 1.0
    assert fixed.node("C").rule == FALSE and toy.node("C").rule == Var("B")
    assert set(fixed.inputs) == {"A", "C"}
    faster = toy.update_node("B", rate_up=5.0)
    assert faster.node("B").rate_up == 5.0 and toy.node("B").rate_up == 1.0
    with pytest.raises(ModelError):
        toy.update_node("Z", rate_up=1.0)


def test_multilevel_names_and_genes(braf: LogicalModel) -> None:
    assert level_nodes(braf, "ERK") == ("ERK_b1", "ERK_b2")
    assert level_nodes(braf, "BRAF") == ("BRAF",)
    assert braf.fix({"ERK": 1}).node("ERK_b2").rule == TRUE
    assert braf.nodes_for_gene("KRAS") == ("RAS",)
    assert braf.nodes_for_gene("MAPK3") == ("ERK_b1",)
    assert braf.nodes_for_gene("p70") == ("p70_b1", "p70_b2")  # a base name
    assert braf.nodes_for_gene("ALK") == ()
    relabelled = braf.with_genes({"ERK": ["MAPK1"]})
    assert relabelled.node("ERK_b2").genes == ("MAPK1",)
    with pytest.raises(ModelError):
        level_nodes(braf, "Nothing")


def test_every_shipped_model_loads() -> None:
    for name in PUBLISHED_MODELS:
        model = published_model(name)
        assert len(model) > 30 and any(node.genes for node in model.nodes)
    assert published_model("BRAF_Model", with_genes=False).node("RAS").genes == ()
    with pytest.raises(KgTwinError, match="no shipped model"):
        published_model("Nope")
