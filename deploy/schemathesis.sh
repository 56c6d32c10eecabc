#!/usr/bin/env bash
# Runs Schemathesis (property-based API testing from the OpenAPI document) against the real
# gateway and workers on a throwaway embedded PostgreSQL. Checks: no 5xx
# (not_a_server_error) and every documented response matches its schema
# (response_schema_conformance). One authenticated pass (a freshly registered user's token on
# every request) and one anonymous pass. Exits non-zero on any failure.
# Usage: deploy/schemathesis.sh [path/to/bin-dir]   (default .build/debug)
# Environment: SCHEMATHESIS_MAX_EXAMPLES (default 60), SCHEMATHESIS_SEED (default 20261129).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug}"
examples="${SCHEMATHESIS_MAX_EXAMPLES:-60}"
seed="${SCHEMATHESIS_SEED:-20261129}"

# The console script may be missing from PATH right after `pip install` (pyenv shims need a
# rehash); the package's CLI entry point works either way.
if command -v schemathesis >/dev/null 2>&1; then
    st=(schemathesis)
elif python3 -c 'import schemathesis' 2>/dev/null; then
    st=(python3 -c 'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "schemathesis"; schemathesis()')
else
    echo "schemathesis not found: run deploy/install-dependencies.sh --test and put .build/venv/bin first on PATH" >&2
    exit 1
fi

data="$(mktemp -d /tmp/rookery-schemathesis.XXXXXX)"
port=$(( 20000 + RANDOM % 20000 ))
admin=$(( port + 1 ))
# The auth rate limit (20/s per IP by default) would answer 429 to the register and login
# operations Schemathesis sends in bursts; the limiter has its own tests.
ROOKERY_EMBEDDED_FAST=1 "$bin/gateway" --workers 2 --port "$port" --admin-port "$admin" --data-dir "$data" \
    --auth-rate-limit 0 > "$data.log" 2>&1 &
gateway=$!
cleanup() {
    kill -TERM "$gateway" 2>/dev/null || true
    wait "$gateway" 2>/dev/null || true
    rm -rf "$data" "$data.log" "$data.report"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$gateway" 2>/dev/null; then cat "$data.log" >&2; exit 1; fi
    sleep 0.2
done
if ! curl -fs "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; then
    echo "gateway not ready" >&2
    tail -n 40 "$data.log" >&2
    exit 1
fi

base="http://127.0.0.1:$port/api"
name="schemathesis$RANDOM"
token="$(curl -fsS -X POST "$base/users" -H 'Content-Type: application/json' \
    -d "{\"user\":{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"password123\"}}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["user"]["token"])')"

# One worker thread: the CPython 3.11 on CI (3.11.7) shares the ast module's recursion counter
# between threads (python/cpython#106905), and Hypothesis parses lambdas with it, so two
# threads can fail a run with "AST constructor recursion depth mismatch", a Python error
# that says nothing about the API.
run() {
    local label="$1" count="$2"
    shift 2
    echo "== Schemathesis: $label (max $count examples per operation, seed $seed)"
    "${st[@]}" run "$base/openapi.yml" --url "$base" \
        --checks not_a_server_error,response_schema_conformance \
        --max-examples "$count" --seed "$seed" --workers 1 \
        --generation-allow-x00 true --request-timeout 20 \
        --suppress-health-check all --no-color \
        --report junit --report-dir "$data.report" \
        "$@"
}

status=0
run "authenticated" "$examples" -H "Authorization: Token $token" || status=1
run "anonymous" "$(( examples / 3 + 1 ))" || status=1

if grep -q "Fatal error\|Program crashed" "$data.log"; then
    echo "the gateway or a worker crashed:" >&2
    grep -B2 -A5 "Fatal error\|Program crashed" "$data.log" | head -40 >&2
    status=1
fi
if ! curl -fs "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; then
    echo "gateway not ready after the run" >&2
    status=1
fi
exit $status
