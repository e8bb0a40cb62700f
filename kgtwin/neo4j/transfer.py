"""Copy a graph between two stores (``kgtwin push``: embedded → Neo4j; ``pull``: back).

Works on any two :class:`~kgtwin.store.base.GraphStore` objects through the protocol
only. Provenance survives: each source in the ledger is loaded into the target as
itself, with the statements it supports (nodes and edges carry their full merged
values, so loading them under each of their sources ends in the same graph). A source
the target already holds is skipped, so pushing twice changes nothing.

Limits, said here because the protocol cannot express them: measurements carry no
per-row source in :meth:`GraphStore.measurements`, so they travel with every source
whose ledger entry brought measurements; nodes left without any source (after a
``remove_source``) travel with the first source copied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from kgtwin.collector import collector_paused
from kgtwin.load import with_progress
from kgtwin.model import Edge, Measurement, Node, Provenance, Record
from kgtwin.store.base import GraphStore, SourceInfo

log = logging.getLogger(__name__)


@dataclass
class TransferReport:
    """What a copy did: sources loaded and skipped, and the target's size after it."""

    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    nodes: int = 0
    edges: int = 0


def source_key(item: SourceInfo | Provenance) -> tuple[str, str, str, str]:
    if isinstance(item, SourceInfo):
        return (item.name, item.version, item.checksum, item.loader)
    return (item.source, item.version, item.checksum, item.loader)


def ledger_sources(store: GraphStore) -> tuple[dict[tuple, SourceInfo], set[tuple]]:
    """The sources a copy loads, in ledger order, and those whose loads had measurements.

    The bulk path (:mod:`kgtwin.neo4j.import_files`) plans with the same answer, so a
    bulk push and an incremental push give the same graph.
    """
    sources: dict[tuple, SourceInfo] = {}
    with_measurements: set[tuple] = set()
    for entry in store.ledger():
        sources.setdefault(source_key(entry.source), entry.source)
        if entry.measurements:
            with_measurements.add(source_key(entry.source))
    return sources, with_measurements


def copy_graph(source: GraphStore, target: GraphStore, *, progress: bool = False) -> TransferReport:
    """Load every source of ``source``'s ledger into ``target`` (see module docs);
    ``progress`` shows a bar per source."""
    with collector_paused():  # millions of records stay alive during the copy
        return _copy(source, target, progress)


def _copy(source: GraphStore, target: GraphStore, progress: bool) -> TransferReport:
    report = TransferReport()
    sources, with_measurements = ledger_sources(source)
    grouped: dict[tuple, list[Record]] = {key: [] for key in sources}
    orphans: list[Record] = []
    for node in source.nodes():
        _group(node, node.provenance, grouped, orphans)
    edges: dict[tuple, list[Record]] = {key: [] for key in sources}
    for edge in source.edges():
        _group(edge, edge.provenance, edges, orphans)
    measurements: list[Record] = []
    if with_measurements:
        frame = source.measurements()
        measurements = [
            Measurement(
                entity=row.entity,
                feature=row.feature,
                kind=row.kind,
                value=float(row.value),
                zscore=None if row.zscore is None or row.zscore != row.zscore else row.zscore,
            )
            for row in frame.itertuples(index=False)
        ]
    for index, (key, info) in enumerate(sources.items()):
        label = f"{info.name} {info.version}"
        if target.is_loaded(info):
            report.skipped.append(label)
            continue
        records = (orphans if index == 0 else []) + grouped[key] + edges[key]
        if key in with_measurements:
            records += measurements
        log.info("copying %s: %d records", label, len(records))
        target.load(with_progress(records, f"copying {label}") if progress else records, info)
        report.loaded.append(label)
    counts = target.counts()
    report.nodes, report.edges = counts.nodes, counts.edges
    return report


def _group(
    record: Node | Edge,
    provenance: tuple[Provenance, ...],
    grouped: dict[tuple, list[Record]],
    orphans: list[Record],
) -> None:
    keys = [source_key(p) for p in provenance if source_key(p) in grouped]
    if not keys:
        orphans.append(record)
    for key in keys:
        grouped[key].append(record)
