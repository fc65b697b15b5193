#!/usr/bin/env bash
# Soak: DEPLOYS (default 30) consecutive deploys of bench/services/echo under steady load through
# the front port, then the idle stack. Prints failed requests (overall and per deploy), push-to-live
# per deploy, the stack's memory (RSS summed over every process of `up`) at the start and the end,
# the idle stack's memory before and after function processes are reaped, and the cold start that
# reaping adds (one function invoked cold, then warm; one more deploy after reaping). Not a test.
#
#   bash bench/soak.sh                       # DEPLOYS=30 CONCURRENCY=4 IDLE_SECONDS=300
#   DEPLOYS=10 bash bench/soak.sh            # shorter; KEEP_STATE=1 keeps the state dir
#
# IDLE_SECONDS is passed to `up` as PIPELINE_FUNCTION_IDLE_SECONDS (its default, 300 s, is this
# bench's too): it must exceed the time between two deploys, or functions used once per deploy are
# reaped and restarted between deploys (seen at 60 s on a loaded machine), and the memory figures
# measure that churn instead of warm processes. Needs `./build.sh package` and `./build.sh setup`.
set -euo pipefail
cd "$(dirname "$0")/.."
DEPLOYS=${DEPLOYS:-30}
CONCURRENCY=${CONCURRENCY:-4}
IDLE_SECONDS=${IDLE_SECONDS:-300}
BENCH_NAME=soak
source bench/local-stack.sh

./pipeline validate bench/services/echo >/dev/null
echo "functions are reaped after ${IDLE_SECONDS} s idle"
PIPELINE_FUNCTION_IDLE_SECONDS=$IDLE_SECONDS start_stack

node bench/soak.mjs --state "$STATE" --pid "$UP_PID" --deploys "$DEPLOYS" --concurrency "$CONCURRENCY" --idle "$IDLE_SECONDS"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
