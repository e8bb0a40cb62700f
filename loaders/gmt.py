"""GMT gene sets (MSigDB, WikiPathways, Enrichr): one set per line, its genes after.

Line format: ``name<TAB>description-or-URL<TAB>gene<TAB>gene…``. The set's id comes from
what the line says about itself: a WikiPathways set (``…%WP254%…`` or a WikiPathways
URL) is ``WIKIPATHWAYS:WP254``, a Reactome one ``REACT:R-HSA-…``, an MSigDB systematic
name ``MSigDB:M5902``; any other set has no registry id and is named
``KGTWIN.NODE:geneset.<name>``. Genes are symbols unless they look like Entrez ids
(digits), Ensembl or UniProt ids; each is ``biolink:participates_in`` (category
Pathway) or ``biolink:member_of`` (any other ``--option category``) the set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows
from kgtwin.loaders.naming import SYMBOLS, gene_curie

from kgtwin.biolink import default_biolink
from kgtwin.model import Edge, Node, Record

_WIKIPATHWAYS = re.compile(r"(?:^|[%/_ ])(WP\d{1,5})(?:[%_/ ]|$)")
_REACTOME = re.compile(r"(R-[A-Z]{3}-\d+)")
_MSIGDB = re.compile(r"^M\d+$")


def set_id(name: str, description: str) -> str:
    """The CURIE a gene set's own name or URL implies (see module docs)."""
    for text in (name, description):
        found = _WIKIPATHWAYS.search(text)
        if found and ("wikipathways" in text.lower() or "%" in text):
            return f"WIKIPATHWAYS:{found.group(1)}"
    for text in (name, description):
        found = _REACTOME.search(text)
        if found and "reactome" in text.lower():
            return f"REACT:{found.group(1)}"
    if _MSIGDB.match(name):
        return f"MSigDB:{name}"
    return f"KGTWIN.NODE:geneset.{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}"


def set_name(name: str) -> str:
    """``Apoptosis%WikiPathways_20210110%WP254%Homo sapiens`` -> ``Apoptosis``."""
    return name.split("%", 1)[0]


class GmtLoader(Loader):
    """GMT gene-set files: a node per set and an edge per member gene."""

    name = "gmt"
    description = "GMT gene sets (MSigDB, WikiPathways): set nodes and gene membership"
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "1 set name": "the set node (its id is made from name and description)",
        "2 description or URL": "the set's description property",
        "3 … last: gene symbols or ids": "one membership edge per distinct gene",
    }
    fixed_why = "GMT has no header: the format is these positions, a line per set"

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 category: str = "biolink:Pathway"):
        super().__init__(paths, skip_bad=skip_bad)
        self.category = default_biolink().category(category)
        pathway = self.category in default_biolink().descendants("biolink:Pathway")
        self.predicate = "biolink:participates_in" if pathway else "biolink:member_of"

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            for row in read_rows(self, path, header=False):
                yield from self._row(row)

    def _row(self, row: list[str]) -> Iterator[Record]:
        if len(row) < 3 or not row[0].strip():
            self.reject(f"a GMT line needs a name, a description and genes; found {len(row)} "
                        "fields")
            return
        name, description = row[0].strip(), row[1].strip()
        ident = set_id(name, description)
        properties = {"description": description} if description else {}
        yield Node(id=ident, category=self.category, name=set_name(name), properties=properties)
        for gene in dict.fromkeys(g.strip() for g in row[2:] if g.strip()):
            yield Edge(gene_curie(gene, holds=SYMBOLS), self.predicate, ident)
