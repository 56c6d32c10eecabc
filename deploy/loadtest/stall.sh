#!/usr/bin/env bash
# Cheap reads behind a stalled read (issue 19, hedged reads): what happens to GETs the gateway
# pipelined into a worker's socket behind a request that got stuck. Prints one markdown table.
#
#   deploy/loadtest/stall.sh                     # release build, throwaway gateway + PostgreSQL
#   GATEWAY_ARGS="--worker-pipeline-depth 1" BUILD=0 deploy/loadtest/stall.sh
#
# What it does: builds in release mode (BUILD=0 skips it), starts `gateway` (default settings;
# GATEWAY_ARGS adds or overrides flags) with an embedded PostgreSQL in a temporary directory,
# registers one user, creates 30 articles through the API, warms up, then runs two phases of
# DURATION seconds, each with two wrk at once:
#   - cheap reads: `wrk -c$CONNECTIONS` of cheap.lua (the first list page and single articles by
#     slug, half each; neither reads the `tags` table);
#   - the blocked route: `wrk -c$STALLED` of tags.lua (`GET /api/tags`, one request per
#     connection every PACE_MS at most, so a lock stalls about $STALLED request(s) at a time).
# Phase 1 runs them as they are; in phase 2 a psql session repeatedly takes
# `LOCK TABLE tags IN ACCESS EXCLUSIVE MODE`, holds it HOLD seconds and releases it for PAUSE
# seconds, so a GET /api/tags hangs in its worker for up to HOLD seconds while cheap reads may
# have been pipelined behind it (`--worker-pipeline-depth`, default 4). It prints, per phase,
# the cheap reads' req/s, p50, p99, p99.9, max and errors, and the blocked route's req/s, p50,
# p99 and max. Percentiles are wrk's, corrected for coordinated omission (see common.lua's
# report), so a few reads stuck for a second move p99. wrk runs with --timeout 60s so slow
# answers are measured, not dropped. Everything it started stops on exit, also on Ctrl-C.
#
# Env: DURATION (10) WARMUP (3) CONNECTIONS (32) STALLED (1) PACE_MS (50) HOLD (1) PAUSE (0.5)
#      THREADS (1) WORKERS (gateway default) GATEWAY_ARGS BUILD (1) KEEP (0)
set -euo pipefail

NAME=stall
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
STALLED="${STALLED:-1}"
HOLD="${HOLD:-1}"
PAUSE="${PAUSE:-0.5}"
THREADS="${THREADS:-1}"
export PACE_MS="${PACE_MS:-50}"
# shellcheck source=harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"

# shellcheck disable=SC2119  # no extra flags: GATEWAY_ARGS only
start_gateway
register_seed_user
log "creating 30 articles"
create_articles 30
export SLUGS
DATABASE="host=$RUN/data/run port=5432 dbname=rookery user=postgres"

both() {  # both SECONDS PREFIX: cheap reads and the blocked route at once
  wrk -t1 -c"$STALLED" -d"$1s" --timeout 60s -s "$HERE/tags.lua" "$BASE" >"$2-tags.wrk" &
  local tags=$!
  HELPER_PIDS+=("$tags")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --timeout 60s -s "$HERE/cheap.lua" "$BASE" >"$2-cheap.wrk"
  wait "$tags"
}

log "warm-up ${WARMUP}s"
both "$WARMUP" "$RUN/warmup"
log "phase 1, no lock: ${DURATION}s, -c$CONNECTIONS cheap reads + -c$STALLED GET /api/tags"
both "$DURATION" "$RUN/free"

# Enough lock cycles to cover the phase; the session is stopped when the phase ends.
CYCLES=$(awk -v d="$DURATION" -v h="$HOLD" -v p="$PAUSE" 'BEGIN { n = int(d / (h + p)) + 2; print n }')
for _ in $(seq 1 "$CYCLES"); do
  echo "BEGIN; LOCK TABLE tags IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($HOLD); COMMIT;"
  printf '%s\n' '\echo released'
  echo "SELECT pg_sleep($PAUSE);"
done >"$RUN/lock.sql"
log "phase 2, tags locked ${HOLD}s of every $(awk -v h="$HOLD" -v p="$PAUSE" 'BEGIN { print h + p }')s: ${DURATION}s"
psql -X -q -At -v ON_ERROR_STOP=1 -f "$RUN/lock.sql" "$DATABASE" >"$RUN/lock.log" 2>&1 &
LOCK_PID=$!
HELPER_PIDS+=("$LOCK_PID")
both "$DURATION" "$RUN/locked"
stop_pid "$LOCK_PID"
LOCKS=$(grep -c '^released$' "$RUN/lock.log" || true)

echo
echo "Rookery stalled read: $(nproc) cores, $WORKER_COUNT workers, cheap.lua wrk -t$THREADS -c$CONNECTIONS," \
  "tags.lua -c$STALLED every ${PACE_MS} ms, ${DURATION}s per phase, gateway ${GATEWAY_ARGS:-(defaults)}," \
  "$(date -u +%Y-%m-%d)"
echo
python3 - "$RUN" "$HOLD" "$PAUSE" "$LOCKS" <<'PY'
import sys

run, hold, pause, locks = sys.argv[1:5]

def result(path):
    line = next(l for l in open(path).read().splitlines() if l.startswith("RESULT "))
    r = {key: int(value) for key, value in (kv.split("=") for kv in line.split()[1:])}
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["status_errors"] + r["socket_errors"]
    return r

ms = lambda us: f"{us / 1000:.1f} ms"
print("| phase | cheap req/s | p50 | p99 | p99.9 | max | errors | /api/tags req/s | p50 | p99 | max |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, prefix in (("no lock", "free"), (f"tags locked {hold} s, free {pause} s", "locked")):
    c, t = result(f"{run}/{prefix}-cheap.wrk"), result(f"{run}/{prefix}-tags.wrk")
    print(f"| {name} | {c['rps']:,.0f} | {ms(c['p50_us'])} | {ms(c['p99_us'])} | {ms(c['p999_us'])} "
          f"| {ms(c['max_us'])} | {c['errors'] + t['errors']} "
          f"| {t['rps']:,.1f} | {ms(t['p50_us'])} | {ms(t['p99_us'])} | {ms(t['max_us'])} |")
print()
print(f"Locks released during phase 2: {locks}. Errors count both wrk (status > 399 and socket errors).")
PY
