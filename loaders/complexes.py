"""Protein complexes named by their members joined with ``_`` (OmniPath, CARNIVAL).

OmniPath's signed tables, and the CARNIVAL SIF-like files built from them, name a
complex by its member symbols: ``ABI1_BRK1_CYFIP1_NCKAP1_WASF1``. The rule, applied by
the ``signed-interactions`` and ``sif`` loaders (``--option complexes=off`` turns it off):
a name that is not itself a gene, and whose ``_``-split parts are all genes in the gene
index (:mod:`kgtwin.genes`), is a complex. It becomes one node per distinct member set:

* id ``KGTWIN.COMPLEX:HGNC-<n>+HGNC-<m>…``, the members' HGNC numbers in ascending order
  (so ``A_B`` and ``B_A`` are one node; the prefix is a kgtwin-local one, registered in
  ``ontologies/identity.yaml`` with the IRI base ``urn:kgtwin:complex:``);
* category ``biolink:MacromolecularComplex``, name the approved symbols in alphabetical
  order joined with ``_`` (OmniPath's own spelling);
* one ``biolink:has_part`` edge from the complex to each member gene.

A name with no ``_``, or none of whose parts is a gene, stays a gene symbol (refused by
the aligner if unknown: a single unresolved symbol is never split). A name with some
parts genes and some not is refused, naming the unresolved members; with
``unresolved_genes=keep`` it is kept whole by symbol, as any unknown symbol is. A
complex whose own row is refused for its other end (an unknown partner symbol) is still
stored with its members: it is valid, only the interaction is not.
"""

from __future__ import annotations

from pathlib import Path

from kgtwin.errors import KgTwinError
from kgtwin.genes import GeneIndex, fetch_hint, gene_index
from kgtwin.model import Edge, Node, Record

PREFIX = "KGTWIN.COMPLEX"
COMPLEX = "biolink:MacromolecularComplex"
HAS_PART = "biolink:has_part"
GENE = "biolink:Gene"
SEPARATOR = "_"
#: ``complexes`` option values.
COMPLEX_POLICIES = ("members", "off")


class UnresolvedMembers(ValueError):
    """Some parts of a member-joined name are genes and some are not."""


def complex_id(members: list[str]) -> str:
    """The order-independent id of a member set (HGNC ids)."""
    numbers = sorted({int(m.partition(":")[2]) for m in members})
    return f"{PREFIX}:" + "+".join(f"HGNC-{n}" for n in numbers)


class ComplexNames:
    """Tells member-joined complex names from gene symbols, with the one gene index.

    ``unresolved`` lists the members no gene answered to (the load report shows them);
    the index is read only when a name with ``_`` appears.
    """

    def __init__(self, genes: str | Path | None = None, *, keep: bool = False,
                 policy: str = "members"):
        if policy not in COMPLEX_POLICIES:
            raise KgTwinError(f"complexes={policy!r}: expected one of "
                             f"{', '.join(COMPLEX_POLICIES)}")
        self.source = genes
        self.keep = keep
        self.enabled = policy == "members"
        self.unresolved: dict[str, str] = {}
        self._index: GeneIndex | None = None
        self._found: dict[str, list[str] | None] = {}

    @property
    def index(self) -> GeneIndex:
        if self._index is None:
            self._index = gene_index(self.source)
        return self._index

    def members(self, name: str) -> list[str] | None:
        """The member HGNC ids of a complex name, or None when ``name`` is not one.

        Raises :class:`UnresolvedMembers` when some parts are genes and some are not.
        """
        text = name.strip()
        if not self.enabled or SEPARATOR not in text or ":" in text:
            return None
        if text not in self._found:
            self._found[text] = self._members(text)
        return self._found[text]

    def _members(self, text: str) -> list[str] | None:
        if self.index.resolve_symbol(text).hgnc is not None:
            return None  # the whole name is a gene
        parts = [p for p in text.split(SEPARATOR) if p]
        resolved = [self.index.resolve_symbol(p) for p in parts]
        missing = [r for r in resolved if r.hgnc is None]
        if len(missing) == len(parts):
            return None  # no part is a gene: a symbol, refused or kept as one
        if missing:
            for r in missing:
                self.unresolved.setdefault(r.value, r.reason())
            if self.keep:
                return None
            raise UnresolvedMembers(
                f"complex {text!r}: member {', '.join(repr(r.value) for r in missing)} "
                f"not resolved ({'; '.join(r.reason() for r in missing)}; "
                f"{fetch_hint(self.index)})")
        return [r.hgnc for r in resolved if r.hgnc is not None]

    def records(self, members: list[str], seen: set[str]) -> tuple[str, list[Record]]:
        """The complex's id, and its node and ``has_part`` edges the first time seen."""
        ident = complex_id(members)
        if ident in seen:
            return ident, []
        seen.add(ident)
        ordered = sorted(set(members), key=lambda m: int(m.partition(":")[2]))
        name = SEPARATOR.join(sorted(self.index.symbol(m) or m for m in ordered))
        out: list[Record] = [Node(id=ident, category=COMPLEX, name=name)]
        out.extend(Edge(ident, HAS_PART, m) for m in ordered)
        return ident, out

