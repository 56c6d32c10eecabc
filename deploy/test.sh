#!/usr/bin/env bash
# Runs every test on a fresh machine: installs missing packages, checks formatting with
# `swift format lint --strict`, builds, and runs the unit and end-to-end tests (which start
# the real gateway and workers on throwaway embedded PostgreSQL clusters).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-dependencies.sh --test

echo "== swift format lint"
swift format lint --strict --recursive --parallel Package.swift Sources Tests

echo "== build"
swift build --build-tests

echo "== unit and end-to-end tests"
# Tests spawn gateways that spawn workers and PostgreSQL; keep them serial on 2 cores.
swift test --skip-build

echo "== RealWorld conformance (official Hurl suite, twice on one database)"
bash deploy/conformance.sh .build/debug

echo "== Schemathesis (property-based API tests from the served OpenAPI document)"
if ! python3 -c 'import schemathesis' 2>/dev/null; then
    python3 -m pip install -q schemathesis
fi
bash deploy/schemathesis.sh .build/debug

echo "== libFuzzer: frame decoder and worker request parsing, 60 s each"
bash deploy/fuzz/run.sh "${FUZZ_SECONDS:-60}"
