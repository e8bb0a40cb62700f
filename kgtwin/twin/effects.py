"""What a variant does to its gene's activity: gain, loss, or nothing, and why.

Every variant is read by the rules below, in order, from two tables shipped with kgtwin
(each with its source, version and licence in its header): ``gene_roles.tsv`` (oncogene
or tumour suppressor, and which oncogenes are kinases) and ``hotspots.tsv`` (recurrent
activating changes). An explicit effect (``Mutation.effect``, the ``effects`` override of
:class:`~kgtwin.twin.profile.PersonalisationSettings`, ``--effect`` on the CLI) beats them.

1. a fusion (``BCR::ABL1``, ``EML4-ALK``, gene ``BCR-ABL1`` with change ``fusion``) is a
   gain of its kinase partner (else of its oncogene partner); a fusion with only a
   tumour suppressor of known role disrupts it (loss);
2. copy number: a deep deletion is a loss of any gene; an amplification is a gain of an
   oncogene or of a gene of unknown role, and is not read for a tumour suppressor;
3. a change listed in the hotspot table has the table's effect;
4. a truncating change (nonsense ``*``/``X``, frameshift, splice, start loss) is a loss;
5. any other change of a tumour suppressor (missense, in-frame) is a damaging loss unless
   its classification says benign or uncertain;
6. a missense of an oncogene outside its known hotspots is not read (most are passengers:
   give ``--effect GENE:VARIANT=gain`` for one you know activates), and a gene of no known
   role is not read either. Either way the reason is recorded, never silently dropped.

Where the graph holds a knowledge base's statement on the variant (OncoKB's
``mutation_effect`` on its variant node, :mod:`kgtwin.loaders.oncokb`) and the rules read
no effect, a (Likely) Gain-of-function is read as a gain and a (Likely) Loss-of-function
as a loss. Where the rules do read an effect they keep it, and a statement that disagrees
is written into the reason (OncoKB's copy in PROFILE calls DNMT3A R882H a Likely
Gain-of-function and RUNX1 R174* a Gain-of-function, which a Boolean node's gain would
misread). Neutral, Inconclusive and Switch-of-function statements only add to the reason.
"""

from __future__ import annotations

import csv
import fnmatch
import functools
import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

__all__ = [
    "Effect",
    "VariantEffect",
    "gene_role",
    "hotspot_effect",
    "knowledge_effect",
    "one_letter",
    "parse_effect_override",
    "read_variant",
    "table_versions",
]


class Effect(StrEnum):
    """What a mutation does to its gene's activity."""

    GAIN = "gain"
    LOSS = "loss"


@dataclass(frozen=True)
class VariantEffect:
    """The gene whose activity changes (a fusion's kinase partner), the effect or None
    when none is read, and the rule that decided."""

    gene: str
    effect: Effect | None
    reason: str


_TRUNCATING = re.compile(r"(\*|fs\*?\d*|fs|splice|X|ter|stop|M1\?|M1[A-Z])$", re.IGNORECASE)
_SYMBOL = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
_FUSION_SPLIT = re.compile(r"::|-|/")
_RESIDUE = re.compile(r"^[A-Z][0-9]+")
_AMPLIFIED = {"amplification", "amp", "amplified", "high-level amplification"}
_THREE_LETTER = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
}
_AMINO = re.compile("|".join(_THREE_LETTER))


def one_letter(change: str) -> str:
    """``p.Val600Glu`` -> ``V600E``, ``Arg175Ter`` -> ``R175*`` (HGVS three-letter codes, as
    VEP and SnpEff write them, to the one-letter form the hotspot table uses)."""
    change = change.strip().removeprefix("p.").strip("()")
    return _AMINO.sub(lambda m: _THREE_LETTER[m.group(0)], change)
_DELETED = {"deep deletion", "deletion", "homozygous deletion", "homdel", "deep_deletion"}
_NOT_DAMAGING = ("benign", "uncertain", "vus")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("kgtwin.twin").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(
        (line for line in text.splitlines() if not line.startswith("#")), delimiter="\t"))


@functools.cache
def _roles() -> dict[str, tuple[str, bool]]:
    return {r["gene"].upper(): (r["role"], r["kinase"] == "yes") for r in _rows("gene_roles.tsv")}


@functools.cache
def _hotspots() -> tuple[tuple[str, str, Effect], ...]:
    return tuple((r["gene"].upper(), r["variant"].upper(), Effect(r["effect"]))
                 for r in _rows("hotspots.tsv"))


def table_versions() -> dict[str, dict[str, str]]:
    """Each table's ``version`` and ``licence`` header lines and its SHA-256 (provenance)."""
    result = {}
    for name in ("gene_roles.tsv", "hotspots.tsv"):
        data = resources.files("kgtwin.twin").joinpath(name).read_bytes()
        header = {}
        for line in data.decode("utf-8").splitlines():
            for key in ("version", "licence"):
                if line.startswith(f"# {key}:"):
                    header[key] = line.split(":", 1)[1].strip()
        result[name] = {**header, "sha256": hashlib.sha256(data).hexdigest()}
    return result


def gene_role(gene: str) -> str | None:
    """``oncogene``, ``tsg`` or None (not in the shipped role table)."""
    role = _roles().get(gene.upper())
    return role[0] if role else None


def hotspot_effect(gene: str, variant: str) -> Effect | None:
    """The effect of a known hotspot (shipped table), or None if it is not listed."""
    gene, variant = gene.upper(), variant.upper()
    for table_gene, pattern, effect in _hotspots():
        if table_gene == gene and fnmatch.fnmatchcase(variant, pattern):
            return effect
    return None


#: A knowledge base's mutation effect (OncoKB's words) -> the effect read, and how.
_STATED = {"gain-of-function": Effect.GAIN, "loss-of-function": Effect.LOSS, "neutral": None}


def knowledge_effect(mutation_effect: str | None) -> tuple[Effect | None, str] | None:
    """``Likely Gain-of-function`` -> (gain, 'gain'); ``Neutral`` -> (None, 'no effect');
    None where the statement says neither (absent, Inconclusive, Switch-of-function)."""
    words = (mutation_effect or "").strip().lower().removeprefix("likely ").strip()
    if words not in _STATED:
        return None
    effect = _STATED[words]
    return effect, effect.value if effect else "no effect"


def _fusion_partners(gene: str, variant: str) -> list[str] | None:
    """The partners of a fusion written in the change or the gene, 5' first, or None."""
    for text in (variant.split()[0] if variant.strip() else "", gene):
        parts = [p for p in _FUSION_SPLIT.split(text.upper()) if p]
        if len(parts) < 2 or not all(_SYMBOL.match(p) for p in parts):
            continue
        # "L747-P753del" is a protein change, not a fusion: partners are gene symbols,
        # one of them known, none shaped like a residue (a letter then a position).
        if "::" in text or (any(p in _roles() for p in parts)
                            and not any(_RESIDUE.match(p) for p in parts)):
            return parts
    if "fusion" in variant.lower() or "rearrangement" in variant.lower():
        return [gene.upper()]
    return None


def _fusion(partners: list[str], gene: str) -> VariantEffect:
    roles = _roles()
    label = "::".join(partners)
    kinases = [p for p in partners if roles.get(p) == ("oncogene", True)]
    oncogenes = [p for p in partners if roles.get(p, ("",))[0] == "oncogene"]
    if kinases or oncogenes:
        chosen = (kinases or oncogenes)[0]
        why = "kinase" if kinases else "oncogene"
        return VariantEffect(chosen, Effect.GAIN, f"fusion {label}: gain of its {why} {chosen}")
    suppressors = [p for p in partners if roles.get(p, ("",))[0] == "tsg"]
    if suppressors:
        chosen = gene.upper() if gene.upper() in suppressors else suppressors[0]
        return VariantEffect(chosen, Effect.LOSS,
                             f"fusion {label} disrupts the tumour suppressor {chosen}")
    return VariantEffect(gene, None, f"fusion {label}: no partner of known cancer role")


def read_variant(gene: str, variant: str, classification: str | None = None, *,
                 mutation_effect: str | None = None) -> VariantEffect:
    """Read one variant by the module's rules (``variant``: a protein change such as
    ``V600E``, ``p.R175H``, a fusion, ``amplification`` or ``deep deletion``;
    ``mutation_effect``: a knowledge base's statement on it, read as the module says)."""
    reading = _by_rules(gene, variant, classification)
    if not mutation_effect or not mutation_effect.strip():
        return reading
    stated = knowledge_effect(mutation_effect)
    if reading.effect is None and stated is not None and stated[0] is not None:
        return VariantEffect(reading.gene, stated[0], f"knowledge base: {mutation_effect} "
                             f"(shipped rules: {reading.reason})")
    if stated is not None and stated[0] is reading.effect:
        return VariantEffect(reading.gene, reading.effect,
                             f"{reading.reason}; knowledge base agrees: {mutation_effect}")
    return VariantEffect(reading.gene, reading.effect,
                         f"{reading.reason}; knowledge base says {mutation_effect} "
                         "(not read over the shipped rules)")


def _by_rules(gene: str, variant: str, classification: str | None) -> VariantEffect:
    """The shipped tables' and rules' reading of one variant (numbered in the module)."""
    gene = gene.strip()
    change = one_letter(variant)
    lowered = change.lower()
    role = gene_role(gene)
    partners = _fusion_partners(gene, change)
    if partners is not None:
        return _fusion(partners, gene)
    if lowered in _DELETED:
        return VariantEffect(gene, Effect.LOSS, "copy-number deep deletion")
    if lowered in _AMPLIFIED:
        if role == "tsg":
            return VariantEffect(gene, None, "amplification of a tumour suppressor: no effect "
                                             "read")
        known = "oncogene" if role == "oncogene" else "gene of unknown role"
        return VariantEffect(gene, Effect.GAIN, f"copy-number amplification of an {known}"
                             if role else f"copy-number amplification ({known})")
    known = hotspot_effect(gene, change)
    if known is not None:
        return VariantEffect(gene, known, "hotspot table")
    if change and _TRUNCATING.search(change):
        where = " of a tumour suppressor" if role == "tsg" else ""
        return VariantEffect(gene, Effect.LOSS, f"truncating change{where}")
    if role == "tsg":
        label = (classification or "").lower()
        if any(word in label for word in _NOT_DAMAGING) and "pathogenic" not in label:
            return VariantEffect(gene, None, f"{classification} change in a tumour suppressor: "
                                             "not read as damaging")
        return VariantEffect(gene, Effect.LOSS, "damaging change in a tumour suppressor")
    if role == "oncogene":
        return VariantEffect(gene, None, "not a known activating hotspot of this oncogene "
                                         f"(likely passenger; --effect {gene}:{change}=gain "
                                         "if it activates)")
    return VariantEffect(gene, None, "gene of no known cancer role (gene_roles.tsv); "
                                     f"--effect {gene}=gain|loss to set one")


def parse_effect_override(spec: str) -> tuple[str, Effect]:
    """``GENE[:VARIANT]=gain|loss`` -> (``GENE`` or ``GENE:VARIANT`` upper-cased, effect)."""
    from kgtwin.twin.model import ModelError

    key, sep, value = spec.partition("=")
    key = key.strip().upper().replace(":P.", ":")
    if not sep or not key or key.startswith(":"):
        raise ModelError(f"effect override {spec!r} is not GENE[:VARIANT]=gain|loss")
    try:
        return key, Effect(value.strip().lower())
    except ValueError:
        raise ModelError(f"effect override {spec!r}: {value!r} is neither gain nor loss") from None
