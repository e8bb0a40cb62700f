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
"""

from __future__ import annotations

from collections.abc import Iterator

from kgtwin.loaders.base import Loader, read_rows
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


#: Words a SIF header line has where a relation would be (the line is then skipped).
HEADER_WORDS = {"interaction", "relation", "effect", "sign", "type", "edge", "relationship"}


class SifLoader(Loader):
    """SIF: ``source relation target [target…]``, tab- or space-separated; a first
    line naming its columns (``source interaction target``) is a header, skipped."""

    name = "sif"
    description = "SIF signed interactions (A -> B, A -| B, A activates B) -> regulates edges"

    def records(self) -> Iterator[Record]:
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
                predicate, sign = found
                for target in parts[2:]:
                    yield Edge(gene_curie(parts[0]), predicate, gene_curie(target),
                               qualifiers=direction(sign))


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

    def row(self, row: dict[str, str], columns: dict[str, str],
            seen: set[str]) -> Iterator[Record]:
        if not any(r in columns for r in ("effect", "stimulation", "inhibition")):
            # A file without a sign says nothing this loader can read: not a bad row.
            raise InputError(self.path, self.position, "no effect column (effect/EFFECT/sign) "
                             "and no is_stimulation/is_inhibition columns")
        yield from self._row(row, columns, seen)

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

    def _entity(self, row: dict[str, str], columns: dict[str, str], side: str,
                seen: set[str]) -> tuple[str, Node | None]:
        value = cell(row, columns, side)
        database = cell(row, columns, f"{side}_db").lower()
        kind = cell(row, columns, f"{side}_type").lower()
        if database in DATABASES and ":" not in value:
            value = f"{DATABASES[database]}:{value}"
        ident = gene_curie(value)
        if kind in ENTITY_TYPES and ident not in seen:
            seen.add(ident)
            return ident, Node(id=ident, category=ENTITY_TYPES[kind],
                               name=cell(row, columns, f"{side}_name") or None)
        return ident, None

    def _row(self, row: dict[str, str], columns: dict[str, str],
             seen: set[str]) -> Iterator[Record]:
        if not cell(row, columns, "source") or not cell(row, columns, "target"):
            self.reject("interaction without a source or a target")
            return
        kind = self._kind(row, columns)
        if kind is None:
            return
        source, source_node = self._entity(row, columns, "source", seen)
        target, target_node = self._entity(row, columns, "target", seen)
        yield from (n for n in (source_node, target_node) if n is not None)
        properties: dict[str, object] = {}
        for role in ("effect", "mechanism", "record"):
            if cell(row, columns, role):
                properties[role] = cell(row, columns, role)
        references = split_list(cell(row, columns, "references"), "|;,")
        if references:
            properties["references"] = references
        predicate, sign = kind
        yield Edge(source, predicate, target, qualifiers=direction(sign), properties=properties)
