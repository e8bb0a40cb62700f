"""GSEA categorical class files (CLS) -> each sample's class, on the matrix's sample nodes.

A CLS file is three lines (Broad's GSEA format)::

    48 2 1            samples, classes, 1
    # ALL AML         the class names
    ALL ALL ... AML   one label per sample, in the column order of its expression file

It names no samples, so it is read with the expression matrix (GCT or TXT) it belongs
to: ``--option samples=FILE``. The matrix's sample columns are pseudonymised exactly as
``kgtwin load expression`` names them (same ``dataset`` and key), so the classes land on
the samples that load made. Each sample node gains ``class_label``: the class name as
the file writes it, with no ontology mapping guessed. A sample node keeps only coded
values (:mod:`kgtwin.loaders.patient_privacy`), so a name that is not one short token
(letters, digits, ``_.:+-``, up to 64) refuses the file rather than being dropped; a
second CLS of the same samples replaces the first's classes (the ledger keeps both).

Labels may be the class names of line 2, or any tokens; as GSEA reads them, the first
distinct label is the first class named, the second the second, and so on. Counts that
disagree (line 1, the labels, the classes, the matrix's sample columns) refuse the file
at the line that disagrees. A continuous CLS (``#numeric``) is refused: its values are
not classes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from kgtwin.loaders.base import text_lines
from kgtwin.loaders.expression import ExpressionLoader
from kgtwin.loaders.patient_base import PatientLoader
from kgtwin.loaders.patient_privacy import SAMPLE_RULES

from kgtwin.errors import InputError
from kgtwin.model import Record
from kgtwin.patient_schema import sample_node


class ClsLoader(PatientLoader):
    """GSEA CLS class labels onto the sample nodes of their expression matrix."""

    name = "cls"
    description = "GSEA CLS class labels (needs samples=MATRIX) -> sample class_label"
    suffixes = (".cls",)
    fixed_columns: ClassVar[Mapping[str, str]] = {
        "line 1: N_samples N_classes 1": "checked against the labels and the matrix",
        "line 2: # CLASS_1 CLASS_2 ...": "the class names, in order of first use",
        "line 3: one label per sample": "class_label of the matrix's Nth sample column",
    }
    onto_existing_nodes = True
    fixed_why = ("CLS has no header: the format is these three lines; the sample names "
                 "come from the matrix given as samples=FILE (options gene_column, "
                 "skip_columns, delimiter: as the matrix was loaded)")

    def __init__(
        self,
        paths: list[Path],
        *,
        samples: str | None = None,
        gene_column: str | None = None,
        skip_columns: str | None = None,
        delimiter: str | None = None,
        **options,
    ):
        super().__init__(paths, **options)
        if not samples:
            raise InputError(self.paths[0], None, "a CLS file names no samples: give the "
                             "expression matrix (GCT/TXT) whose columns its labels follow, "
                             "--option samples=FILE")
        self.matrix = Path(samples)
        #: Sample node id -> (CLS file, the matrix's sample column number), for errors.
        self._columns: dict[str, tuple[Path, int]] = {}
        if not self.matrix.is_file():
            raise InputError(self.matrix, None, "samples=: file not found")
        self.matrix_options = {
            "gene_column": gene_column, "skip_columns": skip_columns,
            "delimiter": delimiter, "dataset": options.get("dataset"),
            "key_file": options.get("key_file"),
        }

    def records(self) -> Iterator[Record]:
        matrix = ExpressionLoader([self.matrix], **self.matrix_options)
        samples = matrix.sample_ids(self.matrix)
        for path in self.paths:
            labels = self._labels(path)
            self.position = 3
            if len(labels) != len(samples):
                raise InputError(path, 3, f"{len(labels)} labels, but {self.matrix.name} has "
                                 f"{len(samples)} sample columns: not this file's matrix")
            self._columns.update((sample, (path, n)) for n, sample in enumerate(samples, 1))
            for sample, label in zip(samples, labels, strict=True):
                yield sample_node(sample, {"class_label": label})

    def not_in_store(self, missing: list[str], read: int) -> InputError:
        """The labels' sample nodes are not the matrix's as loaded: say which and why."""
        path, column = self._columns[missing[0]]
        return InputError(path, 3, (
            f"{len(missing)} of {read} labels fall on sample nodes the store does not hold "
            f"(first: sample column {column} of {self.matrix.name}): load the matrix first "
            f"(kgtwin load expression {self.matrix.name}), with the same dataset= and "
            "pseudonym key as this CLS; a CLS gives its classes to the matrix's samples "
            "and makes no sample of its own"))

    def _labels(self, path: Path) -> list[str]:
        """Line 3's labels as class names, after the checks of line 1 and line 2."""
        lines = [(self.position, text) for text in text_lines(self, path) if text.strip()]
        if lines and lines[0][1].strip().lower().startswith("#numeric"):
            raise InputError(path, lines[0][0], "a continuous (#numeric) CLS: its values "
                             "are not classes; this loader reads categorical CLS files")
        if len(lines) != 3:
            raise InputError(path, lines[-1][0] if lines else 1, f"a categorical CLS has "
                             f"3 lines (counts, class names, labels), this has {len(lines)}")
        (n1, head), (n2, names_line), (n3, labels_line) = lines
        counts = head.split()
        if len(counts) != 3 or not all(c.isdigit() for c in counts):
            raise InputError(path, n1, "line 1 must be 'N_samples N_classes 1'")
        size, classes = int(counts[0]), int(counts[1])
        if not names_line.startswith("#"):
            raise InputError(path, n2, "line 2 must name the classes: '# NAME NAME ...'")
        names = names_line[1:].split()
        if len(names) != classes:
            raise InputError(path, n2, f"line 1 says {classes} classes, line 2 names "
                             f"{len(names)}")
        labels = labels_line.split()
        if len(labels) != size:
            raise InputError(path, n3, f"line 1 says {size} samples, line 3 has "
                             f"{len(labels)} labels")
        used = list(dict.fromkeys(labels))
        if len(used) != classes:
            raise InputError(path, n3, f"line 1 says {classes} classes, the labels use "
                             f"{len(used)}")
        odd = next((name for name in names if not SAMPLE_RULES["class_label"](name)), None)
        if odd is not None:
            raise InputError(path, n2, f"class name {odd[:20]!r}... is not one short token "
                             "(letters, digits, _.:+-, up to 64): sample nodes keep codes only")
        if set(used) <= set(names):
            return labels
        named = dict(zip(used, names, strict=True))  # GSEA: Nth distinct label, Nth name
        return [named[label] for label in labels]
