# shellcheck shell=bash
# The application tier and its load balancer: one Rookery gateway (and its workers) per app
# host, each in its own CPU-capped cgroup, all sharing one JWT secret and the Patroni-run
# database; HAProxy 2.6 in front, checking each host's readiness and driven through its
# runtime API (stats socket).
#
# Sourced by run.sh. Uses: RUN, BIN, APP_HOSTS, WORKERS_PER_HOST, READY_PATH, MAX_REPLICA_LAG,
# DRAIN_DELAY, CHECK_*, spawn, in_ns, ip_of, database_url, database_read_url, log().

APP_PORT=8080
ADMIN_PORT=8081
declare -A GATEWAY_PID=()

# gateway_start HOST: starts HOST's gateway (it spawns its workers in the same cgroup).
# Reads go to the standby while it lags less than MAX_REPLICA_LAG (above drill 3's injected
# lag, so that drill tests read-your-writes, not the lag cut-off); on SIGTERM /readyz turns
# 503 DRAIN_DELAY seconds before the listener closes, longer than HAProxy's inter x fall.
gateway_start() {
    local host=$1
    mkdir -p "$RUN/$host"
    spawn "$host" "$RUN/$host/gateway.log" env \
        DATABASE_URL="$(database_url)" DATABASE_READ_URL="$(database_read_url)" \
        "$BIN/gateway" --host "$(ip_of "$host")" --port "$APP_PORT" --admin-port "$ADMIN_PORT" \
        --data-dir "$RUN/$host/data" --jwt-secret-file "$RUN/jwt-secret" \
        --trusted-proxy "$(ip_of lb)" --workers "$WORKERS_PER_HOST" --log-level warning \
        --max-replica-lag "$MAX_REPLICA_LAG" --drain-delay "$DRAIN_DELAY"
    GATEWAY_PID[$host]=$SPAWNED
}

# gateway_ready HOST: 0 when HOST answers 200 on the balancer's readiness path.
gateway_ready() {
    [[ "$(in_ns client curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://$(ip_of "$1"):$APP_PORT$READY_PATH")" == 200 ]]
}

# wait_gateway HOST SECONDS
wait_gateway() {
    local host=$1 deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        gateway_ready "$host" && return 0
        kill -0 "${GATEWAY_PID[$host]}" 2>/dev/null || break
        sleep 0.1
    done
    log "$host's gateway is not ready:"; tail -10 "$RUN/$host/gateway.log" >&2
    return 1
}

apps_up() {
    local host
    head -c 32 /dev/urandom | base64 >"$RUN/jwt-secret"
    chmod 600 "$RUN/jwt-secret"
    for host in $APP_HOSTS; do gateway_start "$host"; done
    for host in $APP_HOSTS; do wait_gateway "$host" 120 || return 1; done
}

# HAProxy's configuration: GET/HEAD retried elsewhere, never a write (only a connection
# that failed before any byte was sent is retried for those: nothing reached a host);
# a user's requests (same Authorization header) stay on one host while it is up.
haproxy_config() {
    local host
    cat <<CFG
global
    maxconn 4096
    nbthread 1
    stats socket $RUN/lb/haproxy.sock mode 600 level admin
    log stdout format raw local0 warning

defaults
    mode http
    log global
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 10s
    timeout queue 10s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response junk-response response-timeout 0rtt-rejected 502 503 504

frontend api
    bind $(ip_of lb):80
    option forwardfor
    default_backend rookery

backend rookery
    balance hdr(Authorization)
    hash-type consistent
    http-request disable-l7-retry if !METH_GET !METH_HEAD
    http-response set-header X-Served-By %s
    option httpchk
    http-check send meth GET uri $READY_PATH
    http-check expect status 200
    default-server check inter ${CHECK_INTER_MS}ms fall $CHECK_FALL rise $CHECK_RISE weight 100
CFG
    for host in $APP_HOSTS; do
        echo "    server $host $(ip_of "$host"):$APP_PORT"
    done
}

haproxy_start() {
    mkdir -p "$RUN/lb"
    haproxy_config >"$RUN/lb/haproxy.cfg"
    in_ns lb haproxy -c -q -f "$RUN/lb/haproxy.cfg"
    spawn lb "$RUN/lb/haproxy.log" haproxy -db -f "$RUN/lb/haproxy.cfg"
    # The runtime API is used at once (pool membership): wait for its socket.
    local waited=0
    until [[ -S "$RUN/lb/haproxy.sock" ]]; do
        (( waited++ < 100 )) || { echo "HAProxy's stats socket did not appear" >&2; return 1; }
        sleep 0.1
    done
}

# haproxy_cmd COMMAND: one runtime-API command on the stats socket; prints the answer.
haproxy_cmd() {
    python3 - "$RUN/lb/haproxy.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
out = b""
while chunk := s.recv(65536):
    out += chunk
sys.stdout.write(out.decode())
PY
}

# server_status HOST: HAProxy's view of HOST: UP, DOWN, MAINT, DRAIN, "UP 1/2"...
server_status() {
    haproxy_cmd "show stat" | awk -F, -v h="$1" '$1 == "rookery" && $2 == h { print $18 }'
}

# wait_status HOST PATTERN SECONDS [START]: until HAProxy's status for HOST matches PATTERN
# (a regular expression); prints the seconds since START (date +%s.%N; default: now).
wait_status() {
    local host=$1 pattern=$2 deadline=$((SECONDS + $3)) start=${4:-$(date +%s.%N)}
    while ((SECONDS < deadline)); do
        if [[ "$(server_status "$host")" =~ $pattern ]]; then
            awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", e - s }'
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# pool_tokens HOSTS...: the tokens wrk sends while only HOSTS are in the pool, the same
# number of users on each host. Which host a user lands on is the hash's draw (each token
# asked once, X-Served-By): with tens of users that draw, not the hosts, would decide the
# figures, where with the many users of real traffic the shares even out.
pool_tokens() {
    in_ns client python3 "$HERE/probe.py" classify --base "$LB_URL" --tokens "$RUN/all-tokens" >"$RUN/served-by"
    awk -v hosts="$*" '
        BEGIN { n = split(hosts, h, " ") }
        { tokens[$1] = tokens[$1] $2 "\n"; count[$1]++ }
        END {
            least = -1
            for (i = 1; i <= n; i++) if (least < 0 || count[h[i]] < least) least = count[h[i]]
            for (i = 1; i <= n; i++) { split(tokens[h[i]], t, "\n"); for (j = 1; j <= least; j++) print t[j] }
        }' "$RUN/served-by" >"$RUN/tokens"
    [[ -s "$RUN/tokens" ]] || { log "no user landed on one of $*"; return 1; }
}

# pool HOSTS...: only these app hosts take traffic; the others are put in maintenance.
pool() {
    local host wanted
    for host in $APP_HOSTS; do
        wanted=maint
        [[ " $* " == *" $host "* ]] && wanted=ready
        haproxy_cmd "set server rookery/$host state $wanted" >/dev/null
    done
    for host in "$@"; do wait_status "$host" '^UP$' 20 >/dev/null || { log "$host is not UP in HAProxy"; return 1; }; done
}
