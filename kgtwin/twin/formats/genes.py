"""Node-to-gene tables (PROFILE's ``namesToHugo``: ``Node<TAB>HUGO`` with comma lists)."""

from __future__ import annotations

from pathlib import Path

from kgtwin.errors import InputError

__all__ = ["load_gene_map"]


def load_gene_map(path: str | Path) -> dict[str, tuple[str, ...]]:
    """Read ``node<TAB>GENE1,GENE2`` lines (header optional); empty gene lists are kept."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    mapping: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        node, _, genes = line.partition("\t")
        node = node.strip()
        if number == 1 and node.lower() == "node":
            continue
        if node in mapping:
            raise InputError(path, number, f"node {node} is listed twice")
        mapping[node] = tuple(g.strip() for g in genes.split(",") if g.strip())
    return mapping
