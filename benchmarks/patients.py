"""Benchmark of the patient and omics loaders: records/s and peak memory on large files.

Generates (deterministically) a MAF of ``--maf-lines`` rows, a ``--genes`` x
``--samples`` expression matrix (also as AnnData ``.h5ad``) and ``--bundles`` FHIR
bundles (one NDJSON file), then loads each into a fresh embedded store in its own
process, so each peak memory figure (``ru_maxrss``) is that load's alone. Each case is
also timed parsing only (the loader's records, no store), which separates the loader's
cost from the store's; a measurement block counts as its values. Streaming: the matrix
loader reads chunks of rows and the store merges at most a few million values at a
time, so peak memory grows little with the file (about 530 MiB at 20,000 x 500
values, 625 MiB at 60,000 x 1,000).

    python benchmarks/patients.py                      # the issue's sizes
    python benchmarks/patients.py --maf-lines 100000 --genes 2000 --bundles 1000

Targets (issue 3): the MAF and the matrix in under 30 s each, memory under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEY = "kgtwin-benchmark-key-not-secret-0123456789"
SYMBOLS = ["BRAF", "KRAS", "NRAS", "EGFR", "PIK3CA", "TP53", "PTEN", "ABL1", "BCR", "APC",
           "SMAD4", "STK11", "CDKN2A", "ERBB2", "AKT1", "MTOR", "MAP2K1", "MAPK1", "SOX10"]
ENTREZ = {"BRAF": 673, "KRAS": 3845, "NRAS": 4893, "EGFR": 1956, "PIK3CA": 5290,
          "TP53": 7157, "PTEN": 5728, "ABL1": 25, "BCR": 613, "APC": 324, "SMAD4": 4089,
          "STK11": 6794, "CDKN2A": 1029, "ERBB2": 2064, "AKT1": 207, "MTOR": 2475,
          "MAP2K1": 5604, "MAPK1": 5594, "SOX10": 6663}


def gene_symbols(count: int) -> list[str]:
    """The first ``count`` approved symbols of the gene index: a matrix of made-up
    names would be refused row by row (genes resolve through the index)."""
    from kgtwin.genes import gene_index

    names = gene_index().names
    ordered = sorted(names, key=lambda hgnc: int(hgnc.partition(":")[2]))
    if count > len(ordered):
        raise SystemExit(f"--genes {count}: the gene index holds {len(ordered)} genes")
    return [names[hgnc] for hgnc in ordered[:count]]


def write_maf(path: Path, lines: int, samples: int = 10_000) -> None:
    rng = random.Random(1)
    columns = ["Hugo_Symbol", "Entrez_Gene_Id", "Chromosome", "Start_Position",
               "Variant_Classification", "Reference_Allele", "Tumor_Seq_Allele2",
               "Tumor_Sample_Barcode", "HGVSp_Short", "t_ref_count", "t_alt_count"]
    with open(path, "w") as handle:
        handle.write("#version 2.4\n" + "\t".join(columns) + "\n")
        for i in range(lines):
            gene = SYMBOLS[i % len(SYMBOLS)]
            ref = rng.randint(20, 200)
            handle.write(
                f"{gene}\t{ENTREZ[gene]}\tchr1\t{1000 + i}\tMissense_Mutation\tA\tT\t"
                f"BENCH-{i % samples:05d}-01A\tp.A{i}T\t{ref}\t{rng.randint(5, 120)}\n"
            )


def write_matrix(path: Path, genes: int, samples: int) -> None:
    import numpy as np

    rng = np.random.default_rng(2)
    with open(path, "w") as handle:
        handle.write("gene\t" + "\t".join(f"BENCH-{s:05d}-01A" for s in range(samples)) + "\n")
        for symbol in gene_symbols(genes):
            values = rng.normal(8.0, 2.0, samples)
            handle.write(f"{symbol}\t" + "\t".join(f"{v:.3f}" for v in values) + "\n")


def write_h5ad(path: Path, genes: int, samples: int) -> None:
    """The same shape as the matrix, as AnnData (samples x genes, float32, dense)."""
    import anndata
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    values = rng.normal(8.0, 2.0, (samples, genes)).astype(np.float32)
    obs = pd.DataFrame(index=[f"BENCH-{s:05d}-01A" for s in range(samples)])
    var = pd.DataFrame(index=gene_symbols(genes))
    anndata.AnnData(X=values, obs=obs, var=var).write_h5ad(path)


def write_bundles(path: Path, count: int) -> None:
    demo = Path(__file__).resolve().parents[1] / "kgtwin" / "demo" / "patients" / "bundles"
    templates = [json.loads(p.read_text()) for p in sorted(demo.glob("*.json"))]
    with open(path, "w") as handle:
        for i in range(count):
            bundle = templates[i % len(templates)]
            bundle["entry"][0]["resource"]["identifier"][0]["value"] = f"BENCH-MRN-{i:06d}"
            for entry in bundle["entry"]:
                if entry["resource"]["resourceType"] == "Specimen":
                    entry["resource"]["identifier"][0]["value"] = f"BENCH-{i:06d}-T"
            handle.write(json.dumps(bundle, separators=(",", ":")) + "\n")


def run_case(format: str, path: str, mode: str) -> dict:
    """One measurement, in this (child) process."""
    from kgtwin.loaders import get_loader

    from kgtwin.load import load_files

    os.environ["KGTWIN_PSEUDONYM_KEY"] = KEY
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    start = time.perf_counter()
    if mode == "parse":
        from kgtwin.model import MeasurementBlock

        records = sum(len(r) if isinstance(r, MeasurementBlock) else 1  # a block: its values
                      for r in get_loader(format)([Path(path)]).records())
    else:
        from kgtwin.store import open_store

        with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s") as store:
            report = load_files(store, format, [Path(path)])
            counts = report.counts
            records = counts.nodes + counts.edges + counts.measurements
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    return {"format": format, "mode": mode, "records": records, "seconds": round(seconds, 2),
            "cpu_s": round(cpu, 2), "records_per_s": round(records / seconds),
            "peak_mib": round(usage.ru_maxrss / 1024)}  # ru_maxrss is in KiB on Linux


def measure(format: str, path: Path, mode: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", format, str(path), mode],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--maf-lines", type=int, default=1_000_000)
    parser.add_argument("--genes", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--bundles", type=int, default=10_000)
    parser.add_argument("--only", choices=["maf", "expression", "fhir", "h5ad"])
    parser.add_argument("--skip-parse", action="store_true", help="Only time full loads.")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(*args.child)))
        return
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cases = {
            "maf": (folder / "bench.maf", lambda p: write_maf(p, args.maf_lines)),
            "expression": (folder / "bench.tsv",
                           lambda p: write_matrix(p, args.genes, args.samples)),
            "fhir": (folder / "bench.ndjson", lambda p: write_bundles(p, args.bundles)),
            "h5ad": (folder / "bench.h5ad", lambda p: write_h5ad(p, args.genes, args.samples)),
        }
        print(f"# load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time "
              "suffers when the machine is shared; CPU seconds less so)")
        print(f"{'format':<11} {'mode':<6} {'records':>11} {'seconds':>8} {'cpu s':>7} "
              f"{'records/s':>10} {'peak MiB':>9}")
        for format, (path, write) in cases.items():
            if args.only and format != args.only:
                continue
            started = time.perf_counter()
            write(path)
            size = path.stat().st_size / 2**20
            print(f"# {format}: wrote {path.name} ({size:.0f} MiB) in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            for mode in ("parse", "load")[int(args.skip_parse):]:
                r = measure(format, path, mode)
                print(f"{r['format']:<11} {r['mode']:<6} {r['records']:>11,} "
                      f"{r['seconds']:>8.1f} {r['cpu_s']:>7.1f} {r['records_per_s']:>10,} "
                      f"{r['peak_mib']:>9,}", flush=True)


if __name__ == "__main__":
    main()
