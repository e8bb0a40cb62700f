"""Neo4j Browser, served by the test server, runs a shipped example as a person would:
as a favourite dropped on the page, and from the guide `kgtwin neo4j guide` serves.

Needs Debian's ``chromium`` and ``node`` plus ``playwright-core`` installed next to the
script: ``apt-get install -y chromium nodejs npm`` and ``npm ci --prefix
tests/neo4j/browser`` (``.ci/neo4j-setup.sh`` does both). Missing pieces fail the test
with that hint; they never skip it. Screenshots go to ``test-artifacts/`` (or
``$KGTWIN_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kgtwin.neo4j.examples import examples
from kgtwin.neo4j.guide import GuideServer

pytestmark = pytest.mark.neo4j

SCRIPT_DIR = Path(__file__).parent / "browser"
REPO = Path(__file__).parents[2]
INSTALL_HINT = (
    "install with: apt-get install -y chromium nodejs npm && npm ci --prefix tests/neo4j/browser"
)


def _tool(name: str, env_var: str) -> str:
    found = os.environ.get(env_var) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found ({env_var} unset); {INSTALL_HINT}", pytrace=False)
    return found


def test_browser_runs_an_example_favourite(neo4j_server, demo_graph, tmp_path):
    node = _tool("node", "KGTWIN_NODE")
    chromium = _tool("chromium", "KGTWIN_CHROMIUM")
    if not (SCRIPT_DIR / "node_modules" / "playwright-core").is_dir():
        pytest.fail(f"playwright-core is not installed; {INSTALL_HINT}", pytrace=False)
    if not neo4j_server.browser_url:
        pytest.fail("KGTWIN_TEST_NEO4J_BROWSER_URL is not set", pytrace=False)
    artifacts = Path(os.environ.get("KGTWIN_TEST_ARTIFACTS", REPO / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    for old in ("browser-result.png", "browser-legend.png", "browser-guide.png",
                "browser-failure.png"):
        (artifacts / old).unlink(missing_ok=True)

    example = next(e for e in examples() if e.name == "1-drug-targets-pathways")
    settings = neo4j_server.settings
    job = {
        "chromium": chromium,
        "profile": str(tmp_path / "profile"),
        "url": neo4j_server.browser_url,
        "bolt": settings.uri.split("://", 1)[1],
        "user": settings.user,
        "params": example.browser_commands()[:-1],
        "file": {"name": f"{example.name}.cypher", "text": example.text},
        "favorite": f"kgtwin: {example.title}",
        # Values of the result rows, none of which appear in the query text.
        "expect": ["ABL1", "Signaling by SCF-KIT"],
        "artifacts": str(artifacts),
        # The drug and its neighbours as a graph, to look at the legend's labels.
        "graph": {"query": "MATCH (drug {id: $drug_id})-[r]-(other) RETURN drug, r, other"},
    }
    guide = GuideServer(port=0)
    job["guide"] = {
        "url": guide.url,
        "intro": "The kgtwin demo graph",
        # Slide 0 is the introduction; slide 1 the first example.
        "slide": 1,
        "title": example.title,
        "query": example.cypher.splitlines()[0],
    }
    env = dict(
        os.environ,
        KGTWIN_BROWSER_JOB=json.dumps(job),
        KGTWIN_BROWSER_PASSWORD=settings.password or "",
    )
    with guide:
        done = subprocess.run(
            [node, "browser_check.mjs"],
            cwd=SCRIPT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    report = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "{}"
    assert done.returncode == 0 and json.loads(report).get("ok"), (
        f"browser check failed (see {artifacts}/browser-failure.png):\n{done.stdout}\n{done.stderr}"
    )
    assert (artifacts / "browser-result.png").stat().st_size > 10_000
    assert (artifacts / "browser-guide.png").stat().st_size > 10_000
    assert (artifacts / "browser-legend.png").stat().st_size > 10_000
