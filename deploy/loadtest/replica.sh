#!/usr/bin/env bash
# /db-style reads through a streaming standby vs the primary, on this machine. Prints one
# markdown table: req/s, p50, p99, errors, and the CPU each PostgreSQL used (cores busy, and
# its share of the CPU the serving stack used: both servers, the gateway and its workers; wrk
# and anything else on the machine are left out).
#
#   deploy/loadtest/replica.sh             # uses the release build (BUILD=1 builds it first)
#
# What it does: initdb a throwaway primary, pg_basebackup -R a standby from it, both on UNIX
# sockets in a temp dir; then runs the gateway (--bench-routes) twice on the same primary, once
# with --database-read-url pointing at the standby and once without, each under wrk for
# DURATION seconds of GET /db (one random `world` row). CPU is read from /proc (utime+stime of
# each server's postmaster and its children, of the gateway and its workers, and of wrk).
#
# Env: DURATION (10) WARMUP (3) CONNECTIONS (32) WORKERS (gateway default) BUILD (0) KEEP (0)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
log() { echo "replica.sh: $*" >&2; }

[ "${BUILD:-0}" = 1 ] && (cd "$ROOT" && swift build -c release >&2)
BIN="$(cd "$ROOT" && swift build -c release --show-bin-path)"
[ -x "$BIN/gateway" ] || { log "no release build in $BIN (BUILD=1 builds it)"; exit 1; }

RUN="$(mktemp -d /tmp/rookery-replica.XXXXXX)"
chmod 755 "$RUN"
as_postgres() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$RUN"
PIDS=()
cleanup() {
  local status=$? pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; done
  if [ "${KEEP:-0}" = 1 ] || [ "$status" != 0 ]; then log "kept $RUN"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {  # start_server NAME -> postmaster pid
  as_postgres "$PGBIN/postgres" -D "$RUN/$1" -k "$RUN" -p "$2" -c listen_addresses= -c fsync=off \
    >"$RUN/$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do psql -h "$RUN" -p "$2" -U postgres -d postgres -Atc 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
  echo "$pid"
}
postmaster() { head -1 "$RUN/$1/postmaster.pid"; }  # the server itself (start_server gives its launcher)
as_postgres "$PGBIN/initdb" -D "$RUN/primary" -U postgres --auth=trust --no-sync >/dev/null
PRIMARY=$(start_server primary 5541); PIDS+=("$PRIMARY")
psql -h "$RUN" -p 5541 -U postgres -d postgres -qc 'CREATE DATABASE rookery'
as_postgres "$PGBIN/pg_basebackup" -h "$RUN" -p 5541 -U postgres -D "$RUN/standby" -R -X stream --checkpoint=fast --no-sync
STANDBY=$(start_server standby 5542); PIDS+=("$STANDBY")
PRIMARY_URL="host=$RUN port=5541 dbname=rookery user=postgres"
STANDBY_URL="host=$RUN port=5542 dbname=rookery user=postgres"

ticks() {  # ticks PID...: utime+stime of each PID and all its children, summed
  python3 - "$@" <<'PY'
import os, sys
roots = {int(p) for p in sys.argv[1:]}
total = 0
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    try:
        stat = open(f"/proc/{entry}/stat").read()
    except OSError:
        continue
    fields = stat[stat.rindex(")") + 2:].split()
    if int(entry) in roots or int(fields[1]) in roots:
        total += int(fields[11]) + int(fields[12])
print(total)
PY
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

HZ=$(getconf CLK_TCK)
ROWS=""
for mode in replica primary; do
  PORT=$(free_port); ADMIN=$(free_port)
  args=(--port "$PORT" --admin-port "$ADMIN" --data-dir "$RUN/data-$mode" --bench-routes --log-level warning)
  [ -n "${WORKERS:-}" ] && args+=(--workers "$WORKERS")
  [ "$mode" = replica ] && args+=(--database-read-url "$STANDBY_URL")
  DATABASE_URL="$PRIMARY_URL" JWT_SECRET=replica-benchmark-secret-0123456789 "$BIN/gateway" "${args[@]}" \
    >"$RUN/gateway-$mode.log" 2>&1 &
  GATEWAY=$!; PIDS+=("$GATEWAY")
  for _ in $(seq 1 300); do [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/readyz")" = 200 ] && break; sleep 0.2; done
  # The standby must have replayed the benchmark tables before it can answer.
  for _ in $(seq 1 100); do psql -h "$RUN" -p 5542 -U postgres -d rookery -Atc 'SELECT count(*) FROM world' >/dev/null 2>&1 && break; sleep 0.2; done
  log "$mode: warm-up ${WARMUP}s, then ${DURATION}s of GET /db with -c$CONNECTIONS"
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/db.lua" "http://127.0.0.1:$PORT" >/dev/null
  p0=$(ticks "$(postmaster primary)"); s0=$(ticks "$(postmaster standby)"); g0=$(ticks "$GATEWAY")
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/db.lua" "http://127.0.0.1:$PORT" >"$RUN/$mode.wrk"
  p1=$(ticks "$(postmaster primary)"); s1=$(ticks "$(postmaster standby)"); g1=$(ticks "$GATEWAY")
  reads=$(curl -s "http://127.0.0.1:$ADMIN/metrics" | awk '/^rookery_database_reads_total\{target="replica"\}/ {print $2}')
  rps=$(awk '/Requests\/sec/ {print $2}' "$RUN/$mode.wrk")
  p50=$(awk '$1 == "50%" {print $2}' "$RUN/$mode.wrk"); p99=$(awk '$1 == "99%" {print $2}' "$RUN/$mode.wrk")
  errors=$(awk '/Non-2xx|Socket errors/ {n += $NF} END {print n + 0}' "$RUN/$mode.wrk")
  ROWS+=$(awk -v m="$mode" -v r="$rps" -v p50="$p50" -v p99="$p99" -v e="$errors" -v hz="$HZ" -v d="$DURATION" \
    -v p=$((p1 - p0)) -v s=$((s1 - s0)) -v g=$((g1 - g0)) -v a=$((p1 - p0 + s1 - s0 + g1 - g0)) -v rr="${reads:-0}" \
    'BEGIN { printf "| %s | %s | %s | %s | %s | %.2f (%.0f%%) | %.2f (%.0f%%) | %.2f (%.0f%%) | %s |\n",
      m, r, p50, p99, e, p/hz/d, 100*p/a, s/hz/d, 100*s/a, g/hz/d, 100*g/a, rr }')$'\n'
  kill -TERM "$GATEWAY"; for _ in $(seq 1 100); do kill -0 "$GATEWAY" 2>/dev/null || break; sleep 0.1; done
done

echo
echo "GET /db, ${DURATION}s, -c$CONNECTIONS, $(nproc) cores; CPU as cores busy (share of the serving stack's CPU)"
echo
echo "| reads on | req/s | p50 | p99 | errors | primary CPU | standby CPU | gateway+workers CPU | replica reads (counter) |"
echo "|---|---|---|---|---|---|---|---|---|"
printf "%s" "$ROWS"
