#!/usr/bin/env bash
# A Rookery cluster on one machine, measured and failure-drilled: every host is a network
# namespace on one bridge; a client (wrk), HAProxy 2.6, three CPU-capped application hosts
# (a gateway with its workers each) and two PostgreSQL hosts run by Patroni with etcd (a
# primary and a streaming standby, automatic failover). See docs/scaling.md.
#
#   deploy/cluster/run.sh                   # as root: install, release build, measure, drill
#   CLUSTER_MODE=ci deploy/cluster/run.sh   # 2 app hosts, short runs, drills 1, 3 and 5
#
# It prints a markdown table (the read mix with 1, 2 and 3 hosts, one host direct vs through
# HAProxy, the standby's share of reads, each host's CPU and throttling), one line per
# drill, and last: `cluster: 3 hosts = X.XX× one host; drills: N passed, M failed`.
# Exit status 1 when a drill failed. Whatever happens (Ctrl-C, an error), it stops every
# process it started and removes its namespaces, veths, bridge, cgroups and temporary data.
#
# Env: CLUSTER_MODE (full|ci) HOST_CPU (cores per app host, 0.2) WORKERS_PER_HOST (3)
#      DURATION WARMUP CONNECTIONS DRILL_SECONDS DRILLS ("1 2 3 4 5") BUILD (1; 0 = use
#      the existing release build; debug = use `swift build`'s debug build, as CI does when
#      it has no release build) CPU_SHARES (8192: cpu.shares of each host's cgroup)
#      READY_PATH (/readyz) KEEP (1 = keep the logs) RESULTS (a file that receives the
#      table and the drill lines)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PREFIX=rkc
SUBNET=10.77.15
PG_BIN=/usr/lib/postgresql/15/bin

CLUSTER_MODE="${CLUSTER_MODE:-full}"
if [[ "$CLUSTER_MODE" == ci ]]; then
    APP_HOSTS="app1 app2"; DURATION="${DURATION:-6}"; WARMUP="${WARMUP:-2}"
    DRILL_SECONDS="${DRILL_SECONDS:-12}"; DRILLS="${DRILLS:-1 3 5}"
else
    APP_HOSTS="app1 app2 app3"; DURATION="${DURATION:-15}"; WARMUP="${WARMUP:-3}"
    DRILL_SECONDS="${DRILL_SECONDS:-20}"; DRILLS="${DRILLS:-1 2 3 4 5}"
fi
# 0.2: at 0.3, three hosts plus their database, balancer and wrk need more than 2 cores.
HOST_CPU="${HOST_CPU:-0.2}"
WORKERS_PER_HOST="${WORKERS_PER_HOST:-3}"
CONNECTIONS="${CONNECTIONS:-128}"
READY_PATH="${READY_PATH:-/readyz}"
CHECK_INTER_MS=1000 CHECK_FALL=2 CHECK_RISE=2
LAG_MS=2000
MAX_REPLICA_LAG=5
DRAIN_DELAY=3
PAIRS=200
TOKEN_USERS=90
# Bounds: whatever the environment says, every load run and drill stops by itself.
((DURATION <= 120 && WARMUP <= 30 && DRILL_SECONDS <= 120)) || { echo "run.sh: DURATION <= 120, WARMUP <= 30, DRILL_SECONDS <= 120" >&2; exit 2; }

log() { echo "cluster [+${SECONDS}s]: $*" >&2; }
[[ $(id -u) == 0 ]] || { log "run as root (namespaces, cgroups, PostgreSQL as postgres)"; exit 1; }
[[ -d /sys/fs/cgroup/cpu && -f /sys/fs/cgroup/cpuacct/cpuacct.usage ]] || { log "needs cgroup v1 cpu and cpuacct controllers"; exit 1; }

# shellcheck source=deploy/cluster/lib/topology.sh
source "$HERE/lib/topology.sh"
# shellcheck source=deploy/cluster/lib/database.sh
source "$HERE/lib/database.sh"
# shellcheck source=deploy/cluster/lib/apps.sh
source "$HERE/lib/apps.sh"
# shellcheck source=deploy/cluster/lib/measure.sh
source "$HERE/lib/measure.sh"
# shellcheck source=deploy/cluster/lib/drills.sh
source "$HERE/lib/drills.sh"

# 1. What it needs, from Debian's packages; services the packages would start are not.
install_packages() {
    local missing=() pkg
    for pkg in haproxy patroni etcd-server etcd-client python3-etcd python3-psycopg2 wrk curl iproute2 \
        postgresql-15 postgresql-client-15 libpq-dev libssl-dev pkg-config util-linux; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]}"
    local guard=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    ((guard)) && rm -f /usr/sbin/policy-rc.d
    return 0
}
install_packages
command -v swift >/dev/null || { log "swift is not on PATH: install the Swift 6 toolchain"; exit 1; }
if [[ "${BUILD:-1}" == 1 ]]; then
    log "building Rookery (release)"
    build_start=$SECONDS
    (cd "$ROOT" && swift build -c release --static-swift-stdlib --product worker >&2 &&
        swift build -c release --static-swift-stdlib --product gateway >&2)
    log "release build: $((SECONDS - build_start)) s"
fi
if [[ "${BUILD:-1}" == debug ]]; then
    # deploy/test.sh's own build: the drills need no release build, the figures would.
    BIN="$(cd "$ROOT" && swift build --show-bin-path)"
else
    BIN="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)"
fi
[[ -x "$BIN/gateway" && -x "$BIN/worker" ]] || { log "no build in $BIN (BUILD=1 makes a release build)"; exit 1; }

# One run at a time; a run killed with SIGKILL leaves namespaces and cgroups that the next
# run removes before it starts.
exec 9>/run/lock/rookery-cluster.lock
flock -n 9 || { log "another cluster run is active"; exit 1; }
if ip netns list | grep -q "^$PREFIX-" || [[ -d "$CG_CPU/$PREFIX" ]]; then
    log "removing what an interrupted run left"
    topology_down
fi

RUN="$(mktemp -d /tmp/rookery-cluster.XXXXXX)"
chmod 755 "$RUN"  # PostgreSQL and Patroni run as postgres below it
SUPERUSER_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
REPLICATION_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
APP_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
STARTED_AT=$SECONDS

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if ((status != 0)); then
        log "failed (status $status); last log lines:"
        for f in "$RUN"/*/*.log; do [[ -f "$f" ]] && { echo "--- $f" >&2; tail -n 5 "$f" >&2; }; done
    fi
    log "stopping everything"
    topology_down
    if [[ "${KEEP:-0}" == 1 ]]; then log "kept $RUN"; else rm -rf "$RUN"; fi
    log "done in $((SECONDS - STARTED_AT)) s"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 2. The topology.
log "topology: $PREFIX-* namespaces on $SUBNET.0/24"
topology_up client lb $APP_HOSTS db1 db2 dcs
for host in client lb $APP_HOSTS db1 db2 dcs; do cgroup_quota "$host" max; done

# 3. The database hosts.
log "etcd, Patroni: db1 primary, db2 streaming standby"
database_up

# 4. The application hosts, then the data set (deploy/loadtest's seed) and the users' tokens.
log "application hosts: $APP_HOSTS ($WORKERS_PER_HOST workers each)"
apps_up
log "seeding (deploy/loadtest/seed.sql)"
in_ns client curl -sS --fail-with-body -o /dev/null -H 'Content-Type: application/json' \
    --data '{"user":{"username":"loadtest","email":"loadtest@example.com","password":"load-test-password"}}' \
    "http://$(ip_of app1):$APP_PORT/api/users"
seed_start=$SECONDS
psql -X -q -v ON_ERROR_STOP=1 -v seed_user=loadtest -f "$ROOT/deploy/loadtest/seed.sql" \
    "host=$RUN/db1/run port=5432 dbname=rookery user=postgres" >"$RUN/seed.log"
wait_streaming 120
log "seeded and replicated in $((SECONDS - seed_start)) s"
app_urls=""
for host in $APP_HOSTS; do app_urls+="${app_urls:+,}http://$(ip_of "$host"):$APP_PORT"; done
users() { seq -f 'user%g' -s , "$1" "$2"; }
in_ns client python3 "$HERE/probe.py" login --base "$app_urls" --users "$(users 101 $((100 + TOKEN_USERS)))" >"$RUN/all-tokens"
log "$TOKEN_USERS users logged in"
in_ns client python3 "$HERE/probe.py" login --base "$app_urls" --users "$(users 9001 9008)" >"$RUN/probe-tokens"

# 5. The balancer.
log "HAProxy on $(ip_of lb):80"
haproxy_start
LB_URL="http://$(ip_of lb)"
pool $APP_HOSTS

# The quota makes each application host, not the machine, the bottleneck.
for host in $APP_HOSTS; do cgroup_quota "$host" "$HOST_CPU"; done
log "app hosts capped at $HOST_CPU CPU each; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 6. Measurements.
set -- $APP_HOSTS
if [[ "$CLUSTER_MODE" != ci ]]; then
    pool app1
    measure "1 host, direct" "http://$(ip_of app1):$APP_PORT"
fi
used=()
for host in $APP_HOSTS; do
    used+=("$host")
    pool "${used[@]}"
    pool_tokens "${used[@]}"
    measure "${#used[@]} host$([[ ${#used[@]} -gt 1 ]] && echo s) via HAProxy" "$LB_URL"
done
all="${#used[@]} hosts via HAProxy"
factor=$(awk -v a="${RPS[$all]}" -v b="${RPS[1 host via HAProxy]}" 'BEGIN { printf "%.2f", a / b }')
load_during="$(cut -d' ' -f1-3 /proc/loadavg)"

# 7. Drills.
pool $APP_HOSTS
pool_tokens $APP_HOSTS
for n in $DRILLS; do
    case $n in
        1) drill_host_kill ;;
        2) drill_drain ;;
        3) drill_replica_lag ;;
        4) drill_standby_stop ;;
        5) drill_primary_kill ;;
        *) log "no drill $n" ;;
    esac
done

report() {
    echo
    local kind=release
    [[ "${BUILD:-1}" == debug ]] && kind="DEBUG (figures not comparable)"
    echo "Rookery cluster, $(date -u +%Y-%m-%d), $kind build: $# app hosts × $HOST_CPU CPU ($WORKERS_PER_HOST workers), read mix (deploy/loadtest) on behalf of up to $TOKEN_USERS users (as many on each host), wrk -t1 -c$CONNECTIONS, ${DURATION} s per run; $(nproc) cores, load average $load_during"
    echo
    table_header
    printf '%s' "$TABLE_ROWS"
    echo
    echo "| drill | what | result | figures |"
    echo "|---:|---|---|---|"
    printf '%s' "$DRILL_LINES"
    echo
    echo "cluster: $# hosts = ${factor}× one host; drills: $PASSED passed, $FAILED failed"
}
report $APP_HOSTS | tee "${RESULTS:-/dev/null}"
((FAILED == 0))
