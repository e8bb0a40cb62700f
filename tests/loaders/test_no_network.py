"""No network from loads: remote contexts, entities, DTDs and imports are never fetched.

Every hostile file points at a loopback HTTP listener that records requests; after each
load (refused or not) the listener must have received nothing. Hostile XML (billion
laughs, external and parameter entities) is refused before any parser expands it.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from loader_testing import DATA, records

from kgtwin.errors import InputError


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(b'{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}}')

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


RDF_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" '
    'xmlns:owl="http://www.w3.org/2002/07/owl#">'
)
HP_CLASS = (
    '<owl:Class rdf:about="http://purl.obolibrary.org/obo/HP_0000118">'
    "<rdfs:label>{label}</rdfs:label></owl:Class>"
)


def owl_xml(doctype: str, label: str = "Phenotypic abnormality", extra: str = "") -> str:
    body = HP_CLASS.format(label=label)
    return f'<?xml version="1.0"?>\n{doctype}\n{RDF_HEAD}{extra}{body}</rdf:RDF>\n'


def billion_laughs() -> str:
    """Eleven levels of ten: 10**11 'lol's from a file of 1 KB."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 12)
    ]
    return owl_xml(f"<!DOCTYPE rdf:RDF [{''.join(entities)}]>", label="&lol11;")


def refused_files(url: str) -> dict[str, str]:
    """name -> content of files that must be refused without any request."""
    return {
        "remote_context.jsonld": (
            f'{{"@context": "{url}/context.jsonld", "@id": "http://purl.obolibrary.org/obo/'
            'HP_0000118", "@type": "http://www.w3.org/2002/07/owl#Class", "label": "x"}'
        ),
        "context_list.jsonld": f'{{"@context": [{{"a": "http://x/"}}, "{url}/c2"], "@id": "a:b"}}',
        "nested_import.jsonld": (
            f'{{"@graph": [{{"@context": {{"@import": "{url}/c3"}}, "@id": "http://x/y"}}]}}'
        ),
        "external_entity.owl": owl_xml(
            f'<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{url}/entity">]>', label="&ext;"
        ),
        "external_dtd.owl": owl_xml(f'<!DOCTYPE rdf:RDF SYSTEM "{url}/dtd">'),
        "parameter_entity.owl": owl_xml(f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{url}/p"> %p;]>'),
        "billion_laughs.owl": billion_laughs(),
    }


@pytest.mark.parametrize(
    "name",
    [
        "remote_context.jsonld",
        "context_list.jsonld",
        "nested_import.jsonld",
        "external_entity.owl",
        "external_dtd.owl",
        "parameter_entity.owl",
        "billion_laughs.owl",
    ],
)
def test_hostile_ontology_is_refused_without_a_request(tmp_path, listener, load, name):
    url, seen = listener
    path = tmp_path / name
    path.write_text(refused_files(url)[name], encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load("owl", path)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)
    assert seen == []


def test_billion_laughs_in_sbml_qual_is_refused(tmp_path, listener):
    text = (DATA / "toy_mapk.sbml").read_text(encoding="utf-8")
    doctype = billion_laughs().split("\n")[1]
    hostile = tmp_path / "model.sbml"
    hostile.write_text(
        text.replace("?>\n", "?>\n" + doctype.replace("rdf:RDF", "sbml") + "\n", 1).replace(
            'id="toy_mapk"', 'id="toy_mapk" name="&lol11;"'
        )
    )
    with pytest.raises(InputError, match="nested expansion"):
        records("logical-model", hostile, DATA / "toy_mapk_genes.txt")


@pytest.mark.parametrize("syntax", ["owl", "ttl"])
def test_imports_are_not_followed(tmp_path, listener, load, store, syntax):
    url, seen = listener
    if syntax == "owl":
        extra = (
            f'<owl:Ontology rdf:about="http://x/o"><owl:imports rdf:resource="{url}/i.owl"/>'
            "</owl:Ontology>"
        )
        text = owl_xml("", extra=extra)
    else:
        text = (
            "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            f"<http://x/o> a owl:Ontology ; owl:imports <{url}/i.ttl> .\n"
            "<http://purl.obolibrary.org/obo/HP_0000118> a owl:Class ;"
            ' rdfs:label "Phenotypic abnormality" .\n'
        )
    path = tmp_path / f"imports.{syntax}"
    path.write_text(text, encoding="utf-8")
    load("owl", path)
    assert store.node("HP:0000118").name == "Phenotypic abnormality"
    assert seen == []


def test_plain_internal_entities_still_load(tmp_path, load, store):
    # Protégé writes these; they expand linearly, so they stay allowed.
    doctype = (
        '<!DOCTYPE rdf:RDF [<!ENTITY obo "http://purl.obolibrary.org/obo/">'
        '<!ENTITY rdfs "http://www.w3.org/2000/01/rdf-schema#">]>'
    )
    text = owl_xml(doctype).replace(
        'rdf:about="http://purl.obolibrary.org/obo/HP_0000118"', 'rdf:about="&obo;HP_0000118"'
    )
    path = tmp_path / "protege.owl"
    path.write_text(text, encoding="utf-8")
    load("owl", path)
    assert store.node("HP:0000118").name == "Phenotypic abnormality"


def test_inline_jsonld_context_loads(tmp_path, load, store, listener):
    _, seen = listener
    path: Path = tmp_path / "inline.jsonld"
    path.write_text(
        '{"@context": {"label": "http://www.w3.org/2000/01/rdf-schema#label"}, '
        '"@id": "http://purl.obolibrary.org/obo/HP_0000118", '
        '"@type": "http://www.w3.org/2002/07/owl#Class", "label": "Phenotypic abnormality"}',
        encoding="utf-8",
    )
    load("owl", path)
    assert store.node("HP:0000118").name == "Phenotypic abnormality"
    assert seen == []
