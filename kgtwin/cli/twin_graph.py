"""``kgtwin twin build|rank-drugs|update|history|cohort``: patient twins from the graph.

Attached to the ``twin`` group of :mod:`kgtwin.cli.twin` (the engine's commands), so one
``kgtwin twin`` holds both; this module only adds commands.
"""

from __future__ import annotations

from pathlib import Path

import click

from kgtwin.cli.common import echo_json, executor_options, make_executor, open_cli_store
from kgtwin.cli.twin import twin

__all__ = ["COMMANDS"]

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _settings(hops: int, curated: bool, trajectories: int, seed: int, strength: float,
              calibration: Path | None = None, gain: str = "fix", expression: str = "both"):
    from kgtwin.twin.build import BuildSettings
    from kgtwin.twin.calibrate import load_calibration
    from kgtwin.twin.patient_twin import TwinSettings, default_simulation
    from kgtwin.twin.profile import PersonalisationSettings

    effects = click.get_current_context().meta.get(EFFECTS_KEY, ())
    return TwinSettings(
        build=BuildSettings(hops=hops, use_curated=curated, p53_gated_apoptosis=True),
        personalisation=PersonalisationSettings(gain_mode=gain, expression_mode=expression,
                                                effects=effects),
        simulation=default_simulation(trajectories, seed),
        strength=strength,
        calibration=load_calibration(calibration) if calibration else None,
    )


#: Where ``--effect`` leaves its overrides (ctx.meta), so every command that builds a twin
#: takes the option without a parameter of its own.
EFFECTS_KEY = "kgtwin.twin.effects"


def _store_effects(ctx: click.Context, _param, values: tuple[str, ...]) -> None:
    from kgtwin.twin.effects import parse_effect_override
    from kgtwin.twin.model import ModelError

    try:
        ctx.meta[EFFECTS_KEY] = tuple(parse_effect_override(v) for v in values)
    except ModelError as error:
        raise click.BadParameter(str(error), param_hint="--effect") from None


effect_option = click.option(
    "--effect", "effects", multiple=True, metavar="GENE[:VARIANT]=gain|loss",
    expose_value=False, callback=_store_effects,
    help="Set a variant's effect, beating the gene-role and hotspot tables (repeatable; "
         "GENE alone: every variant of the gene).")

calibration_option = click.option(
    "--calibration", type=click.Path(path_type=Path),
    help="calibration.json from `kgtwin twin cohort`: add P(response) to each prediction.")


def build_options(function):
    """Options shared by every command that builds a twin."""
    options = [
        click.option("--hops", type=click.IntRange(0, 5), default=1, show_default=True,
                     help="Regulation edges to walk from the seed genes."),
        click.option("--curated/--derived-only", "curated", default=True, show_default=True,
                     help="Use a curated logical model of the graph where one covers the "
                          "seeds, or derive every rule from signed edges."),
        # The same numbers as kgtwin.twin.patient_twin.DEFAULT_* (a test checks): the
        # module is not imported here, to keep `kgtwin --help` light.
        click.option("--trajectories", type=click.IntRange(min=10), default=2000,
                     show_default=True, help="Simulated cells per treatment."),
        click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True,
                     help="Random seed (same seed, same numbers)."),
        click.option("--strength", type=click.FloatRange(0, 1), default=1.0, show_default=True,
                     help="Drug strength: fraction of cells in which targets are held."),
        click.option("--gain", type=click.Choice(["fix", "rate"]), default="fix",
                     show_default=True, help="Activating variants hold their node on (fix) "
                     "or multiply its up-rate and divide its down-rate by 100 (rate)."),
        click.option("--expression", type=click.Choice(["both", "initial", "rates", "none"]),
                     default="both", show_default=True,
                     help="What expression z-scores set: initial P(on), rates, both, none."),
        effect_option,
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _response_dict(response) -> dict:
    return {
        "treatment": response.label,
        "drugs": list(response.drugs),
        "score": round(response.score, 6),
        "score_ci": [round(response.score_low, 6), round(response.score_high, 6)],
        "readouts": {r.name: {"untreated": round(r.untreated, 4), "treated": round(r.treated, 4),
                              "change": round(r.change, 4),
                              "ci": [round(r.low, 4), round(r.high, 4)]}
                     for r in response.readouts},
        "targets": {k: list(v) for k, v in response.targets.items()},
    }


@twin.command("build")
@click.argument("patient_id")
@build_options
@click.option("--drug", "drugs", multiple=True, help="Also seed with this drug's targets (CURIE).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Write the personalised twin model (.bnet, .bnd + .cfg or .sbml); "
                   "`twin respond` on a .bnd with the same --trajectories and --seed gives "
                   "rank-drugs' scores.")
@json_option
@click.pass_context
def build_command(ctx, patient_id, hops, curated, trajectories, seed, strength, gain,
                  expression, drugs, out, as_json) -> None:
    """Build a patient's twin from the graph and say which rules are curated or derived.

    Seeds are the patient's altered genes (variants, copy number), expression outliers
    (|z| >= 2) and the targets of candidate drugs (indicated for the diagnosis, received,
    or acting on an altered gene); the twin is their signed regulatory neighbourhood
    within --hops, wired to the readouts (GO:0008283 proliferation, GO:0006915
    apoptosis). Nothing is stored: `kgtwin twin update` stores a version.

    \b
    Example:
      kgtwin twin build dml6w6iw --out twin.bnd
      kgtwin twin build dml6w6iw --derived-only --hops 2 --json
    """
    from kgtwin.twin.formats import save_model
    from kgtwin.twin.patient_twin import build_patient_twin

    settings = _settings(hops, curated, trajectories, seed, strength, None, gain, expression)
    with open_cli_store(ctx, create=False) as store:
        built = build_patient_twin(store, patient_id, settings, extra_drugs=drugs)
    summary = built.graph_model.summary()
    data = {
        "patient": built.patient,
        **summary,
        "rules": {n: {"rule": built.graph_model.model.node(n).rule.to_text(),
                      **built.graph_model.origins[n].to_dict()}
                  for n in built.graph_model.model.names},
        "fixed": dict(built.twin.fixed),
        "patient_specific": built.twin.patient_specific,
        **({"notice": built.twin.notice} if built.twin.notice else {}),
        "personalisation": list(built.notes) + [
            a for a in built.twin.applied if not a.endswith("(known state)")],
        "drugs": sorted(d.name for d in built.drugs),
    }
    if out is not None:
        save_model(_exported(built), out)
        data["written"] = str(out)
    if as_json:
        echo_json(data)
        return
    for line in _build_lines(data):
        click.echo(line)


def _exported(built):
    """The personalised twin as a model file states it: held nodes as constants and the
    twin's own simulation settings in place of the curated model's, so the file says
    which cells, time and seed gave rank-drugs' numbers (``twin respond`` on it with the
    same --trajectories and --seed gives the same scores; tests/twingraph)."""
    from dataclasses import replace

    simulation = built.settings.simulation
    settings = {**built.twin.model.settings, "sample_count": simulation.trajectories,
                "max_time": simulation.max_time, "time_tick": simulation.time_tick,
                "seed_pseudorandom": simulation.seed}
    return replace(built.twin.model.fix(built.twin.fixed), settings=settings)


def _build_lines(data: dict):
    yield (f"twin of {data['patient']}: {data['nodes']} nodes, "
           f"{len(data['curated'])} curated ({data['curated_model'] or 'no curated model'}), "
           f"{len(data['derived'])} derived")
    yield "readouts: " + ", ".join(f"{k} ({v})" for k, v in data["readouts"].items())
    yield "derived rules (on when any activator is on and no inhibitor is on):"
    for name in data["derived"]:
        yield f"  {name} = {data['rules'][name]['rule']}"
    yield "personalisation:"
    for note in data["personalisation"]:
        yield f"  {note}"
    if "notice" in data:
        yield f"WARNING: {data['notice']}"
    if data["unreached"]:
        yield "seeds not in the twin (no signed edge to the readouts): " + ", ".join(
            data["unreached"])
    yield f"{len(data['drugs'])} drug(s) act on the twin: " + ", ".join(data["drugs"])
    if "written" in data:
        yield f"wrote {data['written']}"


@twin.command("rank-drugs")
@click.argument("patient_id")
@build_options
@click.option("--combo", "combos", multiple=True, metavar="A+B",
              help="Also simulate a combination (drug names or CURIEs joined by +).")
@click.option("--only", multiple=True,
              help="Rank only these drugs (repeatable or comma-separated).")
@click.option("--top", type=click.IntRange(min=1), default=15, show_default=True,
              help="Lines shown (JSON lists all).")
@calibration_option
@json_option
@click.pass_context
def rank_command(ctx, patient_id, hops, curated, trajectories, seed, strength, gain, expression,
                 combos, only, top, calibration, as_json) -> None:
    """Rank drugs for a patient's twin, best response first, with 95 % intervals.

    Each drug holds its targets (from the graph's drug-target edges) off (inhibitor) or
    on (agonist) in a fraction --strength of cells; the score is -Δ proliferation
    + Δ apoptosis against the untreated twin (positive: the drug helps).

    \b
    Example:
      kgtwin twin rank-drugs g56pqxmj --combo encorafenib+cetuximab --top 5
    """
    from kgtwin.twin.patient_twin import build_patient_twin, rank_patient_drugs

    settings = _settings(hops, curated, trajectories, seed, strength, calibration, gain,
                         expression)
    with open_cli_store(ctx, create=False) as store:
        built = build_patient_twin(store, patient_id, settings)
        only = tuple(d.strip() for item in only for d in item.split(",") if d.strip())
        responses = rank_patient_drugs(built, store, combinations=combos, only=only)
    rows = [_response_dict(r) for r in responses]
    if settings.calibration is not None:
        for row in rows:
            row["p_response"] = round(settings.calibration.probability(row["score"]), 4)
    if as_json:
        echo_json({"patient": built.patient, "settings": settings.to_dict(),
                   "patient_specific": built.twin.patient_specific,
                   **({"notice": built.twin.notice} if built.twin.notice else {}),
                   "ranking": rows})
        return
    click.echo(f"twin of {built.patient}: {len(built.graph_model.model)} nodes; "
               f"{len(rows)} treatment(s), {trajectories} cells each; score = -Δprolif + Δapop")
    if built.twin.notice:
        click.echo(f"WARNING: {built.twin.notice}")
    for rank, row in enumerate(rows[:top], 1):
        changes = "  ".join(f"Δ{name[:6].lower()} {v['change']:+.3f}"
                            for name, v in row["readouts"].items())
        low, high = row["score_ci"]
        p = f"  P(response) {row['p_response']:.2f}" if "p_response" in row else ""
        click.echo(f"{rank:>3}. {row['treatment']:<32} {row['score']:+.3f} "
                   f"[{low:+.3f}, {high:+.3f}]  {changes}{p}")


@twin.command("update")
@click.argument("patient_id")
@build_options
@click.option("--combo", "combos", multiple=True, metavar="A+B",
              help="Also score a combination (kept in the version's properties).")
@click.option("--force", is_flag=True, help="Write a new version even if nothing changed.")
@calibration_option
@json_option
@click.pass_context
def update_command(ctx, patient_id, hops, curated, trajectories, seed, strength, gain,
                   expression, combos, force, calibration, as_json) -> None:
    """Store the patient's twin in the graph as a new version if anything changed.

    Rebuilds the twin from the patient's current records (new variants, expression,
    observed responses loaded since) and the knowledge graph; if the inputs differ from
    the latest version (or there is none), ranks the drugs and writes version N+1 linked
    to the patient, to version N and to each drug with its predicted score.

    \b
    Example:
      kgtwin load maf followup.maf --option key_file=...   # a new variant arrives
      kgtwin twin update g56pqxmj
      -> twin KGTWIN.TWIN:g56pqxmj...-v2 written: new variant PTEN R130*
    """
    from kgtwin.twin.versions import update_twin

    settings = _settings(hops, curated, trajectories, seed, strength, calibration, gain,
                         expression)
    with open_cli_store(ctx, create=False) as store:
        result = update_twin(store, patient_id, settings, combinations=combos, force=force)
    data = {"created": result.created, "changes": list(result.changes),
            **result.version.to_dict()}
    if as_json:
        echo_json(data)
        return
    if not result.created:
        click.echo(f"twin {data['id']} is current (no new records; --force to rebuild)")
        return
    click.echo(f"twin {data['id']} written: " + "; ".join(data["changes"]))
    for row in data["predictions"][:5]:
        click.echo(f"  {row['rank']:>3}. {row['name'] or row['drug']:<24} {row['score']:+.3f} "
                   f"[{row['score_low']:+.3f}, {row['score_high']:+.3f}]")


@twin.command("history")
@click.argument("patient_id")
@click.option("--top", type=click.IntRange(min=1), default=3, show_default=True,
              help="Predictions shown per version.")
@json_option
@click.pass_context
def history_command(ctx, patient_id, top, as_json) -> None:
    """Every stored version of a patient's twin: when, why, and its best predictions.

    \b
    Example:
      kgtwin twin history g56pqxmj --top 5
    """
    from kgtwin.twin.versions import twin_history

    with open_cli_store(ctx, create=False) as store:
        versions = twin_history(store, patient_id)
    if as_json:
        echo_json([v.to_dict() for v in versions])
        return
    if not versions:
        click.echo("no stored twin for this patient (run `kgtwin twin update`)")
    for version in versions:
        click.echo(f"v{version.version}  {version.created_at}  {version.id}  model "
                   f"{version.model_hash[:12]}  ({'; '.join(version.changes)})")
        for row in version.predictions[:top]:
            click.echo(f"    {row['rank']:>3}. {row['name'] or row['drug']:<24} "
                       f"{row['score']:+.3f} [{row['score_low']:+.3f}, {row['score_high']:+.3f}]")


@twin.command("cohort")
@click.option("--patients", "patients", multiple=True,
              help="Patients (pseudonyms or prefixes); repeatable or comma-separated. "
                   "Default: every patient.")
@click.option("--drugs", "drugs", multiple=True,
              help="Drugs (names or CURIEs); repeatable or comma-separated. Default: "
                   "candidates (indicated, received or acting on an altered gene).")
@build_options
@click.option("--out", type=click.Path(path_type=Path), default=Path("kgtwin-cohort"),
              show_default=True, help="Folder for the table, heatmap and HTML.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Threads, or local Dask worker processes (default: all cores).")
@executor_options
@json_option
@click.pass_context
def cohort_command(ctx, patients, drugs, hops, curated, trajectories, seed, strength, gain,
                   expression, out, workers, executor, scheduler, as_json) -> None:
    """Simulate every patient x drug; write a table, a heatmap and variant associations.

    Each patient's twin is the one `rank-drugs` builds for that patient (same settings,
    same numbers; docs/scores.md says why). Writes OUT/cohort.csv, cohort-heatmap.png, cohort.html,
    associations.csv (variant vs score, Mann-Whitney, BH q) and, where patients have
    observed responses, observed.csv and calibration.json (logistic score -> P(response)).

    \b
    Example:
      kgtwin twin cohort --drugs vemurafenib,trametinib,sotorasib --trajectories 500
      kgtwin twin cohort --patients dml6w6iw,g56pqxmj --out crc-vs-melanoma
      kgtwin twin cohort --executor dask --scheduler tcp://10.0.0.5:8786
    """
    from kgtwin.twin.cohort import run_cohort
    from kgtwin.twin.cohort_report import write_cohort

    settings = _settings(hops, curated, trajectories, seed, strength, None, gain, expression)
    split = [p.strip() for item in patients for p in item.split(",") if p.strip()]
    chosen = [d.strip() for item in drugs for d in item.split(",") if d.strip()]
    with open_cli_store(ctx, create=False) as store:
        result = run_cohort(store, split or None, chosen or None, settings, workers=workers,
                            executor=make_executor(executor, scheduler, workers))
    paths = write_cohort(result, out)
    table = result.table
    data = {
        "patients": int(table["patient"].nunique()), "drugs": int(table["drug"].nunique()),
        "model_nodes": result.model_nodes,
        "files": {k: str(v) for k, v in paths.items()},
        "skipped_drugs": result.skipped,
        "associations": result.associations.head(10).to_dict(orient="records"),
        "calibration": result.calibration.to_dict() if result.calibration else None,
    }
    if as_json:
        echo_json(data)
        return
    sizes = sorted(result.model_nodes.values()) or [0]
    click.echo(f"{data['patients']} patients x {data['drugs']} drugs, each patient on "
               f"its own twin ({sizes[0]}-{sizes[-1]} nodes); wrote {paths['html']}")
    for drug, why in sorted(result.skipped.items()):
        click.echo(f"  {drug}: does not act ({why})")
    best = (table[table["acts"]].sort_values("score", ascending=False)
            .drop_duplicates("patient").sort_values("label"))
    for row in best.itertuples():
        generic = "" if row.patient_specific else "  (no patient-specific change)"
        click.echo(f"  {row.label}  {row.diagnosis[:30]:<30} {row.variants[:30]:<30} "
                   f"best: {row.drug} {row.score:+.3f}{generic}")
    unchanged = table[~table["patient"].isin(best["patient"])].drop_duplicates("patient")
    for row in unchanged.itertuples():
        generic = "" if row.patient_specific else "; no patient-specific change"
        click.echo(f"  {row.label}  {row.diagnosis[:30]:<30} {row.variants[:30]:<30} "
                   f"no drug acts on this twin{generic}")
    if not result.associations.empty:
        click.echo("variants whose carriers' twins score higher (+) or lower (-) than the "
                   "others' (difference of means; p, BH q):")
        for row in result.associations.head(5).itertuples():
            click.echo(f"  {row.variant:<16} {row.drug:<14} {row.difference:+.3f} "
                       f"(p {row.p:.3g}, q {row.q:.3g})")
    if result.calibration is not None:
        c = result.calibration
        click.echo(f"calibration on {c.n} observed responses: P(response) = "
                   f"1/(1+exp(-({c.intercept:.2f} + {c.slope:.2f} x score))), AUC "
                   + ("n/a" if c.auc is None else f"{c.auc:.2f}"))
        for problem in c.problems():
            click.echo(f"  warning: {problem}; `--calibration` will refuse this fit")


COMMANDS: list = []  # the commands live on the engine's ``twin`` group
