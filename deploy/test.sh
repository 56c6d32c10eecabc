#!/usr/bin/env bash
# Runs every test on a fresh machine: installs missing packages, checks formatting with
# `swift format lint --strict`, builds, and runs the unit and end-to-end tests (which start
# the real gateway and workers on throwaway embedded PostgreSQL clusters).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-dependencies.sh --test
# The Python tools (schemathesis, requests, prometheus-client) live in the virtual environment
# install-dependencies.sh made; tests and scripts call `python3` from it.
export PATH="$PWD/.build/venv/bin:$PATH"

echo "== swift format lint"
swift format lint --strict --recursive --parallel Package.swift Sources Tests

echo "== build"
swift build --build-tests

echo "== systemd units (systemd-analyze verify)"
bash deploy/systemd/verify.sh .build/debug

echo "== unit and end-to-end tests"
# Tests spawn gateways that spawn workers and PostgreSQL; keep them serial on 2 cores.
# All tests are XCTest; Swift Testing is disabled so no "0 tests" summary follows XCTest's.
test_log="$(mktemp /tmp/rookery-swift-test.XXXXXX)"
swift test --skip-build --disable-swift-testing 2>&1 | tee "$test_log"
summary="$(grep -E 'Executed [0-9]+ tests?, with' "$test_log" | tail -n 1)"
# The goal is 0 skipped except the benchmarks (ROOKERY_BENCH=1); name every skip.
skipped_tests="$(grep -oE "Test Case '[^']+' skipped" "$test_log" | sed -E "s/Test Case '([^']+)' skipped/\1/" | sort -u | paste -sd ' ' || true)"
rm -f "$test_log"

echo "== RealWorld conformance (official Hurl suite, twice on one database)"
bash deploy/conformance.sh .build/debug

echo "== Schemathesis (property-based API tests from the served OpenAPI document)"
bash deploy/schemathesis.sh .build/debug

echo "== libFuzzer: frame decoder and worker request parsing, 60 s each"
bash deploy/fuzz/run.sh "${FUZZ_SECONDS:-60}"

# ---- container image (deploy/container, docs/operations.md "Container") ----
if [[ "${ROOKERY_CONTAINER_CHECK:-1}" == 0 ]]; then
    echo "skipped: container check (ROOKERY_CONTAINER_CHECK=0)"
elif [[ $(id -u) -ne 0 ]]; then
    echo "skipped: container check (needs root for podman build and chroot)"
else
    echo "== release build for the container image (--static-swift-stdlib)"
    release_start=$SECONDS
    swift build -c release --static-swift-stdlib > .build/release-build.log 2>&1 ||
        { tail -40 .build/release-build.log >&2; exit 1; }
    echo "release build: $(( SECONDS - release_start )) s"
    container_start=$SECONDS
    bash deploy/container/check.sh .build/release
    echo "container check: $(( SECONDS - container_start )) s"
fi
# ---- end container image ----

# ---- cluster drills (deploy/cluster, docs/scaling.md) ------------------------------------
# The scale-out cluster in its reduced form: 2 app hosts behind HAProxy, a Patroni primary and
# standby, drills 1 (a host's gateway killed), 3 (replica lag) and 5 (the primary killed).
# A failed drill fails the build. It uses the release build of the container check above (its
# own release build is then a no-op); with that check skipped, the debug build (BUILD=debug).
# Needs root (namespaces, cgroups).
echo "== cluster drills (deploy/cluster/run.sh, CI mode)"
if [[ $(id -u) == 0 ]]; then
    cluster_start=$SECONDS
    cluster_build=1
    [[ "${ROOKERY_CONTAINER_CHECK:-1}" == 0 ]] && cluster_build=debug
    CLUSTER_MODE=ci BUILD=$cluster_build bash deploy/cluster/run.sh
    echo "cluster drills: $(( SECONDS - cluster_start )) s"
else
    echo "cluster drills skipped: they need root"
fi
# ---- end of cluster drills ---------------------------------------------------------------

# One closing line for the whole XCTest run (the later steps print their own counts).
executed="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<< "$summary")"
skipped="$(grep -oE '[0-9]+ tests? skipped' <<< "$summary" | grep -oE '^[0-9]+' || echo 0)"
failed="$(grep -oE '[0-9]+ failures?' <<< "$summary" | head -n 1 | grep -oE '^[0-9]+' || echo 0)"
echo "swift-test: $(( executed - skipped - failed )) passed, $failed failed, $skipped skipped${skipped_tests:+ ($skipped_tests)}"
