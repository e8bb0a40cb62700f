"""Random small tables of awkward rows (quotes, padding, blanks, refused ids) load to the
same store by columns and record by record, or fail with the same message.

Seeded, so the same files every run; each draws rows from values that exercise one of
the columnar readers' rules (a quoted field, a doubled quote, a quote across lines, an
empty id, a symbol the gene index does not know, a value kept in a namespace).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from kgtwin.loaders import table_columns

from kgtwin.errors import KgTwinError
from kgtwin.genes import GENES_ENV
from kgtwin.load import load_files
from kgtwin.store import EmbeddedStore
from tests.real.conftest import REFERENCE

PRIMEKG_HEADER = ("relation,display_relation,x_index,x_id,x_type,x_name,x_source,"
                  "y_index,y_id,y_type,y_name,y_source")
PRIMEKG_KINDS = [("gene/protein", "NCBI", ["673", "9796", "56992", " 7157"]),
                 ("drug", "DrugBank", ["DB08881", "DB00619"]),
                 ("disease", "MONDO", ["5105", "13924_14467"]),
                 ("effect/phenotype", "HPO", ["2861"]), ("planet", "NCBI", ["1"])]
NAMES = ["BRAF", '"a, b"', '"say ""hi"""', '""', ' "x"', 'a"b', '"é, ü"', '"two\nlines"',
         '"x"y', ""]


@pytest.fixture(autouse=True)
def genes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(GENES_ENV, str(REFERENCE / "hgnc_complete_set.txt.gz"))


def primekg(rng: random.Random) -> list[str]:
    rows = [PRIMEKG_HEADER]
    for _ in range(rng.randrange(1, 10)):
        x, y = rng.choice(PRIMEKG_KINDS), rng.choice(PRIMEKG_KINDS)
        rows.append(",".join([
            rng.choice(["protein_protein", "drug_protein", "indication", "odd_relation"]),
            rng.choice(["ppi", "", "target"]), "1", rng.choice(x[2]), x[0], rng.choice(NAMES),
            x[1], "2", rng.choice(y[2]), y[0], rng.choice(NAMES), y[1]]))
    return rows


def drug_targets(rng: random.Random) -> list[str]:
    column = rng.choice(["gene_symbol", "target", "uniprot_id"])
    rows = [f"drug_id,drug_name,{column},target_name,action,pmids,drug_xrefs"]
    for _ in range(rng.randrange(1, 10)):
        rows.append(",".join([
            rng.choice(["DB08881", "DB00619", " DB01254 ", "CHEMBL941", "", "X:1"]),
            rng.choice(["n", '"n, m"', ""]),
            rng.choice(["BRAF", "P15056", "673", "HGNC:1097", "", "NOTAGENE9", " ABL1"]),
            rng.choice(["t", ""]),
            rng.choice(["inhibitor", "Inhibitor|binder", '"agonist, partial"', "", "odd"]),
            rng.choice(["1|2", '"3,4"', "", "PMID:5"]),
            rng.choice(["CHEBI:1", "", "CHEBI:2;bad xref"])]))
    return rows


def triples(rng: random.Random) -> list[str]:
    values = ["HGNC:1097", "ncbigene:673", "brazil", " uk ", "#c", "CHEBI:1",
              "hgnc.symbol:BRAF", "hgnc.symbol:NOTAGENE9", ""]
    predicates = ["biolink:affects", "embassy", "biolink:treats", " biolink:interacts_with "]
    return ["\t".join([rng.choice(values), rng.choice(predicates), rng.choice(values)])
            for _ in range(rng.randrange(1, 8))]


CASES = {"primekg": (primekg, "kg.csv", [{}]),
         "drug-targets": (drug_targets, "t.csv", [{}, {"unresolved_genes": "keep"}]),
         "triples": (triples, "t.tsv", [{}, {"namespace": "n"},
                                        {"namespace": "n", "unresolved_genes": "keep"}])}


@pytest.mark.parametrize("format", sorted(CASES))
@pytest.mark.parametrize("seed", range(16))
def test_random_tables_load_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  format: str, seed: int) -> None:
    rng = random.Random(f"{format}-{seed}")
    make, name, option_sets = CASES[format]
    monkeypatch.setattr(table_columns, "BLOCK_BYTES", rng.choice([40, 200, 1 << 20]))
    path = tmp_path / name
    path.write_text("\n".join(make(rng)) + "\n")
    options, skip_bad = rng.choice(option_sets), rng.random() < 0.7
    outcomes = []
    for columnar in (True, False):
        store = EmbeddedStore(tmp_path / str(columnar))
        try:
            report = load_files(store, format, [path], columnar=columnar, skip_bad=skip_bad,
                                options=options)
        except KgTwinError as error:
            outcomes.append(("refused", str(error)))
        else:
            outcomes.append(("loaded", store.checksum(), report.counts, report.reconciliation,
                             dict(report.unresolved_genes)))
    assert outcomes[0] == outcomes[1]
