"""The columnar load path: bulk edge files aligned and merged as columns, not records.

A KGX TSV source of millions of edges spends most of a record-by-record load making
and checking one object per row. Here its edges files are read as factorised columns
(:mod:`kgtwin.loaders.kgx_columns`), each distinct id and predicate is aligned once
(the same :class:`~kgtwin.align.Aligner`, so the same canonical ids), and the store
merges them in key order (:mod:`kgtwin.store.sqlite_bulk`). Node files still go
record by record (they are small, and node merges are the identity logic). The load
is the same transaction, ledger entry and reconciliation as the record path.

The path is taken only when the store can merge columns (the embedded store) and
every file is a KGX TSV. Whatever it does not read exactly as the record path would
(a short row, an id the aligner refuses, a bad byte) raises
:class:`~kgtwin.columns.NotColumnar`: the store rolls the load back and
:func:`kgtwin.load.load_files` redoes it record by record, which reports the bad row
as ``file:line: reason`` or skips it, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kgtwin.align import Aligner
from kgtwin.columns import EdgeColumns, NotColumnar
from kgtwin.errors import KgTwinError
from kgtwin.loaders.base import Loader
from kgtwin.loaders.kgx import KgxLoader
from kgtwin.loaders.kgx_columns import edge_columns, tsv_kinds
from kgtwin.model import Record
from kgtwin.store.base import GraphStore, LoadCounts, SourceInfo


@dataclass(frozen=True)
class ColumnarPlan:
    """What a columnar load reads: node files through ``nodes`` (a loader of those files
    alone, or None), then ``edges`` as columns."""

    nodes: Loader | None
    edges: list[Path]


def columnar_plan(loader: Loader, store: GraphStore) -> ColumnarPlan | None:
    """The plan when the columnar path applies to this load, else None."""
    if type(loader) is not KgxLoader or not hasattr(store, "load_columns"):
        return None
    kinds = tsv_kinds(loader.paths)
    if kinds is None or not kinds[1]:
        return None
    node_paths, edge_paths = kinds
    nodes = None
    if node_paths:
        nodes = KgxLoader(node_paths, skip_bad=loader.skip_bad)
        nodes.allow_empty = loader.allow_empty
    return ColumnarPlan(nodes, edge_paths)


def aligned_columns(chunk: EdgeColumns, aligner: Aligner) -> EdgeColumns:
    """The chunk with each distinct id and predicate aligned once; a value the aligner
    refuses sends the load to the record path, which names its row."""
    if not chunk.aligned:
        return chunk
    try:
        return chunk.replace_ids(chunk.subject.mapped(aligner.canonical),
                                 chunk.predicate.mapped(aligner.predicate),
                                 chunk.object.mapped(aligner.canonical))
    except KgTwinError as error:
        raise NotColumnar(str(error)) from None


def edge_chunks(paths: list[Path], aligner: Aligner, progress: str | None = None
                ) -> Iterator[EdgeColumns]:
    """The edges files' aligned chunks, counted on a progress bar if ``progress``."""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc=progress, unit=" edges", mininterval=0.5)
    try:
        for path in paths:
            for chunk in edge_columns(path):
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
        nodes, edge_chunks(plan.edges, aligner, progress), source
    )


__all__ = ["ColumnarPlan", "aligned_columns", "columnar_plan", "edge_chunks", "load_columnar"]
