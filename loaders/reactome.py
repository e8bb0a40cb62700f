"""Reactome's download files: pathway names, hierarchy and gene/protein membership.

One loader reads any mix of Reactome's plain-text files, told apart by their shape:

* ``ReactomePathways.txt`` — ``R-HSA-…  name  species``: pathway nodes;
* ``ReactomePathwaysRelation.txt`` — ``parent  child``: ``child biolink:part_of parent``;
* ``Ensembl2Reactome.txt``, ``UniProt2Reactome.txt``, ``NCBI2Reactome.txt``,
  ``ChEBI2Reactome.txt`` (and their ``_All_Levels`` variants) — ``id  R-…  url  name
  evidence  species``: ``member biolink:participates_in pathway``.

Only human (``Homo sapiens``, ``R-HSA-``) rows are loaded unless ``species`` says
otherwise (``--option species=all``). Of Ensembl ids only genes (``ENSG``) are kept:
transcripts and proteins would be nodes no other source names.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows
from kgtwin.loaders.naming import ACCESSIONS, EITHER, gene_curie

from kgtwin.model import Edge, Node, Record

PATHWAY = "biolink:Pathway"
SPECIES_CODES = {"Homo sapiens": "HSA", "Mus musculus": "MMU", "Rattus norvegicus": "RNO"}


def _pathway(ident: str) -> str:
    return f"REACT:{ident}"


def _member(value: str, path: Path) -> str | None:
    """A Reactome mapping's first column as a CURIE (None for ids not worth a node).

    Digits are ChEBI ids in ``ChEBI2Reactome*`` and Entrez ids in ``NCBI2Reactome*``;
    ``UniProt2Reactome*`` holds UniProt accessions only.
    """
    text = value.strip()
    if text.startswith("ENS") and not text.startswith("ENSG"):
        return None
    if text.isdigit() and path.name.lower().startswith("chebi"):
        return f"CHEBI:{text}"
    return gene_curie(text, holds=ACCESSIONS if path.name.lower().startswith("uniprot")
                      else EITHER)


class ReactomeLoader(Loader):
    """Reactome pathways, hierarchy and membership files (human by default)."""

    name = "reactome"
    description = ("Reactome ReactomePathways.txt, ReactomePathwaysRelation.txt, "
                   "*2Reactome.txt (--option species='Homo sapiens'|all)")
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "ReactomePathways.txt: 1 stable id, 2 name, 3 species": "pathway nodes REACT:R-…",
        "ReactomePathwaysRelation.txt: 1 parent, 2 child": "child part_of parent",
        "*2Reactome.txt: 1 member id, 2 pathway id, 3 url, 4 pathway name, 5 evidence, "
        "6 species": "member participates_in pathway (ChEBI2Reactome's numbers are "
                     "CHEBI:, NCBI2Reactome's Entrez ids)",
    }
    fixed_why = ("Reactome's files have no header: each is told apart by its shape and "
                 "read by column position, as Reactome publishes them")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 species: str = "Homo sapiens"):
        super().__init__(paths, skip_bad=skip_bad)
        self.species = None if species.lower() == "all" else species
        self.code = SPECIES_CODES.get(self.species or "")

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            for row in read_rows(self, path, header=False):
                yield from self._row(path, row)

    def _wanted(self, pathway: str, species: str | None = None) -> bool:
        if self.species is None:
            return True
        if species is not None:
            return species.strip() == self.species
        return self.code is None or pathway.startswith(f"R-{self.code}-")

    def _row(self, path: Path, row: list[str]) -> Iterator[Record]:
        row = [value.strip() for value in row]
        if len(row) == 3 and row[0].startswith("R-"):
            if self._wanted(row[0], row[2]):
                yield Node(id=_pathway(row[0]), category=PATHWAY, name=row[1],
                           properties={"species": row[2]})
        elif len(row) == 2 and row[0].startswith("R-") and row[1].startswith("R-"):
            if self._wanted(row[0]) and self._wanted(row[1]):
                yield Edge(_pathway(row[1]), "biolink:part_of", _pathway(row[0]))
        elif len(row) >= 6 and row[1].startswith("R-"):
            if not self._wanted(row[1], row[5]):
                return
            member = _member(row[0], path)
            if member is None:
                return
            yield Node(id=_pathway(row[1]), category=PATHWAY, name=row[3] or None)
            properties = {"evidence": row[4]} if row[4] else {}
            yield Edge(member, "biolink:participates_in", _pathway(row[1]),
                       properties=properties)
        else:
            self.reject(
                f"{path.name}: expected a Reactome pathways (3 columns), relation (2) or "
                f"mapping (6) row, found {len(row)} fields"
            )
