# shellcheck shell=bash
# The database tier: one etcd member (host "dcs") and two PostgreSQL 15 hosts (db1, db2) run
# by Patroni, which bootstraps db1 as the primary, clones db2 from it as a streaming
# standby (replication slot, pg_basebackup), and fails over by itself when the leader key in
# etcd expires (ttl 10 s). Patroni runs as `postgres`, in the foreground, no systemd.
#
# Sourced by run.sh. Uses: RUN, PG_BIN, SUPERUSER_PASSWORD, REPLICATION_PASSWORD,
# APP_PASSWORD, spawn, in_ns, ip_of, SUBNET, log().

PATRONI_SCOPE=rookery
declare -A PATRONI_PID=()

etcd_start() {
    local ip
    ip="$(ip_of dcs)"
    mkdir -p "$RUN/dcs"
    spawn dcs "$RUN/dcs/etcd.log" etcd --name dcs --data-dir "$RUN/dcs/data" \
        --listen-client-urls "http://$ip:2379" --advertise-client-urls "http://$ip:2379" \
        --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
        --initial-cluster dcs=http://127.0.0.1:2380 --initial-cluster-state new
    local deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
        in_ns dcs curl -fsS "http://$ip:2379/health" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    log "etcd did not become healthy:"; tail -5 "$RUN/dcs/etcd.log" >&2
    return 1
}

# patroni_config NODE: Patroni's YAML for NODE (db1 or db2).
patroni_config() {
    local node=$1 ip
    ip="$(ip_of "$node")"
    cat <<YAML
scope: $PATRONI_SCOPE
name: $node
log:
  level: WARNING
restapi:
  listen: $ip:8008
  connect_address: $ip:8008
etcd3:
  hosts: $(ip_of dcs):2379
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 67108864
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        max_connections: 100
        shared_buffers: 128MB
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 5
        max_replication_slots: 5
        wal_keep_size: 256MB
        hot_standby_feedback: "on"
  initdb:
    - encoding: UTF8
    - locale: C
  pg_hba:
    - local all all trust
    - host replication replicator $SUBNET.0/24 scram-sha-256
    - host all all $SUBNET.0/24 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
postgresql:
  listen: $ip,127.0.0.1:5432
  connect_address: $ip:5432
  data_dir: $RUN/$node/data
  bin_dir: $PG_BIN
  use_unix_socket: true
  basebackup:
    checkpoint: fast
  authentication:
    superuser:
      username: postgres
      password: "$SUPERUSER_PASSWORD"
    replication:
      username: replicator
      password: "$REPLICATION_PASSWORD"
    rewind:
      username: postgres
      password: "$SUPERUSER_PASSWORD"
  parameters:
    unix_socket_directories: $RUN/$node/run
    password_encryption: scram-sha-256
YAML
}

# patroni_start NODE: writes NODE's configuration and starts its Patroni as `postgres`.
patroni_start() {
    local node=$1
    mkdir -p "$RUN/$node/run"
    [[ -f "$RUN/$node/patroni.yml" ]] || patroni_config "$node" >"$RUN/$node/patroni.yml"
    chown -R postgres:postgres "$RUN/$node"
    chmod 700 "$RUN/$node"
    spawn "$node" "$RUN/$node/patroni.log" setpriv --reuid=postgres --regid=postgres --init-groups \
        env HOME="$RUN/$node" patroni "$RUN/$node/patroni.yml"
    PATRONI_PID[$node]=$SPAWNED
}

# patronictl ARGS...: Patroni's command line, run next to etcd (it talks to etcd and to the
# nodes' REST APIs, so it works whichever database host is down).
patronictl_run() {
    in_ns dcs patronictl -c "$RUN/db1/patroni.yml" "$@"
}

# node_role NODE: "primary", "replica" or "" (Patroni's REST API on NODE, asked from dcs;
# Patroni 3.0 says "master" for the primary).
node_role() {
    in_ns dcs curl -s --max-time 1 "http://$(ip_of "$1"):8008/patroni" 2>/dev/null |
        python3 -c 'import json,sys; r = json.load(sys.stdin).get("role", ""); print("primary" if r == "master" else r)' 2>/dev/null || true
}

# wait_role NODE ROLE SECONDS
wait_role() {
    local node=$1 role=$2 deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        [[ "$(node_role "$node")" == "$role" ]] && return 0
        sleep 0.2
    done
    return 1
}

# psql_on NODE ARGS...: psql as postgres through NODE's UNIX socket (trust, local only).
psql_on() {
    local node=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 "host=$RUN/$node/run port=5432 user=postgres dbname=${PSQL_DB:-postgres}" "$@"
}

# Starts etcd, bootstraps db1 as the primary, then db2 as its streaming standby, and creates
# the application's role and database.
database_up() {
    etcd_start
    patroni_start db1
    wait_role db1 primary 90 || { log "db1 did not become primary:"; tail -20 "$RUN/db1/patroni.log" >&2; return 1; }
    psql_on db1 -c "CREATE ROLE rookery LOGIN PASSWORD '$APP_PASSWORD'" -c "CREATE DATABASE rookery OWNER rookery"
    log "db1 is the primary; cloning db2"
    patroni_start db2
    wait_role db2 replica 120 || { log "db2 did not become a replica:"; tail -20 "$RUN/db2/patroni.log" >&2; return 1; }
    wait_streaming 60
}

# wait_streaming SECONDS: until the standby streams and has replayed what the primary wrote.
wait_streaming() {
    local deadline=$((SECONDS + $1)) primary=db1 standby=db2 target replayed
    [[ "$(node_role db1)" == primary ]] || { primary=db2; standby=db1; }
    target="$(psql_on "$primary" -Atc 'SELECT pg_current_wal_lsn()')"
    while ((SECONDS < deadline)); do
        replayed="$(psql_on "$standby" -Atc "SELECT coalesce(pg_last_wal_replay_lsn() >= '$target', false)" 2>/dev/null || true)"
        [[ "$replayed" == t ]] && return 0
        sleep 0.1
    done
    log "$standby has not replayed $target after $1 s"
    return 1
}

# The libpq conninfo strings the application hosts use: writes on whichever host is the
# primary, reads on the standby.
database_url() {
    echo "host=$(ip_of db1),$(ip_of db2) port=5432,5432 dbname=rookery user=rookery password=$APP_PASSWORD target_session_attrs=read-write connect_timeout=2"
}
database_read_url() {
    echo "host=$(ip_of db2) port=5432 dbname=rookery user=rookery password=$APP_PASSWORD connect_timeout=2"
}
