"""Which predicates older Biolink releases had that the pinned one does not, and what
Biolink says became of each: the facts behind ``ontologies/biolink_renamed_predicates.yaml``.

Reads every release tag (``vX.Y.Z`` or ``X.Y.Z``) of a biolink-model git clone, collects
the slots under ``related to`` of each, and compares them with the pinned
``ontologies/biolink.json``. Prints, for the file's ``retired`` section, each name no
longer a predicate with the first and last release that had it; and, for a person to
check before adding it to ``renamed``, each retired name the pinned release lists among
a current predicate's ``aliases`` or that a release marked with
``deprecated_element_has_exact_replacement``, with both sides' exact mappings. Nothing is
written: renames are checked by hand (an alias is not always the same relation; Biolink
lists ``stop gained`` among the aliases of ``has synonymous variant``)::

    git clone https://github.com/biolink/biolink-model /tmp/biolink-model
    pip install -e '.[pin]' && python scripts/pin_biolink_history.py /tmp/biolink-model
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from importlib import resources
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent.parent / "ontologies"
SCHEMAS = ("src/biolink_model/schema/biolink_model.yaml", "biolink-model.yaml")
RELATED = "related to"


def _release(tag: str) -> tuple[int, ...] | None:
    found = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)", tag)
    return tuple(int(n) for n in found.groups()) if found else None


def _slots(clone: Path, tag: str) -> dict[str, dict] | None:
    for path in SCHEMAS:
        shown = subprocess.run(["git", "-C", str(clone), "show", f"{tag}:{path}"],
                               capture_output=True, text=True)
        if shown.returncode == 0:
            slots = (yaml.safe_load(shown.stdout) or {}).get("slots") or {}
            if isinstance(slots, list):  # the earliest releases list slots by name
                slots = {s["name"]: s for s in slots}
            return {name: spec or {} for name, spec in slots.items()}
    return None


def _predicates(slots: dict[str, dict]) -> dict[str, dict]:
    def under_related(name: str) -> bool:
        seen: set[str] = set()
        while name and name not in seen:
            if name == RELATED:
                return True
            seen.add(name)
            name = slots.get(name, {}).get("is_a")
        return False

    return {name: spec for name, spec in slots.items() if under_related(name)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone", type=Path, help="a biolink-model git clone with its tags")
    args = parser.parse_args()
    tags = subprocess.run(["git", "-C", str(args.clone), "tag"], capture_output=True,
                          text=True, check=True).stdout.split()
    releases = sorted((t for t in tags if _release(t)), key=_release)  # type: ignore[arg-type]
    pinned = json.loads((OUT / "biolink.json").read_text())
    current = {p.removeprefix("biolink:").replace("_", " ") for p in pinned["predicates"]}
    schema = yaml.safe_load(resources.files("biolink_model").joinpath(
        "schema/biolink_model.yaml").read_text())
    aliases: dict[str, list[str]] = {}
    for name, spec in schema["slots"].items():
        for alias in (spec or {}).get("aliases") or []:
            aliases.setdefault(alias, []).append(name)
    seen: dict[str, list[str]] = {}
    last_spec: dict[str, dict] = {}
    for tag in releases:
        slots = _slots(args.clone, tag)
        if slots is None:
            continue
        for name, spec in _predicates(slots).items():
            if name not in current:
                seen.setdefault(name, []).append(tag.removeprefix("v"))
                last_spec[name] = spec
    print(f"# {len(releases)} release tags, {releases[0]} .. {releases[-1]}; "
          f"{len(seen)} predicates not in Biolink {pinned['version']}")
    print("retired:")
    for name in sorted(seen):
        print(f"  biolink:{name.replace(' ', '_')}: {seen[name][0]}..{seen[name][-1]}")
    print("# to check by hand before listing under renamed:")
    for name in sorted(seen):
        spec = last_spec[name]
        replacement = spec.get("deprecated_element_has_exact_replacement")
        if name in aliases or replacement:
            mappings = {c: (schema["slots"][c] or {}).get("exact_mappings")
                        for c in aliases.get(name, [])}
            print(f"#   {name}: alias of {aliases.get(name)} (exact mappings {mappings}); "
                  f"exact replacement {replacement}; its own {spec.get('exact_mappings')}")


if __name__ == "__main__":
    main()
