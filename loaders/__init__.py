"""Loaders: one module per source format, each a :class:`Loader` in the registry.

Third-party packages add formats through the ``kgtwin.loaders`` entry point group.
"""

from __future__ import annotations

from functools import cache

from kgtwin.loaders.base import Loader
from kgtwin.loaders.cbioportal import CbioportalStudyLoader
from kgtwin.loaders.clinical_csv import ClinicalCsvLoader
from kgtwin.loaders.cls import ClsLoader
from kgtwin.loaders.drugs import ChemblActivityLoader, DrugIndicationLoader, DrugTargetLoader
from kgtwin.loaders.expression import CopyNumberLoader, ExpressionLoader
from kgtwin.loaders.fhir import FhirLoader
from kgtwin.loaders.gmt import GmtLoader
from kgtwin.loaders.h5ad import H5adLoader
from kgtwin.loaders.hetionet import HetionetLoader
from kgtwin.loaders.hgnc import HgncLoader
from kgtwin.loaders.hpo import HpoaLoader, HpoGenesLoader
from kgtwin.loaders.interactions import SifLoader, SignedInteractionLoader
from kgtwin.loaders.kgx import KgxLoader
from kgtwin.loaders.logical_model import LogicalModelLoader
from kgtwin.loaders.maf import MafLoader
from kgtwin.loaders.obographs import ObographsLoader
from kgtwin.loaders.oncokb import OncokbLoader
from kgtwin.loaders.ontology import OboLoader, OwlLoader
from kgtwin.loaders.phenopacket import PhenopacketLoader
from kgtwin.loaders.primekg import PrimeKgLoader
from kgtwin.loaders.reactome import ReactomeLoader
from kgtwin.loaders.triples import TriplesLoader
from kgtwin.loaders.vcf import VcfLoader

from kgtwin.registry import Registry

BUILTIN: list[type[Loader]] = [
    KgxLoader,
    TriplesLoader,
    OboLoader,
    OwlLoader,
    HgncLoader,
    HpoaLoader,
    HpoGenesLoader,
    DrugTargetLoader,
    ChemblActivityLoader,
    DrugIndicationLoader,
    ReactomeLoader,
    GmtLoader,
    SifLoader,
    SignedInteractionLoader,
    LogicalModelLoader,
    HetionetLoader,
    PrimeKgLoader,
    MafLoader,
    ExpressionLoader,
    CopyNumberLoader,
    ClsLoader,
    FhirLoader,
    PhenopacketLoader,
    ClinicalCsvLoader,
    H5adLoader,
    VcfLoader,
    CbioportalStudyLoader,
    ObographsLoader,
    OncokbLoader,
]


@cache
def loader_registry() -> Registry[Loader]:
    """Every loader by the name users type (``kgtwin load NAME``)."""
    return Registry("format", "kgtwin.loaders", BUILTIN)


def get_loader(name: str) -> type[Loader]:
    return loader_registry().get(name)


__all__ = ["BUILTIN", "Loader", "get_loader", "loader_registry"]
