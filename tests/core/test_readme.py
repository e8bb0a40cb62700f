"""The README's commands, then every --help example, run as pasted after the README's
first command (`kgtwin demo`).

Every line of every ``bash`` block is run through the shell in one working folder, the
way a newcomer pastes them. File names the README uses for the reader's own files
(``nodes.tsv``, ``bundles/*.json``...) are there as small real files from
``tests/data``; every id, option and path is the README's own. A line that is neither a
``kgtwin`` command nor an ``export`` fails the test, so a new README line is either
checked here or named in ``NOT_RUN_HERE`` with the reason; a command whose --help
examples are not run is named in ``HELP_NOT_RUN``, with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

#: README sections whose commands this test does not run, and why.
NOT_RUN_HERE = {
    "Set-up (two commands)": "the install itself; the test runs its `kgtwin demo`",
    "Neo4j": "starts a server from Maven Central (tests/neo4j run these commands' code "
             "against the real server)",
    "Cohorts on a Dask cluster": "needs a Dask scheduler and workers on other machines "
                                 "(tests/twingraph/test_executor.py runs the Dask executor "
                                 "on a loopback LocalCluster)",
}

#: README commands not run here (a regular expression each), and why.
LINES_NOT_RUN = {
    r"kgtwin genes fetch": "downloads the pinned HGNC release (the network; tests use the "
                           "shipped index)",
    r"kgtwin genes fetch --coordinates GRCh37": "downloads GENCODE 19 (the network; "
        "tests/core/test_coordinates_fetch.py fetches a GTF from a loopback server)",
    r"kgtwin --store my-kg load copy-number TCGA\.AB\.3009\.hg19\.seg\.txt --option "
    r"build=GRCh37": "places segments on the coordinates `genes fetch --coordinates` "
        "downloads; tests/real/test_cancer_omics.py loads this file with GENCODE 19's "
        "genes given by --option coordinates=",
    r"kgtwin --store my-kg load (kgx graph\.json|cbioportal msk_study/|expression data\.gct"
    r"|cls classes\.cls --option samples=data\.gct|oncokb allAnnotatedVariants\.txt)":
        "the reader's KGX JSON, cBioPortal study, GCT matrix, GSEA CLS and OncoKB list: "
        "tests/real/test_kgx.py, test_cancer_omics.py, test_gsea_classes.py and "
        "test_oncokb.py load real files of these formats",
    r"dask (scheduler|worker)\b.*|.*--scheduler tcp://HEAD\b.*":
        "a Dask cluster of the reader's (HEAD is its head node; tests/twingraph run the "
        "Dask executor on a local cluster)",
}


def _not_run_line(command: str) -> bool:
    return any(re.fullmatch(pattern, command) for pattern in LINES_NOT_RUN)

#: The reader's own files the README names, as real small files of tests/data.
STAND_INS = {
    "nodes.tsv": DATA / "core" / "nodes.tsv",
    "edges.tsv": DATA / "core" / "edges.tsv",
    "train.tsv": DATA / "core" / "aligned.triples.tsv",
    "bundles/patient.json": DATA / "patients" / "bundle.json",
    "case.json": DATA / "patients" / "phenopacket.json",
    "mutations.maf": DATA / "patients" / "mutations.maf",
    "cohort.seg": DATA / "patients" / "cohort.seg",
    "gencode.v19.annotation.gtf": DATA / "patients" / "gencode19_genes.gtf",
}
VISITS = "MRN,dx,rx\nREADME-MRN-1,SNOMEDCT:372244006,RXCUI:1147220\n"


def readme_commands(text: str) -> list[tuple[str, str]]:
    """(section, command) for each line of the README's bash blocks, continuation lines
    joined and trailing comments removed."""
    found, section, block, fenced = [], "", None, False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            block = [] if fenced and line.strip() == "```bash" else None
        elif line.startswith("#") and not fenced:
            section = line.lstrip("#").strip()
        elif block is not None:
            block.append(line)
            if not line.endswith("\\"):
                command = re.sub(r"\s+#\s.*$", "", " ".join(
                    part.rstrip("\\").strip() for part in block)).strip()
                if command:
                    found.append((section, command))
                block.clear()
    return found


#: Commands whose --help examples this test does not run, and why.
HELP_NOT_RUN = {
    "demo": "its example is the README's first command, run first",
    "load": "loads the reader's files into the demo graph, a Neo4j or a sources.yaml; "
            "the README's loads (same options) run",
    "embed": "each example trains a model; the README's embed commands (same options) run",
    "predict": "needs the models the embed examples train; the README's predict commands run",
    "twin respond": "PROFILE-style response of the shipped BRAF model: tests/twin run it",
    "twin screen": "reads the reader's screen tables (lines.tsv, ic50.tsv): "
                   "tests/twingraph/test_screen.py runs it on real rows",
    "genes fetch": "downloads the pinned HGNC release (the network)",
    "neo4j": "starts or stops a server from Maven Central (tests/neo4j)",
    "query": "needs a Neo4j server (tests/neo4j)",
    "push": "needs a Neo4j server (tests/neo4j)",
    "pull": "needs a Neo4j server (tests/neo4j)",
}
#: Single --help examples not run, and why.
HELP_LINES_NOT_RUN = {
    "kgtwin demo": "the README's first command, run first",
    "kgtwin patient keygen ~/.kgtwin-pseudonym.key":
        "the README runs it; a second key at the same path is refused on purpose",
    "kgtwin patient show --identifier MRN-0042 --key-file ~/.kgtwin-pseudonym.key":
        "a raw identifier of the reader's own records",
    "kgtwin twin cohort --executor dask --scheduler tcp://10.0.0.5:8786":
        "needs a Dask scheduler at that address (tests/twingraph run the Dask executor)",
}

#: Files the --help examples name, as real files (after the README's commands ran).
HELP_STAND_INS = {
    "model.bnet": "braf.bnet",  # written by the README's `twin convert`
    "model.bnd": "kgtwin/twin/models/BRAF_Model.bnd",
    "model.cfg": "kgtwin/twin/models/BRAF_Model.cfg",
    "BRAF_Model.bnd": "kgtwin/twin/models/BRAF_Model.bnd",
    "BRAF_Model.cfg": "kgtwin/twin/models/BRAF_Model.cfg",
}


def help_examples() -> list[tuple[str, str]]:
    """(command path, example) for every ``kgtwin`` line of every command's --help."""
    from kgtwin.cli.main import cli

    def walk(command, path):
        yield " ".join(path), command
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, [*path, name])

    found = []
    for path, command in walk(cli, []):
        text = command.help or ""
        if "Example" not in text:
            continue
        lines = text[text.index("Example"):].splitlines()[1:]
        joined = []
        for line in lines:
            line = line.strip()
            if joined and joined[-1].endswith("\\"):
                joined[-1] = joined[-1][:-1].strip() + " " + line
            elif line.startswith("kgtwin "):
                joined.append(line)
        found += [(path, re.sub(r"\s+#\s.*$", "", c)) for c in joined if "..." not in c]
    return found


def _not_run(path: str) -> bool:
    return any(path == name or path.startswith(name + " ") for name in HELP_NOT_RUN)


def test_readme_commands_are_found():
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    sections = {section for section, _ in commands}
    assert {"Using kgtwin", "Patient twins from the graph", "Neo4j"} <= sections
    assert ("Using kgtwin", "kgtwin node BRAF") in commands
    continued = [c for _, c in commands if c.startswith("kgtwin embed train --model ")]
    assert continued and continued[0].endswith("--out models/complex")
    assert _not_run_line("dask worker tcp://HEAD:8786 --nthreads 1")
    assert _not_run_line("kgtwin twin cohort --executor dask --scheduler tcp://HEAD:8786")
    assert not _not_run_line("kgtwin twin cohort --drugs vemurafenib --out cohort/")
    examples = help_examples()
    assert ("search", "kgtwin search braf") in examples
    simulate = [c for p, c in examples if p == "twin simulate" and "--initial" in c]
    assert simulate and "\\" not in simulate[0]
    run = [p for p, _ in examples if not _not_run(p)]
    assert {"twin build", "twin cohort", "patient show", "paths", "export"} <= set(run)


@pytest.mark.slow
def test_every_readme_command_runs_as_pasted(tmp_path):
    commands = readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    for name, source in STAND_INS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, tmp_path / name)
    (tmp_path / "visits.csv").write_text(VISITS)
    (tmp_path / "kgtwin").symlink_to(ROOT / "kgtwin")  # shipped models, as in a checkout
    env = {**os.environ, "HOME": str(tmp_path / "home"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for name in ("KGTWIN_STORE", "KGTWIN_PSEUDONYM_KEY", "KGTWIN_PSEUDONYM_KEY_FILE"):
        env.pop(name, None)
    (tmp_path / "home").mkdir()

    def run(command: str) -> None:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=600)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"`{command}` failed:\n{output[-3000:]}"
        assert "Traceback" not in output, f"`{command}`:\n{output[-3000:]}"

    run("kgtwin demo")
    for section, command in commands:
        if section in NOT_RUN_HERE or _not_run_line(command):
            continue
        if command.startswith("export "):
            name, _, value = command.removeprefix("export ").partition("=")
            env[name] = os.path.expanduser(value.replace("~", env["HOME"], 1))
            continue
        assert command.startswith("kgtwin "), (
            f"README line in {section!r} is not a kgtwin command: {command!r} (run it "
            "here or name its section in NOT_RUN_HERE)")
        run(command)

    for name, source in HELP_STAND_INS.items():
        if not (tmp_path / name).exists():
            shutil.copy(tmp_path / source, tmp_path / name)
    for path, command in help_examples():
        if not _not_run(path) and command not in HELP_LINES_NOT_RUN and (
                "--identifier " not in command):  # a raw identifier of the reader's records
            run(command)
