"""What patient and omics loaders share: pseudonyms, emit-once nodes, commented tables.

Every loader that names a patient or a sample derives from :class:`PatientLoader`, so
no raw identifier can reach a record: ids are built only through :meth:`patient_id`
and :meth:`sample_id`, which pseudonymise with the configured key
(:mod:`kgtwin.privacy`). Reasons given to :meth:`Loader.reject` never quote a raw
identifier either (they name columns, positions and pseudonyms).

Ids are pseudonymised within their dataset (:meth:`PatientLoader.dataset_of`), so two
datasets' "Patient 1" are two patients and re-loading a dataset updates the same ones:
``--option dataset=NAME`` names it for every file of a load (use one name for the files
of one cohort: its clinical table, MAF and expression matrix); without it a cBioPortal
file takes its study's ``cancer_study_identifier`` (``meta_study.txt`` beside it), a
phenopacket its publication (subclasses say), and other files share the unscoped space,
where ids are taken to be unique across datasets (TCGA barcodes, UUIDs, MRNs).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.base import Loader, text_lines
from kgtwin.loaders.mappings import GeneResolver
from kgtwin.loaders.tables import delimiter_for

from kgtwin.errors import InputError
from kgtwin.model import Node
from kgtwin.patient_schema import GENE
from kgtwin.privacy import parse_allow, pseudonymiser

#: Raw ids remembered per load (pseudonyms are cached, HMAC once per distinct id).
CACHE_LIMIT = 1_000_000


class PatientLoader(Loader):
    """A loader whose records name patients or samples (see module docs).

    Options: ``key_file`` (the pseudonymisation key; else the environment),
    ``allow`` (what else may be kept, :data:`kgtwin.privacy.ALLOWABLE`), ``genes``
    (an HGNC complete-set TSV to resolve genes against instead of the gene index's
    default), ``dataset`` (the dataset whose ids these are; see the module docs),
    ``unresolved_genes`` (``reject``: a gene no index entry names makes its record bad;
    ``keep``: kept as ``hgnc.symbol:X``; listed at the end of the load either way).
    """

    def __init__(
        self,
        paths: list[Path],
        *,
        skip_bad: bool = False,
        key_file: str | None = None,
        allow: str | None = None,
        genes: str | None = None,
        dataset: str | None = None,
        unresolved_genes: str = "reject",
    ):
        super().__init__(paths, skip_bad=skip_bad)
        self.pseudonyms = pseudonymiser(key_file)
        self.allow = parse_allow(allow)
        self.genes = GeneResolver(genes, keep=unresolved_genes == "keep")
        self.dataset = (dataset or "").strip() or None
        self._datasets: dict[Path, str] = {}
        self._patients: dict[tuple[str, str], str] = {}
        self._samples: dict[tuple[str, str], str] = {}
        self._emitted: set[str] = set()

    @property
    def key_id(self) -> str:
        return self.pseudonyms.key_id

    def dataset_of(self, path: Path) -> str:
        """The dataset a file's ids belong to: the option, else the format's own (a
        cBioPortal study), else the unscoped space ''. Subclasses add theirs."""
        if self.dataset is not None:
            return self.dataset
        found = self._datasets.get(path)
        if found is None:
            found = self._datasets[path] = cbioportal_study(path) or ""
        return found

    def patient_id(self, raw: str) -> str:
        key = (self.dataset_of(self.path), raw)
        found = self._patients.get(key)
        if found is None:
            found = self.pseudonyms.patient(raw, key[0])
            if len(self._patients) < CACHE_LIMIT:
                self._patients[key] = found
        return found

    def sample_id(self, raw: str) -> str:
        key = (self.dataset_of(self.path), raw)
        found = self._samples.get(key)
        if found is None:
            found = self.pseudonyms.sample(raw, key[0])
            if len(self._samples) < CACHE_LIMIT:
                self._samples[key] = found
        return found

    def first_time(self, id: str) -> bool:
        """True the first time an id is seen in this load (emit its node once)."""
        if id in self._emitted:
            return False
        self._emitted.add(id)
        return True

    def gene_node(self, gene: str) -> Iterator[Node]:
        """The gene's node, once per load, named by its symbol when the tables know it."""
        if self.first_time(gene):
            yield Node(id=gene, category=GENE, name=self.genes.symbol(gene))


def cbioportal_study(path: Path) -> str | None:
    """``cancer_study_identifier`` of the cBioPortal study folder holding ``path``."""
    meta = path.parent / "meta_study.txt"
    try:
        text = meta.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == "cancer_study_identifier" and value.strip():
            return f"cbioportal:{value.strip()}"
    return None


def read_table(
    loader: Loader, path: Path, *, delimiter: str = "\t", comment: str = "#"
) -> Iterator[tuple[list[str], list[str]]]:
    """(header, row) pairs of a delimited file whose leading ``#`` lines are comments.

    Like :func:`kgtwin.loaders.base.read_rows` (positions kept, malformed rows and
    undecodable lines rejected), but rows stay lists: wide matrices are read faster.
    """
    header: list[str] | None = None
    for text in text_lines(loader, path):
        if not text.strip() or (header is None and text.startswith(comment)):
            continue
        row = split_line(loader, text, delimiter)
        if row is None:
            continue
        if header is None:
            header = checked_header(loader, row)
            continue
        if len(row) != len(header):
            loader.reject(f"expected {len(header)} fields, found {len(row)}")
            continue
        yield header, row


def split_line(loader: Loader, text: str, delimiter: str) -> list[str] | None:
    """One line's fields (CSV quoting only where the line has a quote); None if bad."""
    if '"' not in text:
        return text.rstrip("\r\n").split(delimiter)
    try:
        return next(csv.reader([text], delimiter=delimiter, strict=True))
    except (csv.Error, StopIteration) as error:
        loader.reject(f"malformed row: {error}")
        return None


def checked_header(loader: Loader, row: list[str]) -> list[str]:
    """Column names, stripped; duplicates stop the load, named by position (names may
    be raw sample identifiers)."""
    header = [c.strip() for c in row]
    seen: dict[str, int] = {}
    duplicates = [i + 1 for i, c in enumerate(header) if seen.setdefault(c, i) != i]
    if duplicates:
        raise InputError(loader.path, loader.position,
                         f"duplicate column names at column(s) {duplicates}")
    return header


def missing_columns(header: list[str], wanted: list[str]) -> list[str]:
    return [c for c in wanted if c not in header]


__all__ = [
    "PatientLoader", "checked_header", "delimiter_for", "missing_columns", "read_table",
    "split_line",
]
