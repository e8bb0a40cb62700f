"""Terms of an OWL/RDF ontology, read with rdflib, in the shape the OBO reader gives.

Follows the OBO-in-OWL conventions the OBO Foundry ontologies use: ``rdfs:label``,
``IAO:0000115`` definitions, ``oboInOwl`` synonyms, xrefs and namespaces, axiom
annotations on xrefs (MONDO's ``source "MONDO:equivalentTo"``), ``owl:deprecated``, and
``rdfs:subClassOf`` to a named class or to a ``someValuesFrom`` restriction (a relation).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.base import Loader
from kgtwin.loaders.ontology import Term
from kgtwin.loaders.safe_documents import check_jsonld, check_xml

from kgtwin.errors import InvalidIdentifierError

OBO = "http://purl.obolibrary.org/obo/"
OBO_IN_OWL = "http://www.geneontology.org/formats/oboInOwl#"
FORMATS = {".owl": "xml", ".rdf": "xml", ".xml": "xml", ".ttl": "turtle", ".nt": "nt",
           ".n3": "n3", ".jsonld": "json-ld", ".ofn": None}


def owl_terms(loader: Loader, path: Path) -> Iterator[Term]:
    """Each named, typed ``owl:Class`` of ``path`` as a Term (unknown IRIs are skipped)."""
    from rdflib import OWL, RDF, RDFS, BNode, Graph, Namespace, URIRef

    oio = Namespace(OBO_IN_OWL)
    graph = Graph()
    suffix = path.suffix if path.suffix != ".gz" else Path(path.stem).suffix
    syntax = FORMATS.get(suffix, "xml")
    data = _read(path)
    # Checked before rdflib sees it: no remote contexts, external or nested entities.
    if syntax == "json-ld":
        check_jsonld(path, data)
    elif syntax == "xml" or data.lstrip()[:1] == b"<":
        check_xml(path, data)
    try:
        graph.parse(data=data, format=syntax, publicID="urn:kgtwin:load")
    except Exception as error:  # rdflib raises many parser-specific errors
        loader.reject(f"cannot parse as RDF: {error}")
        return
    ids = loader.ids  # type: ignore[attr-defined]
    annotated = _xref_annotations(graph, oio)
    for subject in sorted(set(graph.subjects(RDF.type, OWL.Class)), key=str):
        if not isinstance(subject, URIRef):
            continue
        loader.position = str(subject)
        try:
            curie = ids.normalize(str(subject))
        except InvalidIdentifierError:
            continue  # a class from a namespace no registry knows: not a term of ours
        term = Term(id=curie)
        term.name = _text(graph.value(subject, RDFS.label))
        term.definition = _text(graph.value(subject, URIRef(OBO + "IAO_0000115")))
        term.namespace = _text(graph.value(subject, oio.hasOBONamespace))
        term.obsolete = str(graph.value(subject, OWL.deprecated)).lower() == "true"
        for predicate in ("hasExactSynonym", "hasRelatedSynonym", "hasBroadSynonym",
                          "hasNarrowSynonym"):
            term.synonyms += sorted(str(o) for o in graph.objects(subject, oio[predicate]))
        for xref in sorted(str(o) for o in graph.objects(subject, oio.hasDbXref)):
            term.xrefs.append((xref, annotated.get((str(subject), xref), {})))
        term.alt_ids = sorted(str(o) for o in graph.objects(subject, oio.hasAlternativeId))
        for parent in graph.objects(subject, RDFS.subClassOf):
            if isinstance(parent, URIRef) and ids.is_valid(str(parent)):
                term.parents.append(str(parent))
            elif isinstance(parent, BNode):
                relation = graph.value(parent, OWL.onProperty)
                target = graph.value(parent, OWL.someValuesFrom)
                if (isinstance(relation, URIRef) and isinstance(target, URIRef)
                        and ids.is_valid(str(target))):
                    term.relations.append((_obo_curie(str(relation)), str(target)))
        term.parents.sort()
        yield term


def _read(path: Path) -> bytes:
    """The file's bytes (gunzipped); rdflib holds the whole graph in memory anyway."""
    if path.suffix == ".gz":
        import gzip

        with gzip.open(path, "rb") as handle:
            return handle.read()
    return path.read_bytes()


def _xref_annotations(graph, oio) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(class IRI, xref) -> {'source': ...} from reified ``owl:Axiom`` annotations."""
    from rdflib import OWL, RDF

    found: dict[tuple[str, str], dict[str, list[str]]] = {}
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        if graph.value(axiom, OWL.annotatedProperty) != oio.hasDbXref:
            continue
        sources = sorted(str(s) for s in graph.objects(axiom, oio.source))
        if not sources:
            continue
        key = (str(graph.value(axiom, OWL.annotatedSource)),
               str(graph.value(axiom, OWL.annotatedTarget)))
        found.setdefault(key, {}).setdefault("source", []).extend(sources)
    return found


def _text(value: object) -> str | None:
    return str(value) if value is not None else None


def _obo_curie(iri: str) -> str:
    """``http://purl.obolibrary.org/obo/BFO_0000050`` -> ``BFO:0000050``."""
    if iri.startswith(OBO):
        return iri[len(OBO):].replace("_", ":", 1)
    return iri
