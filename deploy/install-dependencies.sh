#!/usr/bin/env bash
# Installs what Rookery needs on Debian/Ubuntu when it is missing: libpq-dev and libssl-dev
# to build, PostgreSQL 15 for the embedded database, and (with --test) what the test suite
# uses: psql, Python's requests for the RealWorld Hurl suite, wrk.
# Safe to run repeatedly; does nothing when everything is there.
set -euo pipefail

want_tests=0
[[ "${1:-}" == "--test" ]] && want_tests=1

missing=()
dpkg -s libpq-dev >/dev/null 2>&1 || missing+=(libpq-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
dpkg -s pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    missing+=(postgresql-15)
fi
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
if (( want_tests )); then
    command -v psql >/dev/null 2>&1 || missing+=(postgresql-client-15)
fi

if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}" >&2
    if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if (( want_tests )); then
    python3 -c 'import requests' 2>/dev/null || python3 -m pip install -q requests
    python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install -q prometheus-client
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "swift is not on PATH: install the Swift 6 toolchain (swift.org) and retry" >&2
    exit 1
fi
