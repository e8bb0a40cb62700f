"""Property tests: whatever bytes the patient and omics parsers get, they either yield
records or stop with an InputError naming the file; never another exception."""

from __future__ import annotations

import copy
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kgtwin.loaders import get_loader

from kgtwin.errors import InputError, KgTwinError
from kgtwin.model import Edge

DATA = Path(__file__).resolve().parents[1] / "data" / "patients"
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
FORMATS = {
    "maf": "x.maf", "expression": "x.tsv", "copy-number": "x.tsv", "fhir": "x.json",
    "phenopacket": "x.json", "clinical-csv": "x.csv", "vcf": "x.vcf", "h5ad": "x.h5ad",
}
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def run(format: str, content: bytes, name: str | None = None, skip_bad: bool = False):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / (name or FORMATS[format])
        path.write_bytes(content)
        loader = get_loader(format)([path], skip_bad=skip_bad)
        return list(loader.records()), loader


def outcome(format, content, **kw):
    try:
        return run(format, content, **kw)
    except InputError as error:
        assert error.path and error.reason
        return None


@SETTINGS
@given(format=st.sampled_from(sorted(FORMATS)), content=st.binary(max_size=400))
def test_arbitrary_bytes(format, content):
    outcome(format, content)
    outcome(format, content, skip_bad=True)


@SETTINGS
@given(document=JSON)
def test_arbitrary_json_documents(document):
    for format in ("fhir", "phenopacket"):
        outcome(format, json.dumps(document).encode())


def _paths(value, prefix=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


BUNDLE = json.loads((DATA / "bundle.json").read_text())
BUNDLE_PATHS = list(_paths(BUNDLE))
PACKET = json.loads((DATA / "phenopacket.json").read_text())
PACKET_PATHS = list(_paths(PACKET))


def _replace(document, path, value):
    changed = copy.deepcopy(document)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


@SETTINGS
@given(path=st.sampled_from(BUNDLE_PATHS), value=JSON)
def test_invalid_fhir_resources(path, value):
    """Any one field of a valid bundle set to any JSON value: load or a clean error."""
    content = json.dumps(_replace(BUNDLE, path, value)).encode()
    outcome("fhir", content)
    kept = outcome("fhir", content, skip_bad=True)
    assert kept is not None  # with --skip-bad a bad resource never stops the file


@SETTINGS
@given(path=st.sampled_from(PACKET_PATHS), value=JSON)
def test_invalid_phenopackets(path, value):
    outcome("phenopacket", json.dumps(_replace(PACKET, path, value)).encode())


@pytest.mark.parametrize("format,name", [
    ("maf", "mutations.maf"), ("expression", "expression.tsv"),
    ("clinical-csv", "clinical.csv"), ("fhir", "bundle.json"),
])
def test_wrong_encoding_is_a_bad_record(format, name):
    text = (DATA / name).read_text()
    for plain, accented in (("Malignant", "Malignànt"), ("BRAF", "BRÀF"), ("Alice", "Alìce")):
        text = text.replace(plain, accented)
    with pytest.raises(InputError, match="not valid UTF-8"):
        run(format, text.encode("latin-1"), name=name)


@pytest.mark.parametrize("format,name", [
    ("maf", "mutations.maf"), ("expression", "expression.tsv"), ("vcf", "variants.vcf"),
])
def test_skip_bad_skips_only_the_undecodable_line(format, name):
    lines = (DATA / name).read_bytes().splitlines(keepends=True)
    bad = len(lines) - 2  # a data line with another after it
    broken = b"".join([*lines[:bad], lines[bad].replace(b"\t", b"\xff\t", 1), *lines[bad + 1:]])
    before, _ = run(format, b"".join(lines[:bad]), name=name)
    kept, loader = run(format, broken, name=name, skip_bad=True)
    assert loader.bad.count == 1 and "not valid UTF-8" in loader.bad.examples[0]
    assert f":{bad + 1}:" in loader.bad.examples[0]  # the line is named
    assert len(kept) > len(before)  # the lines after it were read


@SETTINGS
@given(drop=st.integers(min_value=0, max_value=25))
def test_maf_missing_columns(drop):
    lines = (DATA / "mutations.maf").read_text().splitlines()
    rows = [line.split("\t") for line in lines[1:]]
    column = rows[0][drop]
    text = "\n".join("\t".join(r[:drop] + r[drop + 1:]) for r in rows) + "\n"
    result = outcome("maf", text.encode())
    if column in ("Hugo_Symbol", "Tumor_Sample_Barcode"):
        assert result is None
    else:
        assert result is not None and len([r for r in result[0] if isinstance(r, Edge)]) == 5


@SETTINGS
@given(copies=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=4))
def test_duplicated_rows_are_one_statement_and_conflicting_ones_bad(copies):
    lines = (DATA / "mutations.maf").read_text().splitlines()
    text = "\n".join(lines + [lines[c + 1] for c in copies]) + "\n"
    found, loader = run("maf", text.encode())
    assert loader.bad.count == 0 and loader.repeated_rows == len(copies)
    assert len([r for r in found if isinstance(r, Edge)]) == 5
    # t_depth, t_ref_count, t_alt_count: one more alternate read, another fraction
    conflicting = [re.sub(r"\t(\d+)\t(\d+)\t(\d+)\t",
                          lambda m: f"\t{m[1]}\t{m[2]}\t{int(m[3]) + 1}\t",
                          lines[c + 1], count=1) for c in copies]
    text = "\n".join(lines + conflicting) + "\n"
    with pytest.raises(InputError, match="another allele fraction"):
        run("maf", text.encode())
    found, loader = run("maf", text.encode(), skip_bad=True)
    assert loader.bad.count == len(copies)
    assert len([r for r in found if isinstance(r, Edge)]) == 5


def test_loader_options_fail_cleanly(tmp_path):
    with pytest.raises(KgTwinError):
        get_loader("copy-number")([DATA / "copy_number.tsv"], scale="linear")


MARKER = "ZQXMARKER-4471"


@SETTINGS
@given(path=st.sampled_from([p for p in BUNDLE_PATHS if p[-1] != "resourceType"]),
       wrap=st.sampled_from(["plain", "list", "object", "number-like"]))
def test_fhir_errors_never_quote_values(path, wrap):
    """A value put anywhere in a bundle never comes back in an error message."""
    value = {"plain": MARKER, "list": [MARKER], "object": {"value": MARKER},
             "number-like": f"12{MARKER}"}[wrap]
    content = json.dumps(_replace(BUNDLE, path, value)).encode()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "x.json"
        file.write_bytes(content)
        loader = get_loader("fhir")([file], skip_bad=True)
        list(loader.records())
    assert all(MARKER not in example for example in loader.bad.examples)


def test_ndjson_bad_line_skipped_not_the_rest(tmp_path):
    bundle = json.dumps(BUNDLE)
    path = tmp_path / "b.ndjson"
    path.write_text(bundle + "\n{not json\n" + bundle + "\n")
    with pytest.raises(InputError, match=r"b\.ndjson:2: malformed JSON"):
        run("fhir", path.read_bytes(), name="b.ndjson")
    found, loader = run("fhir", path.read_bytes(), name="b.ndjson", skip_bad=True)
    assert loader.bad.count == 1 and len([r for r in found if isinstance(r, Edge)]) == 12
