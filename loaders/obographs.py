"""OBO Graphs JSON (``{"graphs": [...]}``, as ROBOT and the OWL API export ontologies).

The same terms as the ``obo`` loader reads, from the JSON form: each ``CLASS`` node
(an OBO PURL such as ``http://purl.obolibrary.org/obo/GO_0005615`` becomes
``GO:0005615``) with its label, definition, synonyms, xrefs, namespace
(``hasOBONamespace``) and alternative ids; ``is_a`` edges become ``subclass_of``, and
the relations the ``obo`` loader knows (``part_of`` as ``BFO_0000050``, …) their
predicates. Deprecated terms are left out, as in OBO; property nodes and individuals
are not terms and are passed over. A document is read whole (JSON does not stream).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.base import open_text
from kgtwin.loaders.ontology import OntologyLoader, Term

OBO_PURL = re.compile(r"^https?://purl\.obolibrary\.org/obo/([A-Za-z][A-Za-z0-9]*)_(\w+)$")
NAMESPACE = "http://www.geneontology.org/formats/oboInOwl#hasOBONamespace"
ALT_ID = "http://www.geneontology.org/formats/oboInOwl#hasAlternativeId"


def curie(value: str) -> str:
    """An OBO PURL as its CURIE; a CURIE (or any other id) as it is."""
    match = OBO_PURL.match(value)
    return f"{match.group(1)}:{match.group(2)}" if match else value


class ObographsLoader(OntologyLoader):
    """OBO Graphs JSON ontologies (see module docs)."""

    name = "obographs"
    description = ("OBO Graphs JSON ontology ({\"graphs\": [...]}: ROBOT/OWL API export) -> "
                   "terms, subclass_of, part_of")
    suffixes = (".json",)

    def terms(self) -> Iterator[Term]:
        for path in self.paths:
            yield from self._file(path)

    def _file(self, path: Path) -> Iterator[Term]:
        self.path, self.position = path, None
        try:
            with open_text(path) as handle:
                document = json.load(handle)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            self.reject(f"not valid JSON: {error}")
            return
        graphs = document.get("graphs") if isinstance(document, dict) else None
        if not isinstance(graphs, list):
            self.reject('OBO Graphs JSON is an object with a "graphs" array')
            return
        for number, graph in enumerate(graphs, start=1):
            self.position = f"graphs[{number}]"
            yield from self._graph(graph)

    def _graph(self, graph: dict) -> Iterator[Term]:
        parents: dict[str, list[str]] = {}
        relations: dict[str, list[tuple[str, str]]] = {}
        for edge in graph.get("edges") or []:
            subject, predicate, object_ = (curie(str(edge.get(k, ""))) for k in
                                           ("sub", "pred", "obj"))
            if predicate == "is_a":
                parents.setdefault(subject, []).append(object_)
            elif subject and object_:
                relations.setdefault(subject, []).append((predicate, object_))
        for number, node in enumerate(graph.get("nodes") or [], start=1):
            self.position = f"nodes[{number}]"
            if not isinstance(node, dict) or node.get("type") != "CLASS" or not node.get("id"):
                # properties, individuals, untyped annotation nodes
                self.pass_over("not a class (a property, an individual or an untyped node)")
                continue
            ident = curie(str(node["id"]))
            if ":" not in ident or ident.startswith(("http:", "https:")):
                self.pass_over("a class outside the OBO namespaces (owl:Thing, …)")
                continue
            yield self._term(ident, node, parents.get(ident, []), relations.get(ident, []))

    def _term(self, ident: str, node: dict, parents: list[str],
              relations: list[tuple[str, str]]) -> Term:
        meta = node.get("meta") or {}
        values = meta.get("basicPropertyValues") or []
        namespaces = [v.get("val") for v in values if v.get("pred") == NAMESPACE]
        return Term(
            id=ident,
            name=node.get("lbl"),
            namespace=namespaces[0] if namespaces else None,
            definition=(meta.get("definition") or {}).get("val"),
            synonyms=[s["val"] for s in meta.get("synonyms") or [] if s.get("val")],
            xrefs=[(x["val"], {}) for x in meta.get("xrefs") or [] if x.get("val")],
            alt_ids=[v["val"] for v in values if v.get("pred") == ALT_ID and v.get("val")],
            parents=parents,
            relations=relations,
            obsolete=bool(meta.get("deprecated")),
        )
