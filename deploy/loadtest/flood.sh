#!/usr/bin/env bash
# Cheap reads under a login flood (issue 19): what a credential-stuffing run does to everyone
# else. Prints one markdown table and the ratio.
#
#   deploy/loadtest/flood.sh                     # release build, throwaway gateway + PostgreSQL
#   GATEWAY_ARGS="--workers 8" BUILD=0 deploy/loadtest/flood.sh
#
# What it does: builds in release mode (BUILD=0 skips it), starts `gateway --auth-rate-limit 0`
# (logins from many addresses; default settings otherwise, GATEWAY_ARGS adds or overrides flags)
# with an embedded PostgreSQL in a temporary directory, registers one user and creates 30
# articles through the API, warms up, then measures the reads twice with `wrk -c$CONNECTIONS`:
#   1. alone, for DURATION seconds;
#   2. while a second wrk (-c$FLOOD_CONNECTIONS) posts valid logins for that user: the flood
#      starts 1 s before the reads and stops 1 s after them.
# Reads: READS=page (default), `GET /api/articles?limit=20` anonymous (page.lua); READS=read or
# READS=list, the kit's mixes, which first load seed.sql (~15 s; logins then spread over
# user1 … user10000). It prints reads req/s, p50, p99, max and errors in each phase, the
# ratio flood ÷ alone, and the logins: answered per second (and 200s per second), p99, and
# their count by status code (200, 503 = turned away, other = other statuses and socket
# errors). Percentiles are wrk's, corrected for coordinated omission (see common.lua's report).
# wrk runs with --timeout 60s so slow answers are measured, not dropped. The gateway, its
# workers and PostgreSQL are stopped on exit, also on Ctrl-C.
#
# Env: DURATION (10) WARMUP (3) CONNECTIONS (32) FLOOD_CONNECTIONS (32) THREADS (1) READS (page)
#      WORKERS (gateway default) GATEWAY_ARGS BUILD (1) KEEP (0)
set -euo pipefail

NAME=flood
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-32}"
FLOOD_CONNECTIONS="${FLOOD_CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
READS="${READS:-page}"
# shellcheck source=harness.sh
source "$(dirname "${BASH_SOURCE[0]}")/harness.sh"
[ -f "$HERE/$READS.lua" ] || { log "no read scenario $HERE/$READS.lua"; exit 1; }

start_gateway --auth-rate-limit 0
register_seed_user
if [ "$READS" = page ]; then
  log "creating 30 articles"
  create_articles 30
  export LOGIN_EMAIL="$SEED_USER@example.com"
  DATA="30 articles"
else
  log "seeding (seed.sql)"
  psql -X -q -v ON_ERROR_STOP=1 -v seed_user="$SEED_USER" -f "$HERE/seed.sql" \
    "host=$RUN/data/run port=5432 dbname=rookery user=postgres" >"$RUN/seed.log"
  TOKEN="$(api POST /api/users/login "{\"user\":{\"email\":\"user2@example.com\",\"password\":\"$SEED_PASSWORD\"}}" |
    json_field user token)"
  export LOGIN_USERS=10000
  DATA="seed.sql"
fi
export TOKEN PASSWORD="$SEED_PASSWORD"

reads() {  # reads SECONDS OUTPUT
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" --timeout 60s -s "$HERE/$READS.lua" "$BASE" >"$2"
}

log "warm-up ${WARMUP}s"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$HERE/$READS.lua" "$BASE" >/dev/null
log "reads alone: ${DURATION}s, -c$CONNECTIONS"
reads "$DURATION" "$RUN/alone.wrk"
log "reads under a login flood: ${DURATION}s, -c$CONNECTIONS reads + -c$FLOOD_CONNECTIONS logins"
wrk -t"$THREADS" -c"$FLOOD_CONNECTIONS" -d"$((DURATION + 2))s" --timeout 60s -s "$HERE/login.lua" "$BASE" \
  >"$RUN/logins.wrk" &
FLOOD_PID=$!
HELPER_PIDS+=("$FLOOD_PID")
sleep 1
reads "$DURATION" "$RUN/flood.wrk"
wait "$FLOOD_PID"

echo
echo "Rookery login flood: $(nproc) cores, $WORKER_COUNT workers, reads $READS.lua ($DATA), wrk -t$THREADS" \
  "-c$CONNECTIONS reads, -c$FLOOD_CONNECTIONS logins, ${DURATION}s per phase," \
  "gateway --auth-rate-limit 0${GATEWAY_ARGS:+ $GATEWAY_ARGS}, $(date -u +%Y-%m-%d)"
echo
python3 - "$RUN/alone.wrk" "$RUN/flood.wrk" "$RUN/logins.wrk" <<'PY'
import sys

def result(path):
    lines = open(path).read().splitlines()
    fields = next(line for line in lines if line.startswith("RESULT ")).split()[1:]
    r = {key: int(value) for key, value in (kv.split("=") for kv in fields)}
    status = next((line for line in lines if line.startswith("STATUS")), "STATUS").split()[1:]
    r["statuses"] = {int(code): int(count) for code, count in (kv.split("=") for kv in status)}
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["status_errors"] + r["socket_errors"]
    return r

ms = lambda us: f"{us / 1000:.1f} ms"
alone, flood, logins = (result(path) for path in sys.argv[1:4])
ok, rejected = logins["statuses"].get(200, 0), logins["statuses"].get(503, 0)
other = sum(n for code, n in logins["statuses"].items() if code not in (200, 503)) + logins["socket_errors"]
print("| phase | reads req/s | p50 | p99 | max | read errors | logins/s (200s/s) | login p99 | logins 200 | 503 | other |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, r in (("reads alone", alone), ("reads + login flood", flood)):
    login_cells = "– | – | – | – | –"
    if r is flood:
        ok_rate = ok / (logins["duration_us"] / 1e6)
        login_cells = f"{logins['rps']:,.1f} ({ok_rate:,.1f}) | {ms(logins['p99_us'])} | {ok} | {rejected} | {other}"
    print(f"| {name} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {ms(r['max_us'])} "
          f"| {r['errors']} | {login_cells} |")
print()
print(f"Reads under the flood keep {100 * flood['rps'] / alone['rps']:.1f} % of their throughput alone "
      f"(p99 {ms(flood['p99_us'])} vs {ms(alone['p99_us'])}); the flood answered "
      f"{logins['requests']} logins in {logins['duration_us'] / 1e6:.1f} s.")
PY
