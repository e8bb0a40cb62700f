"""HPO annotation files: disease phenotypes (``phenotype.hpoa``) and gene phenotypes
(``genes_to_phenotype.txt`` / ``phenotype_to_genes.txt``), with their provenance.

HPO's gene–phenotype annotations are not observations of genes: each row says the
gene is linked to a disease that has the phenotype (its ``disease_id`` column). The
gene loader therefore yields three kinds of statement and says how they relate:

* ``gene biolink:gene_associated_with_condition disease`` for every (gene, disease);
* ``gene biolink:has_phenotype HP`` once per (gene, phenotype), with the property
  ``derived_from`` listing the gene–disease statements it came from;
* names for genes (symbols), phenotypes and, from ``phenotype.hpoa``, diseases.

With ``derived_from`` recorded, a link-prediction split that holds out a gene–disease
statement removes the gene's phenotypes that came *only* from held-out diseases (see
:mod:`kgtwin.embed.split`); without it, the phenotypes would hand the answer back.

``phenotype.hpoa`` rows become ``disease biolink:has_phenotype HP``; rows qualified
``NOT`` are skipped, and only the phenotypic-abnormality aspect (``P``) is read unless
``aspects`` names others (``I`` inheritance, ``C`` onset and course, ``M`` modifiers).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, text_lines

from kgtwin.model import Edge, Node, Record

ASSOCIATED = "biolink:gene_associated_with_condition"
HAS_PHENOTYPE = "biolink:has_phenotype"
DERIVED_FROM = "derived_from"


def _table(loader: Loader, path: Path, needed: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated HPO file as dicts; ``#`` lines before the header skipped."""
    lines = (line for line in text_lines(loader, path) if not line.startswith("#"))
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    try:
        header = next(reader, None)
    except csv.Error as error:
        loader.reject(f"malformed header: {error}")
        return
    if header is None:
        loader.reject("empty file: no header line")
        return
    columns = [c.strip() for c in header]
    missing = [c for c in needed if c not in columns]
    if missing:
        loader.reject(f"not an HPO annotation file: missing column(s) {', '.join(missing)}")
        return
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            loader.reject(f"malformed row: {error}")
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(columns):
            loader.reject(f"expected {len(columns)} fields, found {len(row)}")
            continue
        yield dict(zip(columns, row, strict=True))


def _is_term(value: str, prefix: str = "HP:") -> bool:
    return value.startswith(prefix) and value[len(prefix):].isdigit()


class HpoaLoader(Loader):
    """``phenotype.hpoa``: disease nodes (named) and disease–phenotype statements."""

    name = "hpoa"
    description = "HPO phenotype.hpoa: disease -> phenotype annotations (NOT rows skipped)"
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "database_id (required)": "the disease (OMIM:, ORPHA:, DECIPHER: …), a node",
        "disease_name": "the disease node's name",
        "qualifier (required)": "NOT rows are passed over, counted (the disease lacks "
                                "the phenotype)",
        "hpo_id (required)": "the phenotype (HP:n): disease has_phenotype HP",
        "aspect (required)": "P is read; I, C, M only when --option aspects= names them",
    }
    fixed_why = ("HPO publishes phenotype.hpoa with one header (after its #-comment lines); "
                 "a file without these columns is refused as not an HPO annotation file")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False, aspects: str = "P"):
        super().__init__(paths, skip_bad=skip_bad)
        self.aspects = {a.strip().upper() for a in aspects.split(",") if a.strip()}

    def records(self) -> Iterator[Record]:
        seen: set[str] = set()
        for path in self.paths:
            for row in _table(self, path, ("database_id", "hpo_id", "qualifier", "aspect")):
                disease, term = row["database_id"].strip(), row["hpo_id"].strip()
                if ":" not in disease or not _is_term(term):
                    self.reject(f"not a disease id and an HP term: {disease!r}, {term!r}")
                    continue
                if disease not in seen:
                    seen.add(disease)
                    yield Node(disease, "biolink:Disease", row.get("disease_name") or None)
                if row["qualifier"].strip().upper() == "NOT":
                    self.pass_over("NOT qualifier (the disease does not have the phenotype)")
                    continue
                aspect = row["aspect"].strip().upper()
                if aspect not in self.aspects:
                    self.pass_over(f"aspect {aspect or '(empty)'} not asked for "
                                   "(--option aspects=)")
                    continue
                yield Edge(disease, HAS_PHENOTYPE, term)


class HpoGenesLoader(Loader):
    """``genes_to_phenotype.txt`` or ``phenotype_to_genes.txt``: genes, gene–disease
    statements, and gene–phenotype statements derived from them (``derived_from``)."""

    name = "hpo-genes"
    description = ("HPO genes_to_phenotype / phenotype_to_genes: gene-disease links and "
                   "gene-phenotype links derived from them")
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "ncbi_gene_id (required)": "the gene, NCBIGene:n (resolved to HGNC by the index)",
        "gene_symbol (required)": "the gene's name",
        "hpo_id (required)": "the phenotype (HP:n)",
        "hpo_name": "the phenotype's name",
        "disease_id (required)": "the disease the gene-phenotype link comes through",
    }
    fixed_why = ("HPO publishes both files with these headers; a file without them is "
                 "refused as not an HPO annotation file")

    def records(self) -> Iterator[Record]:
        phenotypes: dict[tuple[str, str], set[str]] = defaultdict(set)
        diseases: dict[str, set[str]] = defaultdict(set)
        names: dict[str, str] = {}
        for path in self.paths:
            needed = ("ncbi_gene_id", "gene_symbol", "hpo_id", "disease_id")
            for row in _table(self, path, needed):
                gene_id, term = row["ncbi_gene_id"].strip(), row["hpo_id"].strip()
                disease = row["disease_id"].strip()
                if not gene_id.isdigit() or not _is_term(term) or ":" not in disease:
                    self.reject(f"not a gene id, an HP term and a disease id: {gene_id!r}, "
                                f"{term!r}, {disease!r}")
                    continue
                gene = f"NCBIGene:{gene_id}"
                names.setdefault(gene, row["gene_symbol"].strip())
                if row.get("hpo_name"):
                    names.setdefault(term, row["hpo_name"].strip())
                diseases[gene].add(disease)
                phenotypes[(gene, term)].add(disease)
        for gene in sorted(diseases):
            yield Node(gene, "biolink:Gene", names.get(gene) or None)
            for disease in sorted(diseases[gene]):
                yield Edge(gene, ASSOCIATED, disease)
        for term in sorted({t for _, t in phenotypes}):
            yield Node(term, "biolink:PhenotypicFeature", names.get(term))
        for (gene, term), sources in sorted(phenotypes.items()):
            derived = [f"{gene} {ASSOCIATED} {d}" for d in sorted(sources)]
            yield Edge(gene, HAS_PHENOTYPE, term, properties={DERIVED_FROM: derived})
