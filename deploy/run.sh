#!/usr/bin/env bash
# Starts Rookery on a fresh machine: installs missing system packages, builds in release
# mode (Swift runtime linked statically, as for production: docs/operations.md), and runs
# the gateway on :8080 (admin on 127.0.0.1:8081) with an embedded PostgreSQL
# in ./.data. Extra arguments go to the gateway (see `gateway --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-dependencies.sh
swift build -c release --static-swift-stdlib --product worker
swift build -c release --static-swift-stdlib --product gateway
exec .build/release/gateway "$@"
