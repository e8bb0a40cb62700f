"""A loader's own help: what it reads, its options and its column map.

``kgtwin load FORMAT --help`` prints this, built from the loader itself (its module's
and class's docs, its constructor's keyword-only options and, for tables read by role,
each role with the header spellings that find it), so the help cannot drift from the
code.
"""

from __future__ import annotations

import inspect
import sys
import textwrap

from kgtwin.loaders.base import Loader

#: Constructor parameters every loader has, described by ``kgtwin load --help``.
COMMON = {"self", "paths", "skip_bad", "options"}
#: Options of every load (the aligner's, :data:`kgtwin.load.ALIGNER_OPTIONS`), whether or
#: not the loader itself also reads them.
GENE_OPTIONS = {
    "genes": "FILE, an HGNC complete-set table to resolve genes with (default: "
             "$KGTWIN_GENES, else the release `kgtwin genes fetch` cached, else the "
             "shipped 2018 index)",
    "unresolved_genes": "reject (default) or keep: a gene symbol the index does not know "
                        "(newer than the table, withdrawn, misspelt, or an ambiguous alias) "
                        "is refused with its row as file:line: reason, or kept as an "
                        "hgnc.symbol:NAME gene node; either way counted and listed at the "
                        "end of the load and in `kgtwin status --json`",
}
#: One line on options several loaders share.
OPTION_HELP = {
    "columns": "ROLE:COLUMN,... names the file's column for a role (see Columns below)",
    "key_file": "the pseudonymisation key file (default: $KGTWIN_PSEUDONYM_KEY_FILE or "
                "$KGTWIN_PSEUDONYM_KEY)",
    "allow": "what else patient nodes may keep: identifiers, names, birth_dates "
             "(comma-separated; none by default)",
    "dataset": "the dataset patient and sample ids are unique within (pseudonyms are "
               "scoped to it)",
    "delimiter": "tab, comma, semicolon or a character (default: by extension, .csv "
                 "comma, else tab)",
    "build": "GRCh37 or GRCh38 (hg19, hg38): the genome build of a segment file's "
             "positions (required for segments; a .seg file does not say it)",
    "coordinates": "FILE, gene coordinates to place segments on genes (a GENCODE/Ensembl "
                   "GTF, gzip or not, or a gene table; default: what `kgtwin genes fetch "
                   "--coordinates BUILD` cached)",
    "scale": "gistic (calls -2..2; -2 and 2 also become deletion/amplification variants) "
             "or log2 (values only)",
    "gene_column": "the column naming the gene (default: the first; same as "
                   "columns=gene:COLUMN)",
    "skip_columns": "A,B: columns that are neither the gene nor a sample (annotations)",
    "duplicates": "mean, max, first or refuse: how several rows of one gene (probes) "
                  "combine per sample",
    "samples": "FILE, the expression matrix (GCT/TXT) whose sample columns the labels "
               "belong to, in order",
    "layer": "NAME, an AnnData layer to read instead of X",
    "kind": "expression or copy_number: what the values measure",
    "chunk": "samples read per block (memory against speed)",
    "category": "a Biolink class for the nodes the file makes (an ontology's terms, a "
                "GMT's sets), instead of the configured one",
    "include_obsolete": "true keeps obsolete terms (left out and counted otherwise)",
    "include_withdrawn": "true keeps HGNC's withdrawn entries (left out and counted "
                         "otherwise)",
    "aspects": "P,I,C,M: the HPO annotation aspects read (default P, phenotypes)",
    "drug_category": "the Biolink class of the drug nodes (e.g. biolink:SmallMolecule)",
    "pchembl_min": "rows below this pChEMBL value are passed over",
    "organism": "the target organism rows must have (e.g. 'Homo sapiens')",
    "target_map": "FILE, ChEMBL's chembl_uniprot_mapping.txt: targets as UniProt proteins",
    "species": "'Homo sapiens' (default) or all: which species' rows are read",
    "complexes": "members (A_B_C is a complex of genes A, B, C) or off (one symbol)",
    "name": "the model's name (default: the model file's stem)",
    "citation": "the model's publication (e.g. PMID:23935937), kept on the model node",
    "licence": "the model's licence, kept on the model node (a LICENSE file "
               "among the files is kept as its text)",
    "pathway": "REACT:R-HSA-...: the pathway the model is a model of",
    "readouts": "Name=CURIE,...: model nodes that read out a process (default "
                "Proliferation=GO:0008283, Apoptosis=GO:0006915)",
    "url": "where the model was published",
    "identifier_system": "the Patient.identifier system that names a patient across "
                         "files (default: the first identifier with a value)",
    "mapping": "FILE, a YAML map role: column (instead of columns=)",
    "skip": "N lines above the header passed over unread (a supplementary table's title)",
    "sample": "the one sample a VCF without sample columns belongs to",
    "namespace": "NAME: non-CURIE values kept as NAME:value, marked unaligned",
}


def loader_options(cls: type[Loader]) -> dict[str, object]:
    """Keyword-only options of the loader and its bases -> default (``inspect.Parameter
    .empty`` when required)."""
    found: dict[str, object] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for name, parameter in inspect.signature(init).parameters.items():
            if (name not in COMMON and name not in found
                    and parameter.kind is inspect.Parameter.KEYWORD_ONLY):
                found[name] = parameter.default
    return found


def loader_help(cls: type[Loader]) -> str:
    """The text ``kgtwin load FORMAT --help`` prints."""
    module = sys.modules[cls.__module__]
    parts = [f"kgtwin load {cls.name} FILE|FOLDER|PATTERN... [--option KEY=VALUE ...]",
             "", cls.description, ""]
    if module.__doc__:
        parts += [inspect.cleandoc(module.__doc__), ""]
    if cls.__doc__ and cls.__doc__.strip() and cls.__doc__ != module.__doc__:
        parts += [inspect.cleandoc(cls.__doc__), ""]
    options = {k: v for k, v in loader_options(cls).items() if k not in GENE_OPTIONS}
    if options:
        parts.append("Options (--option KEY=VALUE):")
        for name, default in options.items():
            shown = "" if default is inspect.Parameter.empty or default is None \
                else f" (default: {default})"
            said = f": {OPTION_HELP[name]}" if name in OPTION_HELP else ""
            parts.append(_option_line(f"  {name}{shown}{said}"))
        parts.append("")
    parts.append("Gene options (every format: each gene a file names, by symbol or id, goes "
                 "through the one gene index):")
    parts += [_option_line(f"  {name}: {text}") for name, text in GENE_OPTIONS.items()]
    parts.append("")
    columns_help = getattr(cls, "columns_help", None)
    if callable(columns_help):
        parts += ["Columns (--option columns=ROLE:COLUMN,...; otherwise the first header "
                  "spelling found):", columns_help(), ""]
    elif cls.fixed_columns:
        parts.append(f"Columns (fixed: no --option columns=, because {cls.fixed_why}):")
        parts += [_option_line(f"  {column}: {becomes}")
                  for column, becomes in cls.fixed_columns.items()]
        parts.append("")
    if cls.suffixes:
        parts.append(f"A folder argument loads its {', '.join(cls.suffixes)} files.")
    if cls.reads_folders:
        parts.append("A folder argument is read as one unit.")
    return "\n".join(textwrap.fill(line, 88, subsequent_indent="    ", break_on_hyphens=False)
                     if len(line) > 88 and not line.startswith("  ") else line
                     for line in "\n".join(parts).rstrip().splitlines())


def _option_line(text: str) -> str:
    """An option's line, wrapped under its name."""
    return textwrap.fill(text, 88, subsequent_indent=" " * 6, break_on_hyphens=False)
