#!/usr/bin/env bash
# Checks the units with `systemd-analyze verify` (systemd >= 252). The units name the installed
# /opt/rookery/bin/gateway, which verify requires to exist, so a copy points at the given build.
# Usage: deploy/systemd/verify.sh [BIN_DIR]   (default .build/debug)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin_dir="$(cd "${1:-.build/debug}" && pwd)"
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "skipped: systemd-analyze not found"
    exit 0
fi
work="$(mktemp -d /tmp/rookery-units.XXXXXX)"
trap 'rm -rf "$work"' EXIT
for unit in deploy/systemd/*.service deploy/systemd/*.socket; do
    sed "s|/opt/rookery/bin/|$bin_dir/|g" "$unit" > "$work/$(basename "$unit")"
done
# verify prints problems and exits non-zero on errors; warnings (unknown keys) must fail too.
output="$(cd "$work" && systemd-analyze verify "$work"/*.service "$work"/*.socket 2>&1)" || {
    echo "$output"
    exit 1
}
if [[ -n "$output" ]]; then
    echo "$output"
    echo "systemd-analyze verify: warnings above" >&2
    exit 1
fi
echo "systemd-analyze verify: $(ls "$work" | tr '\n' ' ')ok ($(systemd-analyze --version | head -n 1))"
