#!/usr/bin/env bash
# Installs what Rookery needs on Debian/Ubuntu when it is missing: libpq-dev and libssl-dev
# to build, a PostgreSQL server (15 or newer) for the embedded database, and (with --test) what
# the test suite uses: psql, and the Python tools (requests, prometheus-client, schemathesis)
# in a virtual environment under .build/venv, never in the system's Python.
# Safe to run repeatedly; does nothing when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[[ "${1:-}" == "--test" ]] && want_tests=1
minimum_postgres=15

# The newest PostgreSQL server major version installed the Debian way (/usr/lib/postgresql/N).
installed_postgres() {
    local newest=0 dir version
    for dir in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$dir" ]] || continue
        version="$(basename "$(dirname "$(dirname "$dir")")")"
        [[ "$version" =~ ^[0-9]+$ ]] && (( version > newest )) && newest=$version
    done
    echo "$newest"
}

missing=()
dpkg -s libpq-dev >/dev/null 2>&1 || missing+=(libpq-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || missing+=(libssl-dev)
dpkg -s pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# The distribution's default PostgreSQL (15 on Debian 12, 16 on Ubuntu 24.04, 17 on Debian 13).
(( $(installed_postgres) > 0 )) || missing+=(postgresql)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
if (( want_tests )); then
    command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    # Debian splits venv support (ensurepip) out of python3.
    python3 -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
fi

if (( ${#missing[@]} )); then
    echo "installing: ${missing[*]}" >&2
    if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

postgres_version="$(installed_postgres)"
if (( postgres_version > 0 && postgres_version < minimum_postgres )); then
    echo "PostgreSQL $postgres_version is installed, but the embedded database needs $minimum_postgres or newer:" \
        "add the PGDG repository (https://apt.postgresql.org) and install postgresql-16, or use DATABASE_URL" >&2
fi

if (( want_tests )); then
    venv=.build/venv
    if [[ ! -x "$venv/bin/python3" ]]; then
        echo "creating the Python virtual environment $venv" >&2
        python3 -m venv "$venv"
    fi
    if ! "$venv/bin/python3" -c 'import requests, prometheus_client, schemathesis' 2>/dev/null; then
        "$venv/bin/python3" -m pip install -q --disable-pip-version-check -r deploy/requirements-test.txt
    fi
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "swift is not on PATH: install the Swift 6 toolchain (swift.org) and retry" >&2
    exit 1
fi
