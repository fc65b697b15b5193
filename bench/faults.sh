#!/usr/bin/env bash
# Fault suite (issue 19): one process dies or stalls while a GET load runs through the front port, on a
# live stack and during deploys; prints, per fault, requests sent and failed, the run's outcome and the
# invariants afterwards, as the rows of README's reliability table. Runs both fault tests of
# tests/Pipeline.EndToEnd.Tests/Faults (the CI one and the Category=Bench one): ~15 min on 2 cores.
#
#   bash bench/faults.sh
#
# Needs `./build.sh package` (the published functions) and `./build.sh setup` (emulators, haproxy).
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_REPORT=${BENCH_REPORT:-$PWD/.build/bench/faults.md}
mkdir -p "$(dirname "$BENCH_REPORT")"
rm -f "$BENCH_REPORT"
dotnet build tests/Pipeline.EndToEnd.Tests -c Release --verbosity quiet -nologo -clp:ErrorsOnly
rc=0
dotnet test tests/Pipeline.EndToEnd.Tests -c Release --no-build --verbosity quiet -nologo \
  --filter "FullyQualifiedName~Faults.FaultTests" --logger "console;verbosity=detailed" || rc=$?
echo "machine: $(nproc) cores, load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| fault | requests | failed | outcome | invariants held |"
echo "|---|---|---|---|---|"
if [ -f "$BENCH_REPORT" ]; then cat "$BENCH_REPORT"; else echo "faults: no rows (the run failed before any case ended)"; fi
exit $rc
