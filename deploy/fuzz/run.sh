#!/usr/bin/env bash
# libFuzzer runs of the worker's two fuzz targets (see Sources/Worker/Fuzz/FuzzTargets.swift):
#   frames    any bytes through the gateway→worker frame decoder
#   requests  bytes as frames, then through the worker's request path (router, JSON, validation)
# Builds a worker with coverage instrumentation + AddressSanitizer + libFuzzer (no-main runtime)
# in .build-fuzz, then runs each target for SECONDS (default 60). A crash leaves its input in
# deploy/fuzz/artifacts/; add it as a byte-fixture regression test before fixing.
# Usage: deploy/fuzz/run.sh [seconds] [target...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
shift || true
targets=("$@")
(( ${#targets[@]} )) || targets=(frames requests)

runtime="$(ls -d "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"/lib/clang/*/lib/linux 2>/dev/null | head -1)"
# The toolchain names its runtimes after the architecture (x86_64, aarch64).
fuzzer_lib="$runtime/libclang_rt.fuzzer_no_main-$(uname -m).a"
if [[ ! -f "$fuzzer_lib" ]]; then
    echo "libFuzzer runtime not found next to the Swift toolchain ($fuzzer_lib)" >&2
    exit 1
fi

echo "== building the fuzzing worker (.build-fuzz)"
swift build -c release --product worker --scratch-path .build-fuzz \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    -Xlinker --undefined=LLVMFuzzerRunDriver -Xlinker "$fuzzer_lib" -Xlinker -lstdc++ > .build-fuzz.log 2>&1 || { tail -40 .build-fuzz.log >&2; exit 1; }
worker=.build-fuzz/release/worker

mkdir -p deploy/fuzz/artifacts
status=0
for target in "${targets[@]}"; do
    corpus="$(mktemp -d /tmp/rookery-fuzz-$target.XXXXXX)"
    cp deploy/fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
    echo "== fuzzing $target for ${seconds}s"
    if ! ASAN_OPTIONS=detect_leaks=0 "$worker" fuzz "$target" "$corpus" \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=deploy/fuzz/artifacts/"$target"- -print_final_stats=1 2> "$corpus.log"; then
        status=1
        tail -60 "$corpus.log" >&2
        echo "fuzz target $target FAILED; input saved under deploy/fuzz/artifacts/" >&2
    else
        grep -E "stat::number_of_executed_units|stat::new_units_added|Done [0-9]+ runs" "$corpus.log" || tail -3 "$corpus.log"
    fi
    rm -rf "$corpus" "$corpus.log"
done
exit $status
