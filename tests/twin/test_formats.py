"""Model files: round trips on the published models, every rate/istate form, bad files."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kgtwin.errors import InputError
from kgtwin.twin.expr import FALSE, TRUE, And, Not, Or, Var, parse_expr
from kgtwin.twin.formats import (
    dumps_bnd,
    dumps_bnet,
    dumps_cfg,
    dumps_sbml,
    load_gene_map,
    load_model,
    loads_bnet,
    loads_maboss,
    loads_sbml,
    save_model,
)
from kgtwin.twin.formats._common import RESERVED
from kgtwin.twin.model import LogicalModel, ModelError, Node

MODELS = ["braf", "flobak"]


def _rules(model: LogicalModel) -> dict:
    return {node.name: node.rule for node in model.nodes}


@pytest.mark.parametrize("fixture", MODELS)
def test_bnet_round_trip(fixture: str, request: pytest.FixtureRequest) -> None:
    model = request.getfixturevalue(fixture)
    again = loads_bnet(dumps_bnet(model))
    assert again.names == model.names
    assert _rules(again) == _rules(model)
    assert dumps_bnet(again) == dumps_bnet(model)


@pytest.mark.parametrize("fixture", MODELS)
def test_maboss_round_trip_keeps_everything(fixture: str, request) -> None:
    model = request.getfixturevalue(fixture).with_genes({})
    bare = LogicalModel(
        nodes=tuple(n.__class__(**{**n.__dict__, "genes": ()}) for n in model.nodes),
        name=model.name,
        settings=model.settings,
        parameters=model.parameters,
    )
    again = loads_maboss(dumps_bnd(bare), dumps_cfg(bare), name=bare.name)
    assert again == bare
    assert dumps_bnd(again) == dumps_bnd(bare) and dumps_cfg(again) == dumps_cfg(bare)


@pytest.mark.parametrize("fixture", MODELS)
def test_sbml_qual_round_trip(fixture: str, request) -> None:
    model = request.getfixturevalue(fixture)
    text = dumps_sbml(model)
    again = loads_sbml(text)
    assert again.names == model.names
    assert _rules(again) == _rules(model)
    for before, after in zip(model.nodes, again.nodes, strict=True):
        expected = before.initial_on if before.initial_on in (0.0, 1.0) else 0.5
        assert after.initial_on == expected


def test_exported_sbml_passes_libsbml_consistency_checks(braf: LogicalModel) -> None:
    import libsbml

    document = libsbml.readSBMLFromString(dumps_sbml(braf))
    document.checkConsistency()
    errors = [
        document.getError(i).getMessage()
        for i in range(document.getNumErrors())
        if document.getError(i).getSeverity() >= libsbml.LIBSBML_SEV_ERROR
    ]
    assert errors == []


def test_exported_maboss_files_load_in_maboss(braf: LogicalModel, tmp_path: Path) -> None:
    import cmaboss

    save_model(braf, tmp_path / "twin.bnd")
    network = cmaboss.MaBoSSNet(network=str(tmp_path / "twin.bnd"))
    cmaboss.MaBoSSCfg(network, str(tmp_path / "twin.cfg"))
    assert sorted(network.keys()) == sorted(braf.names)


def test_multilevel_nodes_and_rates_of_the_published_model(braf: LogicalModel) -> None:
    assert {"ERK_b1", "ERK_b2", "MEK_b1", "MEK_b2", "Proliferation_b1"} <= set(braf.names)
    assert braf.node("ERK_b2").rule == parse_expr("ERK_b1 & MEK_b1 & MEK_b2")
    assert set(braf.inputs) == {"EGF", "HGF", "FGF", "SOX10", "ATM"}
    assert braf.settings["max_time"] == 50
    assert braf.node("RAS").genes == ("KRAS", "NRAS", "HRAS")


def test_load_model_by_extension(braf: LogicalModel, tmp_path: Path) -> None:
    for suffix in (".bnet", ".bnd", ".sbml", ".xml"):
        path = tmp_path / f"twin{suffix}"
        save_model(braf, path)
        assert _rules(load_model(path)) == _rules(braf)
    save_model(braf, tmp_path / "a.bnd", cfg=tmp_path / "other.cfg")
    assert load_model(tmp_path / "a.bnd", cfg=tmp_path / "other.cfg").settings == braf.settings


MABOSS_FORMS = """
// every rate form kgtwin accepts
Node A { logic = A; }
Node B {
  logic = A & !C;
  rate_up = @logic ? 2.5 : 0;
  rate_down = (@logic ? 0.0 : $slow);
}
Node C {
  rate_up = B ? $k : 0;
  rate_down = B ? 0 : $k * 2;
}
Node D {
  logic = C;
  rate_up = !@logic ? 0 : 3;   /* same as @logic ? 3 : 0 */
  rate_down = 0;
}
Node E { description = "always on; a ; inside quotes"; rate_up = 1; rate_down = 0; }
"""
MABOSS_CFG = """
$slow = 0.5;
$k = $slow * 4;
A.istate = 1;
[B].istate = 0.3[1], 0.7[0];
C.istate = -1;
D.istate = FALSE;
E.is_internal = 1;
max_time = 20;
discrete_time = 0;
"""


def test_maboss_rate_and_istate_forms() -> None:
    model = loads_maboss(MABOSS_FORMS, MABOSS_CFG)
    assert model.node("A").rule == Var("A") and model.node("A").rate_up == 1.0
    assert (model.node("B").rate_up, model.node("B").rate_down) == (2.5, 0.5)
    assert model.node("C").rule == Var("B")
    assert (model.node("C").rate_up, model.node("C").rate_down) == (2.0, 4.0)
    assert model.node("D").rule == Var("C") and model.node("D").rate_down == 0.0
    assert model.node("E").rule == TRUE
    assert [model.node(n).initial_on for n in "ABCD"] == [1.0, 0.3, 0.5, 0.0]
    assert model.settings["E.is_internal"] == "1" and model.settings["max_time"] == 20
    assert loads_maboss(dumps_bnd(model), dumps_cfg(model)) == model


def test_gene_map(tmp_path: Path) -> None:
    path = tmp_path / "genes.txt"
    path.write_text("Node\tHUGO\nRAS\tKRAS,NRAS\nERK_b2\t\n")
    assert load_gene_map(path) == {"RAS": ("KRAS", "NRAS"), "ERK_b2": ()}
    path.write_text("RAS\tKRAS\nRAS\tNRAS\n")
    with pytest.raises(InputError, match=r"genes.txt:2: node RAS is listed twice"):
        load_gene_map(path)


# --- bad files: each names the file, the line and the reason ---------------------------

BAD_FILES = [
    ("bad.bnet", "A, A\nB, A & Z\n", r"bad.bnet:2: rule of B uses undefined node 'Z'"),
    ("bad.bnet", "A, A\n\nB, A & (\n", r"bad.bnet:3: syntax error in rule of B: rule ends"),
    ("bad.bnet", "A, A\nB, A\nA, B\n", r"bad.bnet:3: node A is defined twice \(first at line 1\)"),
    ("bad.bnet", "A, A\nB A\n", r"bad.bnet:2: expected 'node, rule'"),
    ("bad.bnet", "A-1, A\n", r"bad.bnet:1: invalid node name 'A-1'"),
    ("bad.bnet", "NOT, A\nA, A\n", r"bad.bnet:1: invalid node name 'NOT'"),
    (
        "bad.bnd",
        "Node A {\n logic = A;\n}\nNode B {\n  logic = A | Q;\n}\n",
        r"bad.bnd:5: rule of B uses undefined node 'Q'",
    ),
    ("bad.bnd", "Node A {\n  logic = A &;\n}\n", r"bad.bnd:2: syntax error in rule of A"),
    (
        "bad.bnd",
        "Node A { logic = A; }\n\nNode A { logic = 1; }\n",
        r"bad.bnd:3: node A is defined",
    ),
    ("bad.bnd", "Node A { logic = A; }\nfoo\n", r"bad.bnd:2: expected 'Node NAME \{'"),
    ("bad.bnd", "Node A { logic = A;\n", r"bad.bnd:1: node A: missing '\}'"),
    (
        "bad.bnd",
        "Node A {\n  logic = A;\n  rate_up = @logic ? $u_A : 0;\n}\n",
        r"bad.bnd:3: node A: parameter \$u_A is not defined \(no .cfg was read\)",
    ),
    (
        "bad.bnd",
        "Node A {\n  logic = A;\n  rate_up = !@logic ? 1 : 0;\n}\n",
        r"bad.bnd:3: node A: rate_up does not follow the logic",
    ),
    ("bad.xml", "<sbml><model", r"bad.xml:\d+: Unclosed XML token"),
    ("bad.txt", "A, A\n", r"bad.txt: unknown model format '.txt'"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_FILES)
def test_bad_files_fail_with_file_line_reason(name, text, message, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_model(path)


@pytest.mark.parametrize(
    ("cfg", "message"),
    [
        ("$u = 1;\nZ.istate = 1;\n", r"bad.cfg:2: istate of undefined node 'Z'"),
        ("A.istate = 0.4;\n", r"bad.cfg:1: istate '0.4' must be"),
        ("[A, A].istate = 1[1, 1];\n", r"bad.cfg:1: joint initial states"),
        ("$x = $y + 1;\n", r"bad.cfg:1: parameter \$y is not defined"),
        ("max_time 5;\n", r"bad.cfg:1: expected 'name = value'"),
    ],
)
def test_bad_cfg_files(cfg: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "bad.bnd").write_text("Node A { logic = A; }\n")
    (tmp_path / "bad.cfg").write_text(cfg)
    with pytest.raises(InputError, match=message):
        load_model(tmp_path / "bad.bnd")


def test_missing_file_and_bad_sbml_math(tmp_path: Path, braf: LogicalModel) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_model(tmp_path / "absent.bnet")
    exported = dumps_sbml(braf)
    # PTEN = (p53 == 2): no Boolean level of p53 satisfies it, so the rule is constant off.
    unreachable = exported.replace('<cn type="integer"> 1 </cn>', '<cn type="integer"> 2 </cn>', 1)
    assert loads_sbml(unreachable).node("PTEN").rule == FALSE
    arithmetic = exported.replace("<eq/>", "<plus/>", 1)
    term = exported.rindex("<qual:functionTerm", 0, exported.index("<eq/>"))
    line = exported[:term].count("\n") + 1
    with pytest.raises(InputError, match=rf"m.sbml:{line}: transition of PTEN: cannot read MathML"):
        loads_sbml(arithmetic, path="m.sbml")
    multi = dumps_sbml(braf).replace('qual:maxLevel="1"', 'qual:maxLevel="2"', 1)
    with pytest.raises(InputError, match="species PTEN is multi-valued"):
        loads_sbml(multi, path="m.sbml")


def test_bad_sbml_species(braf: LogicalModel) -> None:
    exported = dumps_sbml(braf)
    unknown = exported.replace("<ci> p53 </ci>", "<ci> Nope </ci>", 1)
    with pytest.raises(InputError, match=r"u.sbml:\d+: transition of PTEN: unknown species 'Nope'"):
        loads_sbml(unknown, path="u.sbml")
    twice = exported.replace('qual:id="AKT"', 'qual:id="PTEN"', 1)
    with pytest.raises(InputError, match=r"d.sbml:\d+: species PTEN is defined twice"):
        loads_sbml(twice, path="d.sbml")
    with pytest.raises(ModelError, match="not a valid SBML id"):
        dumps_sbml(loads_bnet("a.b, a.b\n"))


def test_sbml_reader_understands_ginsim_style_relations() -> None:
    model = loads_sbml(_ginsim_like())
    assert model.node("B").rule == Not(Var("A"))
    assert model.node("A").rule == Var("A")
    assert model.node("A").initial_on == 1.0


def _ginsim_like() -> str:
    return """<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version1/core" level="3" version="1"
  xmlns:qual="http://www.sbml.org/sbml/level3/version1/qual/version1" qual:required="true">
 <model id="g">
  <listOfCompartments><compartment id="c" constant="true"/></listOfCompartments>
  <qual:listOfQualitativeSpecies>
   <qual:qualitativeSpecies qual:id="A" qual:compartment="c" qual:constant="false"
     qual:maxLevel="1" qual:initialLevel="1"/>
   <qual:qualitativeSpecies qual:id="B" qual:compartment="c" qual:constant="false"
     qual:maxLevel="1"/>
  </qual:listOfQualitativeSpecies>
  <qual:listOfTransitions>
   <qual:transition qual:id="tB">
    <qual:listOfInputs>
     <qual:input qual:id="i" qual:qualitativeSpecies="A" qual:transitionEffect="none"/>
    </qual:listOfInputs>
    <qual:listOfOutputs>
     <qual:output qual:qualitativeSpecies="B" qual:transitionEffect="assignmentLevel"/>
    </qual:listOfOutputs>
    <qual:listOfFunctionTerms>
     <qual:defaultTerm qual:resultLevel="1"/>
     <qual:functionTerm qual:resultLevel="0">
      <math xmlns="http://www.w3.org/1998/Math/MathML">
       <apply><geq/><ci> A </ci><cn type="integer"> 1 </cn></apply>
      </math>
     </qual:functionTerm>
    </qual:listOfFunctionTerms>
   </qual:transition>
  </qual:listOfTransitions>
 </model>
</sbml>
"""


@st.composite
def random_models(draw) -> LogicalModel:
    names = draw(
        st.lists(
            st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,6}", fullmatch=True).filter(
                lambda n: n.lower() not in RESERVED
            ),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    leaves = st.sampled_from([Var(n) for n in names] + [TRUE, FALSE])
    rules = st.recursive(
        leaves,
        lambda inner: st.one_of(
            inner.map(Not),
            st.lists(inner, min_size=2, max_size=3).map(lambda a: And(tuple(a))),
            st.lists(inner, min_size=2, max_size=3).map(lambda a: Or(tuple(a))),
        ),
        max_leaves=8,
    )
    rates = st.sampled_from([0.0, 0.5, 1.0, 2.0, 10.0])
    starts = st.sampled_from([0.0, 0.25, 0.5, 1.0])
    nodes = tuple(
        Node(
            name=n,
            rule=draw(rules),
            rate_up=draw(rates),
            rate_down=draw(rates),
            initial_on=draw(starts),
        )
        for n in names
    )
    return LogicalModel(nodes=nodes, name="random")


@settings(max_examples=60, deadline=None)
@given(random_models())
def test_every_writer_round_trips_random_models(model: LogicalModel) -> None:
    again = loads_bnet(dumps_bnet(model))
    assert again.names == model.names
    for before, after in zip(model.nodes, again.nodes, strict=True):
        assert _same_function(before.rule, after.rule, model.names)
    maboss = loads_maboss(dumps_bnd(model), dumps_cfg(model), name="random")
    assert dumps_bnd(maboss) == dumps_bnd(model) and dumps_cfg(maboss) == dumps_cfg(model)
    assert [(n.rate_up, n.rate_down, n.initial_on) for n in maboss.nodes] == [
        (n.rate_up, n.rate_down, n.initial_on) for n in model.nodes
    ]
    sbml = loads_sbml(dumps_sbml(model))
    for before, after in zip(model.nodes, sbml.nodes, strict=True):
        assert _same_function(before.rule, after.rule, model.names)


def _same_function(left, right, names) -> bool:
    return all(
        left.evaluate(dict(zip(names, values, strict=True)))
        == right.evaluate(dict(zip(names, values, strict=True)))
        for values in itertools.product([0, 1], repeat=len(names))
    )
