# shellcheck shell=bash
# Load runs through the balancer (or straight at one host) with deploy/loadtest's read mix on
# behalf of many users, and what each host's cgroup used meanwhile: CPU (cpuacct) and how
# often its quota throttled it (cpu.stat). One markdown row per run.
#
# Sourced by run.sh. Uses: RUN, HERE, APP_HOSTS, ADMIN_PORT, DURATION, WARMUP, CONNECTIONS,
# spawn, in_ns, ip_of, cgroup_*, log().

TABLE_ROWS=""
declare -A RPS=()

LB_URL=""  # set by run.sh once the balancer is up

# wrk_run URL SECONDS OUT [extra wrk flags]: the read mix for SECONDS; wrk's report to OUT.
# It runs in the client's cgroup, and is waited for with `wait`, which a signal interrupts at
# once (a foreground wrk would hold off Ctrl-C until it finishes).
wrk_run() {
    local url=$1 seconds=$2 out=$3
    shift 3
    spawn client "$out" env TOKENS_FILE="$RUN/tokens" \
        wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency "$@" -s "$HERE/read-many-users.lua" "$url"
    wait "$SPAWNED" || true
}

# wrk_field OUT NAME: one value of wrk's RESULT line (requests, duration_us, p50_us, p99_us,
# status_errors, socket_errors).
wrk_field() {
    grep '^RESULT ' "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'
}
wrk_errors() { echo $(($(wrk_field "$1" status_errors) + $(wrk_field "$1" socket_errors))); }
wrk_rps() { awk -v r="$(wrk_field "$1" requests)" -v d="$(wrk_field "$1" duration_us)" 'BEGIN { printf "%.0f\n", r / (d / 1e6) }'; }

# Snapshot of every host's counters, "host usage_ns periods throttled" lines.
cpu_snapshot() {
    local host
    for host in $APP_HOSTS db1 db2 lb client; do
        echo "$host $(cgroup_usage_ns "$host") $(cgroup_throttling "$host")"
    done
}

# cpu_cell BEFORE AFTER HOST SECONDS: "0.29 (81 %)" = cores used, share of periods throttled.
cpu_cell() {
    awk -v h="$3" -v s="$4" '
        FNR == NR && $1 == h { u = $2; p = $3; t = $4; next }
        $1 == h { cores = ($2 - u) / 1e9 / s; periods = $3 - p; throttled = $4 - t
                  if (periods > 0) printf "%.2f (%d %%)", cores, 100 * throttled / periods
                  else printf "%.2f", cores }' "$1" "$2"
}

# "replica primary": read requests the application hosts have answered from the standby and
# from the primary so far (rookery_database_reads_total on each host's admin listener).
reads_by_target() {
    local host
    for host in $APP_HOSTS; do
        in_ns "$host" curl -s --max-time 2 "http://127.0.0.1:$ADMIN_PORT/metrics" || true
    done | awk '/^rookery_database_reads_total\{/ {
            if ($0 ~ /target="replica"/) r += $NF; else if ($0 ~ /target="primary"/) p += $NF }
        END { printf "%d %d\n", r, p }'
}

# measure NAME URL: warm-up, then DURATION seconds of the read mix; appends a table row and
# remembers req/s in RPS[NAME].
measure() {
    local name=$1 url=$2 out="$RUN/wrk-${1// /-}.txt" before after host cells="" seconds
    local reads_before reads_after
    [[ "$url" == "$LB_URL" ]] || cp "$RUN/all-tokens" "$RUN/tokens"
    log "$name: $(grep -c . "$RUN/tokens") users; warm-up ${WARMUP}s, then ${DURATION}s (wrk -c$CONNECTIONS)"
    wrk_run "$url" "$WARMUP" /dev/null
    cpu_snapshot >"$RUN/cpu.before"
    reads_before=$(reads_by_target)
    wrk_run "$url" "$DURATION" "$out"
    cpu_snapshot >"$RUN/cpu.after"
    reads_after=$(reads_by_target)
    [[ -n "$(wrk_field "$out" requests)" ]] || { log "wrk failed:"; cat "$out" >&2; return 1; }
    seconds=$(awk -v d="$(wrk_field "$out" duration_us)" 'BEGIN { print d / 1e6 }')
    RPS[$name]=$(wrk_rps "$out")
    for host in $APP_HOSTS; do cells+=" $(cpu_cell "$RUN/cpu.before" "$RUN/cpu.after" "$host" "$seconds") |"; done
    for host in db1 db2 lb client; do cells+=" $(cpu_cell "$RUN/cpu.before" "$RUN/cpu.after" "$host" "$seconds") |"; done
    local standby_share
    standby_share=$(awk -v b="$reads_before" -v a="$reads_after" 'BEGIN {
        split(b, x, " "); split(a, y, " "); r = y[1] - x[1]; p = y[2] - x[2]
        if (r + p > 0) printf "%d %%", 100 * r / (r + p); else print "-" }')
    TABLE_ROWS+="| $name | ${RPS[$name]} | $(awk -v u="$(wrk_field "$out" p50_us)" 'BEGIN { printf "%.1f ms", u / 1000 }') | $(awk -v u="$(wrk_field "$out" p99_us)" 'BEGIN { printf "%.1f ms", u / 1000 }') | $(wrk_errors "$out") | $standby_share |$cells"$'\n'
}

table_header() {
    local host header="| setup | req/s | p50 | p99 | errors | reads on standby |" rule="|---|---:|---:|---:|---:|---:|"
    for host in $APP_HOSTS; do header+=" $host CPU |"; rule+="---:|"; done
    header+=" db1 (primary) CPU | db2 (standby) CPU | HAProxy CPU | wrk CPU |"
    rule+="---:|---:|---:|---:|"
    echo "$header"
    echo "$rule"
}
