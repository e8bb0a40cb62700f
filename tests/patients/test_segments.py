"""Segmented copy number placed on genes (kgtwin.loaders.segments), on small files in the
real formats: a DNAcopy/TCGA ``.seg`` table and GENCODE 19 gene records
(tests/data/patients/gencode19_genes.gtf: the GRCh37 spans of TP53, NF1, BRAF, PARK2,
SHOX on chrX and chrY, a clone-named lncRNA and one transcript line)."""

from __future__ import annotations

import logging
import math

import pytest
from kgtwin.loaders import get_loader
from kgtwin.loaders.segments import NO_GENE, NO_MEAN

from kgtwin.errors import InputError
from kgtwin.load import load_files
from kgtwin.model import MeasurementBlock, Node
from kgtwin.privacy import pseudonymiser

HEADER = "Sample\tChromosome\tStart\tEnd\tNum_Probes\tSegment_Mean\n"
SEGMENTS = [
    "S1\t17\t7000000\t7580000\t100\t-1.0",  # TP53 7565097-7580000: 14,904 bases
    "S1\t17\t7580001\t8000000\t100\t0.2",  # TP53 7580001-7590856: 10,856 bases
    "S1\tchr17\t29000000\t30000000\t500\t-0.9",  # NF1 inside
    "S1\t23\t500000\t700000\t20\t0.6",  # SHOX's chrX locus, 35,068 bases
    "S1\t24\t500000\t700000\t20\t0.4",  # SHOX's chrY locus, 35,068 bases
    "S1\t1\t50000\t150000\t10\t0.3",  # only a lncRNA that is no HGNC gene
    "S1\t7\t1\t1000\t2\tNA",  # no mean
    "S2\t17\t1\t81000000\t9000\t0.1",
    "S2\t7\t140000000\t141000000\t30\t0.5",  # BRAF inside
]
TP53_S1 = (14_904 * -1.0 + 10_856 * 0.2) / 25_760


@pytest.fixture
def coordinates(data):
    return str(data / "gencode19_genes.gtf")


@pytest.fixture
def seg(data):
    """tests/data/patients/cohort.seg: HEADER and SEGMENTS (the README's example too)."""
    path = data / "cohort.seg"
    assert path.read_text() == HEADER + "\n".join(SEGMENTS) + "\n"
    return path


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KGTWIN_CACHE_DIR", str(tmp_path / "cache"))


def values(found) -> dict[tuple[str, str], tuple[float, float | None]]:
    """(sample, gene) -> (value, z-score) of the records' measurement blocks."""
    out = {}
    for block in (r for r in found if isinstance(r, MeasurementBlock)):
        for m in block.rows():
            out[(m.entity, m.feature)] = (m.value, m.zscore)
    return out


def test_genes_take_the_base_weighted_mean_of_their_segments(seg, coordinates):
    loader = get_loader("copy-number")([seg], build="GRCh37", coordinates=coordinates)
    found = list(loader.records())
    s1, s2 = (pseudonymiser().sample(s) for s in ("S1", "S2"))
    got = values(found)
    tp53, nf1, braf, shox = "HGNC:11998", "HGNC:7765", "HGNC:1097", "HGNC:10853"
    assert got[(s1, tp53)][0] == pytest.approx(TP53_S1)  # across a breakpoint
    assert got[(s1, nf1)][0] == -0.9  # `chr17` and `17` are one chromosome
    assert got[(s1, shox)][0] == pytest.approx(0.5)  # chrX (23) and chrY (24) loci
    assert got[(s2, tp53)][0] == got[(s2, nf1)][0] == 0.1
    assert got[(s2, braf)][0] == 0.5
    # genes no segment of a sample overlaps are not stated (not 0)
    assert (s1, braf) not in got and (s2, shox) not in got
    assert len(got) == 6
    # z-scores against the file's samples, as a gene-level matrix gets them
    assert got[(s1, tp53)][1] == pytest.approx(-1 / math.sqrt(2), abs=1e-6)
    assert got[(s2, braf)][1] is None  # one value: no spread
    genes = {r.id: r.name for r in found if isinstance(r, Node) and r.id.startswith("HGNC:")}
    assert genes == {tp53: "TP53", nf1: "NF1", shox: "SHOX", braf: "BRAF"}  # PARK2: none
    assert loader.segment_counts == {"read": 9, "placed": 7, "no_gene": 1, "no_mean": 1,
                                     "rejected": 0}


def test_stored_like_a_log2_matrix_and_every_segment_accounted_for(store, seg, coordinates,
                                                                  caplog, tmp_path):
    bad = tmp_path / "bad.seg"
    bad.write_text(HEADER + "\n".join([*SEGMENTS, "S2\t7\tabc\t100\t1\t0.2"]) + "\n")
    with pytest.raises(InputError, match=r"bad\.seg:11: start/end 'abc'/'100' are not whole"):
        load_files(store, "copy-number", [bad], options={"build": "hg19",
                                                         "coordinates": coordinates})
    with caplog.at_level(logging.INFO):
        report = load_files(store, "copy-number", [bad], skip_bad=True,
                            options={"build": "hg19", "coordinates": coordinates})
    account = report.reconciliation
    assert account.passed_over_reasons == {NO_GENE: 1, NO_MEAN: 1} and account.rejected == 1
    assert "10 segments read: 7 placed on genes, 1 overlapping no gene, 1 without a mean, " \
           "1 rejected" in caplog.text
    assert report.counts.measurements == 6 and report.counts.edges == 0  # no calls made
    stored = store.measurements(feature="HGNC:11998")
    assert sorted(stored["value"].round(6).tolist()) == [round(TP53_S1, 6), 0.1]
    assert set(stored["kind"]) == {"copy_number"}


def test_the_build_is_never_guessed(seg, coordinates):
    with pytest.raises(InputError, match=r"cohort\.seg: a segmented copy-number file .* does "
                       r"not say its genome build: give it with --option build=GRCh37"):
        list(get_loader("copy-number")([seg], coordinates=coordinates).records())
    with pytest.raises(InputError, match=r"build must be GRCh37 .* not 'hg18'"):
        list(get_loader("copy-number")([seg], build="hg18", coordinates=coordinates).records())
    # GENCODE's header says GRCh37: coordinates of another build are refused
    with pytest.raises(InputError, match=r"gencode19_genes\.gtf: gene coordinates on GRCh37, "
                       "but the load says build=GRCh38"):
        list(get_loader("copy-number")([seg], build="hg38", coordinates=coordinates).records())


def test_without_coordinates_the_refusal_says_how_to_get_them(seg):
    with pytest.raises(InputError, match=r"cohort\.seg: placing segments on genes needs gene "
                       r"coordinates on GRCh38: run `kgtwin genes fetch --coordinates "
                       r"GRCh38` once .* --option coordinates=FILE"):
        list(get_loader("copy-number")([seg], build="GRCh38").records())


def test_a_bed_like_gene_table_is_read_0_based(seg, tmp_path):
    bed = tmp_path / "genes.bed"
    bed.write_text("chr17\t7565096\t7590856\tTP53\nchr7\t140419126\t140624564\tBRAF\n")
    found = list(get_loader("copy-number")([seg], build="GRCh37",
                                           coordinates=str(bed)).records())
    got = values(found)
    assert got[(pseudonymiser().sample("S1"), "HGNC:11998")][0] == pytest.approx(TP53_S1)


def test_segments_are_not_expression(seg):
    with pytest.raises(InputError, match=r"cohort\.seg:1: a segmented copy-number file .* "
                       "load it as copy-number with its build"):
        list(get_loader("expression")([seg]).records())


def test_columns_option_names_a_segment_file_s_other_spellings(seg, coordinates, tmp_path):
    """GISTIC 2's segment input spells its columns otherwise (``Start Position``): the
    columns option maps them, and the genes take the same values as from the .seg."""
    spelled = tmp_path / "gistic.txt"
    spelled.write_text("Chrom\tStart Position\tEnd Position\tMarkers\tSeg.CN\tPatient\n"
                       + "".join(f"{c}\t{s}\t{e}\t{n}\t{v}\t{p}\n" for p, c, s, e, n, v
                                 in (line.split("\t") for line in SEGMENTS)))
    mapped = ("sample:Patient,chromosome:Chrom,start:Start Position,end:End Position,"
              "value:seg.cn")  # any case, as the usual spellings
    loader = get_loader("copy-number")([spelled], build="GRCh37", coordinates=coordinates,
                                       columns=mapped)
    assert values(loader.records()) == values(
        get_loader("copy-number")([seg], build="GRCh37", coordinates=coordinates).records())
    assert loader.segment_counts["placed"] == 7
    with pytest.raises(InputError, match=r"gistic\.txt:1: a segment file's header has no "
                       r"start column .*--option columns=start:COLUMN"):
        list(get_loader("copy-number")([spelled], build="GRCh37", coordinates=coordinates,
                                       columns="sample:Patient,chromosome:Chrom").records())
    with pytest.raises(InputError, match=r"gistic\.txt:1: columns option: the header has "
                       r"no column 'Begin' for start"):
        list(get_loader("copy-number")([spelled], build="GRCh37", coordinates=coordinates,
                                       columns=mapped.replace("Start Position", "Begin"))
             .records())


def test_copy_number_help_lists_the_segment_roles():
    from kgtwin.loaders.describe import loader_help

    text = loader_help(get_loader("copy-number"))
    for role in ("sample", "chromosome", "start", "end", "value"):
        assert f"\n  {role}: " in text
    assert '--option "columns=start:Start Position,end:End Position,value:Seg.CN"' in text
