"""Commands on patients: list them, show one's subgraph, make a pseudonymisation key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kgtwin.cli.common import echo_json, open_cli_store

if TYPE_CHECKING:
    import pandas as pd

    from kgtwin.patients import Profile

#: Genes shown per sample at each end of the expression z-score ranking.
TOP_GENES = 5


@click.group()
def patient() -> None:
    """Patients in the graph, by pseudonym (raw identifiers are never stored).

    \b
    Examples:
      kgtwin patient list
      kgtwin patient show g56pqxmj
      kgtwin patient keygen ~/.kgtwin-pseudonym.key
    """


@patient.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List patients by pseudonym with sex, age band and diagnoses.

    \b
    Example:
      kgtwin patient list --json
    """
    from kgtwin.patients import list_patients

    with open_cli_store(ctx, create=False) as store:
        rows = list_patients(store)
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no patients in the store (load FHIR, phenopacket or clinical CSV files)")
        return
    keys = {row["key_id"] for row in rows if row["key_id"]}
    if len(keys) > 1:
        click.echo(f"note: these patients were pseudonymised with {len(keys)} different keys; "
                   "the same person loaded under two keys appears twice", err=True)
    for row in rows:
        who = ", ".join(v for v in (row["sex"], row["age_band"]) if v) or "-"
        diagnoses = "; ".join(row["diagnoses"]) or "no diagnosis"
        click.echo(f"{row['id']}  {who:<14} {diagnoses}  ({row['samples']} sample(s))")


@patient.command("show")
@click.argument("patient_id", required=False)
@click.option("--identifier", help="Find the patient by a raw identifier (pseudonymised "
              "with the configured key; never stored or printed).")
@click.option("--dataset", default="", help="The dataset --identifier belongs to, as the "
              "load named it (--option dataset=NAME; a phenopacket's 'phenopacket:PMID:…', "
              "a cBioPortal study's 'cbioportal:ID'); none for unscoped ids.")
@click.option("--key-file", type=click.Path(path_type=Path),
              help="Pseudonymisation key for --identifier (else the environment).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def show_command(
    ctx: click.Context,
    patient_id: str | None,
    identifier: str | None,
    dataset: str,
    key_file: Path | None,
    as_json: bool,
) -> None:
    """Show PATIENT_ID's subgraph: diagnoses, treatments and responses, samples,
    variants, expression extremes and observations.

    PATIENT_ID is the full id, the pseudonym or a unique prefix of it (6+ characters).

    \b
    Examples:
      kgtwin patient show KGTWIN.PATIENT:g56pqxmj6omrrjpbhmbaznnt7q
      kgtwin patient show g56pqxmj --json
      kgtwin patient show --identifier MRN-0042 --key-file ~/.kgtwin-pseudonym.key
      kgtwin patient show --identifier "Patient 1" --dataset phenopacket:PMID:23665959
    """
    from kgtwin.patients import patient_profile
    from kgtwin.privacy import pseudonymiser

    if identifier:
        patient_id = pseudonymiser(key_file).patient(identifier, dataset)
    if not patient_id:
        raise click.UsageError("give a PATIENT_ID or --identifier")
    with open_cli_store(ctx, create=False) as store:
        profile = patient_profile(store, patient_id)
        if as_json:
            echo_json(profile.to_dict())
        else:
            click.echo("\n".join(render(profile, lambda id: _name(store, id))))


@patient.command("keygen")
@click.argument("file", type=click.Path(path_type=Path))
def keygen_command(file: Path) -> None:
    """Write a new random pseudonymisation key to FILE (readable by you only).

    Keep it: the same key is what makes a re-load update the same patients. Use it with
    `--option key_file=FILE` or `export KGTWIN_PSEUDONYM_KEY_FILE=FILE`.

    \b
    Example:
      kgtwin patient keygen ~/.kgtwin-pseudonym.key
    """
    from kgtwin.privacy import write_key

    path = write_key(file)
    click.echo(f"wrote a new pseudonymisation key to {path}")


def _name(store, id: str) -> str:
    node = store.node(id)
    return node.name if node is not None and node.name else id


def render(profile: Profile, name_of: Callable[[str], str] = str) -> list[str]:
    """A profile as readable lines."""
    props = profile.properties
    about = ", ".join(f"{k.replace('_', ' ')} {props[k]}" for k in ("sex", "age_band")
                      if props.get(k))
    lines = [f"Patient {profile.id}" + (f"  ({about})" if about else "")]
    lines.append("Diagnoses:")
    lines += [_join(d.disease, d.name, f"[from {d.code}]" if d.code and d.code != d.disease
                    else None) for d in profile.diagnoses] or ["  none"]
    lines.append("Treatments:")
    lines += [_join(t.drug, t.name, t.response and f"response: {t.response}",
                    t.status and f"({t.status})") for t in profile.treatments] or ["  none"]
    lines.append("Samples:")
    for sample in profile.samples:
        lines.append(f"  {sample}")
        lines += _variant_lines(profile, sample, "    ")
        lines += _measurement_lines(profile.measurements, sample, name_of)
    if not profile.samples:
        lines.append("  none")
    direct = _variant_lines(profile, profile.id, "  ")
    if direct:
        lines += ["Variants reported without a sample:", *direct]
    observations = profile.measurements[profile.measurements["entity"] == profile.id]
    if not observations.empty:
        lines.append("Observations:")
        lines += [f"  {r.feature} {name_of(r.feature)}: {r.value:g}"
                  for r in observations.itertuples()]
    return lines


def _join(*parts: str | None) -> str:
    return "  " + "  ".join(p for p in parts if p)


def _variant_lines(profile: Profile, carrier: str, indent: str) -> list[str]:
    lines = []
    for v in profile.variants:
        if v.carrier != carrier:
            continue
        details = [v.kind.removeprefix("has_").replace("_", " ")]
        if v.allele_fraction is not None:
            details.append(f"AF {v.allele_fraction:.2f}")
        if v.classification:
            details.append(v.classification)
        lines.append(f"{indent}variant {v.symbol or v.gene} {v.change}  ({', '.join(details)})")
    return lines


def _measurement_lines(
    frame: pd.DataFrame, sample: str, name_of: Callable[[str], str]
) -> list[str]:
    lines = []
    rows = frame[frame["entity"] == sample]
    for kind, group in rows.groupby("kind"):
        scored = group.dropna(subset=["zscore"]).sort_values("zscore")
        line = f"    {kind}: {len(group)} genes"
        if not scored.empty:
            high = scored.tail(TOP_GENES).iloc[::-1]
            low = scored.head(TOP_GENES)
            line += ("; highest z: " + ", ".join(f"{name_of(r.feature)} {r.zscore:+.1f}"
                                                 for r in high.itertuples()))
            line += ("; lowest z: " + ", ".join(f"{name_of(r.feature)} {r.zscore:+.1f}"
                                                for r in low.itertuples()))
        lines.append(line)
    return lines


COMMANDS = [patient]
