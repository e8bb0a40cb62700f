"""A cBioPortal study folder (``meta_*.txt`` + ``data_*.txt``) loaded as one source.

cBioPortal describes each data file of a study in a meta file (``genetic_alteration_type``,
``datatype``, ``data_filename``). The folder is read in the order that links its parts:
patients, then samples (which name their patient), then mutations, copy number and
expression, each by the loader of its format (``clinical-csv``, ``maf``,
``copy-number``, ``expression``) with this load's options. A data file without a meta
file is recognised by cBioPortal's usual name (``data_mutations*.txt``,
``data_CNA.txt``, ``data_clinical_patient.txt``, ``data_clinical_sample.txt``,
``data_mrna*.txt``); any other data file is named in a warning, not read. The study's
identifier (``meta_study.txt``) is the source version when the user gives none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import EXAMPLES_KEPT, REJECTIONS_KEPT, Loader
from kgtwin.loaders.clinical_csv import ClinicalCsvLoader
from kgtwin.loaders.describe import loader_options
from kgtwin.loaders.expression import CopyNumberLoader, ExpressionLoader
from kgtwin.loaders.maf import MafLoader
from kgtwin.loaders.patient_base import PatientLoader

from kgtwin.errors import InputError
from kgtwin.model import Record

log = logging.getLogger(__name__)

#: Options every patient loader takes (the key, what may be kept, genes, dataset).
PATIENT_OPTIONS = ("key_file", "allow", "genes", "dataset")

#: (genetic_alteration_type, datatype) -> (order, loader); None datatype: any.
META_KINDS: dict[tuple[str, str | None], tuple[int, type[Loader]]] = {
    ("CLINICAL", "PATIENT_ATTRIBUTES"): (0, ClinicalCsvLoader),
    ("CLINICAL", "SAMPLE_ATTRIBUTES"): (1, ClinicalCsvLoader),
    ("MUTATION_EXTENDED", None): (2, MafLoader),
    ("COPY_NUMBER_ALTERATION", "DISCRETE"): (3, CopyNumberLoader),
    ("MRNA_EXPRESSION", None): (4, ExpressionLoader),
}
#: cBioPortal's usual data file names, for data files that came without a meta file.
NAME_KINDS: tuple[tuple[str, tuple[int, type[Loader]]], ...] = (
    ("data_clinical_patient", (0, ClinicalCsvLoader)),
    ("data_clinical_sample", (1, ClinicalCsvLoader)),
    ("data_mutations", (2, MafLoader)),
    ("data_cna", (3, CopyNumberLoader)),
    ("data_mrna", (4, ExpressionLoader)),
)


def read_meta(path: Path) -> dict[str, str]:
    """A meta file's ``key: value`` lines."""
    found = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            found[key.strip()] = value.strip()
    return found


class CbioportalStudyLoader(PatientLoader):
    """A cBioPortal study folder: clinical, mutation, copy-number and expression files.

    A patient loader itself (so a load applies the patient rules to what its parts
    yield); the parts pseudonymise with the same key within the study's dataset.
    """

    name = "cbioportal"
    description = ("cBioPortal study folder (meta_*.txt, data_*.txt): patients, samples, "
                   "mutations, copy number, expression")
    reads_folders = True
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "meta_study.txt: cancer_study_identifier": "the dataset ids are scoped to and the "
                                                   "source version",
        "data_clinical_patient.txt, data_clinical_sample.txt": "the clinical-csv map",
        "data_mutations*.txt": "the maf map (Hugo_Symbol, Tumor_Sample_Barcode, …)",
        "data_CNA.txt": "the copy-number map (Hugo_Symbol, Entrez_Gene_Id, samples)",
        "data_mrna*.txt": "the expression map",
    }
    fixed_why = ("a study's files follow cBioPortal's file formats, each read by the "
                 "loader named below with its own column map (`kgtwin load maf --help`); "
                 "a part with other headers loads by itself with that loader and "
                 "--option columns=")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False, **options: object):
        shared = {k: v for k, v in options.items() if k in PATIENT_OPTIONS}
        super().__init__(paths, skip_bad=skip_bad, **shared)  # type: ignore[arg-type]
        self.options = options
        self.folders = [p if p.is_dir() else p.parent for p in self.paths]
        self.parts = [part for folder in self.folders for part in self._parts(folder)]

    def source_version(self) -> str | None:
        studies = [read_meta(f / "meta_study.txt").get("cancer_study_identifier")
                   for f in self.folders if (f / "meta_study.txt").exists()]
        return ",".join(s for s in studies if s) or None

    def _parts(self, folder: Path) -> list[tuple[Path, type[Loader]]]:
        """The folder's data files in load order, each with its loader."""
        found: dict[Path, tuple[int, type[Loader]]] = {}
        for meta in sorted(folder.glob("meta_*.txt")):
            fields = read_meta(meta)
            kind = (fields.get("genetic_alteration_type", "").upper(),
                    fields.get("datatype", "").upper())
            chosen = META_KINDS.get(kind) or META_KINDS.get((kind[0], None))
            data = fields.get("data_filename")
            if chosen and data:
                if not (folder / data).exists():
                    raise InputError(meta, None, f"data_filename {data!r} is not in the folder")
                found[folder / data] = chosen
        unread = []
        for data in sorted(folder.glob("data_*.txt")):
            if data in found:
                continue
            chosen = next((kind for prefix, kind in NAME_KINDS
                           if data.name.lower().startswith(prefix)), None)
            if chosen:
                found[data] = chosen
            else:
                unread.append(data.name)
        if unread:
            log.warning("%s: not read (no loader for these cBioPortal files yet): %s",
                        folder.name, ", ".join(unread))
        if not found:
            raise InputError(folder, None, "no cBioPortal data files (data_*.txt with their "
                             "meta_*.txt) in this folder")
        ordered = sorted(found, key=lambda p: (found[p][0], p.name))
        return [(p, found[p][1]) for p in ordered]

    def _loader(self, path: Path, loader_class: type[Loader]) -> Loader:
        """The part's loader with the options it takes (``columns`` is clinical-csv's)."""
        accepted = loader_options(loader_class)
        options = {k: v for k, v in self.options.items() if k in accepted}
        return loader_class([path], skip_bad=self.skip_bad, **options)

    def records(self) -> Iterator[Record]:
        classes = {cls for _, cls in self.parts}
        known = {name for cls in classes for name in loader_options(cls)}
        unknown = sorted(set(self.options) - known)
        if unknown:
            raise InputError(self.paths[0], None, f"option(s) no part of this study takes: "
                             f"{', '.join(unknown)}")
        for path, loader_class in self.parts:
            loader = self._loader(path, loader_class)
            try:
                for record in loader.records():
                    # the aligner's rejections name the part's file and line
                    self.path, self.position = loader.path, loader.position
                    yield record
            finally:
                self.bad.count += loader.bad.count
                self.bad.examples.extend(
                    loader.bad.examples[: max(0, EXAMPLES_KEPT - len(self.bad.examples))])
                self.bad.rejections.extend(
                    loader.bad.rejections[: max(0, REJECTIONS_KEPT - len(self.bad.rejections))])
                for reason, count in loader.passed.reasons.items():
                    self.pass_over(reason, count)
