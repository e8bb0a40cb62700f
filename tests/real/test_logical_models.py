"""Published logical models: PROFILE's (with their node-to-gene tables), MaBoSS's
examples (.bnd/.cfg and SBML-qual) and pyboolnet's BNET repository."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ElementTree

import pytest

from kgtwin.errors import InputError
from kgtwin.twin.expr import parse_expr
from kgtwin.twin.formats.sbml import loads_sbml
from tests.real.conftest import load, real, warnings_of

QUAL = "{http://www.sbml.org/sbml/level3/version1/qual/version1}"
#: SBML-qual files libsbml's reading in the twin engine takes (BIOMD0000000562 compares
#: species with named thresholds, which that reader refuses; see the test below).
SBML_PLAIN = ["examples_sbml_Cohen.sbml", "examples_sedml_cell_fate.sbml",
              "tests_cmaboss_models_sbml_cell_fate.sbml"]
SBML = [*SBML_PLAIN, "examples_sbml_BIOMD0000000562_url.xml"]


@pytest.mark.parametrize(("model", "table"), [("Fumia2013", "Fumia"), ("Zanudo", "Zanudo"),
                                              ("Cohen", "Cohen")])
def test_profile_models_with_their_gene_tables(store, model, table):
    report = load(store, "logical-model", [f"profile/{model}.bnd", f"profile/{model}.cfg",
                                           f"profile/{table}_namesToHugo_curated.txt",
                                           "profile/LICENSE"])
    assert report.bad == 0
    regulations = list(store.edges(predicate="biolink:regulates"))
    assert len(regulations) > 50
    assert all(e.subject.startswith("HGNC:") for e in regulations)
    node = store.node(f"KGTWIN.MODEL:{model}")
    assert "BSD" in node.properties["licence_text"] or node.properties["licence_text"]


def test_fumia_tp53_regulations(store):
    load(store, "logical-model", ["profile/Fumia2013.bnd", "profile/Fumia2013.cfg",
                                  "profile/Fumia_namesToHugo_curated.txt"])
    mdm2 = {(e.object, e.qualifiers.get("object_direction_qualifier"))
            for e in store.edges(subject="HGNC:6973", predicate="biolink:regulates")}
    assert ("HGNC:11998", "decreased") in mdm2  # MDM2 -| TP53


@pytest.mark.parametrize("files", [
    ["maboss/examples_Montagud_Prostate_Montagud2022_Prostate_Cancer.bnd",
     "maboss/examples_Montagud_Prostate_Montagud2022_Prostate_Cancer.cfg"],
    ["bnet/grieco_mapk.bnet"],
    *[[f"maboss/{name}"] for name in SBML],
])
def test_a_model_without_its_gene_table_is_said(store, caplog, files):
    report = load(store, "logical-model", files)
    assert report.bad == 0
    text = warnings_of(caplog)
    assert "no node-to-gene table among the files" in text
    assert "map to no gene, so their regulations are not stored" in text


@pytest.mark.parametrize("name", ["calzone_cellfate", "dahlhaus_neuroplastoma",
                                  "faure_cellcycle", "grieco_mapk", "jaoude_thdiff",
                                  "klamt_tcr"])
def test_pyboolnet_models_keep_every_rule(store, name):
    text = real("bnet", f"{name}.bnet").read_text()
    rules = [line for line in text.splitlines()
             if "," in line and not line.lstrip().startswith(("#", "targets"))]
    load(store, "logical-model", [f"bnet/{name}.bnet"])
    node = store.node(f"KGTWIN.MODEL:{name}")
    assert len(node.properties["rules"]) == len(rules)


@pytest.mark.parametrize("name", ["examples_Sizek_sizek", "examples_ewing_ewing_full",
                                  "examples_metastasis"])
def test_maboss_examples_keep_every_node(store, name):
    load(store, "logical-model", [f"maboss/{name}.bnd", f"maboss/{name}.cfg"])
    node = store.node(f"KGTWIN.MODEL:{name}")
    text = real("maboss", f"{name}.bnd").read_text()
    assert len(node.properties["rules"]) == text.lower().count("node ")


def test_sbml_qual_named_thresholds(store):
    load(store, "logical-model", ["maboss/examples_sbml_BIOMD0000000562_url.xml"])
    rules = store.node("KGTWIN.MODEL:examples_sbml_BIOMD0000000562_url").properties["rules"]
    assert len(rules) == 26 and all(rules.values())
    # <apply><geq/><ci>nik</ci><ci>theta_t1_nik</ci></apply>, thresholdLevel="1"
    assert rules["ikk"] == "nik"


@pytest.mark.parametrize("name", SBML_PLAIN)
def test_sbml_qual_rules_match_libsbml_reading(store, name):
    """The rules kept as text agree with the twin engine's libsbml reading on random
    states (the two readers share no code)."""
    path = real("maboss", name)
    load(store, "logical-model", [f"maboss/{name}"])
    stem = path.stem
    rules = store.node(f"KGTWIN.MODEL:{stem}").properties["rules"]
    assert rules and all(rules.values())  # no rule stored as ''
    root = ElementTree.fromstring(path.read_bytes())
    names = {s.get(f"{QUAL}id"): s.get(f"{QUAL}name") or s.get(f"{QUAL}id")
             for s in root.iter(f"{QUAL}qualitativeSpecies")}
    model = loads_sbml(path.read_text(), path=path)
    generator = random.Random(7)
    for node in model.nodes:
        if names[node.name] not in rules:
            continue  # an input without a transition: no rule in the file
        ours = parse_expr(rules[names[node.name]])
        for _ in range(40):
            state = {sid: generator.random() < 0.5 for sid in names}
            by_name = {names[sid]: value for sid, value in state.items()}
            assert ours.evaluate(by_name) == node.rule.evaluate(state), (node.name, state)


def test_a_folder_of_models_loads_each_model(store):
    """`kgtwin load logical-model maboss/`: 4 MaBoSS models (each .cfg with the .bnd of
    its name) and 4 SBML-qual models, each its own model node with its own rules."""
    folder = real("maboss")
    report = load(store, "logical-model", [folder])
    stems = sorted(p.stem for p in folder.iterdir() if p.suffix in {".bnd", ".sbml", ".xml"})
    assert len(stems) == 8 and report.bad == 0
    assert report.counts.nodes == len(stems)
    for stem in stems:
        node = store.node(f"KGTWIN.MODEL:{stem}")
        assert node is not None and node.properties["rules"], stem
    sizek = store.node("KGTWIN.MODEL:examples_Sizek_sizek").properties
    assert sizek["config_text"] == real("maboss", "examples_Sizek_sizek.cfg").read_text()
    assert len(sizek["rules"]) == real("maboss", "examples_Sizek_sizek.bnd").read_text(
        ).lower().count("node ")


def test_several_models_with_one_table_are_refused(store):
    with pytest.raises(InputError, match=r"3 model files with a node-to-gene table"):
        load(store, "logical-model", ["profile/Fumia2013.bnd", "profile/Cohen.bnd",
                                      "profile/Zanudo.bnd",
                                      "profile/Cohen_namesToHugo_curated.txt"])
