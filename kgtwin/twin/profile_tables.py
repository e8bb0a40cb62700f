"""PROFILE's node-level profile tables as :class:`PatientProfile` objects.

PROFILE (Béal et al. 2019; the BRAF study of Béal et al. 2021) writes one CSV per data
kind: a row per sample, a column per model node (``BRAF``, ``MEK_b1``...), an empty first
header cell, ``NA`` for no data. In a *mutation* table 1 is a gain (the node held on) and
0 a loss (held off); in an *RNA* table (``*_RNA_norm.csv``) each value is a normalised
level in [0, 1] that sets the node's start and rates. Reading them here lets the same
tables run through kgtwin and be compared with PROFILE's published simulations.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path

from kgtwin.errors import InputError
from kgtwin.twin.profile import Effect, Mutation, PatientProfile

__all__ = ["profiles_from_tables", "read_node_table"]

_MISSING = {"", "NA", "NaN", "nan"}


def read_node_table(path: Path | str) -> dict[str, dict[str, float]]:
    """Sample -> node -> value of a PROFILE node table; ``NA`` cells are left out.

    Raises InputError naming file:line for a duplicate sample or a value that is no number.
    """
    path = Path(path)
    table: dict[str, dict[str, float]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if not header or len(header) < 2:
            raise InputError(path, 1, "expected a header: an id column then node names")
        nodes = [name.strip() for name in header[1:]]
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise InputError(path, line, f"{len(row)} cells, header has {len(header)}")
            sample = row[0].strip()
            if sample in table:
                raise InputError(path, line, f"sample {sample!r} appears twice")
            values: dict[str, float] = {}
            for node, cell in zip(nodes, row[1:], strict=True):
                if cell.strip() in _MISSING:
                    continue
                try:
                    value = float(cell)
                except ValueError:
                    raise InputError(path, line, f"{node}: {cell!r} is not a number") from None
                if not math.isfinite(value):
                    raise InputError(path, line, f"{node}: {cell!r} is not finite")
                values[node] = value
            table[sample] = values
    return table


def _mutations(sample: str, values: Mapping[str, float], source: Path) -> tuple[Mutation, ...]:
    mutations = []
    for node, value in values.items():
        if value not in (0.0, 1.0):
            raise InputError(source, sample, f"{node}: mutation value {value:g} is not 0 or 1")
        effect = Effect.GAIN if value == 1.0 else Effect.LOSS
        mutations.append(Mutation(gene=node, variant="profile", effect=effect))
    return tuple(mutations)


def profiles_from_tables(
    *,
    mutations: Path | str | None = None,
    levels: Path | str | None = None,
    samples: list[str] | None = None,
) -> dict[str, PatientProfile]:
    """Profiles of the samples in the given tables (all of them, or ``samples``).

    With both tables a sample must be in both, as PROFILE simulates only the samples
    common to every table it is given; values outside [0, 1] in ``levels`` raise.
    """
    if mutations is None and levels is None:
        raise InputError(None, "profile tables", "give a mutation table, a level table or both")
    mutation_table = read_node_table(mutations) if mutations is not None else None
    level_table = read_node_table(levels) if levels is not None else None
    present = [set(t) for t in (mutation_table, level_table) if t is not None]
    common = set.intersection(*present)
    chosen = samples if samples is not None else sorted(common)
    profiles = {}
    for sample in chosen:
        if sample not in common:
            raise InputError(None, sample, "sample not in every profile table")
        sample_levels = level_table[sample] if level_table is not None else {}
        for node, value in sample_levels.items():
            if not 0.0 <= value <= 1.0:
                raise InputError(levels, sample, f"{node}: level {value:g} is not in [0, 1]")
        profiles[sample] = PatientProfile(
            id=sample,
            mutations=(
                _mutations(sample, mutation_table[sample], Path(str(mutations)))
                if mutation_table is not None
                else ()
            ),
            levels=sample_levels,
        )
    return profiles
