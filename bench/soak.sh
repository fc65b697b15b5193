#!/usr/bin/env bash
# Soak: DEPLOYS (default 30) consecutive deploys of bench/services/echo under steady load through
# the front port, then the idle stack. Prints failed requests (overall and per deploy), push-to-live
# per deploy, the stack's memory (RSS summed over every process of `up`) at the start and the end,
# the idle stack's memory before and after function processes are reaped, and the cold start that
# reaping adds (one function invoked cold, then warm; one more deploy after reaping). Not a test.
#
#   bash bench/soak.sh                       # DEPLOYS=30 CONCURRENCY=4 IDLE_SECONDS=60
#   DEPLOYS=10 bash bench/soak.sh            # shorter; KEEP_STATE=1 keeps the state dir
#
# IDLE_SECONDS is passed to `up` as PIPELINE_FUNCTION_IDLE_SECONDS (its default is 300 s), so the
# reaping is seen within the bench. Needs `./build.sh package` and `./build.sh setup`.
set -euo pipefail
cd "$(dirname "$0")/.."
DEPLOYS=${DEPLOYS:-30}
CONCURRENCY=${CONCURRENCY:-4}
IDLE_SECONDS=${IDLE_SECONDS:-60}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
STATE=$WORK/stack
UP_PID=

cleanup() {
  local rc=$?
  if [ -n "$UP_PID" ] && kill -0 "$UP_PID" 2>/dev/null; then
    ./pipeline down --state-dir "$STATE" >/dev/null 2>&1 || kill -TERM "$UP_PID" 2>/dev/null || true
    for _ in $(seq 120); do kill -0 "$UP_PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$UP_PID" 2>/dev/null && echo "soak: the stack (pid $UP_PID) is still stopping after 60 s" >&2
  fi
  if [ "$rc" -ne 0 ] && [ -f "$WORK/up.log" ]; then
    echo "soak: last lines of ./pipeline up:" >&2
    tail -n 20 "$WORK/up.log" >&2
  fi
  if [ -n "${KEEP_STATE:-}" ]; then echo "soak: state kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

./pipeline validate bench/services/echo >/dev/null
PIPELINE_FUNCTION_IDLE_SECONDS=$IDLE_SECONDS ./pipeline up --state-dir "$STATE" --port 0 >"$WORK/up.log" 2>&1 &
UP_PID=$!
echo "starting the local stack (pid $UP_PID, state $STATE, functions reaped after ${IDLE_SECONDS} s idle)..."
for _ in $(seq 600); do
  [ -f "$STATE/stack.json" ] && break
  kill -0 "$UP_PID" 2>/dev/null || { echo "soak: ./pipeline up exited" >&2; exit 1; }
  sleep 0.5
done
[ -f "$STATE/stack.json" ] || { echo "soak: no $STATE/stack.json after 300 s" >&2; exit 1; }
echo "stack up after ${SECONDS} s on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg))"

node bench/soak.mjs --state "$STATE" --pid "$UP_PID" --deploys "$DEPLOYS" --concurrency "$CONCURRENCY" --idle "$IDLE_SECONDS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
