"""Loader benchmark: records/s and peak memory per loader family on generated files.

Generates, in a temporary folder, files in the real formats at full size:

* ontology — an OBO file of GO's size (50,000 terms, is_a, xrefs, synonyms);
* genes    — an HGNC complete set of full size (45,000 genes);
* drugs    — a 1,000,000-row DrugBank-style drug–target table;
* hetionet — a Hetionet-format JSON with 47,031 nodes and 2,250,197 edges, indented as
  hetnetpy writes the real files (``--hetionet-layout lines``: one node or edge a line).

For each family, in a fresh process (so peak RSS is its own), it times parsing alone
(loader -> records) and a full load into a new embedded store (parse, align, merge,
commit), and prints records/s and peak RSS. Target from issue 2: the Hetionet-format
file loads into the embedded store in under 60 s with memory under 4 GB. "load s" is
wall-clock time and "load CPU s" the process's CPU time: on a shared machine the first
grows with other work, the second does not.

    python benchmarks/loaders.py                 # all families, full size
    python benchmarks/loaders.py --scale 0.1     # a tenth of the size, quicker
    python benchmarks/loaders.py --family hetionet [--hetionet-layout lines]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

FAMILIES = ["ontology", "genes", "drugs", "hetionet"]
HETIONET_NODES = {"Gene": 20945, "Compound": 1552, "Disease": 137, "Anatomy": 402,
                  "Biological Process": 11381, "Cellular Component": 1391,
                  "Molecular Function": 2884, "Pathway": 1822, "Pharmacologic Class": 345,
                  "Side Effect": 5734, "Symptom": 438}
HETIONET_EDGES = [("Anatomy", "expresses", "Gene", 526407), ("Gene", "participates",
                  "Biological Process", 559504), ("Compound", "downregulates", "Gene", 21102),
                  ("Gene", "interacts", "Gene", 147164), ("Gene", "regulates", "Gene", 265672),
                  ("Anatomy", "upregulates", "Gene", 97848), ("Compound", "causes",
                  "Side Effect", 138944), ("Gene", "covaries", "Gene", 61690),
                  ("Gene", "participates", "Molecular Function", 97222), ("Gene",
                  "participates", "Cellular Component", 73566), ("Anatomy", "downregulates",
                  "Gene", 102240), ("Gene", "participates", "Pathway", 84372),
                  ("Compound", "binds", "Gene", 11571), ("Disease", "associates", "Gene",
                  12623), ("Compound", "upregulates", "Gene", 18756), ("Disease",
                  "presents", "Symptom", 3357), ("Compound", "treats", "Disease", 755),
                  ("Disease", "localizes", "Anatomy", 3602), ("Compound", "resembles",
                  "Compound", 6486), ("Pharmacologic Class", "includes", "Compound", 1029),
                  ("Disease", "downregulates", "Gene", 7623), ("Disease", "upregulates",
                  "Gene", 7731), ("Compound", "palliates", "Disease", 390),
                  ("Disease", "resembles", "Disease", 543)]


def hetionet_id(kind: str, i: int) -> object:
    return {"Gene": i + 1, "Compound": f"DB{i + 1:05d}", "Disease": f"DOID:{i + 1}",
            "Anatomy": f"UBERON:{i + 1:07d}", "Biological Process": f"GO:{i + 1:07d}",
            "Cellular Component": f"GO:{i + 100001:07d}",
            "Molecular Function": f"GO:{i + 200001:07d}", "Pathway": f"PC7_{i + 1}",
            "Pharmacologic Class": f"N{i + 1:010d}", "Side Effect": f"C{i + 1:07d}",
            "Symptom": f"D{i + 1:06d}"}[kind]


#: Hetionet v1.0's ``kind_to_abbrev``: the parts of a metaedge's abbreviation.
HETIONET_ABBREVIATIONS = {
    "Anatomy": "A", "Biological Process": "BP", "Cellular Component": "CC", "Compound": "C",
    "Disease": "D", "Gene": "G", "Molecular Function": "MF", "Pathway": "PW",
    "Pharmacologic Class": "PC", "Side Effect": "SE", "Symptom": "S", "associates": "a",
    "binds": "b", "causes": "c", "covaries": "c", "downregulates": "d", "expresses": "e",
    "includes": "i", "interacts": "i", "localizes": "l", "palliates": "p",
    "participates": "p", "presents": "p", "regulates": "r", "resembles": "r", "treats": "t",
    "upregulates": "u"}


def hetionet_edges(scale: float) -> Iterator[tuple[str, object, str, str, object]]:
    """The generated graph's edges as (source kind, id, kind, target kind, id)."""
    rng = random.Random(1)
    counts = {k: max(1, int(v * scale)) for k, v in HETIONET_NODES.items()}
    for source, kind, target, count in HETIONET_EDGES:
        for _ in range(max(1, int(count * scale))):
            yield (source, hetionet_id(source, rng.randrange(counts[source])), kind,
                   target, hetionet_id(target, rng.randrange(counts[target])))


def write_hetionet_sif(folder: Path, scale: float) -> int:
    """The graph of :func:`write_hetionet` as Hetionet's TSV release writes it: the node
    table ``nodes.tsv`` and the edge table ``edges.sif.gz`` (metaedge abbreviations;
    ``Gr>G`` the one directed kind), without the ``data``."""
    import gzip

    counts = {k: max(1, int(v * scale)) for k, v in HETIONET_NODES.items()}
    with open(folder / "nodes.tsv", "w") as out:
        out.write("id\tname\tkind\n")
        for kind, count in counts.items():
            for i in range(count):
                out.write(f"{kind}::{hetionet_id(kind, i)}\t{kind} {i}\t{kind}\n")
    names, total = HETIONET_ABBREVIATIONS, 0
    with gzip.open(folder / "edges.sif.gz", "wt", compresslevel=6) as out:
        out.write("source\tmetaedge\ttarget\n")
        for source, source_id, kind, target, target_id in hetionet_edges(scale):
            metaedge = (f"{names[source]}{names[kind]}{'>' if kind == 'regulates' else ''}"
                        f"{names[target]}")
            out.write(f"{source}::{source_id}\t{metaedge}\t{target}::{target_id}\n")
            total += 1
    return total


def write_hetionet(path: Path, scale: float, layout: str = "indented") -> int:
    """The graph as a Hetionet JSON file. ``indented`` is hetnetpy's own layout (its
    ``write_graph`` calls ``json.dump(..., indent=2)``; the real files are written so):
    the bytes ``json.dump`` would write for the whole document, streamed edge by edge.
    ``lines`` puts one node or edge on a line (``json.dumps`` of each)."""
    if layout not in ("indented", "lines"):
        raise ValueError(f"layout {layout!r}: 'indented' or 'lines'")
    counts = {k: max(1, int(v * scale)) for k, v in HETIONET_NODES.items()}
    indent = 2 if layout == "indented" else None
    inner = "\n    " if indent else "\n"  # before an item of the nodes or edges array

    def item(value: dict) -> str:
        return inner + json.dumps(value, indent=indent).replace("\n", inner)

    total = 0
    with open(path, "w") as out:
        head = {"metanode_kinds": sorted(counts), "metaedge_tuples": [], "kind_to_abbrev": {}}
        if indent:
            out.write(json.dumps(head, indent=indent)[:-2] + ',\n  "nodes": [')
        else:
            out.write(json.dumps(head)[:-1] + ',\n"nodes": [')
        first = True
        for kind, count in counts.items():
            for i in range(count):
                node = {"kind": kind, "identifier": hetionet_id(kind, i),
                        "name": f"{kind} {i}", "data": {"source": "generated", "license": "CC0"}}
                out.write(("" if first else ",") + item(node))
                first = False
        out.write('\n  ],\n  "edges": [' if indent else '\n],\n"edges": [')
        first = True
        for source, source_id, kind, target, target_id in hetionet_edges(scale):
            edge = {"source_id": [source, source_id], "target_id": [target, target_id],
                    "kind": kind, "direction": "both",
                    "data": {"source": "generated", "unbiased": False}}
            out.write(("" if first else ",") + item(edge))
            first = False
            total += 1
        out.write("\n  ]\n}" if indent else "\n]}\n")
    return total


def write_obo(path: Path, scale: float) -> int:
    count = int(50_000 * scale)
    rng = random.Random(2)
    namespaces = ["biological_process", "molecular_function", "cellular_component"]
    with open(path, "w") as out:
        out.write("format-version: 1.2\ndata-version: generated\nontology: go\n")
        for i in range(1, count + 1):
            out.write(f"\n[Term]\nid: GO:{i:07d}\nname: generated term {i}\n"
                      f"namespace: {namespaces[i % 3]}\n"
                      f'def: "A generated term, number {i}." [GOC:kgtwin]\n'
                      f'synonym: "term {i}" EXACT []\nxref: Wikipedia:Term_{i}\n')
            for _ in range(2 if i > 3 else 0):
                out.write(f"is_a: GO:{rng.randrange(1, i):07d}\n")
    return count


def write_hgnc(path: Path, scale: float) -> int:
    count = int(45_000 * scale)
    header = ["hgnc_id", "symbol", "name", "locus_group", "locus_type", "status",
              "location", "alias_symbol", "prev_symbol", "entrez_id", "ensembl_gene_id",
              "uniprot_ids", "omim_id"]
    with open(path, "w") as out:
        out.write("\t".join(header) + "\n")
        for i in range(1, count + 1):
            out.write("\t".join([f"HGNC:{i}", f"GENE{i}", f"generated gene {i}",
                                 "protein-coding gene", "gene with protein product",
                                 "Approved", "1p1", f'"AL{i}A|AL{i}B"', "", str(100000 + i),
                                 f"ENSG{i:011d}", f"P{i % 10}{i % 10}{i:03d}"[:6]
                                 if i < 1000 else "", ""]) + "\n")
    return count


def write_drug_targets(path: Path, scale: float) -> int:
    """Targets are real approved symbols (the gene index's first 20,000): made-up
    names would be refused row by row."""
    from kgtwin.genes import gene_index

    names = gene_index().names
    symbols = [names[h] for h in sorted(names, key=lambda h: int(h.partition(":")[2]))]
    count = int(1_000_000 * scale)
    rng = random.Random(3)
    actions = ["inhibitor", "antagonist", "agonist", "binder", ""]
    with open(path, "w") as out:
        out.write("drugbank_id,drug_name,target,action\n")
        for i in range(count):
            drug = rng.randrange(1, 15000)
            out.write(f"DB{drug:05d},drug {drug},{symbols[rng.randrange(0, 20000)]},"
                      f"{actions[i % 5]}\n")
    return count


GENERATORS = {"ontology": ("obo", "go.obo", write_obo),
              "genes": ("hgnc", "hgnc_complete_set.txt", write_hgnc),
              "drugs": ("drug-targets", "drug_targets.csv", write_drug_targets),
              "hetionet": ("hetionet", "hetionet.json", write_hetionet)}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(family: str, scale: float, layout: str = "indented") -> dict:
    """Generate, parse, load; runs inside a fresh process."""
    from kgtwin.loaders import get_loader

    from kgtwin.load import load_files
    from kgtwin.store import open_store

    format_, name, generate = GENERATORS[family]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        started = time.perf_counter()
        if family == "hetionet":
            generate(path, scale, layout)
        else:
            generate(path, scale)
        generated = time.perf_counter() - started
        size = path.stat().st_size / 2**20
        started = time.perf_counter()
        parsed = sum(1 for _ in get_loader(format_)([path]).records())
        parse_s = time.perf_counter() - started
        rss_parse = peak_rss_mib()
        started, cpu = time.perf_counter(), time.process_time()
        with open_store(Path(folder) / "store") as store:
            report = load_files(store, format_, [path])
        load_s = time.perf_counter() - started
        load_cpu_s = time.process_time() - cpu
        return {"family": family, "format": format_, "file_mib": round(size, 1),
                "records": parsed, "generate_s": round(generated, 1),
                "parse_s": round(parse_s, 1), "parse_records_per_s": int(parsed / parse_s),
                "load_s": round(load_s, 1), "load_cpu_s": round(load_cpu_s, 1),
                "load_records_per_s": int(parsed / load_s),
                "nodes": report.counts.total_nodes, "edges": report.counts.total_edges,
                "peak_rss_parse_mib": round(rss_parse), "peak_rss_mib": round(peak_rss_mib())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--family", choices=FAMILIES, action="append")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--hetionet-layout", choices=["indented", "lines"], default="indented",
                        help="hetnetpy's indent=2 (the real files) or one node or edge a line")
    parser.add_argument("--one", choices=FAMILIES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.scale, args.hetionet_layout)))
        return
    print(f"{'family':<9} {'records':>9} {'file MiB':>9} {'parse rec/s':>12} "
          f"{'load s':>7} {'load CPU s':>11} {'load rec/s':>11} {'peak RSS MiB':>13}")
    for family in args.family or FAMILIES:
        done = subprocess.run([sys.executable, __file__, "--one", family, "--scale",
                               str(args.scale), "--hetionet-layout", args.hetionet_layout],
                              capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{family:<9} {row['records']:>9} {row['file_mib']:>9} "
              f"{row['parse_records_per_s']:>12} {row['load_s']:>7} {row['load_cpu_s']:>11} "
              f"{row['load_records_per_s']:>11} {row['peak_rss_mib']:>13}", flush=True)


if __name__ == "__main__":
    main()
