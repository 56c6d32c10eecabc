#!/usr/bin/env bash
# Checks this folder's scripts without starting anything or running any load (a second or two):
# `bash -n` on every shell script, shellcheck (errors only) when it is installed, and every Lua
# scenario loaded by wrk itself (LuaJIT) against a closed port, so a syntax error or a failing
# top-level statement shows as wrk's "<script>: <error>" line. Not part of deploy/test.sh.
#
#   deploy/loadtest/lint.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
failed=0
for script in *.sh; do
  bash -n "$script" || { echo "lint.sh: $script: bash -n failed"; failed=1; }
done
if command -v shellcheck >/dev/null; then
  shellcheck -x --severity=error ./*.sh || failed=1
else
  echo "lint.sh: shellcheck not installed, skipped"
fi
if command -v wrk >/dev/null; then
  for scenario in *.lua; do
    [ "$scenario" = common.lua ] && continue
    # Port 1 refuses the connection: wrk loads the script, then stops with "unable to connect".
    out="$(TOKEN=x SLUGS=a,b wrk -t1 -c1 -d1s -s "$scenario" http://127.0.0.1:1 2>&1 || true)"
    if [ "$(grep -cv '^unable to connect' <<<"$out")" != 0 ] || ! grep -q '^unable to connect' <<<"$out"; then
      echo "lint.sh: $scenario: $out"
      failed=1
    fi
  done
else
  echo "lint.sh: wrk not installed, Lua scenarios skipped"
fi
[ "$failed" = 0 ] && echo "lint.sh: ok"
exit "$failed"
