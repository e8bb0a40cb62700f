"""Every variant is read: gene roles, hotspots, fusions, copy number, overrides."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from kgtwin.cli.main import cli
from kgtwin.twin.effects import (
    Effect,
    gene_role,
    parse_effect_override,
    read_variant,
    table_versions,
)
from kgtwin.twin.model import LogicalModel, ModelError
from kgtwin.twin.profile import Mutation, PatientProfile, PersonalisationSettings, personalise

GAIN, LOSS = Effect.GAIN, Effect.LOSS


@pytest.mark.parametrize(
    ("gene", "variant", "classification", "target", "effect"),
    [
        # the dropped variants are now read
        ("ALK", "F1174L", None, "ALK", GAIN),
        ("KIT", "L576P", None, "KIT", GAIN),
        ("IDH1", "R132H", None, "IDH1", GAIN),
        # activating hotspots and amplified oncogenes gain
        ("BRAF", "p.V600E", None, "BRAF", GAIN),
        ("BRAF", "p.Val600Glu", None, "BRAF", GAIN),  # HGVS three-letter, as VEP writes
        ("TP53", "p.Arg213Ter", None, "TP53", LOSS),
        ("EGFR", "E746_A750del", None, "EGFR", GAIN),
        ("ERBB2", "amplification", None, "ERBB2", GAIN),
        ("MET", "X1010_splice", None, "MET", GAIN),  # exon 14 skipping activates MET
        # truncating, deep deletion and damaging changes of tumour suppressors lose
        ("PTEN", "R130fs", None, "PTEN", LOSS),
        ("APC", "R1450*", None, "APC", LOSS),
        ("TP53", "R175H", "Pathogenic", "TP53", LOSS),
        ("CDKN2A", "deep deletion", None, "CDKN2A", LOSS),
        ("TP53", "R175H", "Uncertain significance", "TP53", None),
        ("CDKN2A", "amplification", None, "CDKN2A", None),
        # fusions gain their kinase, whichever side it is on
        ("BCR-ABL1", "fusion", None, "ABL1", GAIN),
        ("ABL1", "BCR::ABL1 fusion", None, "ABL1", GAIN),
        ("EML4", "EML4::ALK", None, "ALK", GAIN),
        ("FGFR3", "FGFR3-TACC3", None, "FGFR3", GAIN),
        ("RET", "fusion", None, "RET", GAIN),
        ("TMPRSS2", "TMPRSS2::ERG", None, "ERG", GAIN),
        ("TP53", "fusion", None, "TP53", LOSS),  # a fusion disrupting a tumour suppressor
        ("OR4F5", "fusion", None, "OR4F5", None),
        # a dash in a protein change is not a fusion; a passenger is not read
        ("EGFR", "L747-P753del", None, "EGFR", GAIN),
        ("EGFR", "R108K", None, "EGFR", None),
        ("OR4F5", "A12T", None, "OR4F5", None),
    ],
)
def test_read_variant(gene, variant, classification, target, effect) -> None:
    reading = read_variant(gene, variant, classification)
    assert (reading.gene, reading.effect) == (target, effect), reading.reason
    assert reading.reason


def test_tables_carry_source_version_and_licence() -> None:
    for name, info in table_versions().items():
        text = resources.files("kgtwin.twin").joinpath(name).read_text(encoding="utf-8")
        assert "# source" in text.lower() or "# sources" in text.lower(), name
        assert info["version"] and info["licence"].startswith("MIT") and len(info["sha256"]) == 64
    assert gene_role("tp53") == "tsg" and gene_role("KRAS") == "oncogene"
    assert gene_role("NOTAGENE") is None
    from kgtwin.twin.personal import TUMOUR_SUPPRESSORS

    assert {gene_role(g) for g in TUMOUR_SUPPRESSORS} == {"tsg"}


def _table(name: str) -> tuple[str, list[list[str]]]:
    text = resources.files("kgtwin.twin").joinpath(name).read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    rows = [line.split("\t") for line in text.splitlines()
            if line and not line.startswith("#") and not line.startswith("gene\t")]
    return header, rows


def test_every_table_row_says_whether_a_published_list_confirms_it() -> None:
    # gene_roles.tsv: a row checked against Vogelstein 2013 or Bailey 2018 says so in its
    # note ([V13], [B18], or why it differs); the header names every unchecked gene.
    header, rows = _table("gene_roles.tsv")
    assert "commit f29b7b32693e06800affc0c63192465ca4661715" in header  # Vogelstein copy
    assert "d39f47fb801da60fb7405b0393fd0b411000a5ee" in header  # Bailey copy
    for gene, _role, _kinase, note in rows:
        checked = "[V13" in note or "[B18]" in note or "[B18 as" in note or "B18 differs" in note
        assert checked or f" {gene}," in header or f" {gene}." in header, gene
        assert "differ" not in note or "kept" in note, gene  # a disagreement gives its reason
    # hotspots.tsv: [CH2] when Cancer Hotspots v2 lists the change, else why not.
    header, rows = _table("hotspots.tsv")
    assert "0de169bffdf4f2efe27a68114c3620171208f591" in header
    for gene, variant, _effect, note in rows:
        assert note.endswith("[CH2]") or "[not CH2: " in note, (gene, variant)


@given(
    gene=st.from_regex(r"[A-Z][A-Z0-9]{1,7}", fullmatch=True),
    variant=st.one_of(st.just(""), st.from_regex(r"[A-Z][0-9]{1,4}[A-Z*]", fullmatch=True)),
    effect=st.sampled_from(list(Effect)),
)
def test_override_parser_round_trip(gene: str, variant: str, effect: Effect) -> None:
    key = f"{gene}:{variant}" if variant else gene
    assert parse_effect_override(f"{key.lower()}={effect.value.upper()}") == (key, effect)


@pytest.mark.parametrize("spec", ["BRAF", "BRAF=on", "=gain", ":V600E=gain"])
def test_bad_override(spec: str) -> None:
    with pytest.raises(ModelError):
        parse_effect_override(spec)


def test_override_beats_tables_and_unused_ones_are_listed(braf: LogicalModel) -> None:
    profile = PatientProfile(id="p", mutations=(
        Mutation(gene="BRAF", variant="V600E"), Mutation(gene="EGFR", variant="R108K")))
    settings = PersonalisationSettings(effects=(("EGFR:p.R108K", GAIN), ("BRAF", LOSS),
                                                ("KIT", GAIN)))
    twin = personalise(braf, profile, settings)
    assert twin.fixed == {"BRAF": 0, "EGFR": 1}
    assert any("EGFR R108K: gain -> EGFR held 1 (override)" in line for line in twin.applied)
    assert twin.ignored == ("override KIT=gain: the profile has no such variant",)


def test_a_twin_without_patient_data_says_so(braf: LogicalModel) -> None:
    passenger = PatientProfile(id="p", mutations=(Mutation(gene="EGFR", variant="R108K"),),
                               node_states={"SOX10": True})
    twin = personalise(braf, passenger)
    assert not twin.patient_specific and "no patient-specific change" in twin.notice
    assert twin.to_dict()["patient_specific"] is False and "notice" in twin.to_dict()
    mutated = personalise(braf, PatientProfile(id="p", mutations=(Mutation(gene="BRAF",
                                                                            variant="V600E"),)))
    assert mutated.patient_specific and mutated.notice is None
    assert personalise(braf, PatientProfile(id="p", levels={"EGFR": 0.2})).patient_specific


def test_respond_effect_option_and_notice(tmp_path: Path) -> None:
    folder = resources.files("kgtwin.twin.models")
    with resources.as_file(folder) as models:
        base = ["twin", "respond", str(models / "BRAF_Model.bnd"),
                "--genes", str(models / "BRAF_Model_namesToHugo_curated.txt"),
                "--mutation", "EGFR:R108K", "--set", "SOX10=1",
                "--drug", "cetuximab=EGFR", "--trajectories", "200"]
        plain = CliRunner().invoke(cli, [*base, "--json"])
        assert plain.exit_code == 0, plain.output
        data = json.loads(plain.output)
        assert data["patient_specific"] is False and "no patient-specific" in data["notice"]
        text = CliRunner().invoke(cli, base)
        assert "WARNING: no patient-specific change" in text.output
        forced = CliRunner().invoke(cli, [*base, "--effect", "EGFR:R108K=gain", "--json"])
        data = json.loads(forced.output)
        assert data["patient_specific"] is True
        assert any("held 1 (override)" in line for line in data["applied"])
        assert data["provenance"]["effects"] == {"EGFR:R108K": "gain"}
        assert set(data["provenance"]["effect_tables"]) == {"gene_roles.tsv", "hotspots.tsv"}
        bad = CliRunner().invoke(cli, [*base, "--effect", "EGFR=maybe"])
        assert bad.exit_code != 0 and "neither gain nor loss" in bad.output


@given(gene=st.text(max_size=12), variant=st.text(max_size=24),
       classification=st.one_of(st.none(), st.text(max_size=12)))
def test_every_variant_gets_a_reading_and_a_reason(gene: str, variant: str,
                                                   classification: str | None) -> None:
    reading = read_variant(gene or "X", variant, classification)
    assert reading.reason and reading.effect in (None, GAIN, LOSS)
    assert isinstance(reading.gene, str)


@pytest.mark.parametrize("gene, change, stated, effect, said", [
    # the rules read nothing: a knowledge base's gain or loss is read
    ("PTPN11", "A72V", "Gain-of-function", GAIN, "knowledge base: Gain-of-function"),
    ("RIT1", "M90I", "Likely Gain-of-function", GAIN, "knowledge base: Likely Gain"),
    ("RIT1", "M90I", "Likely Loss-of-function", LOSS, "knowledge base: Likely Loss"),
    ("RIT1", "M90I", "Likely Neutral", None, "knowledge base agrees: Likely Neutral"),
    ("RIT1", "M90I", "Inconclusive", None, "knowledge base says Inconclusive"),
    # the rules read an effect: kept, the statement written into the reason
    ("DNMT3A", "R882H", "Likely Gain-of-function", LOSS,
     "knowledge base says Likely Gain-of-function (not read over the shipped rules)"),
    ("TP53", "R248Q", "Loss-of-function", LOSS, "knowledge base agrees: Loss-of-function"),
    ("BRAF", "V600E", None, GAIN, "hotspot table"),
])
def test_a_knowledge_base_mutation_effect_fills_what_the_rules_do_not_read(
        gene: str, change: str, stated: str | None, effect, said: str) -> None:
    reading = read_variant(gene, change, mutation_effect=stated)
    assert reading.effect is effect and said in reading.reason
