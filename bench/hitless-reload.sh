#!/usr/bin/env bash
# Hitless reload under load: wrk (loopback only) drives HAProxy while the backend set is switched
# BENCH_SWITCHES times through the real chain (publish to s3rver, router agent applies, master-worker
# reload). Prints total requests, non-2xx responses and socket errors; the goal is zero failures and
# at least BENCH_MIN_RATE req/s. Bounded: wrk stops 2 s after the last switch (hard limit 300 s).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_SWITCHES=${BENCH_SWITCHES:-20} BENCH_MIN_RATE=${BENCH_MIN_RATE:-500}
export BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-16} BENCH_DELAY_MS=${BENCH_DELAY_MS:-2}
export BENCH_SWITCH_INTERVAL_MS=${BENCH_SWITCH_INTERVAL_MS:-1500} BENCH_MAX_SECONDS=${BENCH_MAX_SECONDS:-300}
export BENCH_REPORT=${BENCH_REPORT:-$PWD/.build/bench/hitless-reload.txt}
mkdir -p "$(dirname "$BENCH_REPORT")"
rm -f "$BENCH_REPORT"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (./build.sh bench installs it)" >&2; exit 1; }
dotnet build tests/Pipeline.RouterAgent.Tests -c Release --verbosity quiet -nologo -clp:ErrorsOnly
rc=0
dotnet test tests/Pipeline.RouterAgent.Tests -c Release --no-build --verbosity quiet -nologo \
  --filter "FullyQualifiedName~HitlessReloadTests" --logger "console;verbosity=minimal" || rc=$?
if [ -f "$BENCH_REPORT" ]; then echo "hitless-reload: $(cat "$BENCH_REPORT")"; else echo "hitless-reload: no report (the run failed before the load ended)"; fi
exit $rc
