"""GSEA's categorical class file (Leukemia.cls) onto the samples of its expression matrix."""

from __future__ import annotations

import pytest

from kgtwin.errors import InputError
from kgtwin.privacy import pseudonymiser
from tests.real.conftest import load, real

GCT = "gsea/Leukemia_hgu95av2.trim.gct"


def _classes(store) -> dict[str, str]:
    return {node.id: node.properties.get("class_label")
            for node in store.nodes(category="biolink:MaterialSample")}


def test_leukemia_cls_lands_on_the_gct_samples(store):
    load(store, "expression", [GCT], skip_bad=True)  # 121 symbols newer than the table
    report = load(store, "cls", ["gsea/Leukemia.cls"], samples=str(real(*GCT.split("/"))))
    assert report.counts.nodes == 48 and report.bad == 0
    account = report.reconciliation
    assert (account.read, account.stored, account.merged, account.passed_over,
            account.rejected) == (48, 0, 48, 0, 0)  # every label on a sample the GCT made
    classes = _classes(store)
    assert len(classes) == 48
    assert list(classes.values()).count("ALL") == 24
    assert list(classes.values()).count("AML") == 24
    sample = pseudonymiser()
    assert classes[sample.sample("ALL_24", "")] == "ALL"
    assert classes[sample.sample("AML_1", "")] == "AML"


def test_cls_labels_given_as_numbers_take_line_two_names(store, tmp_path):
    cls = tmp_path / "numbers.cls"
    cls.write_text("48 2 1\n# ALL AML\n" + " ".join(["0"] * 24 + ["1"] * 24) + "\n")
    load(store, "expression", [GCT], skip_bad=True)
    load(store, "cls", [cls], samples=str(real(*GCT.split("/"))))
    classes = _classes(store)
    assert classes[pseudonymiser().sample("AML_3", "")] == "AML"
    assert classes[pseudonymiser().sample("ALL_3", "")] == "ALL"


@pytest.mark.parametrize("text, line, reason", [
    ("47 2 1\n# ALL AML\n" + "ALL " * 24 + "AML " * 23 + "\n", 3,
     "47 labels, but Leukemia_hgu95av2.trim.gct has 48 sample columns"),
    ("48 2 1\n# ALL AML\n" + "ALL " * 24 + "AML " * 23 + "\n", 3,
     "line 1 says 48 samples, line 3 has 47 labels"),
    ("48 3 1\n# ALL AML\n" + "ALL " * 24 + "AML " * 24 + "\n", 2,
     "line 1 says 3 classes, line 2 names 2"),
    ("48 two 1\n# ALL AML\n" + "ALL " * 48 + "\n", 1, "line 1 must be"),
    ("48 2 1\n# ALL acute myeloid\n" + "ALL " * 48 + "\n", 2, "line 1 says 2 classes"),
    ("48 2 1\n# ALL AML/" + "x" * 70 + "\n" + "ALL " * 24 + "AML " * 24 + "\n", 2,
     "is not one short token"),
    ("#numeric\n#AGE\n" + "1.0 " * 48 + "\n", 1, "continuous (#numeric) CLS"),
])
def test_bad_cls_names_file_line_and_reason(store, tmp_path, text, line, reason):
    cls = tmp_path / "bad.cls"
    cls.write_text(text)
    with pytest.raises(InputError) as error:
        load(store, "cls", [cls], samples=str(real(*GCT.split("/"))))
    assert f"bad.cls:{line}: " in str(error.value) and reason in str(error.value)


def test_cls_without_its_matrix_is_refused(store):
    with pytest.raises(InputError, match=r"names no samples.*samples=FILE"):
        load(store, "cls", ["gsea/Leukemia.cls"])


@pytest.mark.parametrize("matrix_options, cls_options", [
    ({"dataset": "leukemia"}, {}),  # the CLS without the matrix's dataset
    ({}, {"dataset": "golub"}),  # another dataset than the matrix's
    (None, {}),  # no matrix loaded at all
])
def test_cls_whose_samples_the_matrix_load_did_not_make_is_refused(
        store, matrix_options, cls_options):
    """A CLS names no samples: with another dataset (or key) than its matrix, its
    labels would make 48 sample nodes with a class and nothing else. Refused instead,
    at line 3, with the count, the first column and what to do; nothing written."""
    if matrix_options is not None:
        load(store, "expression", [GCT], skip_bad=True, **matrix_options)
    before = sum(1 for _ in store.nodes(category="biolink:MaterialSample"))
    with pytest.raises(InputError) as error:
        load(store, "cls", ["gsea/Leukemia.cls"], samples=str(real(*GCT.split("/"))),
             **cls_options)
    said = str(error.value)
    assert "Leukemia.cls:3: 48 of 48 labels fall on sample nodes the store does not " \
        "hold (first: sample column 1 of Leukemia_hgu95av2.trim.gct)" in said
    assert "with the same dataset= and pseudonym key" in said
    assert sum(1 for _ in store.nodes(category="biolink:MaterialSample")) == before
    assert not any(n.properties.get("class_label") for n in store.nodes())


def test_cls_with_the_matrix_dataset_lands_on_its_samples(store):
    load(store, "expression", [GCT], skip_bad=True, dataset="leukemia")
    report = load(store, "cls", ["gsea/Leukemia.cls"], samples=str(real(*GCT.split("/"))),
                  dataset="leukemia")
    assert report.reconciliation.merged == 48 and report.reconciliation.stored == 0
