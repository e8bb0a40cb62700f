"""Small real records (HGNC, ChEBI, DrugBank, MONDO ids) the store tests share."""

from __future__ import annotations

from kgtwin.align import Aligner
from kgtwin.model import DIRECTION, DOWN, UP, Edge, Node
from kgtwin.store.base import SourceInfo

BRAF = Node("HGNC:1097", "biolink:Gene", "BRAF", xrefs=("NCBIGene:673", "ENSEMBL:ENSG00000157764"))
MAP2K1 = Node("HGNC:6840", "biolink:Gene", "MAP2K1", xrefs=("NCBIGene:5604",))
VEMURAFENIB = Node("CHEBI:63637", "biolink:Drug", "vemurafenib", xrefs=("DRUGBANK:DB08881",))
MELANOMA = Node("MONDO:0005105", "biolink:Disease", "melanoma", xrefs=("DOID:1909",))
RAF_MEK = Edge("HGNC:1097", "biolink:regulates", "HGNC:6840", {DIRECTION: UP}, {"score": 0.9})
VEM_BRAF = Edge("CHEBI:63637", "biolink:affects", "HGNC:1097", {DIRECTION: DOWN})
VEM_MEL = Edge("CHEBI:63637", "biolink:treats", "MONDO:0005105")

RECORDS = [BRAF, MAP2K1, VEMURAFENIB, MELANOMA, RAF_MEK, VEM_BRAF, VEM_MEL]


def source(name: str = "demo", version: str = "1", checksum: str = "c0ffee") -> SourceInfo:
    return SourceInfo(name=name, version=version, checksum=checksum, loader="test@1")


def aligned(records):
    align = Aligner()
    return [align(r) for r in records]
