"""Commands ``kgtwin embed train|evaluate`` and ``kgtwin predict targets|repurpose|remove``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from kgtwin.cli.common import echo_json, open_cli_store
from kgtwin.errors import KgTwinError

TRUST_HELP = ("UNSAFE: load an old pickled model.pt, which can run any code it holds; only "
              "for files you made yourself or whose origin you trust.")


def quiet_pykeen(ctx: click.Context) -> None:
    """PyKEEN sets its own logger to INFO when imported; the CLI shows warnings only.

    Logging is configured here, at the entry points (commands that train or predict,
    and ``kgtwin demo``), never in the library. ``--debug`` keeps everything.
    """
    if ctx.obj and ctx.obj.get("debug"):
        return
    import pykeen  # noqa: F401  (its import is what sets the level we undo)

    logging.getLogger("pykeen").setLevel(logging.WARNING)
    # "tensors on device_types={'cpu'}": PyKEEN's memory search, harmless with fixed batches
    logging.getLogger("torch_max_mem").setLevel(logging.ERROR)


def _split_values(values: tuple[str, ...]) -> list[str] | None:
    """``--predicates a,b --predicates c`` -> ``[a, b, c]``; None when not given."""
    found = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return found or None


@click.group()
def embed() -> None:
    """Train and evaluate knowledge-graph embeddings (PyKEEN) on the store's graph.

    \b
    Example:
      kgtwin embed train --model RotatE --epochs 100 --out models/rotate
      kgtwin embed evaluate models/rotate --json
    """


@embed.command()
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Model directory to write.")
@click.option("--predicates", multiple=True, metavar="P[,P...]",
              help="Train on these predicates only (default: all).")
@click.option("--task", "tasks", multiple=True, metavar="P[,P...]",
              help="Predicates held out for evaluation "
                   "(default: treats, gene_associated_with_condition).")
@click.option("--split", "split_kind", type=click.Choice(["edges", "entities"]), default="edges",
              show_default=True, help="Hold out task statements, or whole diseases (zero-shot).")
@click.option("--test-triples", type=click.Path(exists=True, path_type=Path),
              help="Held-out statements (subject/predicate/object TSV) instead of a split.")
@click.option("--valid-triples", type=click.Path(exists=True, path_type=Path),
              help="Validation statements for --test-triples (early stopping, filtering).")
@click.option("--namespace", help="Read --test-triples values that are not CURIEs as NAME:value.")
@click.option("--keep-leaks", is_flag=True,
              help="With --test-triples: keep even statements derived from held-out ones.")
@click.option("--same-pair-leaks", is_flag=True,
              help="With --test-triples: also remove every other statement between a "
                   "held-out pair (always done for kgtwin's own splits).")
@click.option("--model", default=None,
              help="PyKEEN model (default ComplEx): RotatE, DistMult, TransE, or any PyKEEN name.")
@click.option("--epochs", type=int, help="Most epochs (default 500; early stopping ends sooner).")
@click.option("--dim", "embedding_dim", type=int, help="Embedding dimension (default 128).")
@click.option("--batch-size", type=int, help="Batch size (default 256).")
@click.option("--lr", "learning_rate", type=float, help="Adam learning rate (default 0.01).")
@click.option("--training-loop", type=click.Choice(["auto", "lcwa", "slcwa"]),
              help="lcwa: 1-vs-all; slcwa: negative sampling; auto (default): lcwa unless "
                   "an epoch would score over 1e9 entries (then slcwa).")
@click.option("--loss", help="PyKEEN loss (default crossentropy, i.e. softmax; 'default': the "
                             "training loop's own).")
@click.option("--negatives", type=int, help="Negatives per positive with slcwa (default 8).")
@click.option("--inverse-triples/--no-inverse-triples", default=None,
              help="Train with inverse relations (default on).")
@click.option("--regularizer", help="none (default), default (the model's own), or a PyKEEN "
                                    "regulariser such as lp.")
@click.option("--regularizer-weight", type=float, help="Weight of the regulariser.")
@click.option("--budget", type=float, metavar="SECONDS",
              help="Stop training after this long, keeping the best validation weights.")
@click.option("--threads", type=int, help="Torch CPU threads while training.")
@click.option("--stack/--no-stack", default=None,
              help="Rank with the model plus graph features (path counts, degree, phenotype "
                   "overlap), weights fitted on the validation split (default on); "
                   "--no-stack: the model alone. Both are reported.")
@click.option("--seed", type=int, help="Random seed (default 42): split and training.")
@click.option("--no-early-stopping", is_flag=True, help="Train all epochs (best weights kept).")
@click.option("--seeds", "seeds", type=int, default=1, show_default=True,
              help="Train this many seeds (split and weights), report mean and spread; "
                   "models go to OUT/seed-N.")
@click.option("--device", default="auto", show_default=True, help="auto, cpu or cuda.")
@click.option("--no-baselines", is_flag=True,
              help="Skip the baselines (path counts take minutes on millions of statements; "
                   "the stacked ranker still computes them unless --no-stack).")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation report as JSON.")
@click.pass_context
def train(ctx: click.Context, out: Path, predicates: tuple[str, ...],
          tasks: tuple[str, ...], split_kind: str, test_triples: Path | None,
          valid_triples: Path | None, namespace: str | None, keep_leaks: bool,
          same_pair_leaks: bool, no_early_stopping: bool, seeds: int, device: str,
          no_baselines: bool, as_json: bool,
          **settings: Any) -> None:
    """Train a model on the store's graph, evaluate it next to baselines, save it to --out.

    \b
    Examples:
      kgtwin embed train --out models/rotate
      kgtwin embed train --model TransE --epochs 50 --seed 1 --out models/transe
      kgtwin embed train --split entities --task biolink:treats --out models/zeroshot
      kgtwin load triples train.txt --namespace nations
      kgtwin embed train --test-triples test.txt --valid-triples valid.txt --namespace nations \
          --out m
      kgtwin embed train --training-loop slcwa --negatives 32 --budget 600 --out big
    """
    from kgtwin.embed.api import train as train_api
    from kgtwin.embed.split import DEFAULT_TASKS
    from kgtwin.embed.train import TrainConfig

    quiet_pykeen(ctx)
    chosen = {k: v for k, v in settings.items() if v is not None}
    if chosen.get("loss") == "default":
        chosen["loss"] = None
    config = TrainConfig(early_stopping=not no_early_stopping, device=device, **chosen)
    options = dict(
        predicates=_split_values(predicates), tasks=_split_values(tasks) or DEFAULT_TASKS,
        split=split_kind, test_triples=test_triples, valid_triples=valid_triples,
        namespace=namespace, remove_leaks=not keep_leaks, same_pair=same_pair_leaks,
        progress=not as_json, evaluate_baselines=not no_baselines,
    )
    with open_cli_store(ctx, create=False) as store:
        if seeds > 1:
            from kgtwin.embed.seeds import train_seeds

            _print_seeds(train_seeds(store, out, seeds, config=config, **options), as_json)
            return
        trained = train_api(store, out, config=config, **options)  # type: ignore[arg-type]
    report = {k: v for k, v in trained.metrics.items() if k != "losses"}
    if as_json:
        echo_json({"model_dir": str(out), **report})
        return
    run = trained.info["epochs_run"]
    ended = {"early_stopping": f"early stopping ended it at {run} of {config.epochs} epochs when "
                               f"validation {config.stopper_metric} stopped improving",
             "budget": f"the --budget ended it at epoch {run}",
             "epochs": f"{run} epochs"}.get(trained.info.get("ended_by", "epochs"), f"{run} epochs")
    click.echo(f"trained {trained.model_id} ({config.model}; {ended}; best validation epoch "
               f"{trained.info.get('best_epoch')} kept; {trained.info['train_seconds']:.0f} s) "
               f"-> {out}")
    _print_report(report)


@embed.command()
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--recompute", is_flag=True, help="Evaluate again instead of reading metrics.json.")
@click.option("--no-baselines", is_flag=True, help="With --recompute: the model only.")
@click.option("--json", "as_json", is_flag=True, help="Print metrics and baselines as JSON.")
@click.option("--trust", is_flag=True, help=TRUST_HELP)
def evaluate(model_dir: Path, recompute: bool, no_baselines: bool, as_json: bool,
             trust: bool) -> None:
    """Metrics of a trained model next to the degree, path-count and metapath baselines.

    \b
    Example:
      kgtwin embed evaluate models/rotate --json
    """
    from kgtwin.embed.api import evaluate as evaluate_api

    report = evaluate_api(model_dir, recompute=recompute, baselines=not no_baselines, trust=trust)
    if as_json:
        echo_json(report)
    else:
        _print_report(report)


@embed.command()
@click.argument("model_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--trust", is_flag=True, required=True, help=TRUST_HELP)
def convert(model_dir: Path, trust: bool) -> None:
    """Rewrite a model directory of an older kgtwin (pickled model.pt) as weights.pt.

    Unpickling runs whatever code the file holds: convert only directories you made
    yourself or whose origin you trust. Otherwise retrain with `kgtwin embed train`.

    \b
    Example:
      kgtwin embed convert models/old --trust
    """
    from kgtwin.embed.modeldir import convert as convert_dir

    convert_dir(model_dir)
    click.echo(f"{model_dir}: converted to weights.pt (loads without --trust from now on)")


def _print_seeds(summary: dict, as_json: bool) -> None:
    if as_json:
        echo_json(summary)
        return
    click.echo(f"{len(summary['seeds'])} seeds ({', '.join(map(str, summary['seeds']))}): "
               "overall filtered MRR and Hits@10, mean ± standard deviation")
    for scorer, entry in summary["overall"].items():
        if "mrr_mean" in entry:
            click.echo(f"  {scorer:<17} MRR {entry['mrr_mean']:.3f} ± {entry['mrr_sd']:.3f}  "
                       f"Hits@10 {entry.get('hits@10_mean', 0):.3f} ± "
                       f"{entry.get('hits@10_sd', 0):.3f}")


def _print_report(report: dict) -> None:
    split = report.get("split", {})
    click.echo(f"split {split.get('kind')}: train {split.get('train')}, valid "
               f"{split.get('valid')}, test {split.get('test')}; removed for leakage: "
               f"{report.get('removed_for_leakage')} {split.get('removed')}")
    pykeen = report.get("pykeen", {})
    if pykeen:
        click.echo("PyKEEN (all entities, both sides): " + _metrics_text(pykeen))
    for relation, sides in report.get("tasks", {}).items():
        for side, entry in sides.items():
            asked = "subjects" if side == "head" else "objects"
            click.echo(f"{relation}, ranking {asked} among {entry['candidates']} candidates "
                       f"({entry['queries']} queries):")
            for scorer in ("model", "stacked", "degree", "path_count", "metapath",
                           "phenotype_overlap", "chance"):
                if scorer in entry:
                    click.echo(f"  {scorer:<17} " + _metrics_text(entry[scorer]))
    for line in report.get("verdicts", []):
        click.echo(line)
    for line in report.get("leak_warnings", []):
        click.echo(f"WARNING: {line}")


def _metrics_text(metrics: dict) -> str:
    text = "  ".join(f"{k} {metrics[k]:.3f}" for k in ("mrr", "hits@1", "hits@3", "hits@10")
                     if k in metrics)
    if "mrr_ci_low" in metrics:
        text += f"  (MRR 95% CI {metrics['mrr_ci_low']:.3f}-{metrics['mrr_ci_high']:.3f})"
    return text


@click.group()
def predict() -> None:
    """Ranked, explained predictions from a trained model; optionally written to the graph.

    \b
    Example:
      kgtwin predict repurpose --model models/rotate --disease MONDO:0005148 --write
      kgtwin predict targets --model models/rotate --disease MONDO:0005105 --json
    """


def _predict_options(command):
    options = [
        click.option("--model", "model_dir", required=True,
                     type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="Model directory from `kgtwin embed train`."),
        click.option("--disease", help="Disease id (any known equivalent id)."),
        click.option("--drug", help="Drug id (any known equivalent id)."),
        click.option("-k", "--top", "k", type=int, default=10, show_default=True),
        click.option("--write", is_flag=True,
                     help="Write the predictions into the graph (replacing earlier ones)."),
        click.option("--no-explain", is_flag=True, help="Skip supporting paths and neighbours."),
        click.option("--json", "as_json", is_flag=True, help="Print the predictions as JSON."),
        click.option("--trust", is_flag=True, help=TRUST_HELP),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _run_prediction(ctx: click.Context, task: str, model_dir: Path, disease: str | None,
                    drug: str | None, k: int, write: bool, no_explain: bool,
                    as_json: bool, trust: bool) -> None:
    from kgtwin.embed.predict import Predictor, predict_repurpose, predict_targets
    from kgtwin.embed.writeback import write_predictions

    quiet_pykeen(ctx)
    function = predict_repurpose if task == "repurpose" else predict_targets
    with open_cli_store(ctx, create=False) as store:
        predictor = Predictor.open(model_dir, store, trust=trust)
        frame = function(predictor, disease=disease, drug=drug, k=k, explain=not no_explain)
        written = 0
        if write:
            written = write_predictions(store, frame, model_id=predictor.trained.model_id,
                                        task=task, model_dir=model_dir)
    if as_json:
        echo_json({"model_id": predictor.trained.model_id, "written": written,
                   "predictions": frame.to_dict("records")})
        return
    if frame.empty:
        click.echo("no candidates left to rank (every candidate is already linked)")
    for row in frame.to_dict("records"):
        click.echo(f"{row['rank']:>3}. {row['candidate']:<20} {row['name'] or '':<30} "
                   f"score {row['score']:.3f}  percentile {row['percentile']:.1f} "
                   f"of {row['candidates']} candidates")
        for path in row["paths"]:
            click.echo(f"       path: {path['path']}")
        if row["nearest_positives"]:
            near = ", ".join(f"{p['name']} ({p['similarity']:.2f})"
                             for p in row["nearest_positives"])
            click.echo(f"       nearest known: {near}")
    if write:
        click.echo(f"wrote {written} predicted edges (model {predictor.trained.model_id})")


@predict.command()
@_predict_options
@click.pass_context
def repurpose(ctx: click.Context, **options) -> None:
    """Drugs that may treat a disease (--disease), or diseases a drug may treat (--drug).

    \b
    Example:
      kgtwin predict repurpose --model models/rotate --disease MONDO:0005148 -k 20 --write
    """
    _run_prediction(ctx, "repurpose", **options)


@predict.command()
@_predict_options
@click.pass_context
def targets(ctx: click.Context, **options) -> None:
    """Genes associated with a disease (--disease), or genes a drug may act on (--drug).

    \b
    Example:
      kgtwin predict targets --model models/rotate --disease MONDO:0005105
    """
    _run_prediction(ctx, "targets", **options)


@predict.command()
@click.option("--model", "model_dir", type=click.Path(exists=True, file_okay=False,
              path_type=Path), help="The model directory whose predictions to remove.")
@click.option("--model-id", help="Or the model id (as `predict --write` printed it).")
@click.pass_context
def remove(ctx: click.Context, model_dir: Path | None, model_id: str | None) -> None:
    """Remove every prediction a model wrote into the graph.

    \b
    Examples:
      kgtwin predict remove --model models/m
      kgtwin predict remove --model-id rotate-1a2b3c4d5e
    """
    import json

    from kgtwin.embed.writeback import remove_predictions

    if (model_dir is None) == (model_id is None):
        raise click.UsageError("give --model DIR or --model-id ID (one of them)")
    if model_dir is not None:
        try:
            model_id = str(json.loads((model_dir / "graph.json").read_text())["model_id"])
        except (OSError, ValueError, KeyError) as error:
            raise KgTwinError(f"{model_dir}/graph.json: not a kgtwin model directory "
                              f"({error})") from None
    assert model_id is not None

    with open_cli_store(ctx, create=False) as store:
        removed = remove_predictions(store, model_id)
    click.echo(f"removed {removed} predicted edges of {model_id}")


COMMANDS = [embed, predict]
