"""Annotated VCF (4.x, plain or gzip) -> variant edges from each carrying sample to its gene.

Why not cyvcf2 or pysam: kgtwin needs only the fixed columns, three INFO keys and two
FORMAT keys, and neither package is a dependency yet (each brings a compiled htslib);
a streaming text reader covers VCF 4.1-4.4 for this. Read:

* the gene and protein change from the first annotation of ``INFO/ANN`` (SnpEff),
  ``INFO/EFF`` (SnpEff before 4.1: ``EFFECT(impact|class|codon|AA change|…|gene|…)``,
  its old effect names given their Sequence Ontology ones) or ``INFO/CSQ`` (VEP; its
  field order is taken from the header), falling back to ``INFO/GENE``/``GENEINFO``;
  an unknown gene is a bad record. A record with no gene annotation at all (an
  unannotated or gVCF file) cannot become a sample-to-gene edge: it is passed over,
  and the load warns how many were (annotate the file with VEP or SnpEff first);
* ``INFO/CLNSIG`` (ClinVar) as the classification;
* per sample column: a genotype carrying an ALT allele (``GT``) makes the edge; the
  allele fraction is ``FORMAT/AF``, else ALT/total of ``FORMAT/AD``.

Sample column names are pseudonymised; a VCF without sample columns needs
``sample=NAME`` (the one sample all its records belong to).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

from kgtwin.loaders.base import text_lines
from kgtwin.loaders.patient_base import PatientLoader

from kgtwin.errors import InputError
from kgtwin.model import Record
from kgtwin.patient_schema import protein_change, sample_node, variant_edge

log = logging.getLogger(__name__)

FIXED = ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]
SNPEFF = {"allele": 0, "effect": 1, "gene": 3, "gene_id": 4, "hgvs_c": 9, "hgvs_p": 10}
CSQ_FORMAT = re.compile(r'ID=CSQ,.*Format: ([^">]+)')
#: Old SnpEff EFF fields inside the parentheses (the effect is before them).
EFF = {"amino_acid_change": 3, "gene": 5}
#: Old SnpEff effect names -> Sequence Ontology terms (as ANN writes them).
EFF_EFFECTS = {
    "NON_SYNONYMOUS_CODING": "missense_variant", "SYNONYMOUS_CODING": "synonymous_variant",
    "STOP_GAINED": "stop_gained", "STOP_LOST": "stop_lost", "START_LOST": "start_lost",
    "FRAME_SHIFT": "frameshift_variant", "SPLICE_SITE_ACCEPTOR": "splice_acceptor_variant",
    "SPLICE_SITE_DONOR": "splice_donor_variant", "SPLICE_SITE_REGION": "splice_region_variant",
    "CODON_INSERTION": "inframe_insertion", "CODON_DELETION": "inframe_deletion",
    "UTR_5_PRIME": "5_prime_UTR_variant", "UTR_3_PRIME": "3_prime_UTR_variant",
    "UPSTREAM": "upstream_gene_variant", "DOWNSTREAM": "downstream_gene_variant",
    "INTRON": "intron_variant", "INTERGENIC": "intergenic_region", "EXON": "exon_variant",
}


class VcfLoader(PatientLoader):
    """Annotated VCF files (see module docs)."""

    name = "vcf"
    description = "Annotated VCF (SnpEff ANN / VEP CSQ) -> sample-to-gene variant edges"

    def __init__(self, paths: list[Path], *, sample: str | None = None, **options):
        super().__init__(paths, **options)
        self.sample = sample

    suffixes = (".vcf",)

    def records(self) -> Iterator[Record]:
        self.unannotated = 0
        for path in self.paths:
            yield from self._file(path)
        if self.unannotated:
            log.warning("passed over %d record(s) with no gene annotation (ANN, EFF, CSQ, "
                        "GENE or GENEINFO): a variant edge needs a gene; annotate the file "
                        "with VEP or SnpEff first", self.unannotated)

    def _file(self, path: Path) -> Iterator[Record]:
        csq: list[str] | None = None
        samples: list[str] | None = None
        for line in text_lines(self, path):
            line = line.rstrip("\r\n")
            if line.startswith("##"):
                found = CSQ_FORMAT.search(line)
                if found:
                    csq = [f.strip().lower() for f in found.group(1).split("|")]
            elif line.startswith("#"):
                samples = self._header(line)
                yield from (sample_node(s) for s in samples if self.first_time(s))
            elif line.strip():
                if samples is None:
                    raise InputError(path, self.position, "a record before the #CHROM header")
                yield from self._record(line.split("\t"), samples, csq)

    def _header(self, line: str) -> list[str]:
        columns = line.split("\t")
        if columns[: len(FIXED)] != FIXED:
            raise InputError(self.path, self.position, f"the header must start {FIXED}")
        names = columns[len(FIXED) + 1 :]
        if len(set(names)) != len(names):
            raise InputError(self.path, self.position, "duplicate sample columns")
        if not names:
            if not self.sample:
                raise InputError(self.path, self.position,
                                 "no sample columns: name the sample with --option sample=NAME")
            names = [self.sample]
        return [self.sample_id(n) for n in names]

    def _record(self, fields: list[str], samples: list[str], csq) -> Iterator[Record]:
        width = len(FIXED) + (1 + len(samples) if len(fields) > len(FIXED) else 0)
        if len(fields) != width:
            self.reject(f"expected {width} columns, found {len(fields)}")
            return
        chrom, pos, _, ref, alt = fields[:5]
        if not pos.isdigit() or not ref or not alt:
            self.reject("POS must be a number and REF/ALT present")
            return
        info = _info(fields[7])
        symbol, protein, effect = _annotation(info, csq)
        if not symbol:
            self.unannotated += 1
            self.pass_over("no gene annotation (ANN, EFF, CSQ, GENE or GENEINFO)")
            return
        gene = self.genes.resolve(symbol)
        if gene is None:
            self.reject(f"no known gene in the annotation ({(symbol or 'none')[:40]!r})")
            return
        genomic = f"{chrom}:g.{pos}{ref}>{alt}"
        change = protein or genomic
        carriers = self._carriers(fields, samples)
        if isinstance(carriers, str):
            self.reject(carriers)
            return
        yield from self.gene_node(gene)
        for sample, fraction in carriers:
            yield variant_edge(
                sample, gene, change, variant_class=effect,
                properties={
                    "protein_change": protein,
                    "genomic_change": genomic,
                    "classification": (info.get("CLNSIG") or "").replace("_", " ") or None,
                    "allele_fraction": fraction,
                },
            )

    def _carriers(self, fields: list[str], samples: list[str]):
        """(sample, allele fraction) of samples carrying ALT, or a reason the row is bad."""
        if len(fields) == len(FIXED):
            return [(samples[0], None)]
        keys = fields[8].split(":")
        alts = len(fields[4].split(","))
        found = []
        for sample, text in zip(samples, fields[9:], strict=True):
            values = dict(zip(keys, text.split(":"), strict=False))
            alleles = re.split(r"[/|]", values.get("GT", "."))
            # An allele is '.', 0 (REF) or 1..number of ALTs; anything else is damage,
            # not a carrier ('garbage' used to count as one).
            if not all(a == "." or (a.isdigit() and int(a) <= alts) for a in alleles):
                return f"impossible genotype (GT must be alleles 0..{alts} or '.')"
            if not any(a not in ("0", ".") for a in alleles):
                continue
            try:
                found.append((sample, _fraction(values)))
            except ValueError:
                return "FORMAT AF/AD must be numbers"
        return found


def _info(text: str) -> dict[str, str]:
    found = {}
    for item in text.split(";"):
        key, _, value = item.partition("=")
        found[key] = value
    return found


def _annotation(info: dict[str, str], csq: list[str] | None):
    """(gene symbol, protein change, effect) from ANN, CSQ or GENE/GENEINFO."""
    if info.get("ANN"):
        parts = info["ANN"].split(",")[0].split("|")
        get = lambda key: parts[SNPEFF[key]] if len(parts) > SNPEFF[key] else ""  # noqa: E731
        return get("gene") or None, protein_change(get("hgvs_p")), _effect(get("effect"))
    if info.get("EFF"):
        first = info["EFF"].split(",")[0]
        effect, _, inner = first.partition("(")
        parts = inner.rstrip(")").split("|")
        get = lambda key: parts[EFF[key]] if len(parts) > EFF[key] else ""  # noqa: E731
        change = get("amino_acid_change").split("/")[0]  # "p.Gly12Val/c.35G>T" or "G12V"
        if change and not change.startswith("p."):
            change = f"p.{change}"
        name = effect.strip().upper()
        return (get("gene") or None, protein_change(change) if change else None,
                EFF_EFFECTS.get(name, name.lower() or None))
    if info.get("CSQ") and csq:
        parts = dict(zip(csq, info["CSQ"].split(",")[0].split("|"), strict=False))
        return (parts.get("symbol") or None, protein_change(parts.get("hgvsp")),
                _effect(parts.get("consequence", "")))
    gene = info.get("GENE") or info.get("GENEINFO", "").split(":")[0]
    return gene or None, None, None


def _effect(text: str) -> str | None:
    return text.split("&")[0] or None


def _fraction(values: dict[str, str]) -> float | None:
    if values.get("AF") not in (None, "", "."):
        value = float(values["AF"].split(",")[0])
        if not 0.0 <= value <= 1.0:
            raise ValueError("AF out of range")
        return round(value, 4)
    depths = [d for d in values.get("AD", "").split(",") if d not in ("", ".")]
    if len(depths) >= 2:
        counts = [float(d) for d in depths]
        total = sum(counts)
        return round(sum(counts[1:]) / total, 4) if total > 0 else None
    return None
