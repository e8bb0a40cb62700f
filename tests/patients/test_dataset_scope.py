"""Patient and sample ids are pseudonymised within their dataset.

Real packets from phenopacket-store: "Patient 1" of two papers are two patients (before,
184 packets of "Patient 1" became one patient with mixed sexes and diseases).
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from kgtwin.load import load_files
from kgtwin.privacy import pseudonymiser
from kgtwin.store import open_store

ROOT = Path(__file__).resolve().parents[2]
STORE_TAR = ROOT.parent / "shared" / "data" / "real" / "phenopacket-store.tar.xz"
PACKETS = ("all/ACTB__PMID_30315159_Patient_1.json", "all/ADA2__PMID_28830446_Patient_1.json")
KEY = "kgtwin-test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def packets(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("packets")
    wanted = set(PACKETS)
    with tarfile.open(STORE_TAR, "r:xz") as archive:
        for member in archive:
            if member.name in wanted:
                (folder / Path(member.name).name).write_bytes(
                    archive.extractfile(member).read())  # type: ignore[union-attr]
                wanted.discard(member.name)
                if not wanted:
                    break
    return [folder / Path(name).name for name in PACKETS]


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("KGTWIN_PSEUDONYM_KEY", KEY)


def patients(store) -> set[str]:
    return {n.id for n in store.nodes() if n.category == "biolink:Case"}


def test_two_papers_patient_1_are_two_patients(packets, tmp_path):
    with open_store(tmp_path / "s") as store:
        load_files(store, "phenopacket", packets)
        found = patients(store)
        assert found == {pseudonymiser().patient("Patient 1", "phenopacket:PMID:30315159"),
                         pseudonymiser().patient("Patient 1", "phenopacket:PMID:28830446")}
        # Loading a paper's packet again updates the same patient.
        load_files(store, "phenopacket", packets[:1], force=True)
        assert patients(store) == found


def test_a_named_dataset_scopes_every_file_of_the_load(packets, tmp_path):
    with open_store(tmp_path / "s") as store:
        load_files(store, "phenopacket", packets, options={"dataset": "cohort-a"})
        assert patients(store) == {pseudonymiser().patient("Patient 1", "cohort-a")}


def maf(folder: Path, barcode: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mutations.maf"
    path.write_text("Hugo_Symbol\tEntrez_Gene_Id\tTumor_Sample_Barcode\tHGVSp_Short\n"
                    f"BRAF\t673\t{barcode}\tp.V600E\n")
    return path


def samples(store) -> set[str]:
    return {n.id for n in store.nodes() if n.category == "biolink:MaterialSample"}


def test_files_without_a_dataset_share_the_unscoped_space(tmp_path):
    with open_store(tmp_path / "s") as store:
        load_files(store, "maf", [maf(tmp_path / "a", "S-1")])
        load_files(store, "maf", [maf(tmp_path / "b", "S-1")], source="other")
        assert samples(store) == {pseudonymiser().sample("S-1")}


def test_named_datasets_keep_the_same_raw_id_apart(tmp_path):
    with open_store(tmp_path / "s") as store:
        load_files(store, "maf", [maf(tmp_path / "a", "S-1")], options={"dataset": "a"})
        load_files(store, "maf", [maf(tmp_path / "b", "S-1")], options={"dataset": "b"},
                   source="other")
        assert samples(store) == {pseudonymiser().sample("S-1", "a"),
                                  pseudonymiser().sample("S-1", "b")}


def test_a_cbioportal_study_folder_is_its_dataset(tmp_path):
    study = tmp_path / "study"
    path = maf(study, "P-0001-T01")
    (study / "meta_study.txt").write_text("type_of_cancer: prostate\n"
                                          "cancer_study_identifier: prostate_msk_2024\n")
    with open_store(tmp_path / "s") as store:
        load_files(store, "maf", [path])
        assert samples(store) == {
            pseudonymiser().sample("P-0001-T01", "cbioportal:prostate_msk_2024")}
