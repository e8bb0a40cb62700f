"""Alignment: records from any loader put into canonical ids and Biolink vocabulary.

Sits between loaders and stores (DESIGN.md's flow of data), so no loader has to
remember to normalise and no store has to guess. Records a loader marked unaligned
(values kept in a user namespace) pass through untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from kgtwin.biolink import Biolink, default_biolink
from kgtwin.errors import InvalidIdentifierError
from kgtwin.ids import IdNormaliser, default_normaliser
from kgtwin.model import Edge, Measurement, MeasurementBlock, Node, Record


@dataclass
class Aligner:
    """Normalises ids, categories and predicates; raises a KgTwinError naming the value."""

    biolink: Biolink = field(default_factory=default_biolink)
    ids: IdNormaliser = field(default_factory=default_normaliser)
    #: Xrefs dropped because no registry knows them (they never fail a record).
    dropped_xrefs: int = 0
    #: Predicates as written -> canonical (a load uses few; Biolink lookups are not free).
    _predicates: dict[str, str] = field(default_factory=dict, repr=False)

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
        return replace(
            node,
            id=self.ids.normalize(node.id),
            category=self.biolink.category(node.category),
            xrefs=tuple(xrefs),
        )

    def edge(self, edge: Edge) -> Edge:
        if not edge.aligned:
            return edge
        subject = self.ids.normalize(edge.subject)
        predicate = self._predicates.get(edge.predicate)
        if predicate is None:
            predicate = self._predicates[edge.predicate] = self.biolink.predicate(edge.predicate)
        object_ = self.ids.normalize(edge.object)
        if (subject, predicate, object_) == (edge.subject, edge.predicate, edge.object):
            return edge  # already canonical: no copy (the bulk of a large load)
        return replace(edge, subject=subject, predicate=predicate, object=object_)

    def measurement(self, measurement: Measurement) -> Measurement:
        entity = self.ids.normalize(measurement.entity)
        feature = self.ids.normalize(measurement.feature)
        if entity == measurement.entity and feature == measurement.feature:
            return measurement  # already canonical: matrices are millions of these
        return replace(measurement, entity=entity, feature=feature)

    def block(self, block: MeasurementBlock) -> MeasurementBlock:
        """Each of a block's ids normalised once (its values are left as they are)."""
        entities = tuple(self.ids.normalize(e) for e in block.entities)
        features = tuple(self.ids.normalize(f) for f in block.features)
        if entities == block.entities and features == block.features:
            return block
        return replace(block, entities=entities, features=features)
