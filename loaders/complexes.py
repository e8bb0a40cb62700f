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
``unresolved_genes=keep`` it is still a complex, its unresolved members kept by symbol
(``hgnc.symbol:X``, ``SYMBOL-X`` in its id) as any unknown symbol is. A name
with a member that is recognisably no human gene, a ChEBI entity (OmniPath writes
``CHEBI_29035``) or a UniProt accession no human gene has (viral proteins such as
``P03205``), is valid data kgtwin cannot represent: kgtwin builds complexes of human
genes only, and keeping the name as one gene symbol would store a gene that does not
exist. Its row is passed over whatever ``unresolved_genes`` says, counted by kind
with the members named (:meth:`ComplexNames.account`), never refused as bad. A
complex whose own row is refused for its other end (an unknown partner symbol) is still
stored with its members: it is valid, only the interaction is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from kgtwin.errors import KgTwinError
from kgtwin.genes import SYMBOL, GeneIndex, Resolution, fetch_hint, gene_index
from kgtwin.model import Edge, Node, Record

PREFIX = "KGTWIN.COMPLEX"
COMPLEX = "biolink:MacromolecularComplex"
HAS_PART = "biolink:has_part"
GENE = "biolink:Gene"
SEPARATOR = "_"
#: ``complexes`` option values.
COMPLEX_POLICIES = ("members", "off")
#: How many members of a kind the passed-over reason names.
MEMBERS_LISTED = 8


class UnresolvedMembers(ValueError):
    """Some parts of a member-joined name are genes and some are not."""


#: Why a row naming a complex with a member that is no human gene gives no edge.
CHEBI_MEMBER = "a complex with a ChEBI member (OmniPath's CHEBI_n)"
FOREIGN_MEMBER = ("a complex with a UniProt member no human gene has (a viral or other "
                  "non-human protein)")
HUMAN_ONLY = "kgtwin builds complexes of human genes only"


class NonGeneMembers(UnresolvedMembers):
    """A member-joined name has a member that is no human gene (ChEBI, viral UniProt):
    valid data kgtwin cannot represent, so its row is passed over, not refused."""

    def __init__(self, message: str, members: list[str]):
        super().__init__(message)
        self.members = members

    @property
    def kind(self) -> str:
        """The passed-over reason: a ChEBI member, else a non-human protein member."""
        return CHEBI_MEMBER if any(m.startswith("CHEBI:") for m in self.members) \
            else FOREIGN_MEMBER


#: The six-character ``O/P/Q`` form of a UniProt accession (``P03205``, ``Q7TFA0``):
#: the other forms are spelt like gene symbols (``H2BC11``), so they are not taken as one.
_SWISSPROT = re.compile(r"^[OPQ]\d[A-Z0-9]{3}\d$")


def _parts(text: str) -> list[str]:
    """A member-joined name's members; OmniPath writes a ChEBI member ``CHEBI_29035``,
    split here by ``_`` too, so ``CHEBI`` and the number after it are one ``CHEBI:n``."""
    split = [p for p in text.split(SEPARATOR) if p]
    parts: list[str] = []
    for part in split:
        if parts and parts[-1] == "CHEBI" and part.isdigit():
            parts[-1] = f"CHEBI:{part}"
        else:
            parts.append(part)
    return parts


def _non_gene(part: str) -> str:
    if part.startswith("CHEBI:"):
        return f"member {part} is a ChEBI entity, not a gene"
    return (f"member {part} is a UniProt accession (UniProtKB:{part}) that no human gene "
            "in the gene index has (a viral or other non-human protein)")


def _member_key(member: str) -> tuple[int, int, str]:
    """HGNC ids by number, then members kept by symbol (``hgnc.symbol:X``) by name."""
    prefix, _, local = member.partition(":")
    return (0, int(local), "") if prefix == "HGNC" else (1, 0, local)


def complex_id(members: list[str]) -> str:
    """The order-independent id of a member set: ``HGNC-<n>`` for an HGNC gene,
    ``SYMBOL-<X>`` for a member kept by symbol (``unresolved_genes=keep``)."""
    ordered = sorted(set(members), key=_member_key)
    return f"{PREFIX}:" + "+".join(
        f"HGNC-{m.partition(':')[2]}" if m.startswith("HGNC:") else
        f"SYMBOL-{m.partition(':')[2]}" for m in ordered)


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
        #: Edges passed over for a complex with a member that is no human gene, and
        #: those members, by kind (:data:`CHEBI_MEMBER`, :data:`FOREIGN_MEMBER`).
        self.non_gene_edges: dict[str, int] = {}
        self.non_gene_members: dict[str, set[str]] = {}
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

    def pass_over(self, why: NonGeneMembers, edges: int = 1) -> None:
        """Counts ``edges`` not made for a complex with a member that is no human gene."""
        self.non_gene_edges[why.kind] = self.non_gene_edges.get(why.kind, 0) + edges
        self.non_gene_members.setdefault(why.kind, set()).update(why.members)

    def account(self, pass_over: Callable[[str, int], None]) -> None:
        """Gives the loader's ``pass_over`` the edges not made, one reason per kind
        naming its members (the end of the load lists them), once the rows are read."""
        for kind, edges in sorted(self.non_gene_edges.items()):
            members = sorted(self.non_gene_members[kind])
            more = f" and {len(members) - MEMBERS_LISTED} more" \
                if len(members) > MEMBERS_LISTED else ""
            pass_over(f"{kind}: {HUMAN_ONLY} ({len(members)} such members: "
                      f"{', '.join(members[:MEMBERS_LISTED])}{more})", edges)
        self.non_gene_edges.clear()
        self.non_gene_members.clear()

    def _members(self, text: str) -> list[str] | None:
        if self.index.resolve_symbol(text).hgnc is not None:
            return None  # the whole name is a gene
        parts = _parts(text)
        resolved = [self._member(p) for p in parts]
        others = [p for p, r in zip(parts, resolved, strict=True) if r is None]
        if others:
            raise NonGeneMembers(
                f"complex {text!r}: {'; '.join(_non_gene(p) for p in others)}. "
                f"{HUMAN_ONLY}, so the row is passed over whatever unresolved_genes says "
                "(storing the name as one gene would be wrong)", others)
        missing = [r for r in resolved if r is not None and r.hgnc is None]
        if len(missing) == len(parts):
            return None  # no part is a gene: a symbol, refused or kept as one
        if missing:
            for r in missing:
                self.unresolved.setdefault(r.value, r.reason())
            if self.keep:  # a complex still: its unknown members kept by symbol
                return [r.hgnc or f"{SYMBOL}:{r.value}" for r in resolved if r is not None]
            raise UnresolvedMembers(
                f"complex {text!r}: member {', '.join(repr(r.value) for r in missing)} "
                f"not resolved ({'; '.join(r.reason() for r in missing)}; "
                f"{fetch_hint(self.index)})")
        return [r.hgnc for r in resolved if r is not None and r.hgnc is not None]

    def _member(self, part: str) -> Resolution | None:
        """A part's gene resolution; None for a member that is no human gene (a ChEBI
        entity, a UniProt accession of a protein no human gene has)."""
        if part.startswith("CHEBI:"):
            return None
        found = self.index.resolve_symbol(part)
        if found.hgnc is None and _SWISSPROT.match(part):
            by_accession = self.index.resolve(f"UniProtKB:{part}")
            if by_accession.how == "ambiguous":  # a human accession several genes have
                return replace(by_accession, value=part)
            return by_accession if by_accession.hgnc is not None else None
        return found

    def records(self, members: list[str], seen: set[str]) -> tuple[str, list[Record]]:
        """The complex's id, and its node and ``has_part`` edges the first time seen."""
        ident = complex_id(members)
        if ident in seen:
            return ident, []
        seen.add(ident)
        ordered = sorted(set(members), key=_member_key)
        name = SEPARATOR.join(sorted(self.index.symbol(m) or m.partition(":")[2]
                                     for m in ordered))
        out: list[Record] = [Node(id=ident, category=COMPLEX, name=name)]
        out.extend(Edge(ident, HAS_PART, m) for m in ordered)
        return ident, out

