"""Read and write logical models by file extension: ``.bnet``, ``.bnd`` (+ ``.cfg``),
``.sbml``/``.xml`` (SBML-qual), plus node-to-gene tables."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from kgtwin.errors import InputError
from kgtwin.twin.formats.bnet import dumps_bnet, loads_bnet
from kgtwin.twin.formats.genes import load_gene_map
from kgtwin.twin.formats.maboss import dumps_bnd, dumps_cfg, loads_maboss
from kgtwin.twin.formats.sbml import dumps_sbml, loads_sbml
from kgtwin.twin.model import LogicalModel

__all__ = [
    "FORMATS",
    "dumps_bnd",
    "dumps_bnet",
    "dumps_cfg",
    "dumps_sbml",
    "load_gene_map",
    "load_model",
    "loads_bnet",
    "loads_maboss",
    "loads_sbml",
    "model_checksum",
    "save_model",
]

# Extension -> format name; the CLI lists these in its help.
FORMATS = {".bnet": "bnet", ".bnd": "maboss", ".sbml": "sbml-qual", ".xml": "sbml-qual"}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except UnicodeDecodeError as error:
        raise InputError(path, None, f"not UTF-8 text ({error.reason})") from None


def load_model(path: str | Path, *, cfg: str | Path | None = None) -> LogicalModel:
    """Load a model, choosing the reader by extension.

    For ``.bnd`` the ``.cfg`` of the same name is read when ``cfg`` is not given and it
    exists (MaBoSS's own convention).
    """
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    name = path.stem
    if kind == "bnet":
        return loads_bnet(_read_text(path), path=path, name=name)
    if kind == "sbml-qual":
        return loads_sbml(_read_text(path), path=path, name=name)
    if kind == "maboss":
        cfg_path = Path(cfg) if cfg is not None else path.with_suffix(".cfg")
        cfg_text = _read_text(cfg_path) if cfg is not None or cfg_path.exists() else ""
        return loads_maboss(_read_text(path), cfg_text, bnd_path=path, cfg_path=cfg_path, name=name)
    known = ", ".join(sorted(FORMATS))
    raise InputError(path, None, f"unknown model format {path.suffix!r} (known: {known})")


def save_model(model: LogicalModel, path: str | Path, *, cfg: str | Path | None = None) -> None:
    """Write a model by extension; ``.bnd`` also writes its ``.cfg`` (beside it by default)."""
    path = Path(path)
    writers: dict[str, Callable[[LogicalModel], str]] = {
        "bnet": dumps_bnet,
        "sbml-qual": dumps_sbml,
        "maboss": dumps_bnd,
    }
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError(path, None, f"unknown model format {path.suffix!r}")
    path.write_text(writers[kind](model), encoding="utf-8")
    if kind == "maboss":
        cfg_path = Path(cfg) if cfg is not None else path.with_suffix(".cfg")
        cfg_path.write_text(dumps_cfg(model), encoding="utf-8")


def model_checksum(model: LogicalModel) -> str:
    """SHA-256 of the model's canonical MaBoSS text (logic, rates, istate, settings):
    the same model gives the same checksum whatever file it was read from."""
    text = dumps_bnd(model) + "\n" + dumps_cfg(model)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
