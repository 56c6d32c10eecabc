#!/usr/bin/env bash
# Frame-codec micro-benchmark: encode + decode a typical request (GET, 8 headers) and a typical
# response (200, 2 KiB JSON body) many times in a release build and print ns per frame.
# Prints figures only; nothing fails on speed. See Tests/ProtocolTests/CodecBenchmark.swift.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOKERY_BENCH=1 swift test -c release --filter CodecBenchmark 2>&1 | grep -E "^CodecBenchmark |error|failed" || true
