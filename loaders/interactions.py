"""Signed interactions: SIF (``A -> B``, ``A -| B``) and SIGNOR/OmniPath-style tables.

A signed, directed interaction is ``regulator biolink:regulates target`` with the
direction qualifier (``increased`` for activation, ``decreased`` for inhibition); a
directed one without a sign is ``regulates`` without it; an undirected one (OmniPath
``is_directed = 0``, SIGNOR ``form complex``) is ``biolink:interacts_with``. These are
the edges a twin turns into logical rules, so an unknown relation word is a bad record,
not a silent guess.

Tables are read by their header: OmniPath (``source``, ``target``, ``is_stimulation``,
``is_inhibition``, ``consensus_*``), SIGNOR (``IDA``, ``IDB``, ``EFFECT``, ``DATABASEA``,
``TYPEA``, ``MECHANISM``, ``PMID``) or a plain ``source``, ``target``, ``effect`` table.

Both loaders read OmniPath's member-joined complex names (``ABI1_BRK1_CYFIP1``) as
protein complexes with ``has_part`` edges to their members (:mod:`kgtwin.loaders.complexes`;
``--option complexes=off`` reads them as symbols).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows
from kgtwin.loaders.complexes import ComplexNames, NonGeneMembers, UnresolvedMembers
from kgtwin.loaders.naming import direction, gene_curie, split_list
from kgtwin.loaders.tables import RoleTableLoader, cell

from kgtwin.errors import InputError
from kgtwin.model import Edge, Node, Record

REGULATES = "biolink:regulates"
INTERACTS = "biolink:interacts_with"

#: Relation words -> (predicate, sign).
RELATIONS: dict[str, tuple[str, int]] = {
    **{w: (REGULATES, 1) for w in ("->", "activates", "activation", "stimulates",
                                   "stimulation", "+", "1", "positive", "up-regulates",
                                   "upregulates", "induces", "promotes")},
    **{w: (REGULATES, -1) for w in ("-|", "inhibits", "inhibition", "represses",
                                    "repression", "-", "-1", "negative", "down-regulates",
                                    "downregulates", "suppresses")},
    **{w: (REGULATES, 0) for w in ("regulates", "unknown", "controls-state-change-of",
                                   "controls-expression-of", "controls-transport-of",
                                   "controls-phosphorylation-of", "0")},
    **{w: (INTERACTS, 0) for w in ("pp", "interacts-with", "interacts_with",
                                   "in-complex-with", "form complex", "binding")},
}

#: SIGNOR entity types that are not genes -> their Biolink class.
ENTITY_TYPES = {
    "complex": "biolink:MacromolecularComplex",
    "proteinfamily": "biolink:GeneFamily",
    "phenotype": "biolink:BiologicalProcess",
    "chemical": "biolink:ChemicalEntity",
    "smallmolecule": "biolink:SmallMolecule",
    "mirna": "biolink:MicroRNA",
    "stimulus": "biolink:Phenomenon",
}
DATABASES = {"uniprot": "UniProtKB", "pubchem": "CID", "signor": "signor",
             "mirbase": "mirbase", "ensembl": "ENSEMBL", "ncbi": "NCBIGene"}


def relation(word: str) -> tuple[str, int] | None:
    """(predicate, sign) for a relation word; SIGNOR's ``up-regulates activity`` counts as
    ``up-regulates``."""
    text = word.strip().lower()
    if text in RELATIONS:
        return RELATIONS[text]
    for stem in ("up-regulates", "down-regulates"):
        if text.startswith(stem):
            return RELATIONS[stem]
    return None


def _endpoint(loader: Loader, names: ComplexNames, value: str,
              edges: int = 1) -> list[str] | str | None:
    """A gene id, or a complex's member ids; None when the end gives no edge: refused
    (a complex with an unresolved member), or, for a complex with a member that is no
    human gene, its ``edges`` passed over (counted at the end by :meth:`ComplexNames.account`)."""
    try:
        members = names.members(value)
    except NonGeneMembers as why:
        names.pass_over(why, edges)
        return None
    except UnresolvedMembers as why:
        loader.reject(str(why))
        return None
    return gene_curie(value) if members is None else members


def _described(names: ComplexNames, end: list[str] | str,
               seen: set[str]) -> tuple[str, list[Record]]:
    """The id of an end, and the records of a complex met for the first time."""
    return (end, []) if isinstance(end, str) else names.records(end, seen)


#: Words a SIF header line has where a relation would be (the line is then skipped).
HEADER_WORDS = {"interaction", "relation", "effect", "sign", "type", "edge", "relationship"}


class SifLoader(Loader):
    """SIF: ``source relation target [target…]``, tab- or space-separated; a first
    line naming its columns (``source interaction target``) is a header, skipped."""

    name = "sif"
    description = "SIF signed interactions (A -> B, A -| B, A activates B) -> regulates edges"
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "1 source": "a gene symbol or id, or a member-joined complex (A_B_C)",
        "2 relation": "->, -|, activates, inhibits, 1, -1, …: the sign",
        "3 … last: targets": "one signed regulates edge per target",
    }
    fixed_why = ("SIF is positional (a header line naming the columns is skipped); a table "
                 "with named columns loads with the signed-interactions loader, which "
                 "takes --option columns=")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 genes: str | None = None, unresolved_genes: str = "reject",
                 complexes: str = "members"):
        """``complexes``: ``members`` reads ``A_B_C`` as a complex of genes A, B, C when
        all are genes, ``off`` reads every name as one symbol."""
        super().__init__(paths, skip_bad=skip_bad)
        self.genes = ComplexNames(genes, keep=unresolved_genes == "keep", policy=complexes)

    def records(self) -> Iterator[Record]:
        seen: set[str] = set()
        for path in self.paths:
            for row in read_rows(self, path, header=False):
                parts = row if len(row) > 1 else row[0].split()
                parts = [p.strip() for p in parts if p.strip()]
                if not parts or parts[0].startswith("#"):
                    continue
                if len(parts) < 3:
                    self.reject(f"a SIF line needs source, relation and target; found {parts}")
                    continue
                found = relation(parts[1])
                if found is None and self.position == 1 and parts[1].lower() in HEADER_WORDS:
                    continue  # a header line (CARNIVAL's ``source interaction target``)
                if found is None:
                    self.reject(f"unknown relation {parts[1]!r} (known: ->, -|, activates, "
                                "inhibits, pp, …)")
                    continue
                yield from self._line(parts, found, seen)
        self.genes.account(self.pass_over)

    def _line(self, parts: list[str], found: tuple[str, int],
              seen: set[str]) -> Iterator[Record]:
        """A line's edges, source to each target; a target that is a complex with a
        member that is no human gene is passed over alone, an unresolved one refuses
        the line."""
        predicate, sign = found
        rejected = self.bad.count
        source = _endpoint(self, self.genes, parts[0], edges=len(parts) - 2)
        if source is None:
            return
        targets = []
        for part in parts[2:]:
            targets.append(_endpoint(self, self.genes, part))
            if self.bad.count > rejected:
                return
        ident, described = _described(self.genes, source, seen)
        yield from described
        for target in targets:
            if target is None:
                continue
            other, described = _described(self.genes, target, seen)
            yield from described
            yield Edge(ident, predicate, other, qualifiers=direction(sign))


TABLE_COLUMNS = {
    "source": ["source", "IDA", "source_id", "regulator", "from", "node1"],
    "target": ["target", "IDB", "target_id", "regulated", "to", "node2"],
    "source_db": ["DATABASEA", "source_database"],
    "target_db": ["DATABASEB", "target_database"],
    "source_type": ["TYPEA", "source_type"],
    "target_type": ["TYPEB", "target_type"],
    "source_name": ["ENTITYA", "source_genesymbol", "source_name"],
    "target_name": ["ENTITYB", "target_genesymbol", "target_name"],
    "effect": ["EFFECT", "effect", "sign", "interaction", "relation", "effect_type"],
    "stimulation": ["consensus_stimulation", "is_stimulation"],
    "inhibition": ["consensus_inhibition", "is_inhibition"],
    "directed": ["consensus_direction", "is_directed"],
    "mechanism": ["MECHANISM", "mechanism"],
    "references": ["PMID", "references", "pmids", "pubmed"],
    "record": ["SIGNOR_ID", "interaction_id", "record_id"],
}


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "t"}


class SignedInteractionLoader(RoleTableLoader):
    """SIGNOR / OmniPath / plain signed interaction tables (TSV or CSV)."""

    name = "signed-interactions"
    description = ("SIGNOR or OmniPath-style TSV with an effect column (or is_stimulation/"
                   "is_inhibition) -> signed regulates edges")
    roles = TABLE_COLUMNS
    required = ("source", "target")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 delimiter: str | None = None, columns: str | None = None,
                 genes: str | None = None, unresolved_genes: str = "reject",
                 complexes: str = "members"):
        """``complexes``: ``members`` reads ``A_B_C`` as a complex of genes A, B, C when
        all are genes, ``off`` reads every name as one symbol."""
        super().__init__(paths, skip_bad=skip_bad, delimiter=delimiter, columns=columns)
        self.genes = ComplexNames(genes, keep=unresolved_genes == "keep", policy=complexes)

    def row(self, row: dict[str, str], columns: dict[str, str],
            seen: set[str]) -> Iterator[Record]:
        if not any(r in columns for r in ("effect", "stimulation", "inhibition")):
            # A file without a sign says nothing this loader can read: not a bad row.
            raise InputError(self.path, self.position, "no effect column (effect/EFFECT/sign) "
                             "and no is_stimulation/is_inhibition columns")
        yield from self._row(row, columns, seen)

    def records(self) -> Iterator[Record]:
        yield from super().records()
        self.genes.account(self.pass_over)

    def _kind(self, row: dict[str, str], columns: dict[str, str]) -> tuple[str, int] | None:
        if "effect" in columns:
            found = relation(cell(row, columns, "effect") or "unknown")
            if found is None:
                self.reject(f"unknown effect {cell(row, columns, 'effect')!r}")
            return found
        if "directed" in columns and not _flag(cell(row, columns, "directed")):
            return INTERACTS, 0
        stimulation = _flag(cell(row, columns, "stimulation"))
        inhibition = _flag(cell(row, columns, "inhibition"))
        return REGULATES, (stimulation and not inhibition) - (inhibition and not stimulation)

    def _entity(self, row: dict[str, str], columns: dict[str, str],
                side: str) -> tuple[str | list[str], Node | None] | None:
        """The end's gene id or complex members, and a SIGNOR non-gene entity's node;
        None when the row is refused."""
        value = cell(row, columns, side)
        database = cell(row, columns, f"{side}_db").lower()
        kind = cell(row, columns, f"{side}_type").lower()
        if database in DATABASES and ":" not in value:
            value = f"{DATABASES[database]}:{value}"
        if kind in ENTITY_TYPES:
            ident = gene_curie(value)
            return ident, Node(id=ident, category=ENTITY_TYPES[kind],
                               name=cell(row, columns, f"{side}_name") or None)
        end = _endpoint(self, self.genes, value)
        return None if end is None else (end, None)

    def _row(self, row: dict[str, str], columns: dict[str, str],
             seen: set[str]) -> Iterator[Record]:
        if not cell(row, columns, "source") or not cell(row, columns, "target"):
            self.reject("interaction without a source or a target")
            return
        kind = self._kind(row, columns)
        if kind is None:
            return
        source_end = self._entity(row, columns, "source")
        target_end = self._entity(row, columns, "target") if source_end else None
        if source_end is None or target_end is None:
            return
        ids = []
        for end, node in (source_end, target_end):
            ident, described = _described(self.genes, end, seen)
            ids.append(ident)
            if node is not None and ident not in seen:
                seen.add(ident)
                described = [node]
            yield from described
        source, target = ids
        properties: dict[str, object] = {}
        for role in ("effect", "mechanism", "record"):
            if cell(row, columns, role):
                properties[role] = cell(row, columns, role)
        references = split_list(cell(row, columns, "references"), "|;,")
        if references:
            properties["references"] = references
        predicate, sign = kind
        yield Edge(source, predicate, target, qualifiers=direction(sign), properties=properties)
