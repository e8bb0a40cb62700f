"""AnnData ``.h5ad`` (samples x genes) -> per-sample expression measurements.

``obs`` are samples (names pseudonymised), ``var`` are genes (``var_names``, or the
``var`` column ``gene_column=NAME``, as symbols, Ensembl ids or CURIEs); values come from
``X`` or the layer ``layer=NAME``. The file is opened backed (on disk) and read in
blocks of ``chunk`` samples twice: once for each gene's mean and standard deviation
over the cohort, once to emit values with their z-scores, so memory stays at one block;
each block of samples becomes one :class:`~kgtwin.model.MeasurementBlock`.
Dense and sparse matrices both work; NaN values are missing, not records. A gene that
cannot be resolved, or that two columns resolve to, is a bad record (position
``var N``); duplicate sample names stop the load.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from kgtwin.loaders.patient_base import PatientLoader

from kgtwin.errors import InputError
from kgtwin.model import MeasurementBlock, Record
from kgtwin.patient_schema import EXPRESSION, sample_node


def _dense(block) -> np.ndarray:
    if hasattr(block, "toarray"):
        block = block.toarray()
    return np.asarray(block, dtype=np.float64)


class H5adLoader(PatientLoader):
    """AnnData .h5ad expression (see module docs)."""

    name = "h5ad"
    description = "AnnData .h5ad (samples x genes) -> per-sample expression measurements"

    def __init__(
        self,
        paths: list[Path],
        *,
        gene_column: str | None = None,
        layer: str | None = None,
        kind: str = EXPRESSION,
        chunk: int | str = 256,
        **options,
    ):
        super().__init__(paths, **options)
        self.gene_column, self.layer, self.kind = gene_column, layer, kind
        self.chunk = max(1, int(chunk))

    def records(self) -> Iterator[Record]:
        for path in self.paths:
            yield from self._file(path)

    def _file(self, path: Path) -> Iterator[Record]:
        import anndata

        self.path, self.position = path, "file"
        try:
            data = anndata.read_h5ad(path, backed="r")
        except Exception as error:  # h5py/anndata raise many kinds for a bad file
            self.reject(f"not a readable .h5ad file ({type(error).__name__})")
            return
        try:
            matrix = self._matrix(data)
            genes = self._gene_ids(data)
            samples = self._sample_ids(data)
            yield from (sample_node(s) for s in samples if self.first_time(s))
            for gene in genes:
                if gene is not None:
                    yield from self.gene_node(gene)
            yield from self._values(matrix, samples, genes)
        finally:
            data.file.close()

    def _matrix(self, data):
        if self.layer is None:
            return data.X
        if self.layer not in data.layers:
            raise InputError(self.path, "layers", f"no layer {self.layer!r} in the file")
        return data.layers[self.layer]

    def _gene_ids(self, data) -> list[str | None]:
        if self.gene_column:
            if self.gene_column not in data.var.columns:
                raise InputError(self.path, "var", f"no var column {self.gene_column!r}")
            names = [str(v) for v in data.var[self.gene_column]]
        else:
            names = [str(v) for v in data.var_names]
        genes: list[str | None] = []
        seen: set[str] = set()
        for index, name in enumerate(names, start=1):
            self.position = f"var {index}"
            gene = self.genes.resolve(name)
            if gene is None:
                self.reject(self.genes.explain(name[:40]))
            elif gene in seen:
                self.reject(f"gene {gene} appears twice")
                gene = None
            else:
                seen.add(gene)
            genes.append(gene)
        return genes

    def _sample_ids(self, data) -> list[str]:
        names = [str(v) for v in data.obs_names]
        if len(set(names)) != len(names):
            raise InputError(self.path, "obs", "duplicate sample (obs) names")
        if any(not n.strip() for n in names):
            raise InputError(self.path, "obs", "a sample (obs) name is empty")
        return [self.sample_id(n) for n in names]

    def _blocks(self, matrix, count: int) -> Iterator[tuple[int, np.ndarray]]:
        for start in range(0, count, self.chunk):
            yield start, _dense(matrix[start : start + self.chunk])

    def _values(self, matrix, samples: list[str], genes: list[str | None]):
        keep = np.array([g is not None for g in genes])
        total = np.zeros(len(genes))
        squares = np.zeros(len(genes))
        counts = np.zeros(len(genes))
        for _, block in self._blocks(matrix, len(samples)):
            finite = np.isfinite(block)
            values = np.where(finite, block, 0.0)
            total += values.sum(axis=0)
            squares += (values**2).sum(axis=0)
            counts += finite.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / counts
            variance = (squares - counts * mean**2) / (counts - 1)
            sd = np.sqrt(np.where(variance > 1e-12, variance, np.nan))
        columns = np.flatnonzero(keep)
        features = [genes[j] for j in columns.tolist()]
        if not features:
            return
        for start, block in self._blocks(matrix, len(samples)):
            self.position = f"obs {start + 1}"
            values = block[:, columns]
            values = np.where(np.isfinite(values), values, np.nan)
            scores = np.round((values - mean[columns]) / sd[columns], 6)
            yield MeasurementBlock(
                self.kind, features, samples[start : start + len(block)], values.T,
                np.where(np.isfinite(scores), scores, np.nan).T,
            )
