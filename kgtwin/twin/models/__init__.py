"""Published models shipped as package data (see README.md and LICENSE in this folder)."""

from __future__ import annotations

from importlib import resources

from kgtwin.errors import KgTwinError
from kgtwin.twin.formats import load_gene_map, loads_maboss
from kgtwin.twin.model import LogicalModel

__all__ = ["PUBLISHED_MODELS", "published_model"]

# Name -> what it is; the files are <name>.bnd, <name>.cfg, <name>_namesToHugo_curated.txt.
PUBLISHED_MODELS = {
    "BRAF_Model": "MAPK/PI3K model of Béal et al. 2021 (melanoma vs colorectal BRAF response)",
    "Flobak": "gastric adenocarcinoma AGS model of Flobak et al. 2015 (drug synergies)",
}


def published_model(name: str, *, with_genes: bool = True) -> LogicalModel:
    """Load a shipped model with its ``.cfg`` and, by default, its node-to-gene map."""
    if name not in PUBLISHED_MODELS:
        raise KgTwinError(f"no shipped model {name!r} (known: {', '.join(PUBLISHED_MODELS)})")
    folder = resources.files(__name__)
    bnd, cfg = folder / f"{name}.bnd", folder / f"{name}.cfg"
    model = loads_maboss(
        bnd.read_text(encoding="utf-8"),
        cfg.read_text(encoding="utf-8"),
        bnd_path=f"{name}.bnd",
        cfg_path=f"{name}.cfg",
        name=name,
    )
    if not with_genes:
        return model
    with resources.as_file(folder / f"{name}_namesToHugo_curated.txt") as path:
        return model.with_genes(load_gene_map(path))
