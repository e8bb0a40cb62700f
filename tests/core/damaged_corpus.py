"""A generator of damaged inputs: every seed file of every format, spoiled in ~11 ways.

Each variant is a file a user could really end up with (an empty download, a copy cut
short, a file saved in Latin-1, binary junk under a text name, a gzip cut mid-stream).
None of them is a valid source, so loading one must end in :class:`KgTwinError` that
names the file, never in a traceback and never in a load that succeeds.
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
LOADERS, PATIENTS, CORE = (
    TESTS / "data" / "loaders",
    TESTS / "data" / "patients",
    TESTS / "data" / "core",
)


@dataclass(frozen=True)
class Seed:
    """A valid source: its format, the file to damage, the files that go with it, options."""

    format: str
    damaged: Path
    others: tuple[Path, ...] = ()
    options: tuple[tuple[str, str], ...] = ()


SEEDS = [
    Seed("kgx", CORE / "nodes.tsv"),
    Seed("kgx", CORE / "edges.tsv", (CORE / "nodes.tsv",)),
    Seed("triples", CORE / "aligned.triples.tsv"),
    Seed("obo", LOADERS / "edge_cases.obo"),
    Seed("owl", LOADERS / "mondo_slice.owl"),
    Seed("hgnc", LOADERS / "hgnc_complete_set_sample.txt"),
    Seed("drug-targets", LOADERS / "drugbank_targets.csv"),
    Seed("chembl-activities", LOADERS / "chembl_activities.tsv"),
    Seed("drug-indications", LOADERS / "chembl_indications.tsv"),
    Seed("gmt", LOADERS / "hallmark_sample.gmt"),
    Seed("sif", LOADERS / "mapk.sif"),
    Seed("signed-interactions", LOADERS / "signor_sample.tsv"),
    Seed("logical-model", LOADERS / "toy_mapk.bnet", (LOADERS / "toy_mapk_genes.txt",)),
    Seed("hetionet", LOADERS / "hetionet_sample.json"),
    Seed("primekg", LOADERS / "primekg_sample.csv"),
    Seed("maf", PATIENTS / "mutations.maf"),
    Seed("expression", PATIENTS / "expression.tsv"),
    Seed("copy-number", PATIENTS / "copy_number.tsv"),
    Seed("fhir", PATIENTS / "bundle.json"),
    Seed("phenopacket", PATIENTS / "phenopacket.json"),
    Seed("vcf", PATIENTS / "variants.vcf"),
]


def _cut_inside_a_line(data: bytes, fraction: float) -> bytes:
    """The bytes up to two characters into the line found at ``fraction`` of the file:
    a copy that stopped mid-record, leaving a fragment of the line's first field."""
    at = int(len(data) * fraction)
    start = data.rfind(b"\n", 0, at) + 1
    if start == 0 or start >= len(data) - 3:
        start = data.find(b"\n") + 1
    return data[: start + 2]


def _bad_byte(data: bytes, fraction: float) -> bytes:
    at = max(1, int(len(data) * fraction))
    while at < len(data) and data[at : at + 1] in (b"\n", b"\r"):
        at += 1
    return data[:at] + b"\xff\xfe\xc3" + data[at:]


def _gzip_cut(data: bytes) -> bytes:
    packed = gzip.compress(data, mtime=0)
    return packed[: int(len(packed) * 0.6)]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "blank": lambda data: b"\n \n\t\n",
    "bad-byte-early": lambda data: _bad_byte(data, 0.0),
    "bad-byte-middle": lambda data: _bad_byte(data, 0.5),
    "bad-byte-late": lambda data: _bad_byte(data, 0.97),
    "cut-in-header": lambda data: data[: max(2, data.find(b"\n") // 2)],
    "cut-at-half": lambda data: _cut_inside_a_line(data, 0.5),
    "cut-near-end": lambda data: _cut_inside_a_line(data, 0.9),
    "binary-junk": lambda data: random.Random(len(data)).randbytes(4096),
    "nul-bytes": lambda data: b"\x00" * 2048,
    "gzip-cut": _gzip_cut,
}


@dataclass(frozen=True)
class Variant:
    seed: Seed
    damage: str

    @property
    def label(self) -> str:
        return f"{self.seed.format}:{self.seed.damaged.name}:{self.damage}"

    def write(self, folder: Path) -> list[Path]:
        """The damaged file (and the seed's other files, untouched) in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        name = self.seed.damaged.name + (".gz" if self.damage == "gzip-cut" else "")
        damaged = folder / name
        damaged.write_bytes(DAMAGE[self.damage](self.seed.damaged.read_bytes()))
        return [damaged, *self.seed.others]


def variants() -> Iterator[Variant]:
    """Every seed with every damage (21 seeds x 11 = 231 variants)."""
    for seed in SEEDS:
        for damage in DAMAGE:
            yield Variant(seed, damage)
