#!/usr/bin/env bash
# Installs what the Neo4j tests need and starts a throw-away Neo4j for them. Idempotent:
# run it as often as you like; a running server is left as it is.
#
#   bash .ci/neo4j-setup.sh          # install + start; writes .ci/neo4j.env
#   source .ci/neo4j.env             # NEO4J_* for kgtwin, KGTWIN_TEST_NEO4J_* for pytest
#   bash .ci/neo4j-setup.sh stop     # stop the server
#   bash .ci/neo4j-setup.sh install  # only install what is missing (scripts/test.sh)
#
# What it installs when missing: Java 17 and Maven (the server is assembled from Maven
# Central by `kgtwin neo4j start`), Debian's chromium and node/npm, and playwright-core
# from tests/neo4j/browser/package-lock.json into tests/neo4j/browser/node_modules (the
# Browser test drives /usr/bin/chromium; no browser is downloaded). kgtwin itself must be
# installed already (.ci/run does that); set KGTWIN to the command if it is not on PATH.
#
# The graph of this server is wiped by the tests: do not point it at data you keep.
set -euo pipefail

cd "$(dirname "$0")/.."
HOME_DIR="${KGTWIN_CI_NEO4J_HOME:-$HOME/.kgtwin/neo4j-ci}"
BOLT_PORT="${KGTWIN_CI_BOLT_PORT:-27687}"
HTTP_PORT="${KGTWIN_CI_HTTP_PORT:-27474}"
ENV_FILE=".ci/neo4j.env"
if [[ -z "${KGTWIN:-}" ]]; then
    if [[ -x .venv/bin/kgtwin ]]; then KGTWIN=.venv/bin/kgtwin; else KGTWIN=kgtwin; fi
fi

if [[ "${1:-}" == "stop" ]]; then
    exec $KGTWIN neo4j stop --home "$HOME_DIR"
fi

missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
command -v chromium >/dev/null || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
    echo "neo4j-setup: apt-get install ${missing[*]}"
    if [[ $(id -u) -eq 0 ]]; then
        as_root=()
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
    else
        echo "neo4j-setup: the Neo4j and Browser tests need ${missing[*]}; install them" \
             "with (Debian or Ubuntu):" >&2
        echo "  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

browser_dir=tests/neo4j/browser
# npm ci: exactly the locked playwright-core, from npm's cache after the first run (~1 s).
if [[ ! -d "$browser_dir/node_modules/playwright-core" ]]; then
    npm ci --prefix "$browser_dir" --no-audit --no-fund --loglevel=error
fi
if [[ "${1:-}" == "install" ]]; then
    exit 0
fi

echo "neo4j-setup: starting Neo4j in $HOME_DIR (bolt $BOLT_PORT, http $HTTP_PORT)"
$KGTWIN neo4j start --home "$HOME_DIR" --bolt-port "$BOLT_PORT" --http-port "$HTTP_PORT"

password_file="$HOME_DIR/password"
umask 077
{
    echo "# Written by .ci/neo4j-setup.sh. The password is read from the server's 0600 file"
    echo "# when this is sourced; never print the variables."
    echo "export KGTWIN_NEO4J_HOME='$HOME_DIR'"
    echo "export NEO4J_URI='bolt://127.0.0.1:$BOLT_PORT'"
    echo "export NEO4J_USERNAME='neo4j'"
    echo "export NEO4J_PASSWORD=\"\$(cat '$password_file')\""
    echo "export KGTWIN_TEST_NEO4J_URI=\"\$NEO4J_URI\""
    echo "export KGTWIN_TEST_NEO4J_USERNAME=\"\$NEO4J_USERNAME\""
    echo "export KGTWIN_TEST_NEO4J_PASSWORD=\"\$NEO4J_PASSWORD\""
    echo "export KGTWIN_TEST_NEO4J_BROWSER_URL='http://127.0.0.1:$HTTP_PORT/browser/'"
} >"$ENV_FILE"
echo "neo4j-setup: Neo4j answers at bolt://127.0.0.1:$BOLT_PORT; 'source $ENV_FILE' before pytest"
