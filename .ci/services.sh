#!/usr/bin/env bash
# Sourced by .ci/run after the install: starts the services the tests need and exports
# how to reach them. Neo4j: .ci/neo4j-setup.sh installs what is missing, starts a
# throw-away server and writes .ci/neo4j.env (KGTWIN_TEST_NEO4J_* for pytest).
bash .ci/neo4j-setup.sh
# shellcheck disable=SC1091
source .ci/neo4j.env
