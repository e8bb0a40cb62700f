"""A Hetionet-scale graph, generated: 47,031 nodes of 11 categories, 2.25M edges of 24 predicates.

Node and edge counts per kind follow Hetionet v1.0 (Himmelstein et al. 2017); endpoints
are drawn with Zipf-like weights so degrees are skewed as in the real graph. Ids are
valid CURIEs of the right prefixes (they are not real entities). Other benchmarks import
:func:`generate` to build the same graph.

    python benchmarks/hetionet_scale.py OUT_DIR [--scale 0.1]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

# kind: (count, Biolink category, id template)
NODE_KINDS = {
    "Gene": (20945, "biolink:Gene", "HGNC:{}"),
    "Compound": (1552, "biolink:SmallMolecule", "CHEBI:{}"),
    "Disease": (137, "biolink:Disease", "MONDO:{:07d}"),
    "Anatomy": (402, "biolink:AnatomicalEntity", "UBERON:{:07d}"),
    "BiologicalProcess": (11381, "biolink:BiologicalProcess", "GO:{:07d}"),
    "CellularComponent": (1391, "biolink:CellularComponent", "GO:{:07d}"),
    "MolecularFunction": (2884, "biolink:MolecularActivity", "GO:{:07d}"),
    "Pathway": (1822, "biolink:Pathway", "REACT:R-HSA-{}"),
    "PharmacologicClass": (345, "biolink:ChemicalRole", "NCIT:C{}"),
    "SideEffect": (5734, "biolink:PhenotypicFeature", "UMLS:C{:07d}"),
    "Symptom": (438, "biolink:ClinicalFinding", "MESH:D{:06d}"),
}
# Offsets keep GO ids of the three GO kinds apart.
ID_OFFSET = {"BiologicalProcess": 0, "CellularComponent": 20000, "MolecularFunction": 40000}

# (subject kind, Biolink predicate, object kind, edge count) — Hetionet's 24 metaedges.
EDGE_KINDS = [
    ("Anatomy", "biolink:expresses", "Gene", 526407),
    ("Anatomy", "biolink:positively_correlated_with", "Gene", 97848),
    ("Anatomy", "biolink:negatively_correlated_with", "Gene", 102240),
    ("Compound", "biolink:directly_physically_interacts_with", "Gene", 11571),
    ("Compound", "biolink:has_side_effect", "SideEffect", 138944),
    ("Compound", "biolink:similar_to", "Compound", 6486),
    ("Compound", "biolink:treats", "Disease", 755),
    ("Compound", "biolink:ameliorates_condition", "Disease", 390),
    ("Compound", "biolink:affects", "Gene", 18756),
    ("Compound", "biolink:disrupts", "Gene", 21102),
    ("Disease", "biolink:located_in", "Anatomy", 3602),
    ("Gene", "biolink:gene_associated_with_condition", "Disease", 12623),
    ("Disease", "biolink:correlated_with", "Gene", 7623),
    ("Disease", "biolink:associated_with", "Gene", 7731),
    ("Disease", "biolink:related_to", "Disease", 543),
    ("Disease", "biolink:has_phenotype", "Symptom", 3357),
    ("Gene", "biolink:participates_in", "BiologicalProcess", 559504),
    ("Gene", "biolink:part_of", "CellularComponent", 73566),
    ("Gene", "biolink:enables", "MolecularFunction", 97222),
    ("Gene", "biolink:actively_involved_in", "Pathway", 84372),
    ("Gene", "biolink:coexpressed_with", "Gene", 61690),
    ("Gene", "biolink:interacts_with", "Gene", 147164),
    ("Gene", "biolink:regulates", "Gene", 265672),
    ("Compound", "biolink:subclass_of", "PharmacologicClass", 1029),
]


def node_ids(kind: str, count: int) -> np.ndarray:
    template = NODE_KINDS[kind][2]
    offset = ID_OFFSET.get(kind, 0) + 1
    return np.array([template.format(i + offset) for i in range(count)], dtype=object)


def skewed(rng: np.random.Generator, size: int, count: int) -> np.ndarray:
    """Indices in [0, size) with Zipf-like weights (a few hubs, a long tail)."""
    weights = 1.0 / np.arange(1, size + 1) ** 0.8
    weights /= weights.sum()
    order = rng.permutation(size)
    return order[rng.choice(size, size=count, p=weights)]


def generate(out: Path, *, scale: float = 1.0, seed: int = 0) -> tuple[Path, Path]:
    """Writes KGX ``nodes.tsv`` and ``edges.tsv``; returns their paths."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    ids = {kind: node_ids(kind, count) for kind, (count, _, _) in NODE_KINDS.items()}
    nodes = pd.concat(
        pd.DataFrame({"id": ids[kind], "category": category, "name": [f"{kind} {i}" for i in
                                                                     range(len(ids[kind]))]})
        for kind, (_, category, _) in NODE_KINDS.items()
    )
    nodes_path = out / "nodes.tsv"
    nodes.to_csv(nodes_path, sep="\t", index=False)
    frames = []
    for subject, predicate, object_, count in EDGE_KINDS:
        count = int(count * scale)
        pairs = pd.DataFrame({
            "subject": ids[subject][skewed(rng, len(ids[subject]), count)],
            "predicate": predicate,
            "object": ids[object_][skewed(rng, len(ids[object_]), count)],
        }).drop_duplicates()
        frames.append(pairs[pairs.subject != pairs.object])
    edges = pd.concat(frames)
    edges_path = out / "edges.tsv"
    edges.to_csv(edges_path, sep="\t", index=False)
    return nodes_path, edges_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    nodes, edges = generate(args.out, scale=args.scale)
    print(f"wrote {nodes} and {edges}")


if __name__ == "__main__":
    main()
