"""The columnar load path: bulk edge files aligned and merged as columns, not records.

A bulk source of millions of edges (KGX TSV, Hetionet JSON) spends most of a
record-by-record load making and checking one object per row. Here its edges are read
as factorised columns (:mod:`kgtwin.loaders.kgx_columns`,
:mod:`kgtwin.loaders.hetionet_columns`), each distinct id and predicate is aligned once
(the same :class:`~kgtwin.align.Aligner`, so the same canonical ids), and the store
merges them in key order (:mod:`kgtwin.store.sqlite_bulk`). Nodes still go record by
record (they are few, and node merges are the identity logic). The load is the same
transaction, ledger entry and reconciliation as the record path.

The path is taken only when the store can merge columns (the embedded store) and the
source is KGX TSV files, Hetionet JSON or edge tables, or a bulk edge table
(``triples``, ``primekg``: :mod:`kgtwin.loaders.table_columns`). Whatever it does not
read exactly as the record path would (a short row, an id the aligner refuses, a bad byte) raises
:class:`~kgtwin.columns.NotColumnar`: the store rolls the load back and
:func:`kgtwin.load.load_files` redoes it record by record, which reports the bad row
as ``file:line: reason`` or skips it, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from kgtwin.align import Aligner
from kgtwin.columns import EdgeColumns, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.loaders import hetionet_columns, kgx_columns, table_columns
from kgtwin.loaders.base import Loader
from kgtwin.loaders.hetionet import HetionetLoader
from kgtwin.loaders.hetionet_columns import HetionetNodes
from kgtwin.loaders.kgx import KgxLoader
from kgtwin.model import Record
from kgtwin.store.base import GraphStore, LoadCounts, SourceInfo


@dataclass(frozen=True)
class ColumnarPlan:
    """What a columnar load reads: nodes through ``nodes`` (a loader of the nodes alone,
    or None), then the edges as columns from ``edges()``."""

    nodes: Loader | None
    edges: Callable[[], Iterator[EdgeColumns]]


def columnar_plan(loader: Loader, store: GraphStore) -> ColumnarPlan | None:
    """The plan when the columnar path applies to this load, else None."""
    if not hasattr(store, "load_columns"):
        return None
    if type(loader) is KgxLoader:
        return _kgx_plan(loader)
    if type(loader) is HetionetLoader:
        return _hetionet_plan(loader)
    parts = table_columns.plan_parts(loader)  # triples, primekg
    return None if parts is None else ColumnarPlan(*parts)


def _kgx_plan(loader: KgxLoader) -> ColumnarPlan | None:
    kinds = kgx_columns.tsv_kinds(loader.paths)
    if kinds is None or not kinds[1]:
        return None
    node_paths, edge_paths = kinds
    nodes = None
    if node_paths:
        nodes = KgxLoader(node_paths, skip_bad=loader.skip_bad)
        nodes.allow_empty = loader.allow_empty

    def edges() -> Iterator[EdgeColumns]:
        for path in edge_paths:
            yield from kgx_columns.edge_columns(path)

    return ColumnarPlan(nodes, edges)


def _hetionet_plan(loader: HetionetLoader) -> ColumnarPlan | None:
    edge_paths = [p for p in loader.paths if not loader.is_node_table(p)]
    if not edge_paths:
        return None
    nodes = HetionetNodes(loader.paths, skip_bad=loader.skip_bad)
    nodes.allow_empty = loader.allow_empty

    def edges() -> Iterator[EdgeColumns]:
        for path in edge_paths:  # JSON files and edge tables, through the nodes' id caches
            if nodes.is_edge_table(path):
                yield from hetionet_columns.sif_columns(nodes, path)
            else:
                yield from hetionet_columns.edge_columns(nodes, path)

    return ColumnarPlan(nodes, edges)


def aligned_columns(chunk: EdgeColumns, aligner: Aligner) -> EdgeColumns:
    """The chunk with each distinct id and predicate aligned once; a value the aligner
    refuses sends the load to the record path, which names its row."""
    if not chunk.aligned:
        return chunk
    try:
        return chunk.replace_ids(chunk.subject.mapped(aligner.canonical),
                                 chunk.predicate.mapped(aligner.current_predicate),
                                 chunk.object.mapped(aligner.canonical))
    except KgTwinError as error:
        raise NotColumnar(str(error)) from None


def edge_chunks(plan: ColumnarPlan, aligner: Aligner, progress: str | None = None
                ) -> Iterator[EdgeColumns]:
    """The plan's aligned edge chunks, counted on a progress bar if ``progress``."""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc=progress, unit=" edges", mininterval=0.5)
    try:
        for chunk in plan.edges():
            yield aligned_columns(chunk, aligner)
            if bar is not None:
                bar.update(len(chunk))
    finally:
        if bar is not None:
            bar.close()


def load_columnar(
    store: GraphStore,
    plan: ColumnarPlan,
    nodes: Iterable[Record],
    aligner: Aligner,
    source: SourceInfo,
    *,
    progress: str | None = None,
) -> LoadCounts:
    """Loads ``nodes`` (the plan's node records, aligned) and the plan's edges as
    columns in one transaction; raises NotColumnar after the store rolled back."""
    return store.load_columns(  # type: ignore[attr-defined]
        nodes, edge_chunks(plan, aligner, progress), source
    )


__all__ = ["ColumnarPlan", "aligned_columns", "columnar_plan", "edge_chunks", "load_columnar"]
