#!/usr/bin/env bash
# Builds the container image and runs it, with what a CI machine without a container runtime
# allows: podman builds (`--isolation chroot` runs the RUN steps) but cannot run containers, and
# no registry can be reached. So:
#   1. the runtime base is made from Debian packages (debootstrap --variant=minbase, mirror taken
#      from this machine's apt sources) and imported, unless it is already there;
#   2. the image is built from deploy/container/Containerfile with BINARIES=host: the gateway and
#      worker built on this host (default .build/release) instead of the Swift builder stage;
#   3. the image's root file system is mounted and the gateway started inside it with chroot, as
#      the image's user, with the image's environment and entry point; then /readyz, a register
#      and a read through the API, the image's HEALTHCHECK command, and SIGTERM (STOPSIGNAL).
# What only a real engine exercises: namespaces and cgroups, port publishing, volumes,
# HEALTHCHECK scheduling, the builder stage. Usage: deploy/container/check.sh [BIN_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin_dir="${1:-.build/release}"
[[ $(id -u) -eq 0 ]] || { echo "container check: needs root (podman image build and chroot)" >&2; exit 1; }
for program in gateway worker; do
    [[ -x "$bin_dir/$program" ]] || { echo "container check: $bin_dir/$program not built" >&2; exit 1; }
done
missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if (( ${#missing[@]} )); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# shellcheck disable=SC1091
codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
# The first Debian mirror of the apt sources, one-line (sources.list) or deb822 (*.sources) format.
mirror="$({ cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
    awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }')"
if [[ -z "$mirror" ]]; then
    mirror="$({ cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
        awk '$1 == "URIs:" && $2 !~ /security/ { print $2; exit }')"
fi
[[ -n "$codename" && -n "$mirror" ]] || { echo "container check: no Debian codename or mirror found" >&2; exit 1; }

work="$(mktemp -d /tmp/rookery-container.XXXXXX)"
image=localhost/rookery:ci
container=""
root=""
gateway=""
cleanup() {
    local status=$?
    if (( status != 0 )) && [[ -s "$work/gateway.log" ]]; then
        echo "container check: the gateway's log:" >&2
        tail -n 30 "$work/gateway.log" >&2
    fi
    if [[ -n "$gateway" ]] && kill -0 "$gateway" 2>/dev/null; then
        kill -KILL "$gateway" 2>/dev/null || true
        wait "$gateway" 2>/dev/null || true
    fi
    if [[ -n "$root" ]]; then
        umount -R "$root/dev" 2>/dev/null || true
        umount "$root/proc" 2>/dev/null || true
    fi
    [[ -n "$container" ]] && { podman umount "$container" >/dev/null 2>&1 || true; podman rm -f "$container" >/dev/null 2>&1 || true; }
    rm -rf "$work"
}
trap cleanup EXIT

base="localhost/rookery-runtime-base:$codename"
if ! podman image exists "$base"; then
    echo "== container: runtime base from $mirror ($codename, debootstrap --variant=minbase)"
    debootstrap --variant=minbase "$codename" "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 ||
        { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    # debootstrap leaves its mirror (main, no updates) in the base's sources.list: enough for CI.
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb
    tar -C "$work/rootfs" -c . | podman import --quiet - "$base" >/dev/null
    rm -rf "$work/rootfs"
fi

echo "== container: podman build --format docker --isolation chroot (BINARIES=host, binaries from $bin_dir)"
mkdir -p "$work/context/rookery-bin"
cp "$bin_dir/gateway" "$bin_dir/worker" "$work/context/rookery-bin/"
podman build --quiet --format docker --isolation chroot --build-arg BINARIES=host --build-arg RUNTIME_BASE="$base" \
    -f deploy/container/Containerfile -t "$image" "$work/context" > "$work/build.log" 2>&1 ||
    { tail -40 "$work/build.log" >&2; exit 1; }
podman image inspect --format '{{.Config.User}} {{json .Config.Entrypoint}} {{json .Config.StopSignal}}' "$image"

# A container's writable root (not started: `podman run` is what this machine refuses).
container="$(podman create "$image")"
root="$(podman mount "$container")"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
user="$(podman image inspect --format '{{.Config.User}}' "$image")"
mapfile -t environment < <(podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image" | sed '/^$/d')
mapfile -t entrypoint < <(podman image inspect --format '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" | sed '/^$/d')
healthcheck="$(podman image inspect --format '{{range $i, $a := .Config.Healthcheck.Test}}{{if $i}}{{$a}}{{end}}{{end}}' "$image")"
port=$(( 20000 + RANDOM % 20000 ))
admin=$(( port + 1 ))
environment+=("PORT=$port" "ADMIN_PORT=$admin")

echo "== container: the image's gateway in its root file system, as user $user"
chroot --userspec="$user:$user" "$root" /usr/bin/env -i "${environment[@]}" "${entrypoint[@]}" > "$work/gateway.log" 2>&1 &
gateway=$!
ready=0
for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1; then ready=1; break; fi
    kill -0 "$gateway" 2>/dev/null || break
    sleep 0.2
done
if (( !ready )); then
    echo "container check: the gateway in the image did not become ready" >&2
    tail -40 "$work/gateway.log" >&2
    exit 1
fi
name="container$RANDOM"
curl -fsS -X POST "http://127.0.0.1:$port/api/users" -H 'Content-Type: application/json' \
    -d "{\"user\":{\"username\":\"$name\",\"email\":\"$name@example.com\",\"password\":\"password123\"}}" |
    grep -q "\"username\":\"$name\"" || { echo "container check: register failed" >&2; exit 1; }
tags="$(curl -fsS "http://127.0.0.1:$port/api/tags")"
[[ "$tags" == '{"tags":[]}' ]] || { echo "container check: /api/tags answered $tags" >&2; exit 1; }
# The image's HEALTHCHECK command, inside the image (its curl, its admin port).
chroot --userspec="$user:$user" "$root" /usr/bin/env -i "${environment[@]}" /bin/sh -c "$healthcheck" ||
    { echo "container check: HEALTHCHECK command failed: $healthcheck" >&2; exit 1; }
postmaster_user="$(ps -o user= -p "$(head -n 1 "$root/var/lib/rookery/data/postgres/postmaster.pid")")"
kill -TERM "$gateway"
status=0
wait "$gateway" || status=$?
gateway=""
(( status == 0 )) || { echo "container check: gateway exited with $status after SIGTERM" >&2; tail -20 "$work/gateway.log" >&2; exit 1; }
echo "container check: image $image ($(podman image inspect --format '{{.Size}}' "$image" | numfmt --to=iec)B);" \
    "ready, register and /api/tags OK, HEALTHCHECK OK, embedded PostgreSQL ran as $postmaster_user, clean stop on SIGTERM"
