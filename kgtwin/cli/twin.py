"""``kgtwin twin``: analyse, simulate and convert logical models (BNET, MaBoSS, SBML-qual)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kgtwin.twin.model import LogicalModel

__all__ = ["COMMANDS", "twin"]

_MODEL_HELP = "MODEL is .bnet, .bnd (its .cfg beside it, or --cfg) or SBML-qual (.sbml/.xml)."


def _pairs(values: tuple[str, ...], option: str, convert) -> dict:
    """``NODE=VALUE`` options into a dict, with a usage error naming the bad one."""
    result = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NODE=VALUE", param_hint=option)
        try:
            result[name.strip()] = convert(value.strip())
        except ValueError as error:
            raise click.BadParameter(f"{item!r}: {error}", param_hint=option) from None
    return result


def _switch(value: str) -> int:
    if value not in ("0", "1"):
        raise ValueError("value must be 0 or 1")
    return int(value)


def _probability(value: str) -> float:
    probability = float(value)
    if not 0.0 <= probability <= 1.0:
        raise ValueError("probability must be in [0, 1]")
    return probability


def _load(model_path: Path, cfg: Path | None):
    from kgtwin.twin.formats import load_model

    return load_model(model_path, cfg=cfg)


def _provenance(model, **settings) -> dict:
    """What a result was computed from: kgtwin version, model checksum, settings."""
    from kgtwin import __version__
    from kgtwin.twin.formats import model_checksum

    return {"kgtwin": __version__, "model_sha256": model_checksum(model), **settings}


def _emit(data: dict, as_json: bool, text_lines) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2))
    else:
        for line in text_lines(data):
            click.echo(line)


model_argument = click.argument("model_path", metavar="MODEL", type=click.Path(path_type=Path))
cfg_option = click.option(
    "--cfg", type=click.Path(path_type=Path), help="MaBoSS .cfg (default: MODEL's .cfg)."
)
set_option = click.option(
    "--set",
    "fixed",
    multiple=True,
    metavar="NODE=0|1",
    help="Hold a node on or off (input, mutation, drug); repeatable.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="Stop after this many seconds (0: no limit).",
)


@click.group()
def twin() -> None:
    """Executable pathway twins: exact attractors and MaBoSS-style simulation.

    \b
    Example:
      kgtwin twin attractors model.bnet --set EGF=1 --json
      kgtwin twin simulate model.bnd --trajectories 10000 --max-time 50 --json
    """


@twin.command()
@model_argument
@cfg_option
@set_option
@click.option("--trap-spaces/--no-trap-spaces", default=True, help="Also list minimal trap spaces.")
@click.option(
    "--cyclic", is_flag=True, help="Also find every asynchronous attractor (slower on big models)."
)
@click.option("--limit", default=100_000, show_default=True, help="Most results to enumerate.")
@timeout_option
@json_option
def attractors(
    model_path: Path,
    cfg: Path | None,
    fixed: tuple[str, ...],
    trap_spaces: bool,
    cyclic: bool,
    limit: int,
    timeout: float,
    as_json: bool,
) -> None:
    """Steady states (exact), minimal trap spaces and, with --cyclic, all attractors.

    All results are exact (symbolic, biodivine-aeon), not sampled. In trap spaces a
    free node is null in JSON and * in text. MODEL is .bnet, .bnd (+ .cfg) or SBML-qual.

    \b
    Example:
      kgtwin twin attractors model.bnet --set EGF=1 --set SOX10=0 --json
      -> {"steady_states": [{"A": 0, "B": 1, ...}], "minimal_trap_spaces": [...]}
    """
    from kgtwin.twin.deadline import within

    model = _load(model_path, cfg)
    held = _pairs(fixed, "--set", _switch)
    data: dict = {"model": model.name, "fixed": held, "exact": True}
    data.update(within(timeout, "the attractor analysis", _analyse, model, held, limit,
                       trap_spaces, cyclic))  # fmt: skip
    data["provenance"] = _provenance(model, method="biodivine-aeon (exact, symbolic)")
    _emit(data, as_json, _attractor_lines)


def _analyse(model: LogicalModel, held: dict, limit: int, trap_spaces: bool, cyclic: bool) -> dict:
    """Steady states, trap spaces and attractors (run under the --timeout)."""
    from kgtwin.twin import analysis

    data: dict = {"steady_states": analysis.steady_states(model, held, limit=limit)}
    if trap_spaces:
        data["minimal_trap_spaces"] = analysis.minimal_trap_spaces(model, held, limit=limit)
    if cyclic:
        data["attractors"] = [
            {"states": a.states, "fixed": dict(a.fixed), "oscillating": list(a.oscillating)}
            for a in analysis.attractors(model, held, limit=limit)
        ]
    return data


def _attractor_lines(data: dict):
    yield f"{len(data['steady_states'])} steady state(s) of {data['model']} (exact)"
    for state in data["steady_states"]:
        yield "  on: " + (" ".join(n for n, v in state.items() if v) or "(none)")
    if "minimal_trap_spaces" in data:
        yield f"{len(data['minimal_trap_spaces'])} minimal trap space(s)"
        for space in data["minimal_trap_spaces"]:
            free = [n for n, v in space.items() if v is None]
            on = [n for n, v in space.items() if v == 1]
            yield f"  on: {' '.join(on) or '(none)'}; free (*): {' '.join(free) or '(none)'}"
    for attractor in data.get("attractors", []):
        yield f"attractor of {attractor['states']} state(s); oscillating: " + (
            " ".join(attractor["oscillating"]) or "(none)"
        )


@twin.command()
@model_argument
@cfg_option
@set_option
@click.option(
    "--initial", multiple=True, metavar="NODE=P", help="Probability NODE starts on; repeatable."
)
@click.option("--trajectories", type=click.IntRange(min=1), help="Default: cfg or 10000.")
@click.option("--max-time", type=click.FloatRange(min=0, min_open=True), help="Default: 50.")
@click.option("--time-tick", type=click.FloatRange(min=0, min_open=True), help="Default: 0.5.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Random seed (default 0).")
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Parallel threads; the numbers depend on --seed only.",
)
@timeout_option
@json_option
def simulate(
    model_path: Path,
    cfg: Path | None,
    fixed: tuple[str, ...],
    initial: tuple[str, ...],
    trajectories: int | None,
    max_time: float | None,
    time_tick: float | None,
    seed: int | None,
    threads: int,
    timeout: float,
    as_json: bool,
) -> None:
    """Stochastic simulation with MaBoSS semantics: P(node on) over time, with 95 % CIs.

    Continuous-time asynchronous updates at each node's up/down rate; initial states
    drawn with each node's probability of being on (default 0.5, or the cfg's istate).
    Same seed, same numbers. MODEL is .bnet, .bnd (+ .cfg) or SBML-qual.

    \b
    Example:
      kgtwin twin simulate model.bnet --set EGF=1 --initial SOX10=0.2 \\
          --trajectories 10000 --max-time 50 --seed 1 --json
      -> {"final": {"A": 0.42, ...}, "final_ci": {...}, "times": [0, 0.5, ...],
          "trajectories": {"A": [0.5, ...], ...}}
    """
    from kgtwin.twin.deadline import within
    from kgtwin.twin.simulate import SimulationSettings
    from kgtwin.twin.simulate import simulate as run

    model = _load(model_path, cfg)
    settings = SimulationSettings.from_model(
        model, trajectories=trajectories, max_time=max_time, time_tick=time_tick, seed=seed
    )
    held = _pairs(fixed, "--set", _switch)
    starts = _pairs(initial, "--initial", _probability)
    result = within(timeout, "the simulation", run, model, settings, fixed=held, initial=starts,
                    threads=threads)  # fmt: skip
    data = {"model": model.name, "fixed": held, "initial": starts, **result.to_dict()}
    data["provenance"] = _provenance(
        model,
        trajectories=settings.trajectories,
        max_time=settings.max_time,
        time_tick=settings.time_tick,
        seed=settings.seed,
    )
    _emit(data, as_json, _simulation_lines)


def _simulation_lines(data: dict):
    yield (
        f"{data['n_trajectories']} trajectories of {data['model']} to t={data['times'][-1]}"
        f" (seed {data['seed']}); P(on) at the end [95 % CI]:"
    )
    width = max(len(n) for n in data["final"])
    for name, p in data["final"].items():
        low, high = data["final_ci"][name]
        yield f"  {name:<{width}}  {p:.4f}  [{low:.4f}, {high:.4f}]"


@twin.command()
@model_argument
@click.argument("output", type=click.Path(path_type=Path))
@cfg_option
def convert(model_path: Path, output: Path, cfg: Path | None) -> None:
    """Convert a model between BNET, MaBoSS (.bnd + .cfg) and SBML-qual, by extension.

    BNET and SBML-qual carry no rates; SBML-qual keeps initial states that are certain.

    \b
    Example:
      kgtwin twin convert BRAF_Model.bnd braf.sbml   # check it in GINsim
      kgtwin twin convert model.bnet model.bnd       # writes model.bnd and model.cfg
    """
    from kgtwin.twin.formats import save_model

    save_model(_load(model_path, cfg), output)
    click.echo(f"wrote {output}")


_DRUG_SPEC = "NAME=TARGET[,TARGET...][:inhibitor|agonist][@STRENGTH]"


@twin.command()
def warm() -> None:
    """Compile the simulation kernel now (once per install; otherwise the first simulation
    does it), so later calls start without loading numba.

    \b
    Example:
      kgtwin twin warm
    """
    from kgtwin.twin.kernels import build_aot_kernel

    click.echo(f"simulation kernel ready: {build_aot_kernel()}")


def _drug(spec: str):
    """``vemurafenib=BRAF@0.9`` or ``agonist=TP53:agonist`` into a Drug."""
    from kgtwin.twin.response import Action, Drug

    name, sep, rest = spec.partition("=")
    if not sep or not name or not rest:
        raise click.BadParameter(f"{spec!r} is not {_DRUG_SPEC}", param_hint="--drug")
    rest, _, strength = rest.partition("@")
    targets, _, action = rest.partition(":")
    try:
        return Drug(
            name=name.strip(),
            targets=tuple(t.strip() for t in targets.split(",") if t.strip()),
            action=Action(action.strip() or "inhibitor"),
            strength=float(strength) if strength else 1.0,
        )
    except ValueError as error:
        raise click.BadParameter(f"{spec!r}: {error}", param_hint="--drug") from None


def _mutation(spec: str):
    from kgtwin.twin.profile import Effect, Mutation

    gene, _, rest = spec.partition(":")
    variant, _, effect = rest.partition(":")
    try:
        return Mutation(gene=gene, variant=variant, effect=Effect(effect) if effect else None)
    except ValueError as error:
        raise click.BadParameter(f"{spec!r}: {error}", param_hint="--mutation") from None


def _read_profile(path: Path | None, mutations, states, expression, levels=()):
    from kgtwin.errors import InputError
    from kgtwin.twin.profile import PatientProfile, profile_from_dict

    base = PatientProfile(id="cli")
    if path is not None:
        try:
            base = profile_from_dict(json.loads(path.read_text(encoding="utf-8")), source=path)
        except (OSError, json.JSONDecodeError) as error:
            raise InputError(path, None, f"cannot read profile JSON: {error}") from None
    return PatientProfile(
        id=base.id,
        mutations=(*base.mutations, *(_mutation(m) for m in mutations)),
        expression={**base.expression, **_pairs(expression, "--expression", float)},
        levels={**base.levels, **_pairs(levels, "--level", float)},
        node_states={**base.node_states, **_pairs(states, "--set", _switch)},
    )


@twin.command()
@model_argument
@cfg_option
@click.option("--genes", type=click.Path(path_type=Path), help="Node-to-gene table (TSV).")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path), help="Profile JSON.")
@click.option("--mutation", multiple=True, metavar="GENE:VARIANT[:gain|loss]", help="Repeatable.")
@click.option("--expression", multiple=True, metavar="GENE=Z", help="Expression z-score.")
@click.option("--level", "levels", multiple=True, metavar="GENE_OR_NODE=V",
              help="Expression as a PROFILE level in [0, 1] (repeatable).")
@click.option("--effect", "effects", multiple=True, metavar="GENE[:VARIANT]=gain|loss",
              help="Set a variant's effect, beating the gene-role and hotspot tables.")
@set_option
@click.option("--drug", "drugs", multiple=True, metavar=_DRUG_SPEC, help="Repeatable.")
@click.option("--combination", multiple=True, metavar="NAME+NAME", help="Also test drugs together.")
@click.option("--trajectories", type=click.IntRange(min=1), default=2000, show_default=True)
@click.option("--max-time", type=click.FloatRange(min=0, min_open=True), help="Default: 50.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), default=0, show_default=True)
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True)
@json_option
def respond(
    model_path: Path,
    cfg: Path | None,
    genes: Path | None,
    profile_path: Path | None,
    mutation: tuple[str, ...],
    expression: tuple[str, ...],
    levels: tuple[str, ...],
    effects: tuple[str, ...],
    fixed: tuple[str, ...],
    drugs: tuple[str, ...],
    combination: tuple[str, ...],
    trajectories: int,
    max_time: float | None,
    seed: int,
    threads: int,
    as_json: bool,
) -> None:
    """Personalise a model with a profile and rank drugs by response score.

    Mutations fix nodes (gain: on, loss: off), their effect read from the shipped
    gene-role and hotspot tables unless given (--mutation GENE:VARIANT:gain or --effect);
    expression z-scores (or PROFILE levels in [0, 1], --level) set initial states and
    rates, drugs hold their targets in a fraction (strength) of cells. Score = change of
    (Apoptosis - Proliferation), with a 95 % CI; positive is better. Targets are gene
    symbols (with --genes) or node names.

    \b
    Example:
      kgtwin twin respond BRAF_Model.bnd --genes BRAF_Model_namesToHugo_curated.txt \\
          --mutation BRAF:V600E --set SOX10=1 --set EGF=1 \\
          --drug vemurafenib=BRAF --drug trametinib=MAP2K1,MAP2K2 \\
          --drug cetuximab=EGFR@0.8 --combination vemurafenib+cetuximab --json
      -> {"profile": "cli", "responses": [{"treatment": "trametinib", "score": 0.25,
          "score_ci": [0.24, 0.26], "readouts": {"Proliferation": {...}}}, ...]}
    """
    from kgtwin.twin.effects import parse_effect_override
    from kgtwin.twin.effects import table_versions as effect_tables
    from kgtwin.twin.formats import load_gene_map
    from kgtwin.twin.profile import PersonalisationSettings, personalise
    from kgtwin.twin.response import rank_treatments
    from kgtwin.twin.simulate import SimulationSettings

    model = _load(model_path, cfg)
    if genes is not None:
        model = model.with_genes(load_gene_map(genes))
    profile = _read_profile(profile_path, mutation, fixed, expression, levels)
    try:
        personalisation = PersonalisationSettings(
            effects=tuple(parse_effect_override(e) for e in effects))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--effect") from None
    by_name = {d.name: d for d in map(_drug, drugs)}
    plan = [(d,) for d in by_name.values()]
    for combo in combination:
        missing = [n for n in combo.split("+") if n not in by_name]
        if missing:
            raise click.BadParameter(f"{combo!r}: no --drug named {missing[0]!r}")
        plan.append(tuple(by_name[n] for n in combo.split("+")))
    if not plan:
        raise click.UsageError("give at least one --drug")
    settings = SimulationSettings.from_model(
        model, trajectories=trajectories, max_time=max_time, seed=seed
    )
    twin_model = personalise(model, profile, personalisation)
    responses = rank_treatments(twin_model, plan, settings, threads=threads)
    data = {
        "profile": profile.id,
        "applied": list(twin_model.applied),
        "ignored": list(twin_model.ignored),
        "patient_specific": twin_model.patient_specific,
        **({"notice": twin_model.notice} if twin_model.notice else {}),
        "n_trajectories": settings.trajectories,
        "responses": [_response_dict(r) for r in responses],
        "provenance": _provenance(
            model,
            trajectories=settings.trajectories,
            max_time=settings.max_time,
            seed=settings.seed,
            profile=asdict(profile),
            effects={key: effect.value for key, effect in personalisation.effects},
            effect_tables=effect_tables(),
        ),
    }
    _emit(data, as_json, _response_lines)


def _response_dict(response) -> dict:
    return {
        "treatment": response.label,
        "drugs": list(response.drugs),
        "score": round(response.score, 6),
        "score_ci": [round(response.score_low, 6), round(response.score_high, 6)],
        "readouts": {
            r.name: {
                "untreated": round(r.untreated, 6),
                "treated": round(r.treated, 6),
                "change": round(r.change, 6),
                "ci": [round(r.low, 6), round(r.high, 6)],
            }
            for r in response.readouts
        },
        "targets": {k: list(v) for k, v in response.targets.items()},
        "untargeted": list(response.untargeted),
    }


def _response_lines(data: dict):
    yield f"profile {data['profile']}: " + ("; ".join(data["applied"]) or "no change")
    for line in data["ignored"]:
        yield f"  ignored: {line}"
    if "notice" in data:
        yield f"WARNING: {data['notice']}"
    yield "treatments, best first (score = change of Apoptosis - Proliferation, 95 % CI):"
    for r in data["responses"]:
        low, high = r["score_ci"]
        note = f"  (no target in model: {', '.join(r['untargeted'])})" if r["untargeted"] else ""
        yield f"  {r['score']:+.3f} [{low:+.3f}, {high:+.3f}]  {r['treatment']}{note}"


COMMANDS = [twin]
