#!/usr/bin/env bash
# Load-tests Rookery's Conduit API on this machine and prints one markdown table.
#
#   deploy/loadtest/run.sh                       # release build, fresh embedded PostgreSQL, seed, measure
#   DURATION=5 SCENARIOS="read" deploy/loadtest/run.sh
#
# What it does: builds in release mode (skip with BUILD=0), starts `gateway` on free loopback
# ports with an embedded PostgreSQL in a temporary data dir, registers one user through the
# API (its scrypt hash becomes every seeded user's password), runs seed.sql, logs in as a
# seeded user, warms up, runs each scenario with wrk for DURATION seconds, and prints:
# scenario, req/s, p50, p99, errors (HTTP status > 399 + socket errors), and the resident
# memory of the gateway and of its workers (sum and largest RSS, and the largest worker's
# private memory and proportional set size) read from /proc once the workers are idle again after the scenario, and the requests the workers have answered so
# far (run the same scenario twice to see whether memory grows). On exit, also on Ctrl-C or an error, it stops the gateway it started (which
# stops its workers and PostgreSQL) and deletes the temp dir (KEEP=1 keeps it).
#
# Env: DURATION (10) WARMUP (3) CONNECTIONS (32) THREADS (1) WORKERS (gateway default)
#      SCENARIOS ("read write", each a <name>.lua here) BUILD (1) GATEWAY_ARGS (extra flags)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
SCENARIOS="${SCENARIOS:-read write}"
SEED_USER="loadtest"
SEED_PASSWORD="load-test-password"

log() { echo "run.sh: $*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
command -v psql >/dev/null || { log "psql is missing (apt-get install postgresql-client)"; exit 1; }
command -v curl >/dev/null || { log "curl is missing"; exit 1; }

if [ "${BUILD:-1}" = 1 ]; then
  log "building (release)"
  (cd "$ROOT" && swift build -c release --static-swift-stdlib >&2)
fi
BIN="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT="$(free_port)"
ADMIN_PORT="$(free_port)"
while [ "$ADMIN_PORT" = "$PORT" ]; do ADMIN_PORT="$(free_port)"; done

RUN="$(mktemp -d /tmp/rookery-loadtest.XXXXXX)"
chmod 755 "$RUN"  # as root the embedded PostgreSQL runs as `postgres` and must reach its data dir
GATEWAY_PID=""
cleanup() {
  local status=$?
  if [ -n "$GATEWAY_PID" ] && kill -0 "$GATEWAY_PID" 2>/dev/null; then
    kill -TERM "$GATEWAY_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$GATEWAY_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GATEWAY_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ] || [ "$status" != 0 ]; then log "kept $RUN (gateway log: $RUN/gateway.log)"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting gateway on 127.0.0.1:$PORT (admin $ADMIN_PORT), data in $RUN/data"
# shellcheck disable=SC2086
"$BIN/gateway" --host 127.0.0.1 --port "$PORT" --admin-port "$ADMIN_PORT" --data-dir "$RUN/data" \
  --log-level warning ${WORKERS:+--workers "$WORKERS"} ${GATEWAY_ARGS:-} >"$RUN/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN_PORT/readyz")" = 200 ] && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { log "gateway exited:"; tail -20 "$RUN/gateway.log" >&2; exit 1; }
  sleep 0.3
done
BASE="http://127.0.0.1:$PORT"

api() {  # api METHOD PATH BODY -> response body; fails on HTTP errors
  curl -sS --fail-with-body -X "$1" -H 'Content-Type: application/json' "$BASE$2" ${3:+--data "$3"}
}
token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["token"])'; }

log "registering $SEED_USER and seeding"
api POST /api/users "{\"user\":{\"username\":\"$SEED_USER\",\"email\":\"$SEED_USER@example.com\",\"password\":\"$SEED_PASSWORD\"}}" >/dev/null
START=$(date +%s)
psql -X -q -v ON_ERROR_STOP=1 -v seed_user="$SEED_USER" -f "$HERE/seed.sql" \
  "host=$RUN/data/run port=5432 dbname=rookery user=postgres" >"$RUN/seed.log"
log "seeded in $(($(date +%s) - START)) s: $(tail -3 "$RUN/seed.log" | head -1 | tr -s ' ')"
# user1 is the most followed author; user2 follows 14 users, user1 among them, so its feed holds
# several hundred articles (674 with this seed).
TOKEN="$(api POST /api/users/login "{\"user\":{\"email\":\"user2@example.com\",\"password\":\"$SEED_PASSWORD\"}}" | token_of)"
export TOKEN

worker_pids() { ps --ppid "$GATEWAY_PID" -o pid=,comm= | awk '$2 == "worker" {print $1}'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Pages only this process maps (heap, stacks, written data): what one more worker costs, and
# what would grow if it leaked. Its RSS also counts the binary's and libraries' shared pages.
private_kib() {
  awk '/^Private_(Clean|Dirty):/ {sum += $2} END {print sum + 0}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0
}
# Each page counted once, its shared pages split between the processes that map them: what
# a worker really costs when several run side by side.
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
memory() {  # "gateway MiB | workers sum MiB (max MiB) | largest worker private MiB | largest PSS MiB"
  local gateway sum=0 max=0 private=0 proportional=0 pid rss own pss
  gateway=$(rss_kib "$GATEWAY_PID")
  for pid in $(worker_pids); do
    rss=$(rss_kib "$pid"); sum=$((sum + rss)); [ "$rss" -gt "$max" ] && max=$rss
    own=$(private_kib "$pid"); [ "$own" -gt "$private" ] && private=$own
    pss=$(pss_kib "$pid"); [ "$pss" -gt "$proportional" ] && proportional=$pss
  done
  awk -v g="$gateway" -v s="$sum" -v m="$max" -v p="$private" -v q="$proportional" \
    'BEGIN { printf "%.1f | %.1f (max %.1f) | %.1f | %.1f", g/1024, s/1024, m/1024, p/1024, q/1024 }'
}

# Requests still queued or running when wrk stops (a registration's scrypt holds 32 MiB while
# it runs) would show as memory; wait (at most 15 s) until every worker is idle again.
wait_until_idle() {
  local i
  for i in $(seq 1 150); do
    curl -s "http://127.0.0.1:$ADMIN_PORT/status" | python3 -c '
import json, sys
status = json.load(sys.stdin)
busy = [w for w in status["workers"] if w["state"] != "idle"]
sys.exit(0 if not busy and status["queue"]["depth"] == 0 else 1)' 2>/dev/null && return 0
    sleep 0.1
  done
  log "workers still busy 15 s after the scenario; memory read anyway"
}
served() {  # requests answered by the current workers so far
  curl -s "http://127.0.0.1:$ADMIN_PORT/status" | python3 -c '
import json, sys
print(sum(w["requests"] for w in json.load(sys.stdin)["workers"]))' 2>/dev/null || echo "?"
}

WORKER_COUNT=$(worker_pids | wc -l)
ROWS=""
for scenario in $SCENARIOS; do
  script="$HERE/$scenario.lua"
  [ -f "$script" ] || { log "no scenario $script"; exit 1; }
  log "$scenario: warm-up ${WARMUP}s, then ${DURATION}s with -t$THREADS -c$CONNECTIONS"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "$BASE" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "$BASE" >"$RUN/$scenario.wrk"
  line="$(grep '^RESULT ' "$RUN/$scenario.wrk")"
  wait_until_idle
  ROWS+="$(python3 - "$scenario" "$line" "$(memory)" "$(served)" <<'PY'
import sys
name, line, memory, served = sys.argv[1:]
r = dict(kv.split("=") for kv in line.split()[1:])
rps = int(r["requests"]) / (int(r["duration_us"]) / 1e6)
ms = lambda us: f"{int(us) / 1000:.1f} ms"
errors = int(r["status_errors"]) + int(r["socket_errors"])
print(f"| {name} | {rps:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {errors} | {memory} | {served} |")
PY
)"$'\n'
done

echo
echo "Rookery load test: $(nproc) cores, $WORKER_COUNT workers, wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per scenario, $(date -u +%Y-%m-%d)"
echo
echo "| scenario | req/s | p50 | p99 | errors | gateway RSS MiB | workers RSS MiB | worker private MiB | worker PSS MiB | served so far |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s' "$ROWS"
