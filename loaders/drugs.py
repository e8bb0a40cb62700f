"""Drugs: drug–target tables, ChEMBL activities and drug–indication tables.

A drug–target statement is ``drug biolink:affects target`` with the aspect qualifier
``activity``; when the action has a sign (inhibitor, antagonist: -1; agonist,
activator: +1; see :data:`kgtwin.loaders.naming.ACTION_SIGNS`) the edge carries the
direction qualifier, so an inhibitor is known to decrease its target's activity.
Targets may be named by UniProt, symbol, Entrez, Ensembl or CURIE; they land on the HGNC
gene node through its xrefs. DGIdb rows whose drug or gene claim DGIdb did not tie to
an id are passed over and counted (there is no drug or gene to state anything about).
An indication's statement follows its category (PharmacotherapyDB's DM, SYM, NOT) or
else its phase and status (see :class:`DrugIndicationLoader`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.base import read_rows
from kgtwin.loaders.naming import (
    ACCESSIONS,
    EITHER,
    SYMBOL,
    action_sign,
    direction,
    drug_curie,
    gene_curie,
    is_curie,
    split_list,
)
from kgtwin.loaders.tables import RoleTableLoader, cell, column_key

from kgtwin.model import Edge, Node, Record

log = logging.getLogger(__name__)

AFFECTS = "biolink:affects"
ASPECT = "object_aspect_qualifier"

DRUG_TARGET_COLUMNS = {
    "drug": ["drug_id", "drugbank_id", "DrugBank ID", "drug", "molecule_chembl_id",
             "chembl_id", "drug_curie", "drug_concept_id", "drug_chembl_id"],
    "drug_name": ["drug_name", "name", "drug name", "pref_name", "molecule_name",
                  "drug_claim_primary_name"],
    "drug_xrefs": ["drug_xrefs", "xrefs", "drug_xref"],
    "target": ["target", "target_id", "uniprot_id", "UniProt ID", "uniprot", "gene_symbol",
               "gene", "Gene Name", "target_symbol", "hgnc_id", "gene_name",
               "gene_claim_name"],
    "target_name": ["target_name", "target name", "Uniprot Title", "protein_name"],
    "action": ["action", "actions", "action_type", "Action Type", "mechanism",
               "interaction_types", "interaction_type"],
    "references": ["references", "pmids", "pubmed_ids", "PubMed IDs", "source"],
    "source": ["interaction_claim_source", "source_db_name", "interaction_source"],
}


#: Target columns that hold gene symbols: their values are symbols whatever their shape
#: (``P2RY10``, ``C9ORF3`` look like UniProt accessions).
SYMBOL_COLUMNS = {column_key(c) for c in ("gene_symbol", "gene", "Gene Name", "target_symbol",
                                          "gene_name", "gene_claim_name")}
#: Target columns that hold UniProt accessions (DrugBank's ``uniprot_id``): every
#: accession-shaped value is one. Other target columns (``target``, ``target_id``) may
#: hold either, and take as accessions only shapes no symbol has (``H2BC11`` is a symbol).
ACCESSION_COLUMNS = {column_key(c) for c in ("uniprot_id", "UniProt ID", "uniprot")}


def target_curie(value: str, column: str) -> str:
    """A drug table's target as a CURIE, read as what its ``column`` holds: symbols
    (``gene_symbol``: P2RY10 is no UniProt accession), UniProt accessions
    (``uniprot_id``) or either (``target``: only shapes no symbol has are accessions)."""
    key = column_key(column)
    if key in SYMBOL_COLUMNS:
        return value if is_curie(value) else f"{SYMBOL}:{value}"
    return gene_curie(value, holds=ACCESSIONS if key in ACCESSION_COLUMNS else EITHER)


def _name(value: str) -> str | None:
    return value or None


#: Why a drug-target row with an empty drug or target id gives no record.
UNIDENTIFIED = "empty drug or target id (a claim tied to no drug or gene)"


class DrugTargetLoader(RoleTableLoader):
    """Drug–target CSV/TSV (DrugBank style): drug id, name, target, action."""

    name = "drug-targets"
    description = ("drug-target table (DrugBank style CSV/TSV: drug id, name, target, "
                   "action) -> signed biolink:affects edges")
    roles = DRUG_TARGET_COLUMNS
    required = ("drug", "target")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 delimiter: str | None = None, columns: str | None = None,
                 drug_category: str = "biolink:Drug"):
        super().__init__(paths, skip_bad=skip_bad, delimiter=delimiter, columns=columns)
        self.drug_category = drug_category
        self.unidentified = 0

    def records(self) -> Iterator[Record]:
        yield from super().records()
        if self.unidentified:
            log.warning("passed over %d row(s) with an empty drug or target id (claims "
                        "not tied to a drug or gene: no statement to store)",
                        self.unidentified)

    def row(self, row: dict[str, str], columns: dict[str, str],
            seen: set[str]) -> Iterator[Record]:
        drug, target = cell(row, columns, "drug"), cell(row, columns, "target")
        if not drug or not target:  # DGIdb: a claim not tied to a drug or gene id
            self.unidentified += 1
            self.pass_over(UNIDENTIFIED)
            return
        drug = drug_curie(drug)
        target = target_curie(target, columns["target"])
        if drug not in seen:
            seen.add(drug)
            yield Node(id=drug, category=self.drug_category,
                       name=_name(cell(row, columns, "drug_name")),
                       xrefs=tuple(split_list(cell(row, columns, "drug_xrefs"), "|;")))
        if target not in seen:
            seen.add(target)
            yield Node(id=target, category="biolink:Gene",
                       name=_name(cell(row, columns, "target_name")))
        action = cell(row, columns, "action")
        properties: dict[str, object] = {}
        if action:
            properties["action"] = action.lower()
        references = split_list(cell(row, columns, "references"), "|;,")
        if references:
            properties["references"] = references
        if cell(row, columns, "source"):
            properties["claim_source"] = cell(row, columns, "source")
        yield Edge(drug, AFFECTS, target,
                   qualifiers={ASPECT: "activity", **direction(action_sign(action))},
                   properties=properties)


CHEMBL_COLUMNS = {
    "molecule": ["molecule_chembl_id", "Molecule ChEMBL ID", "compound_chembl_id"],
    "molecule_name": ["molecule_name", "Molecule Name", "pref_name"],
    "max_phase": ["molecule_max_phase", "Molecule Max Phase", "max_phase"],
    "target": ["target_chembl_id", "Target ChEMBL ID"],
    "target_name": ["target_name", "Target Name", "target_pref_name"],
    "organism": ["target_organism", "Target Organism"],
    "pchembl": ["pchembl_value", "pChEMBL Value"],
    "standard_type": ["standard_type", "Standard Type"],
    "action": ["action_type", "Action Type"],
    "assay": ["assay_chembl_id", "Assay ChEMBL ID"],
}


class ChemblActivityLoader(RoleTableLoader):
    """ChEMBL activity export (TSV or ';'-CSV): compound -> target above a pChEMBL threshold.

    Rows without a pChEMBL value or below ``pchembl_min`` are not statements and are
    passed over (not bad). Targets are ChEMBL targets unless ``target_map`` names ChEMBL's
    ``chembl_uniprot_mapping.txt``, which maps single-protein targets to UniProt (and so
    onto HGNC genes). Several activities of one pair are one statement; the last row's
    values are its properties.
    """

    name = "chembl-activities"
    #: Options that name files (a sources file resolves them relative to itself).
    path_options = ("target_map",)
    description = ("ChEMBL activity TSV (--option pchembl_min=6 organism='Homo sapiens' "
                   "target_map=chembl_uniprot_mapping.txt)")
    roles = CHEMBL_COLUMNS
    required = ("molecule", "target", "pchembl")
    quoted = True  # ChEMBL's downloads quote every field, tab- or semicolon-separated

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 pchembl_min: float | str = 6.0, organism: str | None = "Homo sapiens",
                 target_map: str | Path | None = None, delimiter: str | None = None,
                 columns: str | None = None):
        super().__init__(paths, skip_bad=skip_bad, delimiter=delimiter, columns=columns)
        self.pchembl_min = float(pchembl_min)
        self.organism = organism or None
        self.target_map = self._read_target_map(Path(target_map)) if target_map else {}

    def _read_target_map(self, path: Path) -> dict[str, list[str]]:
        """ChEMBL's mapping file: UniProt, ChEMBL target, description, target type."""
        found: dict[str, list[str]] = {}
        for row in read_rows(self, path, header=False):
            if row and row[0].startswith("#"):
                continue
            if len(row) >= 4 and row[3].strip().upper() == "SINGLE PROTEIN":
                found.setdefault(row[1].strip(), []).append(row[0].strip())
        return found

    def sniff_delimiter(self, path: Path) -> str:
        from kgtwin.loaders.base import open_text

        try:
            with open_text(path) as handle:
                first = handle.readline()
        except UnicodeDecodeError:
            return "\t"  # read_rows names the undecodable line
        return "\t" if first.count("\t") >= first.count(";") else ";"

    def row(self, row: dict[str, str], columns: dict[str, str],
            seen: set[str]) -> Iterator[Record]:
        text = cell(row, columns, "pchembl")
        if not text:
            return
        try:
            pchembl = float(text)
        except ValueError:
            self.reject(f"pChEMBL value {text!r} is not a number")
            return
        organism = cell(row, columns, "organism")
        if pchembl < self.pchembl_min or (self.organism and organism and organism != self.organism):
            return
        molecule, target = cell(row, columns, "molecule"), cell(row, columns, "target")
        if not molecule or not target:
            self.reject("activity without a molecule or target ChEMBL id")
            return
        drug = drug_curie(molecule)
        if drug not in seen:
            seen.add(drug)
            phase = cell(row, columns, "max_phase")
            category = "biolink:Drug" if phase in {"4", "4.0"} else "biolink:SmallMolecule"
            yield Node(id=drug, category=category, name=_name(cell(row, columns, "molecule_name")))
        targets = [f"UniProtKB:{u}" for u in self.target_map.get(target, [])]
        if not targets:
            targets = [f"CHEMBL.TARGET:{target}"]
            if targets[0] not in seen:
                seen.add(targets[0])
                yield Node(id=targets[0], category="biolink:Protein",
                           name=_name(cell(row, columns, "target_name")))
        action = cell(row, columns, "action")
        properties: dict[str, object] = {"pchembl": pchembl}
        for role in ("standard_type", "assay"):
            if cell(row, columns, role):
                properties[role] = cell(row, columns, role)
        if action:
            properties["action"] = action.lower()
        for target_id in targets:
            yield Edge(drug, AFFECTS, target_id,
                       qualifiers={ASPECT: "activity", **direction(action_sign(action))},
                       properties=properties)


INDICATION_COLUMNS = {
    "drug": ["drug_id", "drugbank_id", "molecule_chembl_id", "chembl_id", "drug"],
    "drug_name": ["drug_name", "pref_name", "molecule_name", "drug"],
    "disease": ["disease_id", "doid_id", "mondo_id", "indication_id", "efo_id", "mesh_id",
                "disease"],
    "disease_name": ["disease_name", "indication", "efo_term", "mesh_heading", "disease"],
    "category": ["category", "indication_category", "indication_type"],
    "phase": ["phase", "max_phase", "max_phase_for_ind", "clinical_phase"],
    "status": ["status", "approval_status"],
    "references": ["references", "source", "label", "refs"],
    "curators": ["n_curators"],
    "resources": ["n_resources"],
}

#: PharmacotherapyDB's categories: disease-modifying, symptomatic, non-indication.
#: (predicate, negated); a non-indication is no treatment: it is kept as a negated
#: ``related_to``, never as ``treats`` or ``in_clinical_trials_for``.
INDICATION_CATEGORIES: dict[str, tuple[str, bool]] = {
    "dm": ("biolink:treats", False),
    "disease-modifying": ("biolink:treats", False),
    "sym": ("biolink:ameliorates_condition", False),
    "symptomatic": ("biolink:ameliorates_condition", False),
    "not": ("biolink:related_to", True),
    "non-indication": ("biolink:related_to", True),
}


def disease_curie(value: str) -> str:
    """``EFO_0000311`` -> ``EFO:0000311``; a bare MeSH id -> ``MESH:D…``."""
    text = value.strip()
    if ":" not in text and "_" in text:
        return text.replace("_", ":", 1)
    if ":" not in text and text[:1] in {"D", "C"} and text[1:].isdigit():
        return f"MESH:{text}"
    return text


class DrugIndicationLoader(RoleTableLoader):
    """Drug–indication table: drug, disease, phase/status or category -> treats,
    ameliorates, in clinical trials for, or a negated non-indication.

    A ``category`` column in PharmacotherapyDB's terms decides the statement: ``DM``
    (disease-modifying) is ``treats``, ``SYM`` (symptomatic) ``ameliorates_condition``
    and ``NOT`` (a non-indication: the drug does not treat the disease) a
    ``related_to`` edge with ``negated: true`` and the category kept, so no query for
    treatments finds it. Without a category, approved (status ``approved`` or phase 4)
    is ``treats`` and anything else ``in_clinical_trials_for``. The disease id must be
    an id (``DOID:10652``, ``EFO_0000311``, a MeSH id); a name column is a name.
    """

    name = "drug-indications"
    description = ("drug-indication table (drug, disease, category or phase/status; "
                   "PharmacotherapyDB, ChEMBL) -> treats, ameliorates_condition, "
                   "in_clinical_trials_for, negated non-indications")
    roles = INDICATION_COLUMNS
    required = ("drug", "disease")

    def row(self, row: dict[str, str], columns: dict[str, str],
            seen: set[str]) -> Iterator[Record]:
        drug, disease = cell(row, columns, "drug"), cell(row, columns, "disease")
        if not drug or not disease:
            self.reject("row without a drug or a disease")
            return
        drug, disease = drug_curie(drug), disease_curie(disease)
        if ":" not in disease:
            self.reject(f"the disease column {columns['disease']!r} holds a name, not an id "
                        "(map the id column with --option columns=disease:COLUMN)")
            return
        phase_text, status = cell(row, columns, "phase"), cell(row, columns, "status").lower()
        try:
            phase = float(phase_text) if phase_text else None
        except ValueError:
            self.reject(f"phase {phase_text!r} is not a number")
            return
        category = cell(row, columns, "category")
        if category and category.lower() not in INDICATION_CATEGORIES:
            self.reject(f"indication category {category!r} is not one of DM, SYM, NOT "
                        "(disease-modifying, symptomatic, non-indication)")
            return
        for ident, node_category, role in ((drug, "biolink:Drug", "drug_name"),
                                           (disease, "biolink:Disease", "disease_name")):
            if ident not in seen and cell(row, columns, role):
                seen.add(ident)
                yield Node(id=ident, category=node_category, name=cell(row, columns, role))
        properties: dict[str, object] = {}
        if category:
            predicate, negated = INDICATION_CATEGORIES[category.lower()]
            properties["indication_category"] = category
            if negated:
                properties["negated"] = True
        else:
            approved = status == "approved" or (phase is not None and phase >= 4)
            predicate = "biolink:treats" if approved else "biolink:in_clinical_trials_for"
        if phase is not None:
            properties["max_phase"] = phase
        if status:
            properties["status"] = status
        for role in ("curators", "resources"):
            if cell(row, columns, role).isdigit():
                properties[f"n_{role}"] = int(cell(row, columns, role))
        references = split_list(cell(row, columns, "references"), "|;")
        if references:
            properties["references"] = references
        yield Edge(drug, predicate, disease, properties=properties)
