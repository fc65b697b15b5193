#!/usr/bin/env bash
# Dashboard benchmark: starts `./pipeline up` on a temporary state directory, seeds it with 50
# services and 200 executions, and times each dashboard page in chromium (bench/Pipeline.Dashboard.Bench).
# Exits 1 if a page took 1 s or more. Needs chromium (`./build.sh setup`) and the published functions.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=$(mktemp -d "${TMPDIR:-/tmp}/dashboard-bench.XXXXXX")
./pipeline up --state-dir "$STATE" --port 0 >"$STATE.log" 2>&1 &
UP_PID=$!
trap './pipeline down --state-dir "$STATE" >/dev/null 2>&1 || kill -TERM $UP_PID 2>/dev/null; wait $UP_PID 2>/dev/null; rm -rf "$STATE" "$STATE.log"' EXIT
for _ in $(seq 600); do [ -f "$STATE/stack.json" ] && break; kill -0 $UP_PID 2>/dev/null || { cat "$STATE.log"; exit 1; }; sleep 1; done
dotnet run --project bench/Pipeline.Dashboard.Bench -c Release -- --state-dir "$STATE" "$@"
