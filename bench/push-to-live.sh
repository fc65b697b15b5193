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
BENCH_NAME=push-to-live
source bench/local-stack.sh

./pipeline validate bench/services/echo >/dev/null

start_stack

node bench/push-to-live.mjs --state "$STATE" --pid "$UP_PID" --runs "$RUNS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
