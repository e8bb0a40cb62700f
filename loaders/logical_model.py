"""Curated logical models (BNET, MaBoSS ``.bnd``/``.cfg``, SBML-qual) as graph knowledge.

Given a model file, its node-to-gene table (``Node<TAB>HUGO``, symbols comma-separated,
as in PROFILE's ``*_namesToHugo_curated.txt``) and optionally its licence file, the
loader yields:

* one ``biolink:Dataset`` node ``KGTWIN.MODEL:<name>`` holding the model's text, its
  per-node rules, the node-to-gene table, format, citation and licence, so the twin
  engine can rebuild the model from the graph;
* ``model biolink:mentions gene`` for every gene a model node maps to (property
  ``model_node``), and ``biolink:mentions`` for readouts (Proliferation -> GO:0008283,
  Apoptosis -> GO:0006915 by default; ``--option readouts=Name=CURIE,...``);
* ``model biolink:model_of pathway`` when ``--option pathway=REACT:...`` is given;
* signed ``gene biolink:regulates gene`` edges derived from the rules (a regulator
  read without negation activates, under negation inhibits, both ways is unsigned),
  with properties ``source_model`` and ``model_edge``.

Genes are named ``hgnc.symbol:SYMBOL`` and land on HGNC nodes through their xrefs.
Model nodes that map to no gene or readout are named in a warning (without its table a
model's regulations are not stored). SBML-qual rules are kept in BNET syntax, read
from their MathML function terms.

Several model files (a folder of models, ``kgtwin load logical-model models/``) load as
as many models, each ``.cfg`` with the ``.bnd`` of its name; a node-to-gene table,
``name=`` or ``pathway=`` belongs to one model, so with several models they are refused
(load each model with its own).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.base import Loader, read_rows
from kgtwin.loaders.logical_rules import (
    RuleSyntaxError,
    bnd_rules,
    bnet_rules,
    regulator_signs,
    sbml_qual_rules,
)
from kgtwin.loaders.naming import SYMBOL, direction, split_list
from kgtwin.loaders.safe_documents import check_xml

from kgtwin.errors import InputError
from kgtwin.model import Edge, Node, Record

log = logging.getLogger(__name__)

MODEL_FORMATS = {".bnet": "bnet", ".bnd": "maboss", ".sbml": "sbml-qual", ".xml": "sbml-qual"}
DEFAULT_READOUTS = {"proliferation": "GO:0008283", "apoptosis": "GO:0006915"}
_LEVEL = re.compile(r"_b\d+$")


def parse_pairs(value: str | dict | None) -> dict[str, str]:
    """``"A=GO:1,B=GO:2"`` or a mapping -> a dict with lower-cased keys."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k).lower(): str(v) for k, v in value.items()}
    pairs = (item.split("=", 1) for item in str(value).split(",") if "=" in item)
    return {k.strip().lower(): v.strip() for k, v in pairs}


class LogicalModelLoader(Loader):
    """A logical model file + node-to-gene table (+ LICENSE) -> model node and edges."""

    name = "logical-model"
    description = ("logical model (BNET, MaBoSS .bnd/.cfg, SBML-qual) with its node-to-gene "
                   "table and LICENSE (--option citation=... pathway=REACT:...)")

    def __init__(self, paths: list[Path], *, skip_bad: bool = False, name: str | None = None,
                 citation: str | None = None, licence: str | None = None,
                 pathway: str | None = None, readouts: str | dict | None = None,
                 url: str | None = None):
        super().__init__(paths, skip_bad=skip_bad)
        self.models = [p for p in self.paths if p.suffix.lower() in MODEL_FORMATS]
        if not self.models:
            raise InputError(self.paths[0], None, "no model file (.bnet, .bnd, .sbml/.xml) "
                             "among the files")
        configs = [p for p in self.paths if p.suffix.lower() == ".cfg"]
        self.licence_files = [p for p in self.paths if p.name.upper().startswith(
            ("LICENSE", "LICENCE", "COPYING"))]
        self.tables = [p for p in self.paths if p not in
                       {*self.models, *configs, *self.licence_files}]
        if len(self.models) > 1 and (self.tables or name or pathway):
            raise InputError(self.models[0], None, f"{len(self.models)} model files with "
                             "a node-to-gene table, name= or pathway=, which belong to one "
                             "model: load each model with its own (kgtwin load logical-model "
                             "M.bnd M.cfg M_namesToHugo.txt)")
        #: Each model file with its MaBoSS .cfg files (those of its stem when several).
        self.units = {m: configs if len(self.models) == 1 else
                      [c for c in configs if c.stem == m.stem] for m in self.models}
        if unpaired := set(configs) - {c for found in self.units.values() for c in found}:
            raise InputError(sorted(unpaired)[0], None, "a .cfg whose .bnd is not among the "
                             "files (with several models each .cfg goes with the .bnd of its "
                             "name)")
        self._use(self.models[0], name)
        self.citation, self.licence, self.pathway, self.url = citation, licence, pathway, url
        self.readouts = {**DEFAULT_READOUTS, **parse_pairs(readouts)}

    def _use(self, model: Path, name: str | None = None) -> None:
        """The model the next records are of (a folder may hold several)."""
        self.model_path = model
        self.model_name = name or model.stem
        self.config_files = self.units[model]

    @property
    def model_id(self) -> str:
        return f"KGTWIN.MODEL:{re.sub(r'[^A-Za-z0-9_.-]+', '_', self.model_name)}"

    def records(self) -> Iterator[Record]:
        for model in self.models:
            if model != self.model_path:
                self._use(model)
            yield from self._model_records()

    def _model_records(self) -> Iterator[Record]:
        genes = self._genes()
        format_, text, rules, signs = self._read_model()
        yield self._model_node(format_, text, rules, genes)
        model = self.model_id
        if self.pathway:
            yield Edge(model, "biolink:model_of", self.pathway)
        targets = {node: self._targets(node, genes) for node in {*rules, *signs, *genes}}
        self._say_unmapped(targets)
        for node in sorted(targets):
            for target in targets[node]:
                yield Edge(model, "biolink:mentions", target, properties={"model_node": node})
        yield from self._regulations(signs, targets)

    def _say_unmapped(self, targets: dict[str, list[str]]) -> None:
        """Warns when model nodes map to nothing: without its node-to-gene table a
        133-node model gives a couple of readout edges, which must not pass unseen."""
        unmapped = sorted(node for node, found in targets.items() if not found)
        if not unmapped:
            return
        shown = ", ".join(unmapped[:8]) + (", …" if len(unmapped) > 8 else "")
        if not self.tables:
            log.warning("%s: no node-to-gene table among the files (Node<TAB>HUGO, as "
                        "PROFILE's *_namesToHugo_curated.txt): %d of %d model nodes map to "
                        "no gene, so their regulations are not stored (%s)",
                        self.model_path.name, len(unmapped), len(targets), shown)
        else:
            log.warning("%s: %d of %d model nodes are not in the node-to-gene table and "
                        "map to no gene or readout (%s)", self.model_path.name,
                        len(unmapped), len(targets), shown)

    def _genes(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for path in self.tables:
            for row in read_rows(self, path, header=False):
                if len(row) < 2 or row[0].strip().lower() in {"node", "nodes", "model_node"}:
                    continue
                symbols = split_list(row[1], ",;| ")
                if symbols:
                    found[row[0].strip()] = symbols
        return found

    def _targets(self, node: str, genes: dict[str, list[str]]) -> list[str]:
        if node in genes:
            return [f"{SYMBOL}:{s}" for s in genes[node]]
        readout = self.readouts.get(_LEVEL.sub("", node).lower())
        return [readout] if readout else []

    def _text(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise InputError(path, None, f"not valid UTF-8 ({error.reason})") from None

    def _read_model(self) -> tuple[str, str, dict[str, str], dict[str, dict[str, int]]]:
        path = self.model_path
        self.path = path
        text = self._text(path)
        format_ = MODEL_FORMATS[path.suffix.lower()]
        rules: dict[str, str] = {}
        signs: dict[str, dict[str, int]] = {}
        try:
            if format_ == "sbml-qual":
                check_xml(path, text.encode("utf-8"))  # no external or nested entities
                for number, node, inputs, rule in sbml_qual_rules(text):
                    self.position = f"transition {number}"
                    signs.setdefault(node, {}).update(inputs)
                    rules[node] = rule
                return format_, text, rules, signs
            parsed = bnet_rules(text) if format_ == "bnet" else bnd_rules(text)
        except (RuleSyntaxError, SyntaxError) as error:
            raise InputError(path, None, f"not a {format_} model: {error}") from None
        for line, node, rule in parsed:
            self.position = line
            rules[node] = rule
            try:
                signs[node] = regulator_signs(rule) if rule else {}
            except RuleSyntaxError as error:
                self.reject(f"rule of {node}: {error}")
        if not rules:
            raise InputError(path, None, f"no rules: not a {format_} model, or an empty or "
                             "cut-short one")
        return format_, text, rules, signs

    def _model_node(self, format_: str, text: str, rules: dict[str, str],
                    genes: dict[str, list[str]]) -> Node:
        properties: dict[str, object] = {
            "format": format_, "model_text": text, "rules": rules, "node_genes": genes,
            "model_file": self.model_path.name,
        }
        if self.config_files:
            properties["config_text"] = "\n".join(map(self._text, self.config_files))
        if self.licence_files:
            properties["licence_text"] = "\n".join(map(self._text, self.licence_files))
        for key, value in (("citation", self.citation), ("licence", self.licence),
                           ("url", self.url), ("pathway", self.pathway)):
            if value:
                properties[key] = value
        return Node(id=self.model_id, category="biolink:Dataset", name=self.model_name,
                    properties=properties)

    def _regulations(self, signs: dict[str, dict[str, int]],
                     targets: dict[str, list[str]]) -> Iterator[Edge]:
        seen: set[tuple[str, str, int]] = set()
        for node in sorted(signs):
            for regulator, sign in sorted(signs[node].items()):
                for source in targets.get(regulator, []):
                    for target in targets.get(node, []):
                        if source == target or (source, target, sign) in seen:
                            continue
                        seen.add((source, target, sign))
                        yield Edge(source, "biolink:regulates", target,
                                   qualifiers=direction(sign),
                                   properties={"source_model": self.model_id,
                                               "model_edge": f"{regulator} -> {node}"})
