"""Packaging: the wheel holds every package and data file; importing kgtwin does nothing."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def tree_packages() -> set[str]:
    found = set()
    for top, name in (("kgtwin", "kgtwin"), ("loaders", "kgtwin.loaders"),
                      ("ontologies", "kgtwin.ontologies")):
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / top).parts
            found.add(".".join((name, *relative)))
    return found


@pytest.mark.slow
def test_wheel_installs_into_a_fresh_venv_and_imports_loaders_and_ontologies(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("kgtwin-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for package in tree_packages():
        assert package.replace(".", "/") + "/__init__.py" in names, package
    assert "kgtwin/ontologies/biolink.json" in names
    assert "kgtwin/ontologies/identity.yaml" in names

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    python = env / "bin" / "python"
    # The fresh venv sees this environment's dependencies (not its kgtwin: .pth files
    # in a path added this way are not run, so an editable kgtwin stays invisible).
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    parents = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    Path(site, "_dependencies.pth").write_text("\n".join(parents) + "\n")
    subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    probe = (
        "import kgtwin, kgtwin.loaders, kgtwin.ontologies, kgtwin.ids as ids;"
        "print(kgtwin.loaders.__file__); print(ids.normalize('hgnc:1097'))"
    )
    out = subprocess.run([python, "-c", probe], cwd=tmp_path, check=True,
                         capture_output=True, text=True).stdout.split()
    assert str(env) in out[0], "kgtwin.loaders was imported from outside the venv"
    assert out[1] == "HGNC:1097"
    help_text = subprocess.run([env / "bin" / "kgtwin", "--help"], check=True,
                               capture_output=True, text=True).stdout
    assert "Usage: kgtwin" in help_text


def test_importing_kgtwin_has_no_side_effects(tmp_path):
    probe = (
        "import logging, sys, os\n"
        "import kgtwin, kgtwin.store, kgtwin.loaders, kgtwin.load, kgtwin.cli.main\n"
        "assert not logging.getLogger().handlers, 'logging configured at import'\n"
        "heavy = [m for m in ('torch', 'pykeen', 'rdflib') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert os.listdir('.') == [], os.listdir('.')\n"
    )
    subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, check=True)
