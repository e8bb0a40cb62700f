"""Loading: a loader's records, aligned, merged into a store as one recorded source.

The one place that joins loaders, the aligner and a store, so every format gets the
same ledger, checksum no-op, bad-record handling and progress bar.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from kgtwin.align import Aligner
from kgtwin.columns import NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.load_columnar import ColumnarPlan, columnar_plan, load_columnar
from kgtwin.load_guard import check_not_empty, guarded_records
from kgtwin.load_inputs import expand_paths, short_label
from kgtwin.loaders import get_loader
from kgtwin.loaders.base import REJECTIONS_KEPT, Loader
from kgtwin.loaders.patient_base import PatientLoader
from kgtwin.loaders.patient_privacy import coded_only, file_labels
from kgtwin.model import Node, Record
from kgtwin.store.base import GraphStore, LoadCounts, SourceInfo
from kgtwin.store.prefetch import weight

UNVERSIONED = "unversioned"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reconciliation:
    """Everything a load read, accounted for:
    ``read = stored + merged + passed_over + rejected``.

    ``stored`` made a new node or edge (or is a measurement value), ``merged`` folded
    into one already there (the same statement again, another spelling of one gene),
    ``passed_over`` gave no record on purpose, counted by reason in ``passed_over_reasons``
    (a DGIdb claim tied to no drug, a variant with no gene, an exact repeat of a MAF row,
    a probe combined into its gene's value, an hpoa ``NOT`` row), ``rejected`` was refused
    with its ``file:line: reason`` (the first :data:`kgtwin.loaders.base.REJECTIONS_KEPT`
    are kept). ``stored`` and ``merged`` count records (and measurement values);
    ``passed_over`` and ``rejected`` count the source's rows or entries, which gave none.
    ``stored``/``merged`` are None where a store cannot tell them apart.

    ``unresolved_genes`` are the gene names and ids the gene index did not know (value
    -> why, the first :data:`~kgtwin.loaders.base.REJECTIONS_KEPT` in sorted order;
    ``unresolved_count`` counts them all) and ``unresolved_policy`` what the load did
    with them: ``reject`` refused their rows (among ``rejected``), ``keep`` stored the
    symbols as ``hgnc.symbol:X`` nodes. Ids of another gene namespace (an Entrez id the
    table lacks) are kept as written either way.

    ``renamed_predicates`` counts the edges (``"old -> current": n``) a file wrote with
    another Biolink release's name for a relation the pinned Biolink names otherwise
    (``ontologies/biolink_renamed_predicates.yaml``); each such edge is stored under the
    current name with the file's in its ``original_predicate`` property.
    """

    read: int
    stored: int | None
    merged: int | None
    rejected: int
    rejections: tuple[str, ...] = ()
    passed_over: int = 0
    passed_over_reasons: Mapping[str, int] = field(default_factory=dict)
    unresolved_genes: Mapping[str, str] = field(default_factory=dict)
    unresolved_count: int = 0
    unresolved_policy: str = "reject"
    renamed_predicates: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"read": self.read, "stored": self.stored, "merged": self.merged,
                "passed_over": self.passed_over,
                "passed_over_reasons": dict(self.passed_over_reasons),
                "rejected": self.rejected, "rejections": list(self.rejections),
                "unresolved_policy": self.unresolved_policy,
                "unresolved_count": self.unresolved_count,
                "unresolved_genes": dict(self.unresolved_genes),
                "renamed_predicates": dict(self.renamed_predicates)}


def reconcile(counts: LoadCounts, loader: Loader, *,
              unresolved: Mapping[str, str] | None = None,
              policy: str = "reject",
              renamed: Mapping[str, int] | None = None) -> Reconciliation:
    """The load's account from the store's counts, the loader's passed-over and
    rejected rows, and the gene values the index did not know (``unresolved``)."""
    written = counts.nodes + counts.edges + counts.measurements
    stored = None
    if counts.new_nodes is not None and counts.new_edges is not None:
        stored = counts.new_nodes + counts.new_edges + counts.measurements
    passed, rejected = loader.passed.count, loader.bad.count
    unresolved = unresolved or {}
    listed = dict(sorted(unresolved.items())[:REJECTIONS_KEPT])
    return Reconciliation(read=written + passed + rejected, stored=stored,
                          merged=None if stored is None else written - stored,
                          rejected=rejected, rejections=tuple(loader.bad.rejections),
                          passed_over=passed,
                          passed_over_reasons=dict(sorted(loader.passed.reasons.items())),
                          unresolved_genes=listed, unresolved_count=len(unresolved),
                          unresolved_policy=policy,
                          renamed_predicates=dict(sorted((renamed or {}).items())))


@dataclass(frozen=True)
class LoadReport:
    """What one ``load`` did; ``skipped`` means the same source was already in the store."""

    source: SourceInfo
    skipped: bool
    counts: LoadCounts = field(default_factory=LoadCounts)
    bad: int = 0
    bad_examples: tuple[str, ...] = ()
    dropped_xrefs: int = 0
    #: Gene values the gene index could not resolve -> why (refused or kept, by option).
    unresolved_genes: Mapping[str, str] = field(default_factory=dict)
    #: Which gene table resolved genes (None when the load named no gene).
    gene_index: str | None = None
    reconciliation: Reconciliation | None = None


def file_checksum(paths: list[Path]) -> str:
    """sha256 over the files' bytes, in the order given: the identity of a source.

    A folder (a loader that reads folders whole) counts as its files' names and bytes.
    """
    digest = hashlib.sha256()
    for path in paths:
        if path.is_dir():
            for inner in sorted(p for p in path.rglob("*") if p.is_file()):
                digest.update(str(inner.relative_to(path)).encode() + b"\0")
                digest.update(bytes.fromhex(file_checksum([inner])))
            continue
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        digest.update(b"\0")
    return digest.hexdigest()


def load_files(
    store: GraphStore,
    format: str,
    paths: list[Path],
    *,
    source: str | None = None,
    version: str | None = None,
    options: Mapping[str, object] | None = None,
    skip_bad: bool = False,
    force: bool = False,
    progress: bool = False,
    allow_empty: bool = False,
    columnar: bool = True,
) -> LoadReport:
    """Loads ``paths`` with the ``format`` loader; a no-op when this exact source is in.

    By default the first bad record stops the load and nothing of it is written; with
    ``skip_bad`` bad records are counted and the first few reported. ``paths`` may
    name folders and glob patterns (:func:`~kgtwin.load_inputs.expand_paths`). An empty
    file, or a load that yields no record, is an error unless ``allow_empty``
    (:mod:`kgtwin.load_guard`). Bulk sources (KGX TSV) into the embedded store take
    the columnar path (:mod:`kgtwin.load_columnar`) unless ``columnar`` is False; it
    stores exactly what the record path would, and hands it any file it cannot.
    """
    options = dict(options or {})
    loader_class = get_loader(format)
    paths = expand_paths(paths, suffixes=loader_class.suffixes,
                         folders=loader_class.reads_folders)
    if not allow_empty:
        check_not_empty(paths)
    try:
        loader = loader_class(paths, skip_bad=skip_bad, **_loader_options(loader_class, options))
    except TypeError as error:
        raise KgTwinError(f"bad option for the {format} loader: {error}; it takes "
                          f"{_options_taken(loader_class)} (`kgtwin load {format} --help` "
                          "says what each does)") from None
    loader.allow_empty = allow_empty
    patients = isinstance(loader, PatientLoader)
    info = SourceInfo(
        name=source or loader.name,
        version=version or loader.source_version() or UNVERSIONED,
        checksum=file_checksum(paths),
        loader=f"{loader.name}@{loader.version}",
        path=short_label(_stored_names(loader, paths)) if patients else short_label(paths),
        options=options,
    )
    if store.is_loaded(info) and not force:
        return LoadReport(source=info, skipped=True)
    # Made only now: its id normaliser takes a second to build, and a re-load of an
    # unchanged source must not pay it (the options are part of the source's identity,
    # so a bad one never reaches the skip above).
    aligner = Aligner(genes=options.get("genes"),  # type: ignore[arg-type]
                      unresolved_genes=str(options.get("unresolved_genes", "reject")))
    plan = columnar_plan(loader, store) if columnar else None
    counts = None
    if plan is not None:
        try:
            counts, loader = _load_columns(store, plan, loader, aligner, info, progress)
        except NotColumnar as why:
            log.info("%s: loading record by record (%s)", info.path, why)
            # A fresh aligner (its normaliser and gene index are cached): the rolled-back
            # attempt's dropped xrefs and unresolved genes must not count twice.
            aligner = Aligner(genes=options.get("genes"),  # type: ignore[arg-type]
                              unresolved_genes=aligner.unresolved_genes)
    if counts is None:
        records = aligned_records(loader, aligner)
        if loader.onto_existing_nodes:
            records = onto_existing(loader, records, store)
        if patients:  # coded values only; no patient text on knowledge nodes
            records = coded_only(records, loader.allow)
        records = guarded_records(loader, records, allow_empty=allow_empty)
        if progress:
            records = with_progress(records, f"{loader.name} {info.path}")
        counts = store.load(records, info)  # the store pauses the cycle collector meanwhile
    unresolved = {**getattr(getattr(loader, "genes", None), "unresolved", {}),
                  **aligner.unresolved}
    account = reconcile(counts, loader, unresolved=unresolved,
                        policy=aligner.unresolved_genes, renamed=aligner.renamed)
    store.record_reconciliation(info, account.to_dict())
    return LoadReport(
        source=info,
        skipped=False,
        counts=counts,
        bad=loader.bad.count,
        bad_examples=tuple(loader.bad.examples),
        dropped_xrefs=aligner.dropped_xrefs,
        unresolved_genes=unresolved,
        gene_index=aligner._index.release if aligner._index is not None else None,
        reconciliation=account,
    )


def _load_columns(store: GraphStore, plan: ColumnarPlan, loader: Loader, aligner: Aligner,
                  info: SourceInfo, progress: bool) -> tuple[LoadCounts, Loader]:
    """The columnar load; the loader whose bad records are the load's (the node files')."""
    reader = plan.nodes or loader
    nodes: Iterable[Record] = ()
    if plan.nodes is not None:
        nodes = guarded_records(plan.nodes, aligned_records(plan.nodes, aligner),
                                allow_empty=True)  # the edges files hold rows
    label = f"{loader.name} {info.path}" if progress else None
    return load_columnar(store, plan, nodes, aligner, info, progress=label), reader


#: Options of the load itself (the aligner's), passed to a loader only if it takes them.
ALIGNER_OPTIONS = ("genes", "unresolved_genes")


def _loader_options(loader_class: type[Loader], options: dict[str, object]) -> dict:
    # Keyword names any __init__ up the MRO declares (subclasses pass **options up).
    accepted = {name for cls in loader_class.__mro__ if "__init__" in vars(cls)
                for name in inspect.signature(vars(cls)["__init__"]).parameters}
    return {k: v for k, v in options.items() if k not in ALIGNER_OPTIONS or k in accepted}


def _options_taken(loader_class: type[Loader]) -> str:
    from kgtwin.loaders.describe import loader_options

    taken = [*loader_options(loader_class), *(o for o in ALIGNER_OPTIONS
                                             if o not in loader_options(loader_class))]
    fixed = " (its columns are fixed by the format: no columns=)" \
        if loader_class.fixed_columns else ""
    return ", ".join(taken) + fixed


def _stored_names(loader: PatientLoader, paths: list[Path]) -> list[Path]:
    """Patient files by keyed pseudonym: their names often are the patient's."""
    labels = file_labels(lambda name: loader.pseudonyms.pseudonym("file", name), paths)
    return [Path(label) for label in labels]


def with_progress(records: Iterable[Record], description: str) -> Iterator[Record]:
    """The records, counted on a progress bar (a measurement block counts its values)."""
    with tqdm(desc=description, unit=" records", mininterval=0.5) as bar:
        for record in records:
            bar.update(weight(record))
            yield record


def onto_existing(loader: Loader, records: Iterable[Record], store: GraphStore
                  ) -> Iterator[Record]:
    """The records of a loader that only adds to nodes already stored (a CLS file's
    labels on its matrix's samples), all read before the load writes: a node the store
    lacks refuses the load (nothing written) rather than becoming a node of its own."""
    read = list(records)
    nodes = [r.id for r in read if isinstance(r, Node)]
    missing = [ident for ident in nodes if store.node(ident) is None]
    if missing:
        raise loader.not_in_store(missing, len(nodes))
    return iter(read)


def aligned_records(loader: Loader, aligner: Aligner) -> Iterator[Record]:
    """The loader's records in canonical form; a record that cannot be aligned is bad."""
    for record in loader.records():
        try:
            yield aligner(record)
        except KgTwinError as error:
            loader.reject(str(error))
