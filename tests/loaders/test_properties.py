"""Property-based tests: whatever a file holds, a loader fails only with a named error.

Hypothesis throws malformed lines, wrong encodings, missing columns and duplicates at
every file-based parser. The contract: by default a bad record raises ``InputError``
(file, line, reason) and nothing else escapes; with ``skip_bad`` nothing raises at all
for row-level damage; duplicates change nothing.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kgtwin.loaders import get_loader
from loader_testing import DATA, DEMO

from kgtwin.align import Aligner
from kgtwin.errors import InputError, KgTwinError
from kgtwin.load import aligned_records
from kgtwin.store import open_store

#: A real file per loader, whose first lines seed the generated damage.
SAMPLES = {
    "obo": DEMO / "go_slice.obo",
    "owl": DATA / "mondo_slice.owl",
    "hgnc": DATA / "hgnc_complete_set_sample.txt",
    "drug-targets": DATA / "drugbank_targets.csv",
    "chembl-activities": DATA / "chembl_activities.tsv",
    "drug-indications": DATA / "chembl_indications.tsv",
    "reactome": DATA / "Ensembl2Reactome_sample.txt",
    "gmt": DATA / "wikipathways_sample.gmt",
    "sif": DATA / "mapk.sif",
    "signed-interactions": DATA / "omnipath_interactions.tsv",
    "logical-model": DATA / "toy_mapk.bnet",
    "hetionet": DATA / "hetionet_sample.json",
    "primekg": DATA / "primekg_sample.csv",
}
ROW_LOADERS = [n for n in SAMPLES if n not in {"owl", "logical-model", "hetionet"}]
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

junk = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
separators = st.sampled_from(["\t", ",", ";", " ", "\t\t", '"', "|", "->", "-|", "!", ":"])
line = st.lists(st.one_of(junk, separators), max_size=8).map("".join)


def run(name: str, path: Path, *, skip_bad: bool) -> list:
    loader = get_loader(name)([path], skip_bad=skip_bad)
    return list(aligned_records(loader, Aligner()))


@pytest.mark.parametrize("name", ROW_LOADERS)
@SETTINGS
@given(lines=st.lists(line, min_size=1, max_size=6), keep=st.integers(1, 4))
def test_malformed_lines_fail_only_with_input_errors(name, lines, keep):
    sample = SAMPLES[name].read_text(encoding="utf-8").splitlines()[:keep]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / SAMPLES[name].name
        path.write_text("\n".join(sample + lines) + "\n", encoding="utf-8")
        with contextlib.suppress(KgTwinError):
            run(name, path, skip_bad=False)
        try:
            run(name, path, skip_bad=True)
        except InputError as error:  # only whole-file problems may still stop a load
            assert "missing column" in error.reason or "no effect column" in error.reason \
                or "exactly one model" in error.reason


@pytest.mark.parametrize("name", sorted(SAMPLES))
@SETTINGS
@given(data=st.binary(min_size=1, max_size=200))
def test_wrong_encodings_are_named(name, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / SAMPLES[name].name
        path.write_bytes(SAMPLES[name].read_bytes()[:300] + b"\n\xff\xfe" + data)
        try:
            run(name, path, skip_bad=False)
        except KgTwinError as error:
            assert str(path) in str(error) or path.name in str(error)


@pytest.mark.parametrize(("name", "required"), [
    ("hgnc", ["hgnc_id", "symbol"]),
    ("drug-targets", ["drugbank_id", "uniprot_id"]),
    ("drug-indications", ["drug_id", "disease_id"]),
    ("primekg", ["relation", "x_id", "y_id"]),
])
@SETTINGS
@given(data=st.data())
def test_missing_columns_are_named(name, required, data):
    dropped = data.draw(st.sampled_from(required))
    columns = [c for c in required if c != dropped] + ["extra"]
    delimiter = "," if name in {"drug-targets", "primekg"} else "\t"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("x.csv" if delimiter == "," else "x.tsv")
        path.write_text(delimiter.join(columns) + "\n" + delimiter.join("v" * len(columns))
                        + "\n")
        with pytest.raises(InputError, match="missing column"):
            run(name, path, skip_bad=False)


@pytest.mark.parametrize("name", ["hgnc", "drug-targets", "signed-interactions", "reactome",
                                  "gmt", "sif", "primekg", "obo"])
@settings(max_examples=5, deadline=None)
@given(copies=st.integers(2, 3))
def test_duplicates_change_nothing(name, copies):
    text = SAMPLES[name].read_text(encoding="utf-8")
    header, _, body = text.partition("\n")
    with tempfile.TemporaryDirectory() as folder:
        once, many = Path(folder) / "once", Path(folder) / "many"
        paths = {}
        for label, times in (("once", 1), ("many", copies)):
            path = Path(folder) / f"{label}_{SAMPLES[name].name}"
            if name == "obo":
                stanzas = text.split("\n[Term]", 1)
                path.write_text(stanzas[0] + ("\n[Term]" + stanzas[1]) * times)
            elif name in {"reactome", "gmt", "sif"}:
                path.write_text(text * times)
            else:
                path.write_text(header + "\n" + body * times)
            paths[label] = path
        counts = []
        for label, folder_ in (("once", once), ("many", many)):
            with open_store(folder_) as store:
                store.load(run(name, paths[label], skip_bad=False),
                           _source(paths[label]))
                counts.append((store.counts().nodes, store.counts().edges))
        assert counts[0] == counts[1]


def _source(path: Path):
    from kgtwin.store.base import SourceInfo

    return SourceInfo(name="t", version="1", checksum=path.name, loader="t")


#: Gene-column values: symbols, symbols spelt like accessions, accessions of each shape.
_gene_value = st.one_of(
    st.from_regex(r"[A-Z][A-Z0-9]{1,7}(-\d)?", fullmatch=True),
    st.from_regex(r"[A-NR-Z]\d[A-Z][A-Z0-9]{2}\d", fullmatch=True),
    st.from_regex(r"[OPQ]\d[A-Z0-9]{3}\d(-\d)?", fullmatch=True),
    st.from_regex(r"[A-NR-Z]\d([A-Z][A-Z0-9]{2}\d){2}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(value=_gene_value)
def test_a_gene_column_decides_what_an_accession_shaped_value_is(value):
    """A symbol column never makes a UniProt id; a UniProt column makes one of every
    accession shape; a column of either kind (SIF, signed tables, ``target``) never of
    the shape symbols share (``H2BC11``), and always of the shapes they do not."""
    import re

    from kgtwin.loaders.naming import ACCESSIONS, EITHER, SYMBOLS, gene_curie

    accession = re.fullmatch(
        r"([OPQ]\d[A-Z0-9]{3}\d|[A-NR-Z]\d([A-Z][A-Z0-9]{2}\d){1,2})(-\d+)?", value)
    symbol_shaped = re.fullmatch(r"[A-NR-Z]\d[A-Z][A-Z0-9]{2}\d(-\d+)?", value)
    assert not gene_curie(value, holds=SYMBOLS).startswith("UniProtKB:")
    by_column = gene_curie(value, holds=ACCESSIONS)
    assert by_column.startswith("UniProtKB:") == bool(accession)
    either = gene_curie(value, holds=EITHER)
    assert either.startswith("UniProtKB:") == bool(accession and not symbol_shaped)
    if not either.startswith("UniProtKB:") and not value.isdigit():
        assert either == f"hgnc.symbol:{value}"
