"""Identifiers: every spelling of a CURIE becomes the one the field expects.

The prefixes, their synonyms and their local-id patterns come from bioregistry, spelled
the way Biolink's prefix map spells them (``HGNC:1097``, ``NCBIGene:673``,
``UniProtKB:P15056``) because that is what KGX files and Neo4j users expect; bioregistry's
own normal form is lower case. ``scripts/pin_ontologies.py`` extracts them into
``ontologies/prefixes.json`` so nothing heavy is imported at run time; the conversion
between CURIEs and IRIs is done by :mod:`curies`.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import curies

from kgtwin.errors import InvalidIdentifierError

#: IRIs of values kept inside a user namespace (unaligned data) start with this.
NAMESPACE_IRI = "urn:kgtwin:"
#: The node property an ontology term's ``alt_id`` values travel in: secondary ids of
#: the term (merged, obsolete or renamed terms), which never name its node while its
#: primary id of the same prefix is there (:func:`kgtwin.store.identity.preferred_id`).
ALT_IDS = "alt_ids"


@dataclass(frozen=True, slots=True)
class Prefix:
    """One identifier space: its canonical spelling, local-id pattern and IRI base."""

    name: str
    pattern: re.Pattern | None
    example: str | None
    uri_prefix: str | None


class IdNormaliser:
    """Turns any known spelling of a CURIE (or a known IRI) into its canonical CURIE."""

    def __init__(self, prefixes: dict[str, dict]):
        self._prefixes: dict[str, Prefix] = {}
        self._exact: dict[str, str] = {}
        folded: dict[str, set[str]] = {}
        for name, spec in prefixes.items():
            self._prefixes[name] = Prefix(
                name=name,
                pattern=_compile(spec.get("pattern")),
                example=spec.get("example"),
                uri_prefix=spec.get("uri_prefix"),
            )
            for spelling in (name, *spec.get("synonyms", ())):
                self._exact.setdefault(spelling, name)
                folded.setdefault(spelling.casefold(), set()).add(name)
        for name in prefixes:  # a canonical spelling always names itself
            self._exact[name] = name
        # Case-insensitive spellings only where they are unambiguous.
        self._folded = {k: next(iter(v)) for k, v in folded.items() if len(v) == 1}
        self.converter = curies.Converter(
            [
                curies.Record(prefix=p.name, uri_prefix=p.uri_prefix)
                for p in self._prefixes.values()
                if p.uri_prefix
            ],
            strict=False,
        )
        self.normalize = lru_cache(maxsize=1_000_000)(self._normalize)

    def canonical_prefix(self, prefix: str) -> str | None:
        """The canonical spelling of a prefix, or None if no registry knows it."""
        return self._exact.get(prefix) or self._folded.get(prefix.casefold())

    def prefix(self, name: str) -> Prefix:
        return self._prefixes[name]

    def _normalize(self, value: str) -> str:
        text = value.strip() if isinstance(value, str) else value
        if not isinstance(text, str) or not text:
            raise InvalidIdentifierError(f"{value!r} is not an identifier: expected a CURIE")
        if text.startswith(("http://", "https://")):
            return self._from_iri(value, text)
        prefix, sep, local = text.partition(":")
        if not sep or not prefix or not local:
            raise InvalidIdentifierError(
                f"{value!r} is not a CURIE: expected PREFIX:LOCAL_ID such as HGNC:1097, "
                "CHEBI:63637 or MONDO:0005105"
            )
        canonical = self.canonical_prefix(prefix)
        if canonical is None:
            close = difflib.get_close_matches(prefix, list(self._prefixes), n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise InvalidIdentifierError(
                f"{value!r} has an unknown prefix {prefix!r}{hint}: accepted prefixes are "
                "bioregistry's, spelled any known way (HGNC, hgnc, ncbigene, uniprot, ...)"
            )
        local = self._strip_redundant_prefix(canonical, local.strip())
        spec = self._prefixes[canonical]
        if spec.pattern is not None and not spec.pattern.match(local):
            example = f" such as {canonical}:{spec.example}" if spec.example else ""
            raise InvalidIdentifierError(
                f"{value!r} is not a valid {canonical} identifier: the local id must match "
                f"{spec.pattern.pattern}{example}"
            )
        return f"{canonical}:{local}"

    def _strip_redundant_prefix(self, canonical: str, local: str) -> str:
        """``HGNC:HGNC:1097`` and ``GO:GO:0006915`` name the same thing as without."""
        while True:
            head, sep, rest = local.partition(":")
            if sep and rest and self.canonical_prefix(head) == canonical:
                local = rest
            else:
                return local

    def _from_iri(self, value: str, iri: str) -> str:
        curie = self.converter.compress(iri)
        if curie is None:
            raise InvalidIdentifierError(f"{value!r} is an IRI with no known prefix")
        return self._normalize(curie)

    def is_valid(self, value: str) -> bool:
        try:
            self.normalize(value)
        except InvalidIdentifierError:
            return False
        return True

    def expand(self, curie: str) -> str:
        """The IRI of a canonical CURIE (namespaced unaligned ids get a ``urn:kgtwin:`` IRI)."""
        iri = self.converter.expand(curie)
        if iri is not None:
            return iri
        from urllib.parse import quote

        return NAMESPACE_IRI + quote(curie, safe=":/")


def _compile(pattern: str | None) -> re.Pattern | None:
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error:  # a few registry patterns use syntax Python lacks: skip the check
        return None


@cache
def default_normaliser() -> IdNormaliser:
    """The normaliser over the pinned ``ontologies/prefixes.json`` plus kgtwin's local
    prefixes from ``ontologies/identity.yaml``; built on first use."""
    import yaml

    folder = resources.files("kgtwin.ontologies")
    prefixes = json.loads(folder.joinpath("prefixes.json").read_text())["prefixes"]
    identity = yaml.safe_load(folder.joinpath("identity.yaml").read_text())
    for name, uri in identity.get("local_prefixes", {}).items():
        prefixes[name] = {"synonyms": [name.lower()], "uri_prefix": uri}
    # bioregistry's symbol pattern refuses real HGNC symbols and aliases with '.' or '/'
    # (``OK/SW-cl.114``, ``RP11-34P13.7``); any symbol without spaces is a symbol.
    prefixes["hgnc.symbol"] = {**prefixes["hgnc.symbol"], "pattern": r"^\S+$"}
    return IdNormaliser(prefixes)


def normalize(value: str) -> str:
    """Canonical CURIE for ``value``, e.g. ``normalize("hgnc:1097") == "HGNC:1097"``."""
    return default_normaliser().normalize(value)


def prefix_of(curie: str) -> str:
    return curie.partition(":")[0]


def namespaced(namespace: str, value: str) -> str:
    """An id for a value kept as it is inside a user namespace (unaligned data)."""
    value = value.strip()
    if not value:
        raise InvalidIdentifierError("empty value cannot be an identifier")
    return f"{namespace}:{value}"
