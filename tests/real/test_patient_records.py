"""Patient records as projects publish them: phenopacket-store's packets (from its
release tarball) and Synthea's FHIR bundles."""

from __future__ import annotations

import json
import re
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from kgtwin.loaders.phenopacket import EXCLUDED_PHENOTYPE

from tests.real.conftest import load, real, warnings_of

ROOT = Path(__file__).resolve().parents[2]
HP_SLICE = ROOT / "kgtwin" / "demo" / "knowledge" / "hp_slice.obo"
#: Packets a test names: a known patient, structural variants, a variant with no gene.
NAMED = ("AKT1__PMID_23246288_CCF03121_01_001DG.json",
         "NBAS__PMID_31761904_Individual_NBAS_69.json",
         "11q_terminal_deletion__PMID_15266616_100.json")
#: Every how-many-th packet (sorted by name) the fixed subset takes.
STRIDE = 50


def _extract(folder: Path, wanted: set[str] | None) -> dict[str, Path]:
    """Packets of the tarball (all, or the ``wanted`` names), extracted: name -> file."""
    with tarfile.open(real("phenopacket-store.tar.xz"), "r:xz") as archive:
        members = [m for m in archive.getmembers() if m.isfile()
                   and (wanted is None or Path(m.name).name in wanted)]
        archive.extractall(folder, members=members, filter="data")
    return {p.name: p for p in sorted((folder / "all").glob("*.json"))}


@pytest.fixture(scope="session")
def packets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixed subset: every STRIDE-th packet by name, and the NAMED ones."""
    with tarfile.open(real("phenopacket-store.tar.xz"), "r:xz") as archive:
        names = sorted(Path(n).name for n in archive.getnames() if n.endswith(".json"))
    assert len(names) == 10_580  # as the corpus README says
    wanted = set(names[::STRIDE]) | set(NAMED)
    return _extract(tmp_path_factory.mktemp("phenopackets"), wanted)


@pytest.fixture(scope="session")
def all_packets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _extract(tmp_path_factory.mktemp("all-phenopackets"), None)


def _features(path: Path) -> set[str]:
    packet = json.loads(path.read_text())
    return {f["type"]["id"] for f in packet.get("phenotypicFeatures", [])
            if not f.get("excluded")}


def _geneless(paths: list[Path]) -> int:
    """Variants that name no gene, counted from the JSON itself."""
    return sum(
        1 for p in paths
        for i in json.loads(p.read_text()).get("interpretations", [])
        for g in i["diagnosis"].get("genomicInterpretations", [])
        if "geneContext" not in g.get("variantInterpretation", {})
        .get("variationDescriptor", {"geneContext": 1}))


def test_a_fixed_subset_loads_without_skipping(store, packets, caplog):
    subset = list(packets.values())
    report = load(store, "phenopacket", subset)
    assert report.bad == 0
    # patient files are recorded by keyed pseudonym (their names may be the patient's)
    assert re.fullmatch(rf"file-[a-z2-7]{{12}}\.json and {len(subset) - 1:,} more files",
                        report.source.path)
    # telomeric deletions name no gene: passed over, said, their patients kept
    assert f"passed over {_geneless(subset)} variant(s) with no geneContext" \
        in warnings_of(caplog)
    patients = sum(1 for _ in store.nodes(category="biolink:Case"))
    assert 0 < patients <= len(subset)
    # phenotypes found absent are not stored, and not lost unseen: counted by reason
    excluded = sum(1 for p in subset for f in json.loads(p.read_text())
                   .get("phenotypicFeatures", []) if f.get("excluded"))
    assert excluded > 1_000
    assert report.reconciliation.passed_over_reasons[EXCLUDED_PHENOTYPE] == excluded


def test_a_known_patient(store, packets):
    path = packets[NAMED[0]]
    load(store, "phenopacket", [path])
    [patient] = list(store.nodes(category="biolink:Case"))
    assert patient.properties["sex"] == "female"
    assert patient.properties["age_band"] == "30-39"
    edges = list(store.edges(subject=patient.id))
    phenotypes = {e.object for e in edges if e.object.startswith("HP:")}
    assert phenotypes == _features(path) == {"HP:0003002", "HP:0002890"}  # excluded left out
    assert any(e.object == "OMIM:615109" or store.resolve("OMIM:615109") == e.object
               for e in edges)  # Cowden syndrome 6
    [variant] = [e for e in edges if e.object == "HGNC:391"]  # AKT1
    assert variant.qualifiers["sequence_variant_qualifier"] == "NM_001382430.1:c.73C>T"


def test_structural_variants_keep_their_patient(store, packets):
    report = load(store, "phenopacket", [packets[NAMED[1]]])
    assert report.bad == 0
    [patient] = list(store.nodes(category="biolink:Case"))
    changes = {e.qualifiers["sequence_variant_qualifier"]: e.properties
               for e in store.edges(subject=patient.id) if e.object == "HGNC:15625"}  # NBAS
    deletion = changes["deletion:c.[5027+1_5028-1]_[5724+1_5725-1]del"]
    assert deletion["variant_classification"] == "chromosomal_deletion"
    assert len(changes) == 2  # and the point mutation of the other allele


def test_phenotypes_land_on_the_hpo_ontology_terms(store, packets):
    load(store, "obo", [HP_SLICE])
    before = {n.id: n for n in store.nodes()}
    load(store, "phenopacket", [packets[NAMED[0]]])
    carcinoma = store.node("HP:0003002")
    assert carcinoma.name == before["HP:0003002"].name == "Breast carcinoma"
    assert carcinoma.category == before["HP:0003002"].category
    parents = {e.object for e in store.edges(subject="HP:0003002",
                                             predicate="biolink:subclass_of")}
    assert parents  # still the ontology's term, with its parents
    [patient] = list(store.nodes(category="biolink:Case"))
    assert any(e.object == "HP:0003002" for e in store.edges(subject=patient.id))
    assert sum(1 for n in store.nodes() if n.id == "HP:0003002") == 1


@pytest.mark.slow
def test_every_packet_of_phenopacket_store(store, all_packets, caplog):
    assert len(all_packets) == 10_580
    report = load(store, "phenopacket", list(all_packets.values()))
    assert report.bad == 0
    # each packet is one patient: 184 "Patient 1"s of different papers stay apart
    assert sum(1 for _ in store.nodes(category="biolink:Case")) == 10_580
    assert report.reconciliation.passed_over_reasons[EXCLUDED_PHENOTYPE] == 133_798
    assert f"passed over {_geneless(list(all_packets.values()))} variant(s)" \
        in warnings_of(caplog)


def test_synthea_fhir_bundles(store):
    folder = real("fhir")
    patients = [p for p in folder.glob("*.json") if "Information" not in p.name]
    report = load(store, "fhir", [folder])  # a folder: every bundle in it
    assert report.bad == 0
    assert sum(1 for _ in store.nodes(category="biolink:Case")) == len(patients)
    kinds = Counter(e.predicate for e in store.edges())
    assert kinds  # conditions, medications
