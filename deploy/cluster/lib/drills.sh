# shellcheck shell=bash
# Failure drills, each under load (the read mix through the balancer, plus request probes),
# each ending in one line: "drill N (name): PASS|FAIL - figures". PASSED and FAILED count.
#
# Sourced by run.sh. Uses: RUN, HERE, LB_URL, APP_HOSTS, DRILL_SECONDS, CHECK_INTER_MS,
# CHECK_FALL, and the functions of the other parts.

PASSED=0
FAILED=0
DRILL_LINES=""

verdict() {  # verdict N NAME OK FIGURES
    local word=FAIL
    if [[ "$3" == 1 ]]; then word=PASS; PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
    local line="drill $1 ($2): $word - $4"
    echo "$line"
    DRILL_LINES+="| $1 | $2 | $word | $4 |"$'\n'
}

# background_load SECONDS OUT: the read mix through the balancer, in the background.
background_load() {
    spawn client "$2" env TOKENS_FILE="$RUN/tokens" wrk -t1 -c"$CONNECTIONS" -d"${1}s" \
        -s "$HERE/read-many-users.lua" "$LB_URL"
    LOAD_PID=$SPAWNED
}

# probe MODE OUT ARGS...: probe.py in the client namespace, in the background.
probe() {
    local mode=$1 out=$2
    shift 2
    spawn client "$out" python3 "$HERE/probe.py" "$mode" --base "$LB_URL" --tokens "$RUN/probe-tokens" "$@"
    PROBE_PID=$SPAWNED
}

wait_pid() {  # wait_pid PID: until PID has exited (it is a child of this shell)
    wait "$1" 2>/dev/null || true
}

json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, d))' "$2" <"$1"; }

# 1. SIGKILL one host's gateway: HAProxy retries its GETs elsewhere, takes it out of the
#    pool within inter x fall, and back in after it restarts.
drill_host_kill() {
    local victim=app2 down up limit ok=1 figures
    pool $APP_HOSTS
    background_load "$DRILL_SECONDS" "$RUN/drill1.wrk"
    sleep 3
    local killed restarted
    killed=$(date +%s.%N)
    kill -KILL "${GATEWAY_PID[$victim]}"
    wait_pid "${GATEWAY_PID[$victim]}"
    down=$(wait_status "$victim" '^DOWN' 15 "$killed") || { down="never"; ok=0; }
    wait_host_empty "$victim" 10 || { log "$victim's workers outlived their gateway"; ok=0; }
    restarted=$(date +%s.%N)
    gateway_start "$victim"
    up=$(wait_status "$victim" '^UP$' 60 "$restarted") || { up="never"; ok=0; }
    wait_pid "$LOAD_PID"
    limit=$(awk -v i="$CHECK_INTER_MS" -v f="$CHECK_FALL" 'BEGIN { printf "%.1f", i * f / 1000 }')
    # The checks run every inter, so the host is out at most inter x fall after the kill; one
    # more second is allowed for this script's polling of the stats socket on a loaded machine.
    [[ "$down" != never ]] && awk -v d="$down" -v l="$limit" 'BEGIN { exit !(d > l + 1) }' && ok=0
    local errors requests
    errors=$(wrk_errors "$RUN/drill1.wrk")
    requests=$(wrk_field "$RUN/drill1.wrk" requests)
    [[ "$errors" == 0 ]] || ok=0
    figures="$errors failed of $requests GETs; out of the pool $down s after the kill (inter x fall = $limit s); back $up s after the restart"
    verdict 1 "SIGKILL a host's gateway" "$ok" "$figures"
}

# 2. Drain one host through HAProxy's runtime API, then SIGTERM its gateway: no request of
#    any method fails.
drill_drain() {
    local victim=app3 ok=1 i
    [[ " $APP_HOSTS " == *" $victim "* ]] || victim=app2
    pool $APP_HOSTS
    background_load "$DRILL_SECONDS" "$RUN/drill2.wrk"
    probe mixed "$RUN/drill2.probe" --seconds $((DRILL_SECONDS - 2)) --threads 4
    sleep 3
    haproxy_cmd "set server rookery/$victim state drain" >/dev/null
    # Wait until the requests it is serving have been answered (at most 10 s).
    for i in $(seq 1 100); do
        [[ "$(haproxy_cmd "show stat" | awk -F, -v h="$victim" '$1 == "rookery" && $2 == h { print $5 }')" == 0 ]] && break
        sleep 0.1
    done
    kill -TERM "${GATEWAY_PID[$victim]}"
    wait_pid "${GATEWAY_PID[$victim]}"
    wait_host_empty "$victim" 40 || { log "$victim did not stop after SIGTERM"; ok=0; }
    gateway_start "$victim"
    haproxy_cmd "set server rookery/$victim state ready" >/dev/null
    wait_status "$victim" '^UP$' 60 >/dev/null || ok=0
    wait_pid "$LOAD_PID"; wait_pid "$PROBE_PID"
    local errors failed client_errors requests
    errors=$(wrk_errors "$RUN/drill2.wrk")
    failed=$(json_field "$RUN/drill2.probe" failed) || failed="?"
    client_errors=$(json_field "$RUN/drill2.probe" client_errors) || client_errors="?"
    requests=$(json_field "$RUN/drill2.probe" 'requests') || requests="?"
    [[ "$errors" == 0 && "$failed" == 0 && "$client_errors" == 0 ]] || ok=0
    verdict 2 "drain then SIGTERM a host" "$ok" \
        "$((failed + 0)) failed of $requests GET/POST/PUT/DELETE requests ($client_errors 4xx), $errors failed of $(wrk_field "$RUN/drill2.wrk" requests) read-mix GETs"
}

# standby_apply_delay SECONDS: how long the standby takes to show a write made through the
# API (the injected lag, seen from outside).
standby_apply_delay() {
    local marker="lag probe $RANDOM$RANDOM" start i token
    token="$(head -n 1 "$RUN/probe-tokens")"
    start=$(date +%s.%N)
    in_ns client curl -s -o /dev/null -X PUT -H "Authorization: Token $token" -H 'Content-Type: application/json' \
        --data "{\"user\":{\"bio\":\"$marker\"}}" "$LB_URL/api/user"
    for i in $(seq 1 $(($1 * 10))); do
        if [[ "$(PSQL_DB=rookery psql_on db2 -Atc "SELECT count(*) FROM users WHERE bio = '$marker'")" == 1 ]]; then
            awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", e - s }'
            return 0
        fi
        sleep 0.1
    done
    echo "never"
}

set_apply_delay() {  # set_apply_delay VALUE|null: through Patroni, so it survives restarts
    patronictl_run edit-config --force --quiet -s "postgresql.parameters.recovery_min_apply_delay=$1" >/dev/null
}

# 3. Replica lag injected with recovery_min_apply_delay: every write-then-read pair through
#    the balancer sees its write.
drill_replica_lag() {
    local ok=1 delay i shown
    set_apply_delay "${LAG_MS}ms"
    for i in $(seq 1 100); do
        shown=$(PSQL_DB=postgres psql_on db2 -Atc "SHOW recovery_min_apply_delay" 2>/dev/null || true)
        [[ "$shown" != 0 && -n "$shown" ]] && break
        sleep 0.1
    done
    delay=$(standby_apply_delay 20)
    # Without a visible lag the pairs would prove nothing.
    [[ "$delay" != never ]] && awk -v d="$delay" 'BEGIN { exit !(d < 1) }' && ok=0
    local reads_before reads_after standby_reads
    reads_before=$(reads_by_target)
    background_load "$DRILL_SECONDS" "$RUN/drill3.wrk"
    probe pairs "$RUN/drill3.probe" --count "$PAIRS"
    wait "$PROBE_PID" || ok=0
    wait_pid "$LOAD_PID"
    reads_after=$(reads_by_target)
    # The standby must have served reads meanwhile, or the pairs tested nothing.
    standby_reads=$(awk -v b="$reads_before" -v a="$reads_after" 'BEGIN { split(b, x, " "); split(a, y, " "); print y[1] - x[1] }')
    ((standby_reads > 0)) || ok=0
    set_apply_delay null
    wait_streaming 60 || true
    local violations failed
    violations=$(json_field "$RUN/drill3.probe" violations) || violations="?"
    failed=$(json_field "$RUN/drill3.probe" failed) || failed="?"
    [[ "$violations" == 0 && "$failed" == 0 ]] || ok=0
    verdict 3 "replica lag" "$ok" \
        "$violations read-your-writes violations in $PAIRS write-then-read pairs ($failed failed); the standby showed a write $delay s after it (recovery_min_apply_delay ${LAG_MS} ms) and served $standby_reads reads meanwhile"
}

# 4. Stop the standby (its Patroni stops its PostgreSQL): no request fails; it rejoins.
drill_standby_stop() {
    local ok=1
    pool $APP_HOSTS
    background_load "$DRILL_SECONDS" "$RUN/drill4.wrk"
    probe mixed "$RUN/drill4.probe" --seconds $((DRILL_SECONDS - 2)) --threads 4
    sleep 3
    signal_host db2 TERM
    wait_pid "${PATRONI_PID[db2]}"
    wait_host_empty db2 30 || { signal_host db2 KILL; ok=0; }
    sleep 5
    patroni_start db2
    wait_pid "$LOAD_PID"; wait_pid "$PROBE_PID"
    wait_role db2 replica 60 || ok=0
    wait_streaming 60 || ok=0
    local errors failed client_errors requests
    errors=$(wrk_errors "$RUN/drill4.wrk")
    failed=$(json_field "$RUN/drill4.probe" failed) || failed="?"
    client_errors=$(json_field "$RUN/drill4.probe" client_errors) || client_errors="?"
    requests=$(json_field "$RUN/drill4.probe" requests) || requests="?"
    [[ "$errors" == 0 && "$failed" == 0 && "$client_errors" == 0 ]] || ok=0
    verdict 4 "stop the standby" "$ok" \
        "$((errors + failed)) failed of $(($(wrk_field "$RUN/drill4.wrk" requests) + requests)) requests (read mix + probe writes), standby back and streaming"
}

# 5. Kill the primary's database host (Patroni and PostgreSQL, SIGKILL): GETs keep answering
#    200, writes answer 503 until Patroni promotes the standby, then succeed again.
drill_primary_kill() {
    local ok=1 promoted start
    pool $APP_HOSTS
    local seconds=$((DRILL_SECONDS + 20))
    background_load "$seconds" "$RUN/drill5.wrk"
    probe writes "$RUN/drill5.probe" --seconds $((seconds - 2))
    sleep 3
    start=$(date +%s.%N)
    signal_host db1 KILL
    wait_pid "${PATRONI_PID[db1]}"
    if wait_role db2 primary 45; then
        promoted=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
    else
        promoted="never"; ok=0
    fi
    wait_pid "$LOAD_PID"; wait_pid "$PROBE_PID"
    local errors requests gets writes outage recovered
    errors=$(wrk_errors "$RUN/drill5.wrk")
    requests=$(wrk_field "$RUN/drill5.wrk" requests)
    gets=$(json_field "$RUN/drill5.probe" 'gets') || gets="?"
    writes=$(json_field "$RUN/drill5.probe" 'writes') || writes="?"
    outage=$(json_field "$RUN/drill5.probe" write_outage_s) || outage="?"
    recovered=$(json_field "$RUN/drill5.probe" writes_recovered) || recovered="?"
    [[ "$errors" == 0 && "$recovered" == True ]] || ok=0
    python3 - "$RUN/drill5.probe" <<'PY' || ok=0
import json, sys
d = json.load(open(sys.argv[1]))
gets_ok = set(d["gets"]) <= {"200"}
writes_ok = set(d["writes"]) <= {"200", "503"}
sys.exit(0 if gets_ok and writes_ok else 1)
PY
    verdict 5 "kill the primary" "$ok" \
        "$errors failed of $requests read-mix GETs; probe GETs by status $gets, writes by status $writes; Patroni promoted db2 $promoted s after the kill; write outage $outage s"
}
