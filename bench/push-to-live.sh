#!/usr/bin/env bash
# Push-to-live benchmark: how long from `git push` to the new version serving, stage by stage, for
# a service whose tests take ~0 s (bench/services/echo), and how much memory the whole local stack
# takes. Starts `./pipeline up` on a temporary state directory, deploys echo once, then pushes
# RUNS (default 10) more commits one after the other, each waited for to the end of its deploy.
# Prints per-stage median/min/max and the stack's memory; exits 1 if any deploy does not succeed.
#
#   bash bench/push-to-live.sh            # RUNS=3 for a quick look; KEEP_STATE=1 keeps the state dir
#
# Needs `./build.sh package` (the published functions) and `./build.sh setup` (emulators, haproxy).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/push-to-live.XXXXXX")
STATE=$WORK/stack
UP_PID=

cleanup() {
  local rc=$?
  if [ -n "$UP_PID" ] && kill -0 "$UP_PID" 2>/dev/null; then
    # `down` rather than SIGTERM: after deploys, `up` on SIGTERM exits 143 midway through stopping.
    ./pipeline down --state-dir "$STATE" >/dev/null 2>&1 || kill -TERM "$UP_PID" 2>/dev/null || true
    for _ in $(seq 120); do kill -0 "$UP_PID" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$UP_PID" 2>/dev/null; then
      echo "push-to-live: the stack (pid $UP_PID) is still stopping after 60 s" >&2
    else
      wait "$UP_PID" 2>/dev/null || echo "push-to-live: ./pipeline up exited with status $?" >&2
    fi
  fi
  if [ "$rc" -ne 0 ] && [ -f "$WORK/up.log" ]; then
    echo "push-to-live: last lines of ./pipeline up:" >&2
    tail -n 20 "$WORK/up.log" >&2
  fi
  if [ -n "${KEEP_STATE:-}" ]; then echo "push-to-live: state kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

./pipeline validate bench/services/echo >/dev/null

./pipeline up --state-dir "$STATE" --port 0 >"$WORK/up.log" 2>&1 &
UP_PID=$!
echo "starting the local stack (pid $UP_PID, state $STATE)..."
for _ in $(seq 600); do
  [ -f "$STATE/stack.json" ] && break
  kill -0 "$UP_PID" 2>/dev/null || { echo "push-to-live: ./pipeline up exited" >&2; exit 1; }
  sleep 0.5
done
[ -f "$STATE/stack.json" ] || { echo "push-to-live: no $STATE/stack.json after 300 s" >&2; exit 1; }
echo "stack up after ${SECONDS} s on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg))"

node bench/push-to-live.mjs --state "$STATE" --pid "$UP_PID" --runs "$RUNS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
