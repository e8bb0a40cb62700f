"""Personalisation: mutation effects, hotspot table, expression mapping."""

from __future__ import annotations

import math

import pytest

from kgtwin.twin.model import LogicalModel, ModelError
from kgtwin.twin.profile import (
    Effect,
    Mutation,
    PatientProfile,
    PersonalisationSettings,
    hotspot_effect,
    personalise,
)


@pytest.mark.parametrize(
    ("gene", "variant", "effect"),
    [
        ("BRAF", "V600E", Effect.GAIN),
        ("braf", "v600k", Effect.GAIN),
        ("KRAS", "G12C", Effect.GAIN),
        ("KRAS", "G12A", Effect.GAIN),  # by the G12* pattern
        ("EGFR", "L858R", Effect.GAIN),
        ("EGFR", "L747_P753del", Effect.GAIN),
        ("EGFR", "exon19del", Effect.GAIN),
        ("PIK3CA", "H1047R", Effect.GAIN),
        ("BCR-ABL1", "fusion", Effect.GAIN),
        ("TP53", "R175H", None),  # a loss by TP53's role, not a gain hotspot
        ("BRAF", "G469A", Effect.GAIN),  # class 2 BRAF (was pinned None: it activates)
        ("ALK", "F1174L", Effect.GAIN),
        ("KIT", "L576P", Effect.GAIN),
        ("IDH1", "R132H", Effect.GAIN),
        ("KRAS", "D33E", None),
    ],
)
def test_hotspot_table(gene: str, variant: str, effect: Effect | None) -> None:
    assert hotspot_effect(gene, variant) == effect


def test_mutations_fix_nodes_and_unknowns_are_reported(braf: LogicalModel) -> None:
    profile = PatientProfile(
        id="p1",
        mutations=(
            Mutation(gene="BRAF", variant="V600E"),
            Mutation(gene="PTEN", variant="R130fs"),
            Mutation(gene="TP53", variant="R175H"),  # damaging change of a tumour suppressor
            Mutation(gene="EGFR", variant="R108K"),  # oncogene, not a hotspot: not read
            Mutation(gene="MAP2K1", variant="Q56P", effect=Effect.GAIN),
            Mutation(gene="ALK", variant="F1174L", effect=Effect.GAIN),  # not in the model
        ),
        node_states={"SOX10": True, "EGF": False},
    )
    twin = personalise(braf, profile)
    assert twin.fixed == {
        "BRAF": 1,
        "PTEN": 0,
        "p53": 0,
        "MEK_b1": 1,
        "MEK_b2": 1,
        "SOX10": 1,
        "EGF": 0,
    }
    assert [line.split(":")[0] for line in twin.ignored] == ["EGFR R108K", "ALK F1174L"]
    assert "likely passenger" in twin.ignored[0] and "no model node for ALK" in twin.ignored[1]
    assert any("BRAF V600E: gain -> BRAF held 1" in line for line in twin.applied)
    assert twin.model == braf  # holding is done by the simulator; rules stay intact


def test_gain_as_rates(braf: LogicalModel) -> None:
    settings = PersonalisationSettings(gain_mode="rate", gain_rate_factor=10)
    twin = personalise(
        braf, PatientProfile(id="p", mutations=(Mutation(gene="KRAS", variant="G12D"),)), settings
    )
    assert twin.fixed == {}
    assert (twin.model.node("RAS").rate_up, twin.model.node("RAS").rate_down) == (10.0, 0.1)


def test_expression_sets_initial_states_and_rates(braf: LogicalModel) -> None:
    profile = PatientProfile(
        id="p", expression={"MAP2K1": 2.0, "MAP2K2": 0.0, "EGFR": -1.0, "SOX10": 3.0}
    )
    twin = personalise(braf, profile)
    level = 1 / (1 + math.exp(-1.0))  # mean z of MEK's genes is 1
    for name in ("MEK_b1", "MEK_b2"):  # upper levels share level 1's genes
        node = twin.model.node(name)
        assert node.initial_on == pytest.approx(level)
        assert node.rate_up == pytest.approx(100 ** (2 * level - 1))
        assert node.rate_down == pytest.approx(100 ** (1 - 2 * level))
    assert twin.model.node("EGFR").rate_up < 1 < twin.model.node("EGFR").rate_down
    sox10 = twin.model.node("SOX10")  # an input: its start changes, its rates do not matter
    assert sox10.initial_on == pytest.approx(1 / (1 + math.exp(-3))) and sox10.rate_up == 1
    only_start = personalise(braf, profile, PersonalisationSettings(expression_mode="initial"))
    assert only_start.model.node("EGFR").rate_up == 1.0
    none = personalise(braf, profile, PersonalisationSettings(expression_mode="none"))
    assert none.model == braf


def test_expression_skips_fixed_nodes(braf: LogicalModel) -> None:
    profile = PatientProfile(
        id="p", mutations=(Mutation(gene="BRAF", variant="V600E"),), expression={"BRAF": -3.0}
    )
    assert personalise(braf, profile).model.node("BRAF").initial_on == 0.5


def test_bad_settings() -> None:
    with pytest.raises(ModelError):
        PersonalisationSettings(gain_mode="maybe")
    with pytest.raises(ModelError):
        PersonalisationSettings(expression_mode="all")


def test_twin_record(braf: LogicalModel) -> None:
    import json

    profile = PatientProfile(
        id="p", mutations=(Mutation(gene="BRAF", variant="V600E"),), expression={"EGFR": 1.0}
    )
    record = personalise(braf, profile).to_dict()
    assert json.loads(json.dumps(record)) == record
    assert record["fixed"] == {"BRAF": 1} and record["model"] == "BRAF_Model"
    same = personalise(braf, profile).to_dict()["model_sha256"]
    other = personalise(braf, PatientProfile(id="p")).to_dict()["model_sha256"]
    assert record["model_sha256"] == same != other


def test_named_node_mutation_holds_that_node_only(braf: LogicalModel) -> None:
    gain = Mutation(gene="MEK_b1", variant="profile", effect=Effect.GAIN)
    assert personalise(braf, PatientProfile(id="p", mutations=(gain,))).fixed == {"MEK_b1": 1}
    base = Mutation(gene="MEK", effect=Effect.GAIN)  # the base name is the whole node
    assert personalise(braf, PatientProfile(id="p", mutations=(base,))).fixed == {
        "MEK_b1": 1, "MEK_b2": 1}


def test_levels_are_used_as_given_and_zero_one_are_finite(braf: LogicalModel) -> None:
    profile = PatientProfile(id="p", levels={"ERK_b1": 0.0, "EGFR": 1.0, "PTEN": 0.25})
    twin = personalise(braf, profile)
    erk = twin.model.node("ERK_b1")
    assert (erk.initial_on, erk.rate_up, erk.rate_down) == pytest.approx((0.0, 0.01, 100.0))
    assert twin.model.node("ERK_b2") == braf.node("ERK_b2")  # a node key sets that node only
    egfr = twin.model.node("EGFR")
    assert (egfr.initial_on, egfr.rate_up, egfr.rate_down) == pytest.approx((1.0, 100.0, 0.01))
    assert twin.model.node("PTEN").rate_up == pytest.approx(100 ** -0.5)
    assert twin.ignored == ()
    with pytest.raises(ModelError, match="not in \\[0, 1\\]"):
        PatientProfile(id="p", levels={"EGFR": 1.5})


def test_every_unused_expression_key_is_listed(braf: LogicalModel) -> None:
    profile = PatientProfile(
        id="p",
        mutations=(Mutation(gene="BRAF", variant="V600E"),),
        expression={"SOS1": 1.0, "SOS": -1.0, "BRAF": 2.0, "NOTAGENE": 0.5},
        levels={"EGFR": 0.9},
    )
    twin = personalise(braf, profile)
    assert twin.model.node("SOS").initial_on == pytest.approx(1 / (1 + math.e))
    ignored = "\n".join(twin.ignored)
    assert "no model node or gene of that name): NOTAGENE" in ignored
    assert "node held (mutation or known state)): BRAF" in ignored
    assert "given by a node-name key or a level): SOS1" in ignored
    none = personalise(braf, profile, PersonalisationSettings(expression_mode="none"))
    assert any("expression value(s) not used" in line for line in none.ignored)


def test_profile_from_dict_reads_levels() -> None:
    from kgtwin.errors import InputError
    from kgtwin.twin.profile import profile_from_dict

    profile = profile_from_dict({"id": "p", "levels": {"EGFR": 0, "ERK_b1": 1}})
    assert profile.levels == {"EGFR": 0.0, "ERK_b1": 1.0}
    with pytest.raises(InputError, match="levels"):
        profile_from_dict({"id": "p", "levels": {"EGFR": 2}})
