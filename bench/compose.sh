#!/usr/bin/env bash
# Composition overhead through HAProxy on a local stack (issue 16): a composition of two calls to the
# example services (orders' and catalog's version paths, no database in the way) against the two
# direct calls, in the same run:
#   1. latency at RATE req/s (default 1000) offered open loop by bench/Pipeline.Compose.Load (or
#      bench/compose/load.mjs with GENERATOR=node: same schedule, same JSON), DURATION s each, ROUNDS
#      rounds of four rows interleaved: each direct call alone, both direct calls at once per request
#      (timed to the slower: what the client would wait for without the composition), the composition;
#      added p50/p99 = the composition's median over the rounds minus the pair's, and minus the slower
#      single direct row's (microsecond resolution), so one slow second does not decide;
#      the achieved rate is printed, and the latency targets count only when every run got within 3%;
#      the CPU each process of the stack (and the generator) spent per request in each row;
#   2. throughput at saturation, SATURATION s each: autocannon (bench/compose, pinned) with
#      CONNECTIONS requests in flight, compositions/s vs direct calls/s;
#   3. the composer's RSS sampled every 5 s while compositions run at RATE req/s for RSS_SECONDS s,
#      and its CPU time per composition over that run (less sensitive to a loaded machine).
# Starts `./pipeline up` on a temporary state directory, deploys orders, catalog and a bench-only
# composite service, then measures. Prints the figures and the ratios against the issue's targets
# (p50 < 1 ms and p99 < 5 ms added, >= 40% throughput, flat memory); exits 0 whether or not they
# are met (a benchmark, not a test), 1 if the stack or a deploy failed.
#
#   bash bench/compose.sh          # KEEP_STATE=1 keeps the state dir; RATE=500 for a slower machine
#
# Needs `./build.sh package` (the published functions) and `./build.sh setup` (emulators, haproxy).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-1000} DURATION=${DURATION:-20} SATURATION=${SATURATION:-15} RSS_SECONDS=${RSS_SECONDS:-60}
CONNECTIONS=${CONNECTIONS:-50} ROUNDS=${ROUNDS:-3} GENERATOR=${GENERATOR:-dotnet}
BENCH_NAME=compose-bench
source bench/local-stack.sh

(cd bench/compose && { [ -x node_modules/.bin/autocannon ] || npm ci --no-audit --no-fund --silent; })
AUTOCANNON=$PWD/bench/compose/node_modules/.bin/autocannon
LOADGEN=$PWD/.build/bench-compose-load
dotnet build bench/Pipeline.Compose.Load/Pipeline.Compose.Load.csproj -c Release --verbosity quiet -nologo -clp:ErrorsOnly -o "$LOADGEN" >&2

start_stack
FRONT=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).endpoints.front)' "$STATE/stack.json")

# The composition under test: both calls required, so a 200 means both services answered.
mkdir -p "$WORK/composebench"
cat >"$WORK/composebench/service.yaml" <<'YAML'
name: composebench
compose:
  - path: /composebench/{n}
    timeoutMs: 2000
    calls:
      orders: { service: orders, path: /orders/version }
      catalog: { service: catalog, path: /items/version }
    require: [orders, catalog]
YAML

deploy() { # service, path that answers 200 once it is live, push arguments...
  local service=$1 path=$2; shift 2
  ./pipeline push "$service" --state-dir "$STATE" "$@" >/dev/null
  for _ in $(seq 900); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$FRONT$path")" = 200 ] && { echo "$service live after ${SECONDS} s"; return; }
    kill -0 "$UP_PID" 2>/dev/null || { echo "compose-bench: the stack exited" >&2; exit 1; }
    sleep 1
  done
  echo "compose-bench: $service did not answer $path within 15 minutes" >&2; exit 1
}
deploy orders /orders/version
deploy catalog /items/version
deploy composebench /composebench/1 --from "$WORK/composebench"

COMPOSER=$(./pipeline status --json --state-dir "$STATE" | node -e '
  const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
  console.log(s.processes.find(p => p.name === "composer" && p.running).pid)')

# The stack's processes by role, for the CPU each spends per request: "pid role" lines.
./pipeline status --json --state-dir "$STATE" | node -e '
  const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const p of s.processes.filter((p) => p.running && p.pid)) console.log(p.pid, p.name);
  for (const i of s.instances.filter((i) => i.state === "running")) console.log(i.processId, i.service);' >"$WORK/pids.txt"
for pid in $(pgrep -x haproxy); do # this stack's haproxy master and workers
  grep -q "$STATE" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid haproxy" >>"$WORK/pids.txt"
done
ticks() { while read -r pid role; do echo "$role $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)"; done <"$WORK/pids.txt"; }

load() { # name, path (or paths separated by spaces: one call to each per request), seconds, rate:
          # open loop at a fixed rate (autocannon's --overallRate offers half its rate against a port
          # that closes every connection, see load.mjs)
  local urls="" path
  for path in $2; do urls="$urls $FRONT$path"; done
  ticks >"$WORK/$1.cpu-before"
  if [ "$GENERATOR" = node ]; then node bench/compose/load.mjs "$urls" "$3" "$4" >"$WORK/$1.json"
  else dotnet "$LOADGEN/compose-load.dll" "$urls" "$3" "$4" >"$WORK/$1.json"; fi
  ticks >"$WORK/$1.cpu-after"
}
saturate() { # name, path, seconds: closed loop, CONNECTIONS requests always in flight
  "$AUTOCANNON" -c "$CONNECTIONS" -d "$3" -j -n "$FRONT$2" >"$WORK/$1.json" 2>/dev/null
}
echo "warming up (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)..."
# 2,000 compositions: the composer's CPU per composition is still ~3x its steady figure between its
# 1,000th and 2,000th after a start (tiered JIT), and steady after that.
load warmup /composebench/1 10 200
load warmup-direct /orders/version 3 200

echo "1. latency at $RATE req/s, $DURATION s each, $ROUNDS rounds ($GENERATOR generator)..."
for round in $(seq "$ROUNDS"); do
  load "orders-rate-$round" /orders/version "$DURATION" "$RATE"
  load "catalog-rate-$round" /items/version "$DURATION" "$RATE"
  load "pair-rate-$round" "/orders/version /items/version" "$DURATION" "$RATE"
  load "composed-rate-$round" /composebench/1 "$DURATION" "$RATE"
done

echo "2. throughput at saturation, $SATURATION s each..."
saturate orders-max /orders/version "$SATURATION"
saturate catalog-max /items/version "$SATURATION"
saturate composed-max /composebench/1 "$SATURATION"

echo "3. composer memory over $RSS_SECONDS s of compositions at $RATE req/s..."
: >"$WORK/rss.txt"
(for _ in $(seq 0 5 "$RSS_SECONDS"); do
   awk '/VmRSS/ {print $2}' "/proc/$COMPOSER/status" >>"$WORK/rss.txt" 2>/dev/null || true
   sleep 5
 done) &
SAMPLER=$!
cpu() { awk '{print $14 + $15}' "/proc/$COMPOSER/stat"; }   # user + system clock ticks
CPU_BEFORE=$(cpu)
load composed-rss /composebench/1 "$RSS_SECONDS" "$RATE"
echo "$(( $(cpu) - CPU_BEFORE )) $(getconf CLK_TCK)" >"$WORK/cpu.txt"
wait "$SAMPLER" || true

node bench/compose/report.mjs "$WORK" "$RATE" "$ROUNDS" "$(getconf CLK_TCK)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
