"""HGNC's complete set (``hgnc_complete_set.txt``): the bridge between gene identifiers.

Each approved gene becomes one ``biolink:Gene`` node named ``HGNC:<n>`` whose xrefs are
its Entrez, Ensembl, UniProt and OMIM ids and its approved symbol (``hgnc.symbol:BRAF``),
so a gene named by symbol in a MAF, by Ensembl id in an expression matrix, by UniProt in
a drug-target table or by Entrez id in HPO lands on this node. Previous and alias
symbols are kept as properties only: they are ambiguous (one alias can be another
gene's symbol), so they must not merge nodes. Withdrawn entries are left out and
counted as passed over.

An id HGNC gives to several approved genes (UniProt P04745 to AMY1A, AMY1B and AMY1C;
Q92843 to BCL2L2 and the BCL2L2-PABPN1 readthrough: 81 UniProt ids and one Ensembl id in
the 2018 set) is not declared as an xref: xrefs are equivalences, so the store would fold
those genes into one node (141 genes were lost that way). It is kept on each gene as the
``shared_xrefs`` property, and the load warns how many there were. Finding them takes a
first, light pass over the file (the xref columns only).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import Loader, read_rows, require_columns
from kgtwin.loaders.naming import SYMBOL, split_list

from kgtwin.genes import hgnc_columns
from kgtwin.model import Node, Record

log = logging.getLogger(__name__)

#: Column -> the xref prefix its values get.
XREF_COLUMNS = {
    "entrez_id": "NCBIGene",
    "ensembl_gene_id": "ENSEMBL",
    "uniprot_ids": "UniProtKB",
    "omim_id": "OMIM",
}
PROPERTY_COLUMNS = {
    "name": "full_name",
    "locus_group": "locus_group",
    "locus_type": "locus_type",
    "location": "location",
    "alias_symbol": "alias_symbols",
    "prev_symbol": "previous_symbols",
    "gene_group": "gene_groups",
}
LIST_COLUMNS = {"alias_symbol", "prev_symbol", "gene_group", "uniprot_ids", "omim_id"}


class HgncLoader(Loader):
    """HGNC complete-set TSV: genes with their Entrez, Ensembl, UniProt and symbol xrefs."""

    name = "hgnc"
    description = "HGNC complete set TSV (hgnc_complete_set.txt): genes and their id xrefs"
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "hgnc_id (required)": "the gene node's id, HGNC:n (a bare number gets the prefix)",
        "symbol (required)": "the node's name and its hgnc.symbol:SYMBOL xref",
        "status": "'Entry Withdrawn' rows are left out (--option include_withdrawn=true)",
        "entrez_id, ensembl_gene_id, uniprot_ids, omim_id": "xrefs NCBIGene:, ENSEMBL:, "
                                                            "UniProtKB:, OMIM:",
        "name, locus_group, locus_type, location, alias_symbol, prev_symbol, gene_group":
            "properties (alias and previous symbols never merge nodes)",
    }
    fixed_why = ("HGNC publishes these headers: the complete set's, or a custom download's "
                 "spelling of them (HGNC ID, Approved symbol, NCBI Gene ID, …, lists "
                 "comma-separated), read as the same columns; a table with neither is not "
                 "HGNC's and is refused naming the missing columns")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False,
                 include_withdrawn: bool = False):
        super().__init__(paths, skip_bad=skip_bad)
        self.include_withdrawn = include_withdrawn
        self._symbols: dict[str, str] = {}
        self._separators = "|"

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            shared = self._shared_xrefs(path)
            if shared:
                log.warning("%s: %d id(s) are given to several approved genes (%s, …): kept "
                            "on each gene as shared_xrefs, not as xrefs, so those genes stay "
                            "apart", path.name, len(shared), ", ".join(sorted(shared)[:3]))
            for row in self._rows(path):
                node = self._gene(row, shared)
                if node is not None:
                    yield node

    def _rows(self, path: Path) -> Iterator[dict[str, str]]:
        """The file's rows under the complete set's column names."""
        checked, renamed = False, None
        for row in read_rows(self, path):
            if not checked:
                names, self._separators = hgnc_columns(list(row))
                if names != list(row):  # a custom download: its own spelling
                    renamed = dict(zip(row, names, strict=True))
            if renamed is not None:
                row = {renamed.get(k, k): v for k, v in row.items()}
            if not checked:
                checked = require_columns(self, row, ["hgnc_id", "symbol"])
            yield row

    def _shared_xrefs(self, path: Path) -> frozenset[str]:
        """Xrefs more than one kept gene of the file declares (a scout loader reads the
        file, so its bad rows are counted once, by the real pass)."""
        scout = HgncLoader([path], skip_bad=True, include_withdrawn=self.include_withdrawn)
        scout.allow_empty = True
        owners: Counter[str] = Counter()
        for row in scout._rows(path):
            if scout._withdrawn(row) or not row["hgnc_id"].strip():
                continue
            owners.update(set(scout._xrefs(row)))
        return frozenset(x for x, n in owners.items() if n > 1)

    def _withdrawn(self, row: dict[str, str]) -> bool:
        status = row.get("status", "").strip().lower()
        return status.startswith("entry withdrawn") and not self.include_withdrawn

    def _xrefs(self, row: dict[str, str]) -> Iterator[str]:
        for column, prefix in XREF_COLUMNS.items():
            for value in split_list(row.get(column), self._separators):
                yield f"{prefix}:{value.removeprefix(prefix + ':')}"

    def _gene(self, row: dict[str, str], shared: frozenset[str]) -> Node | None:
        status = row.get("status", "").strip()
        if self._withdrawn(row):
            self.pass_over("a withdrawn HGNC entry (--option include_withdrawn=true keeps it)")
            return None
        ident, symbol = row["hgnc_id"].strip(), row["symbol"].strip()
        if not ident or not symbol:
            self.reject("gene without hgnc_id or symbol")
            return None
        if not ident.upper().startswith("HGNC:"):
            ident = f"HGNC:{ident}"
        owner = self._symbols.setdefault(symbol, ident)
        if owner != ident:
            self.reject(f"symbol {symbol} is given to both {owner} and {ident}")
            return None
        ids = list(dict.fromkeys(self._xrefs(row)))
        xrefs = [f"{SYMBOL}:{symbol}", *(x for x in ids if x not in shared)]
        properties: dict[str, object] = {"symbol": symbol}
        if shared_here := [x for x in ids if x in shared]:
            properties["shared_xrefs"] = shared_here
        for column, key in PROPERTY_COLUMNS.items():
            raw = row.get(column, "")
            value: object = (split_list(raw, self._separators) if column in LIST_COLUMNS
                             else raw.strip())
            if value:
                properties[key] = value
        if status:
            properties["status"] = status
        return Node(id=ident, category="biolink:Gene", name=symbol, xrefs=tuple(xrefs),
                    properties=properties)
