"""Alignment: records from any loader put into canonical ids and Biolink vocabulary.

Sits between loaders and stores (DESIGN.md's flow of data), so no loader has to
remember to normalise and no store has to guess. Records a loader marked unaligned
(values kept in a user namespace) pass through untouched.

Gene ids of every spelling (symbol, Entrez, Ensembl, UniProt, HGNC) go through the one
gene index (:mod:`kgtwin.genes`) and become HGNC ids here, so Hetionet's
``NCBIGene:1555`` and a DrugBank table's ``UniProtKB:P20813`` meet on ``HGNC:2615``.
A gene symbol the index cannot resolve is rejected, or with ``unresolved_genes=keep``
kept as ``hgnc.symbol:X``; either way it is counted and listed in the load report. Ids
of a gene namespace the index does not know (a mouse Entrez id, a newer gene) are kept
as they are and listed too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from kgtwin.biolink import Biolink, default_biolink
from kgtwin.errors import InvalidIdentifierError, KgTwinError, VocabularyError
from kgtwin.genes import GENE_PREFIXES, SYMBOL, GeneIndex, fetch_hint, gene_index
from kgtwin.ids import IdNormaliser, default_normaliser
from kgtwin.model import Edge, Measurement, MeasurementBlock, Node, Record

#: What to do with a gene symbol the index cannot resolve.
UNRESOLVED_POLICIES = ("reject", "keep")
CACHE_LIMIT = 1_000_000
#: The edge property keeping the predicate a file wrote when kgtwin stored the edge under
#: the current name Biolink gives that relation (``biolink_renamed_predicates.yaml``).
ORIGINAL_PREDICATE = "original_predicate"


@dataclass
class Aligner:
    """Normalises ids, categories and predicates; raises a KgTwinError naming the value."""

    biolink: Biolink = field(default_factory=default_biolink)
    ids: IdNormaliser = field(default_factory=default_normaliser)
    #: Xrefs dropped because no registry knows them (they never fail a record).
    dropped_xrefs: int = 0
    #: The gene table (``--option genes=FILE``); None: the environment, cache or shipped.
    genes: str | Path | None = None
    #: ``reject`` a gene symbol the index cannot resolve, or ``keep`` it by symbol.
    unresolved_genes: str = "reject"
    #: Gene values the index could not resolve -> why (listed in the load report).
    unresolved: dict[str, str] = field(default_factory=dict)
    #: Edges stored under the current name of another Biolink release's predicate:
    #: ``"old -> current"`` -> count (the load's account lists them).
    renamed: dict[str, int] = field(default_factory=dict)
    #: Predicates as written -> canonical (a load uses few; Biolink lookups are not free).
    _predicates: dict[str, str] = field(default_factory=dict, repr=False)
    #: Names written that are another Biolink release's predicate -> "old -> current".
    _renamed_names: dict[str, str] = field(default_factory=dict, repr=False)
    #: Ids as written -> canonical (gene ids resolved), bounded like the normaliser's cache.
    _canonical: dict[str, str] = field(default_factory=dict, repr=False)
    _index: GeneIndex | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.unresolved_genes not in UNRESOLVED_POLICIES:
            raise KgTwinError(f"unresolved_genes={self.unresolved_genes!r}: expected one of "
                              f"{', '.join(UNRESOLVED_POLICIES)}")

    @property
    def gene_index(self) -> GeneIndex:
        """The index, read on the first gene id (loads without genes never pay for it)."""
        if self._index is None:
            self._index = gene_index(self.genes)
        return self._index

    def canonical(self, value: str) -> str:
        """The canonical id of ``value``; gene ids become HGNC ids where the index knows."""
        found = self._canonical.get(value)
        if found is None:
            found = self._canonical_uncached(value)
            if len(self._canonical) >= CACHE_LIMIT:
                self._canonical.clear()
            self._canonical[value] = found
        return found

    def _canonical_uncached(self, value: str) -> str:
        prefix, sep, local = value.partition(":") if isinstance(value, str) else ("", "", "")
        if sep and prefix.strip().casefold() == SYMBOL:
            return self._symbol(local.strip(), value)
        curie = self.ids.normalize(value)
        if curie.partition(":")[0] not in GENE_PREFIXES:
            return curie
        resolution = self.gene_index.resolve(curie)
        if resolution.hgnc is None:
            self.unresolved.setdefault(curie, resolution.reason())
            if resolution.how == "ambiguous" and self.unresolved_genes != "keep":
                # An id HGNC gives to several genes: refused as an ambiguous alias is
                # (any one gene would be a guess); kept as written with keep.
                raise InvalidIdentifierError(f"{resolution.reason()} "
                                             f"({fetch_hint(self.gene_index)})")
            return curie
        return resolution.hgnc

    def _symbol(self, symbol: str, value: str) -> str:
        if not symbol:
            raise InvalidIdentifierError(f"{value!r} names no gene symbol")
        resolution = self.gene_index.resolve_symbol(symbol, value=symbol)
        if resolution.hgnc is not None:
            return resolution.hgnc
        if resolution.how == "unknown":
            # Tables write a protein's UniProt accession where it has no symbol; one that
            # is a human gene's accession names that gene (never guessed from the shape).
            by_accession = self.gene_index.resolve(f"UniProtKB:{symbol}")
            if by_accession.how == "id":
                return by_accession.hgnc  # type: ignore[return-value]
            if by_accession.how == "ambiguous":  # a human accession several genes have
                resolution = by_accession
                if self.unresolved_genes == "keep":
                    self.unresolved.setdefault(symbol, resolution.reason())
                    return f"UniProtKB:{symbol}"
        self.unresolved.setdefault(symbol, resolution.reason())
        if self.unresolved_genes == "keep":
            return f"{SYMBOL}:{symbol}"
        raise InvalidIdentifierError(f"{resolution.reason()} ({fetch_hint(self.gene_index)})")

    def __call__(self, record: Record) -> Record:
        if isinstance(record, Node):
            return self.node(record)
        if isinstance(record, Edge):
            return self.edge(record)
        if isinstance(record, MeasurementBlock):
            return self.block(record)
        return self.measurement(record)

    def node(self, node: Node) -> Node:
        if not node.aligned:
            return node
        xrefs = []
        for xref in node.xrefs:
            try:
                xrefs.append(self.ids.normalize(xref))
            except InvalidIdentifierError:
                self.dropped_xrefs += 1
        ident = self.canonical(node.id)
        name = node.name
        if ident.startswith("HGNC:") and ident != node.id:
            # The spelling the source used stays findable; a record that only became the
            # HGNC id here must not name the gene (the store names a node after the record
            # carrying its preferred id): the approved symbol does.
            written = self._as_written(node.id)
            if written != ident and written not in xrefs:
                xrefs.append(written)
            name = self.gene_index.symbol(ident) or name
        category = self.biolink.category(node.category)
        xrefs_ = tuple(xrefs)
        if (ident, name, category, xrefs_) == (node.id, node.name, node.category, node.xrefs):
            return node  # already canonical: no copy (most nodes of a large load)
        return replace(node, id=ident, name=name, category=category, xrefs=xrefs_)

    def _as_written(self, value: str) -> str:
        """The source's own id as an xref (a symbol as ``hgnc.symbol:X``)."""
        prefix, _, local = value.partition(":")
        if prefix.strip().casefold() == SYMBOL:
            return f"{SYMBOL}:{local.strip()}"
        return self.ids.normalize(value)

    def edge(self, edge: Edge) -> Edge:
        if not edge.aligned:
            return edge
        subject = self.canonical(edge.subject)
        predicate = self._predicates.get(edge.predicate)
        if predicate is None:
            predicate = self.predicate(edge.predicate)
        object_ = self.canonical(edge.object)
        if (subject, predicate, object_) == (edge.subject, edge.predicate, edge.object):
            return edge  # already canonical: no copy (the bulk of a large load)
        renamed = self._renamed_names.get(edge.predicate)
        if renamed is not None:  # the file's own name stays on the edge, and is counted
            self.renamed[renamed] = self.renamed.get(renamed, 0) + 1
            edge = replace(edge, properties={**edge.properties,
                                             ORIGINAL_PREDICATE: edge.predicate})
        return edge.between(subject, predicate, object_)

    def predicate(self, value: str) -> str:
        """The canonical Biolink predicate of ``value`` (cached: a load uses few)."""
        found = self._predicates.get(value)
        if found is None:
            try:
                found = self._predicates[value] = self.biolink.predicate(value)
            except VocabularyError as why:
                current = self.biolink.renamed_predicate(value)
                if current is not None:
                    self._renamed_names[value] = f"{value} -> {current}"
                    self._predicates[value] = current
                    return current
                releases = self.biolink.retired_predicate(value)
                history = (f"a predicate of Biolink {releases.replace('..', ' to ')}, "
                           "retired with no current predicate Biolink names the same "
                           "relation (most were split into a general predicate with "
                           "qualifiers)" if releases else "a file written for an older "
                           "Biolink may use a name since retired")
                raise VocabularyError(
                    f"{why}. It is not a predicate of Biolink {self.biolink.version}, the "
                    f"model kgtwin pins ({history}): kgtwin stores no predicate Biolink "
                    "does not define. "
                    "To keep these edges, rewrite the predicate in the file to a current "
                    "one that says what the file means; --skip-bad loads the rest and "
                    "lists each such edge") from None
        return found

    def current_predicate(self, value: str) -> str:
        """:meth:`predicate`, refusing another release's name: the columnar path keeps no
        ``original_predicate`` and counts nothing, so such a file goes record by record."""
        found = self.predicate(value)
        if value in self._renamed_names:
            raise KgTwinError(f"{self._renamed_names[value]}: a predicate of another "
                              "Biolink release")
        return found

    def measurement(self, measurement: Measurement) -> Measurement:
        entity = self.canonical(measurement.entity)
        feature = self.canonical(measurement.feature)
        if entity == measurement.entity and feature == measurement.feature:
            return measurement  # already canonical: matrices are millions of these
        return replace(measurement, entity=entity, feature=feature)

    def block(self, block: MeasurementBlock) -> MeasurementBlock:
        """Each of a block's ids normalised once (its values are left as they are)."""
        entities = tuple(self.canonical(e) for e in block.entities)
        features = tuple(self.canonical(f) for f in block.features)
        if entities == block.entities and features == block.features:
            return block
        return replace(block, entities=entities, features=features)
