"""The command line starts without loading the heavy libraries: each command imports
what it needs inside its function, so ``kgtwin --help`` and every command's ``--help``
stay fast (see kgtwin/cli/main.py)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = [
    "anndata", "biodivine_aeon", "curies", "fhir", "libsbml", "matplotlib", "neo4j",
    "networkx", "numba", "numpy", "pandas", "pydantic", "pykeen", "rdflib", "scipy", "torch",
]

# Runs in a fresh interpreter: every command's --help, in turn; prints the first command
# after which a heavy library is loaded, with the libraries.
_PROBE = """
import json, sys
import click
from kgtwin.cli.main import cli

heavy = set(json.loads(sys.argv[1]))

def paths(group, prefix):
    for name, command in sorted(group.commands.items()):
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from paths(command, [*prefix, name])

found = None
for argv in [[], *paths(cli, [])]:
    try:
        cli.main([*argv, "--help"], prog_name="kgtwin", standalone_mode=False)
    except SystemExit:
        pass
    loaded = sorted(heavy & {m.split(".")[0] for m in sys.modules})
    if loaded:
        found = [" ".join(argv) or "(root)", loaded]
        break
print(json.dumps(found))
"""


def test_no_help_loads_a_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(HEAVY)],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) is None


_TWIN_PACKAGE = """
import json, sys
import kgtwin.twin
from kgtwin.twin.model import LogicalModel
before = sorted({m.split(".")[0] for m in sys.modules})
import kgtwin.twin.simulate
from kgtwin.twin import simulate, steady_states
print(json.dumps([before, callable(simulate), kgtwin.twin.simulate is simulate,
                  steady_states.__module__]))
"""


def test_twin_package_loads_its_names_on_first_use() -> None:
    # `twin attractors` needs the model and AEON only; the package must not pull numpy in.
    done = subprocess.run([sys.executable, "-c", _TWIN_PACKAGE], capture_output=True,
                          text=True, check=True)
    before, is_function, same, home = json.loads(done.stdout.strip().splitlines()[-1])
    assert not set(HEAVY) & set(before)
    # The submodule `simulate` does not hide the function `simulate` once it is imported.
    assert is_function and same
    assert home == "kgtwin.twin.analysis"
