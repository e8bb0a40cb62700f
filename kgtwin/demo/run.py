"""``kgtwin demo``: the whole flow on shipped real data, ending in a report to look at.

Each step takes the store and the output folder and returns a :class:`Section` of the
report; steps are added here as the parts of kgtwin land (load → predict → twin).
"""

from __future__ import annotations

import time
from collections import Counter
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
    known = {r.source.name for r in reports}
    nodes, edges = knowledge_counts(store, known)
    section = Section("Knowledge graph")
    section.lines.append(
        f"{len(reports)} demo sources (a re-run finds them in the store and loads nothing "
        f"again): **{sum(nodes.values())} nodes** and **{sum(edges.values())} edges**, "
        "aligned to Biolink with canonical CURIEs; every statement carries its source, "
        "version and file checksum."
    )
    section.lines.append("")
    section.lines.append("| category | nodes |")
    section.lines.append("|---|---:|")
    section.lines += [f"| {name} | {n} |" for name, n in nodes.items()]
    section.lines.append("")
    section.lines.append("| predicate | edges |")
    section.lines.append("|---|---:|")
    section.lines += [f"| {name} | {n} |" for name, n in edges.items()]
    section.figures.append(_composition_plot(nodes, edges, out))
    braf = store.node("NCBIGene:673")
    if braf is not None:
        drugs = store.neighbors(braf.id, category="biolink:ChemicalEntity", direction="in")
        names = ", ".join(sorted(n.node.name or n.node.id for n in drugs
                                 if any(p.source in known for p in n.edge.provenance)))
        section.lines.append("")
        section.lines.append(
            f"Example: `NCBIGene:673` resolves to **{braf.id} ({braf.name})**; drugs acting on "
            f"it: {names}."
        )
    return section


def knowledge_counts(store: GraphStore, sources: set[str]
                     ) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes by category and edges by predicate that the knowledge ``sources`` state.

    What later steps write into the same store (patients, predictions, twin versions)
    is not the knowledge graph, so a second demo on the same store reports the same
    graph as the first (most first, then by name).
    """
    def ordered(counter: Counter[str]) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))

    nodes = Counter(n.category for n in store.nodes()
                    if any(p.source in sources for p in n.provenance))
    edges = Counter(e.predicate for e in store.edges()
                    if any(p.source in sources for p in e.provenance))
    return ordered(nodes), ordered(edges)


def _composition_plot(nodes: dict[str, int], edges: dict[str, int], out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    for axis, counts, title, unit in ((axes[0], nodes, "nodes by category", "nodes"),
                                      (axes[1], edges, "edges by predicate", "edges")):
        labels = [name.removeprefix("biolink:") for name in counts]
        bars = axis.barh(labels, list(counts.values()), color="#4C72B0")
        axis.bar_label(bars, padding=3, fontsize=9)  # a count of 1 is a bar too thin to see
        axis.set_title(title)
        axis.set_xlabel(f"number of {unit}")
        axis.margins(x=0.12)
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


def predict_links(store: GraphStore, out: Path) -> Section:
    """Train a PyKEEN model on the graph, evaluate it against baselines, write back."""
    from kgtwin.embed.demo import demo_step

    summary = demo_step(store, out / "embed")
    section = Section("Predicted repurposing links")
    split = summary["split"]
    section.lines.append(
        f"{summary['model']} trained for {summary['epochs']} epochs (timings in "
        f"`embed/timings.json`) on a leakage-free split of "
        f"{', '.join(split.get('tasks', []))} edges (train {split.get('train')}, "
        f"valid {split.get('valid')}, test {split.get('test')}); "
        f"{summary['removed_for_leakage']} statements removed for leakage."
    )
    section.lines += ["", "Filtered MRR on held-out edges, next to the baselines:", "",
                      "| scorer | MRR (all tasks) |", "|---|---:|"]
    section.lines += [f"| {name} | {mrr} |" for name, mrr in summary["overall_mrr"].items()]
    section.lines += ["", *[f"- {verdict}" for verdict in summary["verdicts"]], ""]
    for asked in summary["predictions"]:
        section.lines.append(f"Top candidates for **{asked['name'] or asked['disease']}** "
                             "(not already indicated):")
        for row in asked["candidates"]:
            path = f" — via {row['path']}" if row.get("path") else ""
            section.lines.append(
                f"- {row['name'] or row['drug']} (score {row['score']}, "
                f"{row['percentile']} percentile){path}"
            )
        section.lines.append("")
    section.lines.append(
        f"{summary['written']} predictions written back to the graph as edges marked "
        f"`knowledge_level: prediction` with model id `{summary['model_id']}`."
    )
    if summary.get("plot"):
        section.figures.append(Path(summary["plot"]))
    return section


#: Drugs shown in the demo's cohort heatmap (a readable subset; `kgtwin twin cohort` does all).
DEMO_DRUGS = ["vemurafenib", "dabrafenib", "encorafenib", "trametinib", "cetuximab",
              "erlotinib", "osimertinib", "sotorasib", "alpelisib", "capivasertib", "everolimus",
              "imatinib"]


def twin_step(store: GraphStore, out: Path) -> Section:
    """Twins built from the graph: scientific checks, a ranking, a version, a cohort."""
    from kgtwin.twin.checks import find_patients, scientific_checks
    from kgtwin.twin.cohort import run_cohort
    from kgtwin.twin.cohort_report import write_cohort
    from kgtwin.twin.patient_twin import TwinSettings, build_patient_twin, rank_patient_drugs
    from kgtwin.twin.versions import twin_history, update_twin

    section = Section("Patient twins")
    # The CLI's settings: `kgtwin twin update` after the demo finds the twin current.
    settings = TwinSettings()
    crc = find_patients(store, "colorectal cancer", {"BRAF": "p.V600E"})
    if not crc:
        section.lines.append("No BRAF V600E colorectal patient in the store; twins skipped.")
        return section
    twin = build_patient_twin(store, crc[0], settings)
    summary = twin.graph_model.summary()
    section.lines += [
        f"Each patient's twin is built from the graph: the signed regulatory neighbourhood "
        f"of the altered genes and candidate drug targets. For `{crc[0].split(':')[1][:12]}` "
        f"(colorectal cancer, BRAF V600E): **{summary['nodes']} nodes**, "
        f"{len(summary['curated'])} with the curated rules of `{summary['curated_model']}` "
        f"and {len(summary['derived'])} derived from signed edges "
        f"({', '.join(summary['derived'])}); personalised with its variants, expression "
        "z-scores and tissue context (SOX10 off). Ranked: the heatmap's drugs that act on "
        "this twin, and encorafenib + cetuximab.", "",
        "| rank | treatment | score [95 % CI] | Δ proliferation | Δ apoptosis |",
        "|---:|---|---|---:|---:|"]
    # The heatmap's drugs that act on this twin, so each row is checkable against the
    # cohort table (many drugs tie: every MEK inhibitor holds the same node).
    acting = {d.name.lower() for d in twin.drugs}
    responses = rank_patient_drugs(twin, store, combinations=["encorafenib+cetuximab"],
                                   only=[d for d in DEMO_DRUGS if d in acting])
    for rank, response in enumerate(responses[:6], 1):
        changes = {r.name: r.change for r in response.readouts}
        section.lines.append(
            f"| {rank} | {response.label} | {response.score:+.3f} [{response.score_low:+.3f}, "
            f"{response.score_high:+.3f}] | {changes.get('Proliferation', 0):+.3f} | "
            f"{changes.get('Apoptosis', 0):+.3f} |")
    result = update_twin(store, crc[0], settings)
    history = twin_history(store, crc[0])
    # the same report on a re-run: an unchanged twin is kept, not stored again
    section.lines += ["", f"Stored in the graph as `{result.version.id}` "
                      f"({len(history)} version(s); a re-run on the same graph keeps it; "
                      "`kgtwin twin history` lists them)."]
    section.lines += ["", f"**Scientific checks** (twins of the demo patients, "
                      f"{settings.simulation.trajectories} cells):", ""]
    for check in scientific_checks(store, settings):
        verdict = {True: "holds", False: "**does not hold**", None: "not checked"}[check.holds]
        section.lines.append(f"- {check.name}: {verdict}. {check.detail}.")
    # Each patient's own twin with the settings above, as `kgtwin twin rank-drugs` and
    # `kgtwin twin cohort` build it: one number per question (docs/scores.md).
    cohort = run_cohort(store, None, DEMO_DRUGS, settings)
    paths = write_cohort(cohort, out / "cohort")
    section.figures.append(paths["png"])
    sizes = sorted(cohort.model_nodes.values())
    section.lines += ["", f"**Cohort**: {cohort.table['patient'].nunique()} twins x "
                      f"{cohort.table['drug'].nunique()} drugs, each patient on its own twin "
                      f"({sizes[0]}-{sizes[-1]} nodes; a score here is the one `rank-drugs` "
                      "gives; table, heatmap and HTML in `cohort/`)."
                      + association_sentences(cohort.associations)]
    if cohort.skipped:
        section.lines.append("Drugs that do not act on these twins: " + "; ".join(
            f"{drug} ({why})" for drug, why in sorted(cohort.skipped.items())) + ".")
    if cohort.calibration is not None:
        c = cohort.calibration
        auc = "n/a" if c.auc is None else f"{c.auc:.2f}"
        problems = c.problems()
        section.lines.append(
            f"Calibration against {c.n} observed responses: AUC {auc}, slope {c.slope:+.2f} "
            + (f"— not usable: {'; '.join(problems)}." if problems else
               "(a demo-sized illustration of the method, not evidence)."))
    return section


def association_sentences(associations, top: int = 3) -> str:
    """The strongest variant-score associations in words whose direction matches their
    sign; drugs with the same numbers (one shared simulation) are named together."""
    if associations.empty:
        return ""
    rows = associations.head(top * 4)
    groups: dict[tuple, list[str]] = {}
    for r in rows.itertuples():
        groups.setdefault((r.variant, round(r.difference, 3), round(r.p, 4)), []).append(r.drug)
    chosen = list(groups.items())[:top]
    text = []
    for positive, words in ((True, "score higher with"), (False, "score lower with")):
        parts = [f"{variant} carriers {words} {', '.join(drugs)} "
                 f"({difference:+.2f}, p {p:.2g})"
                 for (variant, difference, p), drugs in chosen if (difference > 0) == positive]
        text += parts
    return (" Strongest variant associations (mean twin score of carriers minus others): "
            + "; ".join(text) + ".")


STEPS: list[Step] = [load_knowledge, load_patients, predict_links, twin_step]


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
        lines += [f"![{figure.stem}]({figure.relative_to(out)})" for figure in section.figures]
        lines.append("")
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
