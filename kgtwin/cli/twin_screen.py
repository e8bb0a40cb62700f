"""``kgtwin twin screen``: many samples x drugs in one process, checked against a screen.

Attached to the ``twin`` group of :mod:`kgtwin.cli.twin`; this module only adds a command.
"""

from __future__ import annotations

from pathlib import Path

import click

from kgtwin.cli.common import echo_json, executor_options, make_executor, open_cli_store
from kgtwin.cli.twin import twin

__all__ = ["COMMANDS"]


@twin.command("screen")
@click.option("--samples", "samples_path", type=click.Path(exists=True, path_type=Path),
              help="Profile table (TSV/CSV: sample, tissue, gene, change[, effect]). "
                   "Default: the store's patients.")
@click.option("--patients", multiple=True, help="Only these patients (with no --samples).")
@click.option("--drugs", multiple=True,
              help="Drugs (names or CURIEs), repeatable or comma-separated. Default: every "
                   "drug with gene targets.")
@click.option("--observed", type=click.Path(exists=True, path_type=Path),
              help="Observed table (sample, drug, ln_ic50|ic50|auc; lower = sensitive): "
                   "report Spearman, AUROC, baselines and textbook associations.")
@click.option("--trajectories", type=click.IntRange(min=10), default=500, show_default=True)
@click.option("--hops", type=click.IntRange(0, 4), default=2, show_default=True,
              help="Regulation edges to walk from the seed genes.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option("--workers", type=click.IntRange(min=1),
              help="Threads, or local Dask worker processes (default: all cores).")
@executor_options
@click.option("--out", type=click.Path(path_type=Path), default=Path("kgtwin-screen"),
              show_default=True, help="Folder for screen.csv, per_drug.csv, screen.png.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def screen_command(ctx, samples_path, patients, drugs, observed, trajectories, hops, seed,
                   workers, executor, scheduler, out, as_json) -> None:
    """Simulate every sample x drug on one wiring built from the graph's signed edges.

    With --observed, compare the twin score with measured sensitivity per drug
    (Spearman, AUROC of the most sensitive quartile) next to the target-mutated rule
    and the leave-one-out tissue mean, test the textbook associations (BRAF, BRAF/NRAS,
    EGFR, ERBB2, BCR-ABL1) and draw OUT/screen.png.

    \b
    Example:
      kgtwin twin screen --samples lines.tsv --drugs erlotinib,lapatinib,imatinib \\
          --observed ic50.tsv --out screen
    """
    from kgtwin.twin.screen import ScreenSettings, read_samples, run_screen, samples_from_store
    from kgtwin.twin.screen_eval import (
        association_lines,
        class_lines,
        evaluate_screen,
        per_drug_lines,
        read_observed,
    )
    from kgtwin.twin.screen_report import write_screen

    names = [d.strip() for item in drugs for d in item.split(",") if d.strip()]
    settings = ScreenSettings(trajectories=trajectories, hops=hops, seed=seed, workers=workers,
                              executor=make_executor(executor, scheduler, workers))
    with open_cli_store(ctx, create=False) as store:
        samples = (read_samples(samples_path) if samples_path
                   else samples_from_store(store, [p for i in patients for p in i.split(",")
                                                   if p.strip()] or None))
        result = run_screen(store, samples, names or None, settings)
    evaluation = evaluate_screen(result, read_observed(observed)) if observed else None
    paths = write_screen(result, out, evaluation)
    acting = sorted({d.name for d in result.drugs} - set(result.not_acting))
    data = {"samples": len(result.samples), "drugs": len(result.drugs),
            "acting": acting, "not_acting": dict(result.not_acting),
            "model_nodes": len(result.model.model), "files": paths}
    if evaluation is not None:
        data["evaluation"] = evaluation.summary(acting)
        data["textbook"] = evaluation.textbook.to_dict(orient="records")
        data["associations"] = evaluation.associations().to_dict(orient="records")
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['samples']} samples x {len(acting)} acting drugs on a "
               f"{data['model_nodes']}-node twin wiring; wrote {paths['table']}")
    if evaluation is None:
        for drug, why in sorted(result.not_acting.items()):
            click.echo(f"  {drug} does not act: {why}")
        return
    for line in per_drug_lines(evaluation.per_drug, result.not_acting):
        click.echo("  " + line)
    click.echo("textbook associations (twin: carriers > others, one-sided Mann-Whitney):")
    for line in association_lines(evaluation.textbook):
        click.echo("  " + line)
    for line in class_lines(evaluation):
        click.echo("  " + line)
    means = data["evaluation"]["mean_spearman"]
    click.echo("mean Spearman over acting drugs: " + ", ".join(
        f"{k} {v:+.3f}" for k, v in means.items() if not k.startswith("auroc")))
    click.echo(f"figure: {paths['figure']}")


COMMANDS: list = []  # the command lives on the engine's ``twin`` group
