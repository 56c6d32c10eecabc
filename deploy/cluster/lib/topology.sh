# shellcheck shell=bash
# The machine-local "data centre": one network namespace per host, all on one bridge that
# lives in a namespace of its own (so the host's firewall and addresses never see this
# traffic), one cgroup per host (cgroup v1 cpu + cpuacct) for CPU quotas and accounting,
# every started process recorded by pid, and the cleanup that undoes all of it.
#
# Sourced by run.sh. Uses: PREFIX, RUN, SUBNET (first three octets), log().

CG_CPU=/sys/fs/cgroup/cpu
CG_ACCT=/sys/fs/cgroup/cpuacct
STARTED_PIDS=()
SPAWNED=""

# Host name -> last octet of its address on the cluster network.
declare -A HOST_OCTET=([client]=10 [lb]=20 [app1]=31 [app2]=32 [app3]=33 [db1]=41 [db2]=42 [dcs]=50)

ip_of() { echo "$SUBNET.${HOST_OCTET[$1]}"; }
ns_of() { echo "$PREFIX-$1"; }
in_ns() { local host=$1; shift; ip netns exec "$(ns_of "$host")" "$@"; }

# Creates the switch namespace with its bridge, then one namespace per host with a veth
# whose far end is a port of the bridge. Each host gets lo (the admin listeners bind it)
# and eth0 with its address; there is no route out of the subnet.
topology_up() {
    local sw host ns
    sw="$(ns_of sw)"
    ip netns add "$sw"
    ip -n "$sw" link add br0 type bridge
    ip -n "$sw" link set br0 up
    for host in "$@"; do
        ns="$(ns_of "$host")"
        ip netns add "$ns"
        ip -n "$ns" link set lo up
        ip link add eth0 netns "$ns" type veth peer name "v-$host" netns "$sw"
        ip -n "$sw" link set "v-$host" master br0
        ip -n "$sw" link set "v-$host" up
        ip -n "$ns" addr add "$(ip_of "$host")/24" dev eth0
        ip -n "$ns" link set eth0 up
        cgroup_add "$host"
    done
}

# One cpu and one cpuacct cgroup per host; the quota is set later (cgroup_quota). The weight
# (cpu.shares, CPU_SHARES) lets a host get its quota on a machine that is busy with other
# work: processes outside any cgroup weigh 1024 each, so at the default 1024 a host would
# count as one of them and be capped by the machine's load rather than by its quota.
cgroup_add() {
    mkdir -p "$CG_CPU/$PREFIX/$1" "$CG_ACCT/$PREFIX/$1"
    echo "${CPU_SHARES:-8192}" >"$CG_CPU/$PREFIX/$1/cpu.shares"
}

# cgroup_quota HOST CPUS: at most CPUS cores (e.g. 0.3) per 20 ms period; "max" lifts it.
cgroup_quota() {
    local period=20000
    echo "$period" >"$CG_CPU/$PREFIX/$1/cpu.cfs_period_us"
    if [[ "$2" == max ]]; then
        echo -1 >"$CG_CPU/$PREFIX/$1/cpu.cfs_quota_us"
    else
        awk -v c="$2" -v p="$period" 'BEGIN { printf "%d\n", c * p }' >"$CG_CPU/$PREFIX/$1/cpu.cfs_quota_us"
    fi
}

# CPU nanoseconds used so far, and "periods throttled throttled_ns" of the quota.
cgroup_usage_ns() { cat "$CG_ACCT/$PREFIX/$1/cpuacct.usage"; }
cgroup_throttling() {
    awk '{ v[$1] = $2 } END { print v["nr_periods"] + 0, v["nr_throttled"] + 0, v["throttled_time"] + 0 }' \
        "$CG_CPU/$PREFIX/$1/cpu.stat"
}
cgroup_pids() { cat "$CG_CPU/$PREFIX/$1/cgroup.procs" 2>/dev/null || true; }

# spawn HOST LOG COMMAND...: runs COMMAND in HOST's namespace and cgroups, in the background,
# output to LOG; records its pid and leaves it in SPAWNED (the subshell execs, so the pid is
# COMMAND's). Not to be called in $(...): the record would be lost with the subshell.
spawn() {
    local host=$1 out=$2 pid
    shift 2
    (
        echo "$BASHPID" >"$CG_CPU/$PREFIX/$host/cgroup.procs"
        echo "$BASHPID" >"$CG_ACCT/$PREFIX/$host/cgroup.procs"
        exec ip netns exec "$(ns_of "$host")" "$@"
    ) >"$out" 2>&1 </dev/null &
    pid=$!
    STARTED_PIDS+=("$pid")
    SPAWNED=$pid
}

# Sends SIG to every process in HOST's cgroup (the started process and its children,
# e.g. a gateway's workers or PostgreSQL's backends), each by pid.
signal_host() {
    local host=$1 sig=$2 pid
    for pid in $(cgroup_pids "$host"); do kill "-$sig" "$pid" 2>/dev/null || true; done
}

# Waits up to SECONDS for HOST's cgroup to hold no process; 0 when empty.
wait_host_empty() {
    local host=$1 deadline=$((SECONDS + $2))
    while ((SECONDS < deadline)); do
        [[ -z "$(cgroup_pids "$host")" ]] && return 0
        sleep 0.1
    done
    return 1
}

# Stops everything: each started pid and whatever is left in each host's cgroup (TERM,
# then KILL), then the cgroups, the namespaces (their veths and the bridge go with them)
# and the temporary data. Safe to call twice and on a half-built topology.
topology_down() {
    local pid host ns
    for pid in "${STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    if [[ -d "$CG_CPU/$PREFIX" ]]; then
        for host in $(ls "$CG_CPU/$PREFIX"); do signal_host "$host" TERM; done
        # One grace period for all (gateways drain, Patroni stops PostgreSQL), then KILL.
        local deadline=$((SECONDS + 8))
        for host in $(ls "$CG_CPU/$PREFIX"); do wait_host_empty "$host" $((deadline - SECONDS)) || true; done
        for host in $(ls "$CG_CPU/$PREFIX"); do signal_host "$host" KILL; done
        for host in $(ls "$CG_CPU/$PREFIX"); do wait_host_empty "$host" 5 || log "cgroup $host still has processes"; done
        for host in $(ls "$CG_CPU/$PREFIX"); do rmdir "$CG_CPU/$PREFIX/$host" "$CG_ACCT/$PREFIX/$host" 2>/dev/null || true; done
        rmdir "$CG_CPU/$PREFIX" "$CG_ACCT/$PREFIX" 2>/dev/null || log "could not remove cgroup $PREFIX"
    fi
    for pid in "${STARTED_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for ns in $(ip netns list | awk -v p="$PREFIX-" 'index($1, p) == 1 { print $1 }'); do
        ip netns del "$ns" 2>/dev/null || log "could not delete namespace $ns"
    done
}
