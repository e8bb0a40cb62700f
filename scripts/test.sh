#!/usr/bin/env bash
# The test command (README and CI run exactly this): lint, then every test.
# Tests marked `neo4j` need the local server: `kgtwin neo4j start` (CI starts it).
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check .
python -m pytest "$@"
