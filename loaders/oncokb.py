"""OncoKB's annotated variant list (``allAnnotatedVariants.txt``) -> protein variants of genes.

The tab-separated table OncoKB publishes (and PROFILE ships): ``Gene``, ``Alteration``,
``Oncogenicity``, ``Mutation Effect``, ``PMIDs for Mutation Effect``, ``Abstracts for
Mutation Effect``. A row whose alteration is one protein change (``V600E``, ``W802*``,
``E746_A750del``, ``Y599_D600insEYEY``, ``T779fs``, ``X963_splice``) becomes:

* a ``biolink:SequenceVariant`` node ``KGTWIN.VARIANT:HGNC-1097-p.V600E`` (the gene's id
  and the HGVS protein change in the spelling the MAF and VCF loaders give their
  ``sequence_variant_qualifier``, :func:`kgtwin.patient_schema.protein_change`), named
  ``BRAF V600E``, with ``protein_change``, ``oncogenicity`` and ``mutation_effect`` as
  OncoKB writes them (``Likely Oncogenic``, ``Likely Loss-of-function``);
* an edge variant ``--biolink:is_sequence_variant_of-->`` gene, whose ``publications``
  are the row's PMIDs as ``PMID:`` CURIEs and ``abstracts`` its conference abstracts.

OncoKB's gene-level alterations are statements on a class of the gene's alterations, and
are stored as that, never as one protein variant: mutation groups (``Truncating
Mutations``, ``Oncogenic Mutations``), copy number (``Amplification``, ``Deletion``),
fusions (``Fusions``, ``TMPRSS2-ERG Fusion``), exon or domain groups (``Exon 19
deletion``), a position with any change (``R1627``) and protein regions
(``422_605trunc``). Each becomes a ``biolink:SequenceVariant`` node
``KGTWIN.VARIANT:HGNC-1101-Truncating_Mutations``
(:func:`kgtwin.patient_schema.gene_level_variant_id`), named ``BRCA2 Truncating
Mutations``, with ``alteration`` (OncoKB's words), ``alteration_level`` (what class it
is: ``mutation group``, ``copy number``, ...), ``oncogenicity`` and ``mutation_effect``,
and the same ``is_sequence_variant_of`` edge with its PMIDs. The twin reads a patient's
truncating change, amplification or deep deletion by the gene's Truncating Mutations,
Amplification or Deletion statement where the variant has none of its own
(:mod:`kgtwin.patients`). What is no class of sequence alterations at all
(``Overexpression``, ``Promoter Hypermethylation``, ``EGFRvIII``, ``MSI-H``) is passed
over, counted by what it is, in the load's account. ``null`` cells are empty. The gene
goes through the gene index (``unresolved_genes=keep`` keeps a symbol the index does not
know); ``Other Biomarkers`` rows name no gene and are biomarkers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows, require_columns
from kgtwin.loaders.mappings import GeneResolver

from kgtwin.model import Edge, Node, Record
from kgtwin.patient_schema import (
    GENE,
    KNOWLEDGE_VARIANT,
    gene_level_variant_id,
    knowledge_variant_id,
    protein_change,
)

VARIANT = KNOWLEDGE_VARIANT
VARIANT_OF = "biolink:is_sequence_variant_of"
COLUMNS = ["Gene", "Alteration", "Oncogenicity", "Mutation Effect",
           "PMIDs for Mutation Effect"]
ABSTRACTS = "Abstracts for Mutation Effect"
#: One protein change: substitution, nonsense, in-frame deletion/duplication/insertion
#: (at one residue or a range), frameshift, splice site.
_PROTEIN = re.compile(
    r"^(?:[A-Z]\d+(?:[A-Z]?_[A-Z]\d+)?|\d+_\d+)"
    r"(?:[A-Z*]|[A-Z]{2,}|del|DEL|dup|ins[A-Z]+|delins[A-Z]+|[A-Z*]?fs(?:[*X]\d*)?|_splice)$"
)
_POSITION = re.compile(r"^[A-Z]\d+$")
_REGION = re.compile(r"^(?:[A-Z]?\d+_[A-Z]?\d+)trunc$")
#: What a non-protein alteration is, first match wins: (test, its ``alteration_level``).
KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Exon |domain ", re.I), "exon or domain group"),
    (re.compile(r"^Truncating Mutations|^Oncogenic Mutations|Mutations$", re.I),
     "mutation group"),
    (re.compile(r"^(Amplification|Deletion|Copy Number Loss|3' Deletion)$", re.I),
     "copy number"),
    (re.compile(r"Fusions?$", re.I), "fusion"),
    (_POSITION, "position"),
    (_REGION, "protein region"),
)
OTHER = ("another kind of alteration (expression, methylation, isoform, biomarker, a region "
         "with no one protein change): not a class of sequence alterations")
NO_GENE = "Other Biomarkers"


class OncokbLoader(Loader):
    """OncoKB ``allAnnotatedVariants.txt``: protein variants with their effect (module docs)."""

    name = "oncokb"
    description = ("OncoKB annotated variants -> protein variant and gene-level alteration "
                   "nodes of genes, with effects")
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "Gene": "the gene (through the gene index)",
        "Alteration": "the protein change, or a gene-level class of alterations "
                      "(others passed over, counted)",
        "Oncogenicity": "the variant's oncogenicity",
        "Mutation Effect": "the variant's mutation_effect",
        "PMIDs for Mutation Effect": "the edge's publications (PMID:n)",
        ABSTRACTS + " (optional)": "the edge's abstracts",
    }
    fixed_why = "OncoKB's export has these fixed column names"

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 genes: str | None = None, unresolved_genes: str = "reject"):
        super().__init__(paths, skip_bad=skip_bad)
        self.genes = GeneResolver(genes, keep=unresolved_genes == "keep")
        #: Gene-level node id -> the alteration spelt so (two spellings, one id: refused).
        self._spelt: dict[str, str] = {}

    def records(self) -> Iterator[Record]:
        emitted: set[str] = set()
        for path in self.paths:
            checked = False
            for row in read_rows(self, path):
                if not checked:
                    checked = require_columns(self, row, COLUMNS)
                yield from self._row(row, emitted)

    def _row(self, row: dict[str, str], emitted: set[str]) -> Iterator[Record]:
        symbol, alteration = row["Gene"].strip(), row["Alteration"].strip()
        if not alteration:
            self.reject("empty Alteration")
            return
        protein = bool(_PROTEIN.match(alteration))
        level = None if protein else gene_level(alteration)
        if not protein and level is None:
            self.pass_over(OTHER)
            return
        if not symbol or symbol == NO_GENE:
            self.reject(f"alteration {alteration!r} with no gene")
            return
        gene = self.genes.resolve(symbol)
        if gene is None:
            self.reject(self.genes.explain(symbol))
            return
        pmids = self._pmids(_cell(row, "PMIDs for Mutation Effect"))
        if pmids is None:
            return
        if protein:
            change = protein_change(f"p.{_hgvs_case(alteration)}")
            variant, about = knowledge_variant_id(gene, change), {"protein_change": change}
        else:
            variant = gene_level_variant_id(gene, alteration)
            if self._spelt.setdefault(variant, alteration) != alteration:
                self.reject(f"alteration {alteration!r} and {self._spelt[variant]!r} of "
                            f"{symbol} would share the node {variant}")
                return
            about = {"alteration": alteration, "alteration_level": level}
        if gene not in emitted:
            emitted.add(gene)
            yield Node(id=gene, category=GENE, name=self.genes.symbol(gene))
        yield Node(id=variant, category=VARIANT, name=f"{symbol} {alteration}", properties={
            **about, **{k: v for k, v in (("oncogenicity", _cell(row, "Oncogenicity")),
                                         ("mutation_effect", _cell(row, "Mutation Effect")))
                        if v}})
        properties: dict[str, object] = {}
        if pmids:
            properties["publications"] = pmids
        abstracts = _cell(row, ABSTRACTS)
        if abstracts:
            properties["abstracts"] = abstracts
        yield Edge(subject=variant, predicate=VARIANT_OF, object=gene, properties=properties)

    def _pmids(self, text: str | None) -> list[str] | None:
        """``24218572, 18297069`` -> ``["PMID:24218572", "PMID:18297069"]``; None (the row
        rejected) when one is not a PubMed id."""
        found = []
        for part in re.split(r"[,;\s]+", text or ""):
            if not part:
                continue
            if not part.isdigit():
                self.reject(f"PMIDs for Mutation Effect: {part[:30]!r} is not a PubMed id "
                            "(digits)")
                return None
            found.append(f"PMID:{part}")
        return list(dict.fromkeys(found))


def gene_level(alteration: str) -> str | None:
    """What class of the gene's alterations a row that is not one protein change states
    (``mutation group``, ``copy number``, ...); None for no class of sequence alterations."""
    for test, level in KINDS:
        if test.search(alteration):
            return level
    return None


def _hgvs_case(alteration: str) -> str:
    """OncoKB's ``M1_E165DEL`` in HGVS case (``M1_E165del``); others as they are."""
    return re.sub(r"(DEL|DUP|INS|FS)", lambda m: m.group(1).lower(), alteration)


def _cell(row: dict[str, str], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return None if value in ("", "null") else value
