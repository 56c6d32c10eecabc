# shellcheck shell=bash disable=SC2034  # its variables are for the scripts that source it
# Shared by flood.sh and stall.sh (sourced, not run): builds, starts one gateway with an embedded
# PostgreSQL in a temporary directory, creates a small data set through the API, and on exit
# (also on Ctrl-C or an error) stops every process it started, by pid, and deletes the
# directory (KEEP=1 keeps it; it is kept after a failure too).
#
# The sourcing script sets NAME (prefix of its log lines) before sourcing.
# Env: BUILD (1) KEEP (0) WORKERS (gateway default) GATEWAY_ARGS (extra gateway flags, last wins)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SEED_USER="loadtest"
SEED_PASSWORD="load-test-password"

log() { echo "${NAME:-loadtest}: $*" >&2; }

command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y wrk >/dev/null || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }; }
command -v psql >/dev/null || { log "psql is missing (apt-get install postgresql-client)"; exit 1; }
command -v curl >/dev/null || { log "curl is missing"; exit 1; }

if [ "${BUILD:-1}" = 1 ]; then
  log "building (release)"
  (cd "$ROOT" && swift build -c release --static-swift-stdlib >&2)
fi
BIN="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)"
[ -x "$BIN/gateway" ] || { log "no release build in $BIN (BUILD=1 builds it)"; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

RUN="$(mktemp -d "/tmp/rookery-${NAME:-loadtest}.XXXXXX")"
chmod 755 "$RUN"  # as root the embedded PostgreSQL runs as `postgres` and must reach its data dir
GATEWAY_PID=""
HELPER_PIDS=()  # wrk and psql started in the background: stopped before the gateway

stop_pid() {  # stop_pid PID: SIGTERM, up to 10 s, then SIGKILL
  kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  local status=$? pid
  for pid in "${HELPER_PIDS[@]}"; do stop_pid "$pid"; done
  [ -n "$GATEWAY_PID" ] && stop_pid "$GATEWAY_PID"  # stops its workers and PostgreSQL
  if [ "${KEEP:-0}" = 1 ] || [ "$status" != 0 ]; then log "kept $RUN (gateway log: $RUN/gateway.log)"; else rm -rf "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_gateway() {  # start_gateway [FLAGS...]: sets GATEWAY_PID, BASE, WORKER_COUNT
  local port admin_port
  port="$(free_port)"
  admin_port="$(free_port)"
  while [ "$admin_port" = "$port" ]; do admin_port="$(free_port)"; done
  log "starting gateway on 127.0.0.1:$port (admin $admin_port), data in $RUN/data"
  # shellcheck disable=SC2086
  "$BIN/gateway" --host 127.0.0.1 --port "$port" --admin-port "$admin_port" --data-dir "$RUN/data" \
    --log-level warning ${WORKERS:+--workers "$WORKERS"} "$@" ${GATEWAY_ARGS:-} >"$RUN/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin_port/readyz")" = 200 ] && break
    kill -0 "$GATEWAY_PID" 2>/dev/null || { log "gateway exited:"; tail -20 "$RUN/gateway.log" >&2; exit 1; }
    sleep 0.3
  done
  BASE="http://127.0.0.1:$port"
  WORKER_COUNT=$(pgrep -c -x -P "$GATEWAY_PID" worker || true)
}

api() {  # api METHOD PATH [BODY] [TOKEN] -> response body; fails on HTTP errors
  curl -sS --fail-with-body -X "$1" -H 'Content-Type: application/json' ${4:+-H "Authorization: Token $4"} \
    "$BASE$2" ${3:+--data "$3"}
}
json_field() {  # json_field KEY... < JSON: prints json[KEY][KEY]...
  python3 -c 'import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[key]
print(value)' "$@"
}

register_seed_user() {  # registers SEED_USER; sets TOKEN
  TOKEN="$(api POST /api/users \
    "{\"user\":{\"username\":\"$SEED_USER\",\"email\":\"$SEED_USER@example.com\",\"password\":\"$SEED_PASSWORD\"}}" |
    json_field user token)"
}

create_articles() {  # create_articles N: N articles by SEED_USER, two tags each; sets SLUGS (comma-separated)
  local i slug slugs=()
  for i in $(seq 1 "$1"); do
    slug="$(api POST /api/articles "{\"article\":{\"title\":\"Load test article $i\",\"description\":\"Article $i of the small data set.\",\"body\":\"$(printf 'Some words about load. %.0s' $(seq 1 20))\",\"tagList\":[\"loadtest\",\"topic$((i % 5 + 1))\"]}}" "$TOKEN" |
      json_field article slug)"
    slugs+=("$slug")
  done
  SLUGS="$(IFS=,; echo "${slugs[*]}")"
}

result_field() {  # result_field FILE KEY: a value of the RESULT line common.lua's report() wrote
  grep '^RESULT ' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'
}
