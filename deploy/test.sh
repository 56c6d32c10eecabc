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
# All tests are XCTest; Swift Testing is disabled so no "0 tests" summary follows XCTest's.
test_log="$(mktemp /tmp/rookery-swift-test.XXXXXX)"
swift test --skip-build --disable-swift-testing 2>&1 | tee "$test_log"
summary="$(grep -E 'Executed [0-9]+ tests?, with' "$test_log" | tail -n 1)"
rm -f "$test_log"

echo "== RealWorld conformance (official Hurl suite, twice on one database)"
bash deploy/conformance.sh .build/debug

echo "== Schemathesis (property-based API tests from the served OpenAPI document)"
if ! python3 -c 'import schemathesis' 2>/dev/null; then
    python3 -m pip install -q schemathesis
fi
bash deploy/schemathesis.sh .build/debug

echo "== libFuzzer: frame decoder and worker request parsing, 60 s each"
bash deploy/fuzz/run.sh "${FUZZ_SECONDS:-60}"

# ---- cluster drills (deploy/cluster, docs/scaling.md) ------------------------------------
# The scale-out cluster in its reduced form: 2 app hosts behind HAProxy, a Patroni primary and
# standby, drills 1 (a host's gateway killed), 3 (replica lag) and 5 (the primary killed).
# A failed drill fails the build. It reuses the debug build above: a release build would add
# minutes for throughput figures that CI does not publish. Needs root (namespaces, cgroups).
echo "== cluster drills (deploy/cluster/run.sh, CI mode)"
if [[ $(id -u) == 0 ]]; then
    CLUSTER_MODE=ci BUILD=debug bash deploy/cluster/run.sh
else
    echo "cluster drills skipped: they need root"
fi
# ---- end of cluster drills ---------------------------------------------------------------

# One closing line for the whole XCTest run (the later steps print their own counts).
executed="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<< "$summary")"
skipped="$(grep -oE '[0-9]+ tests? skipped' <<< "$summary" | grep -oE '^[0-9]+' || echo 0)"
failed="$(grep -oE '[0-9]+ failures?' <<< "$summary" | head -n 1 | grep -oE '^[0-9]+' || echo 0)"
echo "swift-test: $(( executed - skipped - failed )) passed, $failed failed, $skipped skipped"
