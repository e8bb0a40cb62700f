"""``kgtwin demo``: the whole flow on shipped real data, ending in a report to look at.

Each step takes the store and the output folder and returns a :class:`Section` of the
report; steps are added here as the parts of kgtwin land (load → predict → twin).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kgtwin.demo import knowledge_config
from kgtwin.sources import load_sources
from kgtwin.store.base import GraphStore


@dataclass
class Section:
    """One part of the demo report: a title, lines of Markdown and figures it drew."""

    title: str
    lines: list[str] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    seconds: float = 0.0


Step = Callable[[GraphStore, Path], Section]


def load_knowledge(store: GraphStore, out: Path) -> Section:
    reports = list(load_sources(store, Path(str(knowledge_config())), progress=True))
    counts = store.counts()
    section = Section("Knowledge graph")
    fresh = [r.source.name for r in reports if not r.skipped]
    section.lines.append(
        f"{len(reports)} demo sources ({len(fresh)} loaded now, the rest unchanged): "
        f"**{counts.nodes} nodes** and **{counts.edges} edges**, aligned to Biolink with "
        "canonical CURIEs; every statement carries its source, version and file checksum."
    )
    section.lines.append("")
    section.lines.append("| category | nodes |")
    section.lines.append("|---|---:|")
    section.lines += [f"| {name} | {n} |" for name, n in counts.nodes_by_category.items()]
    section.lines.append("")
    section.lines.append("| predicate | edges |")
    section.lines.append("|---|---:|")
    section.lines += [f"| {name} | {n} |" for name, n in counts.edges_by_predicate.items()]
    section.figures.append(_composition_plot(counts.nodes_by_category,
                                             counts.edges_by_predicate, out))
    braf = store.node("NCBIGene:673")
    if braf is not None:
        drugs = store.neighbors(braf.id, category="biolink:ChemicalEntity", direction="in")
        names = ", ".join(sorted(n.node.name or n.node.id for n in drugs))
        section.lines.append("")
        section.lines.append(
            f"Example: `NCBIGene:673` resolves to **{braf.id} ({braf.name})**; drugs acting on "
            f"it: {names}."
        )
    return section


def _composition_plot(nodes: dict[str, int], edges: dict[str, int], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    for axis, counts, title in ((axes[0], nodes, "nodes by category"),
                                (axes[1], edges, "edges by predicate")):
        labels = [name.removeprefix("biolink:") for name in counts]
        axis.barh(labels, list(counts.values()), color="#4C72B0")
        axis.set_title(title)
        axis.invert_yaxis()
    figure.tight_layout()
    path = out / "graph-composition.png"
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def load_patients(store: GraphStore, out: Path) -> Section:
    """The synthetic demo cohort: FHIR bundles, a MAF and an expression matrix, pseudonymised."""
    from kgtwin.demo.patients import load_demo_patients
    from kgtwin.patients import list_patients, patient_profile

    # The pseudonymisation key lives beside the embedded store (stable across runs).
    load_demo_patients(store, getattr(store, "path", out), progress=True)
    patients = list_patients(store)
    section = Section("Patients")
    measured = store.counts().measurements
    section.lines.append(
        f"**{len(patients)} pseudonymised patients** (FHIR R4 bundles, a MAF and an "
        f"expression matrix linked through their samples; {measured} per-sample values "
        "with cohort z-scores kept beside the graph). No name, birth date or raw "
        "identifier is stored."
    )
    section.lines += ["", "| patient | diagnoses | key variants |", "|---|---|---|"]
    for row in patients:
        profile = patient_profile(store, row["id"])
        variants = ", ".join(
            sorted({f"{v.symbol or v.gene} {v.change}" for v in profile.variants})
        ) or "none"
        section.lines.append(
            f"| `{row['id'].partition(':')[2][:12]}` | {', '.join(row['diagnoses'])} | "
            f"{variants} |"
        )
    return section


STEPS: list[Step] = [load_knowledge, load_patients]


def run_demo(store: GraphStore, out: Path, *, echo: Callable[[str], None] = print) -> Path:
    """Runs every step, writes ``report.md`` in ``out`` and returns its path."""
    out.mkdir(parents=True, exist_ok=True)
    sections = []
    for step in STEPS:
        start = time.perf_counter()
        section = step(store, out)
        section.seconds = time.perf_counter() - start
        echo(f"[{section.seconds:6.1f} s] {section.title}")
        sections.append(section)
    return write_report(sections, out)


def write_report(sections: list[Section], out: Path) -> Path:
    lines = ["# kgtwin demo report", ""]
    for section in sections:
        lines += [f"## {section.title}", "", *section.lines, ""]
        lines += [f"![{figure.stem}]({figure.name})" for figure in section.figures]
        lines.append("")
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
