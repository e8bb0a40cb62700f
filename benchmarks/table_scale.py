"""Hetionet-size edge tables, generated from ``hetionet_scale.py``'s graph.

* ``triples.tsv`` — the KGX edges as a headerless subject/predicate/object TSV (what a
  PyKEEN benchmark graph looks like): 1,854,510 rows at scale 1;
* ``kg.csv`` — the same graph as PrimeKG's ``kg.csv``: each node given PrimeKG's type,
  source and bare id (genes by NCBI Gene id, so the gene index resolves them; diseases,
  GO terms and phenotypes without their zero padding), each edge kind a PrimeKG
  relation; rows of relations with a subject type are written in either direction at
  random (PrimeKG lists them both ways) and one node name in 20 holds a comma (a quoted
  field, as in PrimeKG's names). The ids are valid but not real entities.

    python benchmarks/table_scale.py OUT_DIR [--scale 0.1]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

# hetionet_scale kind -> (PrimeKG type, source, bare id from the CURIE's local part)
NODE_KINDS = {
    "Gene": ("gene/protein", "NCBI", lambda local: local),
    "Compound": ("drug", "DrugBank", lambda local: f"DB{int(local):05d}"),
    "Disease": ("disease", "MONDO", lambda local: str(int(local))),
    "Anatomy": ("anatomy", "UBERON", lambda local: str(int(local))),
    "BiologicalProcess": ("biological_process", "GO", lambda local: str(int(local))),
    "CellularComponent": ("cellular_component", "GO", lambda local: str(int(local))),
    "MolecularFunction": ("molecular_function", "GO", lambda local: str(int(local))),
    "Pathway": ("pathway", "REACTOME", lambda local: local),
    "PharmacologicClass": ("exposure", "CTD", lambda local: f"D{int(local[1:]):06d}"),
    "SideEffect": ("effect/phenotype", "HPO", lambda local: str(int(local[1:]))),
    "Symptom": ("effect/phenotype", "HPO", lambda local: str(500000 + int(local[1:]))),
}
# hetionet_scale predicate (with its kinds) -> PrimeKG relation, display relation
RELATIONS = {
    "biolink:expresses": ("anatomy_protein_present", "expression present"),
    "biolink:positively_correlated_with": ("anatomy_protein_present", "expression present"),
    "biolink:negatively_correlated_with": ("anatomy_protein_absent", "expression absent"),
    "biolink:directly_physically_interacts_with": ("drug_protein", "target"),
    "biolink:has_side_effect": ("drug_effect", "side effect"),
    "biolink:similar_to": ("drug_drug", "synergistic interaction"),
    "biolink:treats": ("indication", "indication"),
    "biolink:ameliorates_condition": ("off-label use", "off-label use"),
    "biolink:affects": ("drug_protein", "enzyme"),
    "biolink:disrupts": ("drug_protein", "carrier"),
    "biolink:located_in": ("disease_disease", "parent-child"),
    "biolink:gene_associated_with_condition": ("disease_protein", "associated with"),
    "biolink:correlated_with": ("disease_protein", "associated with"),
    "biolink:associated_with": ("disease_protein", "associated with"),
    "biolink:related_to": ("disease_disease", "parent-child"),
    "biolink:has_phenotype": ("disease_phenotype_positive", "phenotype present"),
    "biolink:participates_in": ("bioprocess_protein", "interacts with"),
    "biolink:part_of": ("cellcomp_protein", "interacts with"),
    "biolink:enables": ("molfunc_protein", "interacts with"),
    "biolink:actively_involved_in": ("pathway_protein", "interacts with"),
    "biolink:coexpressed_with": ("protein_protein", "ppi"),
    "biolink:interacts_with": ("protein_protein", "ppi"),
    "biolink:regulates": ("protein_protein", "ppi"),
    "biolink:subclass_of": ("exposure_protein", "interacts with"),
}
HEADER = ["relation", "display_relation", "x_index", "x_id", "x_type", "x_name", "x_source",
          "y_index", "y_id", "y_type", "y_name", "y_source"]


def generate(out: Path, *, scale: float = 1.0, seed: int = 0) -> tuple[Path, Path]:
    """Writes ``triples.tsv`` and ``kg.csv`` (and the KGX pair they come from)."""
    sys.path.insert(0, str(HERE))
    from hetionet_scale import NODE_KINDS as KINDS
    from hetionet_scale import generate as write_kgx

    nodes_path, edges_path = write_kgx(out, scale=scale, seed=seed)
    edges = pd.read_csv(edges_path, sep="\t", dtype=str, keep_default_na=False)
    triples = out / "triples.tsv"
    edges.to_csv(triples, sep="\t", index=False, header=False)
    nodes = pd.read_csv(nodes_path, sep="\t", dtype=str, keep_default_na=False)
    kind = nodes["name"].str.rsplit(" ", n=1).str[0]
    table = pd.DataFrame({"curie": nodes["id"], "index": np.arange(len(nodes)).astype(str)})
    table["type"] = kind.map(lambda k: NODE_KINDS[k][0])
    table["source"] = kind.map(lambda k: NODE_KINDS[k][1])
    table["id"] = [NODE_KINDS[k][2](c.split(":", 1)[1].split("-")[-1] if k != "Pathway"
                                    else c.split(":", 1)[1])
                   for k, c in zip(kind, nodes["id"], strict=True)]
    rng = np.random.default_rng(seed)
    comma = rng.random(len(nodes)) < 0.05
    table["name"] = np.where(comma, nodes["name"] + ", salt", nodes["name"])
    table = table.set_index("curie")
    x, y = table.loc[edges["subject"]], table.loc[edges["object"]]
    relation = edges["predicate"].map(lambda p: RELATIONS[p][0])
    frame = pd.DataFrame({"relation": relation.to_numpy(),
                          "display_relation": edges["predicate"].map(
                              lambda p: RELATIONS[p][1]).to_numpy()})
    turn = rng.random(len(edges)) < 0.5
    for side, first, second in (("x", x, y), ("y", y, x)):
        for column in ("index", "id", "type", "name", "source"):
            frame[f"{side}_{column}"] = np.where(turn, second[column].to_numpy(),
                                                 first[column].to_numpy())
    assert set(KINDS) == set(NODE_KINDS)
    kg = out / "kg.csv"
    frame[HEADER].to_csv(kg, index=False)
    return triples, kg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print("wrote", *generate(args.out, scale=args.scale))


if __name__ == "__main__":
    main()
