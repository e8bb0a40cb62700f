"""The store protocol: what every back end (embedded, Neo4j) does, with the same behaviour.

Merge semantics every back end follows (tested on each by ``tests/store``):

* Identity is the CURIE. Ids that records declare equivalent (a node's ``xrefs``)
  collapse onto one node named by the preferred id of its category
  (:meth:`kgtwin.biolink.Biolink.preferred_prefixes`); lookup by any of them finds it;
  edges are re-pointed. The result does not depend on load order.
* Loading is a merge: a statement already stored gains the new source's provenance, not
  a duplicate. Re-loading the same input leaves the store unchanged.
* Conflicting property values: the most recently loaded source wins, key by key; keys
  are never dropped by a later load; multivalued properties (publications, sources,
  lists) accumulate both sides' values (:func:`kgtwin.model.merge_properties`, on
  nodes and edges, in one load or across loads). A node's name comes from the record that carries
  its preferred id when there is one (otherwise the latest name); its category is
  resolved by :meth:`kgtwin.biolink.Biolink.resolve_category`.
* A load is atomic: it commits whole or leaves the store as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from kgtwin.model import Edge, Node, Record

# Re-exported: the choices were defined here first.
from kgtwin.store.commit import COMMITS as COMMITS
from kgtwin.store.commit import Commit as Commit

if TYPE_CHECKING:  # in annotations only: importing the protocol loads neither
    import networkx as nx
    import pandas as pd

    from kgtwin.store.frames import SubgraphFrames

Direction = Literal["out", "in", "both"]


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A source file as the ledger knows it. Same fields = same source = no-op re-load."""

    name: str
    version: str
    checksum: str
    loader: str
    path: str = ""
    options: Mapping[str, object] = field(default_factory=dict)

    @property
    def options_text(self) -> str:
        return json.dumps(dict(self.options), sort_keys=True, default=str)


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One load of one source: when, by what, and how many records it read."""

    source: SourceInfo
    loaded_at: str
    nodes: int
    edges: int
    measurements: int
    #: read = stored + merged + rejected, with the rejections (``kgtwin.load``); None
    #: for loads by a kgtwin before reconciliation.
    reconciliation: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class LoadCounts:
    """Records read from one load, how many made a new node or edge, the store's size."""

    nodes: int = 0
    edges: int = 0
    measurements: int = 0
    total_nodes: int = 0
    total_edges: int = 0
    #: Node and edge records that added a node or edge (the rest merged into one); None
    #: where a store cannot tell.
    new_nodes: int | None = None
    new_edges: int | None = None


@dataclass(frozen=True, slots=True)
class GraphCounts:
    """What ``kgtwin status`` shows."""

    nodes: int
    edges: int
    nodes_by_category: dict[str, int]
    edges_by_predicate: dict[str, int]
    unaligned_nodes: int
    unaligned_edges: int
    measurements: int


@dataclass(frozen=True, slots=True)
class Neighbor:
    """A node next to another, with the edge between them and which way it points."""

    node: Node
    edge: Edge
    direction: Literal["out", "in"]


@runtime_checkable
class GraphStore(Protocol):
    """One graph, persisted. Every back end implements this with identical behaviour."""

    # --- writing ---------------------------------------------------------------------
    def load(self, records: Iterable[Record], source: SourceInfo) -> LoadCounts:
        """Merge ``records`` from ``source`` atomically and record it in the ledger.

        A :class:`~kgtwin.model.MeasurementBlock` means exactly its rows
        (:meth:`~kgtwin.model.MeasurementBlock.rows`); ``LoadCounts.measurements``
        counts values, not blocks.
        """
        ...

    def is_loaded(self, source: SourceInfo) -> bool:
        """Whether exactly this source (name, version, checksum, loader, options) is in."""
        ...

    def record_reconciliation(self, source: SourceInfo, account: Mapping[str, object]) -> None:
        """Keep a load's reconciliation on its ledger entry (the source's latest load)."""
        ...

    def remove_source(self, name: str) -> int:
        """Withdraw a source's statements (e.g. a model's predictions); returns edges removed.

        Edges and nodes that other sources also state stay, without this provenance.
        """
        ...

    # --- reading ---------------------------------------------------------------------
    def ledger(self) -> list[LedgerEntry]: ...

    def incomplete_loads(self) -> list[SourceInfo]:
        """Sources whose load began but is not in the ledger: a load committed batch by
        batch that stopped (loading the source again completes it). Always empty where
        loads land whole."""
        ...

    def resolve(self, id: str) -> str | None:
        """The id of the node that ``id`` (any known equivalent, any spelling) names."""
        ...

    def node(self, id: str) -> Node | None: ...

    def nodes(self, *, category: str | None = None) -> Iterator[Node]:
        """Nodes of ``category`` or any of its descendants (all nodes when None)."""
        ...

    def edges(
        self, *, predicate: str | None = None, subject: str | None = None, object: str | None = None
    ) -> Iterator[Edge]: ...

    def neighbors(
        self,
        id: str,
        *,
        predicate: str | None = None,
        category: str | None = None,
        direction: Direction = "both",
    ) -> list[Neighbor]: ...

    def subgraph(
        self, seeds: Iterable[str], *, hops: int = 1, predicates: Iterable[str] | None = None
    ) -> nx.MultiDiGraph:
        """Nodes within ``hops`` of the seeds and the edges that reach them."""
        ...

    def subgraph_frames(
        self, seeds: Iterable[str], *, hops: int = 1, predicates: Iterable[str] | None = None
    ) -> SubgraphFrames:
        """The same nodes and edges as :meth:`subgraph`, as two DataFrames (no networkx)."""
        ...

    def paths(
        self, source: str, target: str, *, max_length: int = 3, limit: int = 100
    ) -> list[list[Edge]]:
        """Simple paths between two nodes, ignoring edge direction, shortest first."""
        ...

    def counts(self) -> GraphCounts: ...

    def nodes_frame(self, *, category: str | None = None) -> pd.DataFrame: ...

    def edges_frame(self, *, predicate: str | None = None) -> pd.DataFrame: ...

    def measurements(
        self, *, entity: str | None = None, feature: str | None = None, kind: str | None = None
    ) -> pd.DataFrame:
        """Per-sample values (columns: entity, feature, kind, value, zscore)."""
        ...

    def checksum(self) -> str:
        """A digest of the graph's content: the exact graph version models record."""
        ...

    def close(self) -> None: ...
