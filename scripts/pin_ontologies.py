"""Re-pin the alignment data in ``ontologies/`` from the Biolink model and bioregistry.

kgtwin never reads these packages at run time: importing bioregistry takes seconds and
the Biolink YAML is half a megabyte. This script extracts what kgtwin needs into small
JSON files, with the source versions and checksums, so a build is reproducible and a
changed pin shows up as a diff. Run it after changing the pins in ``pyproject.toml``::

    pip install -e '.[pin]' && python scripts/pin_ontologies.py

``ontologies/biolink_renamed_predicates.yaml`` (other releases' names Biolink gives the
same relation as a current predicate) is written by hand from Biolink's aliases, exact
mappings and ``deprecated_element_has_exact_replacement``; it names the Biolink version it
was checked against, and after a re-pin the vocabulary refuses to build until it is
checked again and its ``biolink_version`` updated.
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata, resources
from pathlib import Path

import bioregistry
import yaml

OUT = Path(__file__).resolve().parent.parent / "ontologies"


def _biolink_file(name: str) -> Path:
    return Path(str(resources.files("biolink_model").joinpath(name)))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _curie_name(name: str) -> str:
    """'gene or gene product' -> 'biolink:GeneOrGeneProduct'; 'treats' -> 'biolink:treats'."""
    return "biolink:" + "".join(w[:1].upper() + w[1:] for w in name.split(" "))


def _slot_name(name: str) -> str:
    return "biolink:" + name.replace(" ", "_")


#: Biolink slots outside the ``related to`` tree that published KGX files state as edges
#: between two entities, kept as predicates of their own (no ``is_a``): ``has attribute``
#: (domain entity, range attribute; RO:0000087 "has role" is among its mappings), which
#: KGX's own ChEBI sample uses for a chemical's roles.
ENTITY_SLOTS = ("has attribute",)


def extract_biolink() -> dict:
    schema_path = _biolink_file("schema/biolink_model.yaml")
    schema = yaml.safe_load(schema_path.read_text())
    classes = {}
    for name, spec in schema["classes"].items():
        spec = spec or {}
        classes[_curie_name(name)] = {
            "is_a": _curie_name(spec["is_a"]) if spec.get("is_a") else None,
            "mixins": [_curie_name(m) for m in spec.get("mixins", [])],
            "mixin": bool(spec.get("mixin")),
            "abstract": bool(spec.get("abstract")),
            "id_prefixes": list(spec.get("id_prefixes", [])),
        }
    related = "related to"
    slots = schema["slots"]

    def is_predicate(name: str) -> bool:
        seen = set()
        while name and name not in seen:
            if name == related:
                return True
            seen.add(name)
            name = (slots.get(name) or {}).get("is_a")
        return False

    predicates = {}
    for name, spec in slots.items():
        spec = spec or {}
        if not is_predicate(name) and name not in ENTITY_SLOTS:
            continue
        predicates[_slot_name(name)] = {
            "is_a": _slot_name(spec["is_a"]) if spec.get("is_a") else None,
            "inverse": _slot_name(spec["inverse"]) if spec.get("inverse") else None,
            "symmetric": bool(spec.get("symmetric")),
            "mixin": bool(spec.get("mixin")),
            "abstract": bool(spec.get("abstract")),
        }
    prefix_map = json.loads(_biolink_file("prefixmaps/biolink-model-prefix-map.json").read_text())
    return {
        "source": "biolink-model",
        "version": metadata.version("biolink-model"),
        "schema_sha256": _sha256(schema_path),
        "categories": classes,
        "predicates": predicates,
        "prefix_map": prefix_map,
    }


def extract_prefixes(biolink_prefix_map: dict[str, str]) -> dict:
    """Every bioregistry prefix with its synonyms, spelled the Biolink way where Biolink has it."""
    registry = bioregistry.read_registry()
    biolink_spelling = {}
    for prefix in biolink_prefix_map:
        norm = bioregistry.normalize_prefix(prefix)
        if norm and norm not in biolink_spelling:
            biolink_spelling[norm] = prefix
    records = {}
    for key, resource in registry.items():
        if resource.is_deprecated():
            continue
        canonical = biolink_spelling.get(key) or resource.get_preferred_prefix() or key
        synonyms = {key, canonical, *(resource.get_synonyms() or ())}
        if resource.get_preferred_prefix():
            synonyms.add(resource.get_preferred_prefix())
        uri = biolink_prefix_map.get(canonical) or resource.get_uri_prefix()
        records[canonical] = {
            "bioregistry": key,
            "synonyms": sorted(s for s in synonyms if s != canonical),
            "pattern": resource.get_pattern(),
            "example": resource.get_example(),
            "banana": resource.get_banana(),
            "uri_prefix": uri,
        }
    # Biolink prefixes bioregistry does not know stay usable with Biolink's IRI.
    for prefix, uri in biolink_prefix_map.items():
        if bioregistry.normalize_prefix(prefix) is None and prefix not in records:
            records[prefix] = {
                "bioregistry": None,
                "synonyms": [],
                "pattern": None,
                "example": None,
                "banana": None,
                "uri_prefix": uri,
            }
    return {
        "source": "bioregistry",
        "version": metadata.version("bioregistry"),
        "biolink_version": metadata.version("biolink-model"),
        "prefixes": dict(sorted(records.items())),
    }


def main() -> None:
    biolink = extract_biolink()
    prefixes = extract_prefixes(biolink["prefix_map"])
    (OUT / "biolink.json").write_text(json.dumps(biolink, indent=0, sort_keys=True) + "\n")
    (OUT / "prefixes.json").write_text(json.dumps(prefixes, indent=0, sort_keys=True) + "\n")
    print(
        f"biolink {biolink['version']}: {len(biolink['categories'])} classes, "
        f"{len(biolink['predicates'])} predicates; bioregistry {prefixes['version']}: "
        f"{len(prefixes['prefixes'])} prefixes"
    )


if __name__ == "__main__":
    main()
