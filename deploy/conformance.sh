#!/usr/bin/env bash
# Runs the official RealWorld Hurl suite (REALWORLD_DIR, else ../shared/realworld) against the real gateway and
# workers on a throwaway embedded PostgreSQL, twice in a row on the same database (the suite
# must pass on a database that already holds its earlier data).
# Usage: deploy/conformance.sh [path/to/bin-dir]   (default .build/debug)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug}"
suite="${REALWORLD_DIR:-../shared/realworld}"
if [[ ! -f "$suite/run-hurl" ]]; then
    # Outside the project's workspace the suite is an optional checkout; CI has it.
    echo "skipped: conformance suite not found in $suite (set REALWORLD_DIR to a RealWorld checkout with run-hurl)"
    exit 0
fi
data="$(mktemp -d /tmp/rookery-conformance.XXXXXX)"
port=$(( 20000 + RANDOM % 20000 ))
admin=$(( port + 1 ))
ROOKERY_EMBEDDED_FAST=1 "$bin/gateway" --workers 4 --port "$port" --admin-port "$admin" --data-dir "$data" \
    > "$data.log" 2>&1 &
gateway=$!
cleanup() {
    kill -TERM "$gateway" 2>/dev/null || true
    wait "$gateway" 2>/dev/null || true
    rm -rf "$data" "$data.log"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$gateway" 2>/dev/null; then cat "$data.log" >&2; exit 1; fi
    sleep 0.2
done
status=0
for run in 1 2; do
    echo "== RealWorld Hurl suite, run $run"
    if ! python3 "$suite/run-hurl" --host "http://127.0.0.1:$port" "$suite"/hurl/*.hurl > "$data.hurl" 2>&1; then
        status=1
        grep -E "^FAIL" "$data.hurl" | head -40 >&2 || true
    fi
    tail -n 1 "$data.hurl"
done
exit $status
