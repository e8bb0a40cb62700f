"""How loaders turn the bare values of source tables into CURIEs and signs.

Tables name genes by symbol, Entrez, Ensembl or UniProt and drugs by DrugBank or ChEMBL
id, often without a prefix. These helpers add the prefix a value's shape implies, so
the store's equivalence merge (HGNC's xrefs) can land every spelling on one node. Gene
symbols become ``hgnc.symbol:BRAF``: the HGNC loader gives every gene that xref.
"""

from __future__ import annotations

import re

from kgtwin.model import DIRECTION, DOWN, UP

_UNIPROT = re.compile(r"^([OPQ]\d[A-Z0-9]{3}\d|[A-NR-Z]\d([A-Z][A-Z0-9]{2}\d){1,2})(-\d+)?$")
#: The accession shapes gene symbols share: six characters, ``[A-NR-Z]``, digit, letter,
#: two letters or digits, digit (``H2BC11``, ``B3GNT6``, ``C9ORF3``, ``H2AC20``).
_SYMBOL_SHAPED = re.compile(r"^[A-NR-Z]\d[A-Z][A-Z0-9]{2}\d(-\d+)?$")

#: What a gene column holds, which decides what an accession-shaped value in it is:
#: ``accessions`` (its name or a database column says UniProt: every UniProt-shaped value
#: is an accession), ``symbols`` (every value is a symbol, ``P2RY10`` included) or
#: ``either`` (SIF, signed tables, a ``target`` column: an accession only in a shape no
#: gene symbol has, so ``H2BC11`` stays a symbol).
ACCESSIONS, SYMBOLS, EITHER = "accessions", "symbols", "either"
_ENSEMBL_GENE = re.compile(r"^ENSG\d{11}(\.\d+)?$")
_CURIE = re.compile(r"^[A-Za-z][\w.]*:\S+$")

#: The prefix kgtwin gives a bare gene symbol (bioregistry's ``hgnc.symbol``).
SYMBOL = "hgnc.symbol"

#: Drug actions (DrugBank, ChEMBL, IUPHAR wording) and the sign of their effect on the
#: target's activity. Actions missing here are kept as a property with no sign.
ACTION_SIGNS: dict[str, int] = {
    "inhibitor": -1, "antagonist": -1, "blocker": -1, "channel blocker": -1,
    "inverse agonist": -1, "negative allosteric modulator": -1, "negative modulator": -1,
    "allosteric antagonist": -1, "partial antagonist": -1, "suppressor": -1,
    "downregulator": -1, "down-regulator": -1, "degrader": -1, "inactivator": -1,
    "antisense oligonucleotide": -1, "rnai inhibitor": -1, "disrupting agent": -1,
    "neutralizer": -1, "inhibitory allosteric modulator": -1, "cleavage": -1,
    "agonist": 1, "partial agonist": 1, "activator": 1, "inducer": 1, "potentiator": 1,
    "positive allosteric modulator": 1, "positive modulator": 1, "stimulator": 1,
    "opener": 1, "upregulator": 1, "up-regulator": 1, "enhancer": 1,
    "stabiliser": 1, "stabilizer": 1,
}


def is_curie(value: str) -> bool:
    """Whether a value already carries a prefix (``HGNC:1097``, ``hgnc.symbol:BRAF``)."""
    return bool(_CURIE.match(value)) and not value.startswith(("http:", "https:"))


def gene_curie(value: str, *, default: str = SYMBOL, holds: str = EITHER) -> str:
    """A gene or protein named any common way, as a CURIE.

    ``ENSG…`` is Ensembl, a UniProt accession is UniProtKB (isoform suffix dropped), digits
    are NCBIGene (Entrez), anything else is a symbol (or ``default``'s prefix). Symbols
    can be spelt like accessions (``B3GNT6``, ``H2BC11``), so what the column ``holds``
    decides (:data:`EITHER`): a UniProt column takes every accession shape, a symbol
    column (GMT) none, any other only shapes no symbol has (``P04637``, ``A0A024R161``).
    A symbol-shaped value kept as a symbol that no symbol answers to but a human gene's
    accession does still lands on that gene (:class:`kgtwin.align.Aligner`).
    """
    if holds not in (ACCESSIONS, SYMBOLS, EITHER):
        raise ValueError(f"holds={holds!r}")
    text = value.strip()
    if is_curie(text):
        return text
    if _ENSEMBL_GENE.match(text):
        return f"ENSEMBL:{text.split('.')[0]}"
    if holds != SYMBOLS and _UNIPROT.match(text) and (
            holds == ACCESSIONS or not _SYMBOL_SHAPED.match(text)):
        return f"UniProtKB:{text.split('-')[0]}"
    if text.isdigit():
        return f"NCBIGene:{text}"
    return f"{default}:{text}"


def drug_curie(value: str) -> str:
    """A drug named by DrugBank (``DB00619``), ChEMBL (``CHEMBL941``) or CURIE."""
    text = value.strip()
    if re.fullmatch(r"DB\d{5}", text):
        return f"DRUGBANK:{text}"
    if re.fullmatch(r"CHEMBL\d+", text):
        return f"CHEMBL.COMPOUND:{text}"
    return text


def action_sign(action: str) -> int:
    """+1, -1 or 0 for a drug action; several actions (``inhibitor|binder``) share a sign
    only when they agree."""
    signs = {ACTION_SIGNS.get(a.strip().lower().replace("_", " "), 0)
             for a in re.split(r"[|;,/]", action) if a.strip()}
    signs.discard(0)
    return signs.pop() if len(signs) == 1 else 0


def direction(sign: int) -> dict[str, str]:
    """The qualifier that carries a sign (none for 0)."""
    if sign > 0:
        return {DIRECTION: UP}
    if sign < 0:
        return {DIRECTION: DOWN}
    return {}


def split_list(value: str | None, separators: str = "|") -> list[str]:
    """Items of a list cell (``A|B``, quoted or not), empty items dropped."""
    if not value:
        return []
    text = value.strip().strip('"')
    return [v.strip().strip('"') for v in re.split(f"[{re.escape(separators)}]", text)
            if v.strip().strip('"')]
