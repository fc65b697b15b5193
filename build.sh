#!/usr/bin/env bash
# Pipeline's build entry point. Every command does its own set-up on a fresh Debian machine
# that has only the .NET SDK, Node 20 and npm.
#
#   ./build.sh setup           install haproxy, git, make, wrk, chromium (apt; chromium for the dashboard's browser tests), the emulators (npm ci), restore NuGet
#   ./build.sh build           compile the whole solution (Release)
#   ./build.sh package         publish every Lambda function into .build/functions/<Handler> (Makefile targets)
#   ./build.sh test [FILTER]   run every test (or those matching a dotnet test --filter)
#   ./build.sh bench [NAME]    run the benchmarks under bench/ (all, or one by name)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
CONFIG=${CONFIG:-Release}
RESULTS=$ROOT/.build/test-results

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_apt() {
  local missing=()
  for pkg in "$@"; do command -v "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (apt)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_emulators() {
  local dir=local/emulators
  if [ ! -d $dir/node_modules ] || [ $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]; then
    log "installing emulators (npm ci in $dir)"
    (cd $dir && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Every Node.js package whose tests ./build.sh test runs with node --test (the service kit).
NODE_PACKAGES=(kits/node-service)

ensure_node_packages() {
  local dir
  for dir in "${NODE_PACKAGES[@]}"; do
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      log "installing $dir's dependencies (npm ci)"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

setup() {
  ensure_apt haproxy git make wrk chromium
  ensure_emulators
  ensure_node_packages
  log "restoring NuGet packages"
  dotnet restore Pipeline.sln --verbosity quiet
}

build() {
  log "building ($CONFIG)"
  dotnet build Pipeline.sln -c "$CONFIG" --no-restore --verbosity quiet -nologo -clp:ErrorsOnly
}

# Prints "LogicalId Handler" for every function in template.yaml, as the one template reader
# (local/Pipeline.Local.Aws/CloudFormation) reads it; ./pipeline builds the CLI first if needed.
template_functions() {
  ./pipeline template functions
}

# Publishes every function the way `sam build` does (the Makefile's build-<LogicalId> targets),
# into .build/functions/<Handler>, where the local stack and the tests run them from.
package() {
  local id handler
  ensure_apt make
  local functions
  functions=$(template_functions)
  while read -r id handler; do
    log "publishing $id -> .build/functions/$handler"
    make --no-print-directory "build-$id" ARTIFACTS_DIR="$ROOT/.build/functions/$handler" CONFIG="$CONFIG" \
      READY_TO_RUN="${READY_TO_RUN:-false}"
  done <<<"$functions"
}

summary() {
  # One line computed from the TRX result files: N passed, N failed[, N skipped].
  local passed=0 failed=0 skipped=0 f counters
  shopt -s nullglob
  for f in "$RESULTS"/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$f" | head -1)
    passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    failed=$((failed + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")))
    skipped=$((skipped + $(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")))
  done
  # node --test's TAP ends with "# pass N", "# fail N", "# cancelled N", "# skipped N" (top level, unindented).
  for f in "$RESULTS"/*.tap; do
    passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$f" | tail -1)))
    failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$f" | tail -1) + $(sed -n 's/^# cancelled \([0-9]*\)$/\1/p' "$f" | tail -1)))
    skipped=$((skipped + $(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$f" | tail -1)))
  done
  if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
}

# Runs each Node.js package's node --test suite; its TAP goes to the results for the summary.
node_tests() {
  local dir rc=0
  mkdir -p "$RESULTS"
  for dir in "${NODE_PACKAGES[@]}"; do
    log "node --test in $dir"
    (cd "$dir" && node --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=tap --test-reporter-destination="$RESULTS/$(basename "$dir").tap" test/) || rc=$?
  done
  return $rc
}

test_all() {
  setup
  build
  package
  rm -rf "$RESULTS"
  log "running tests"
  local rc=0 filter=()
  # Category=Bench tests run from bench/ scripts only (minutes each; bench/faults.sh).
  if [ $# -gt 0 ]; then filter=(--filter "$1"); else filter=(--filter "Category!=Bench"); fi
  dotnet test Pipeline.sln -c "$CONFIG" --no-build --verbosity quiet -nologo \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$RESULTS" \
    "${filter[@]}" || rc=$?
  if [ $# -eq 0 ]; then node_tests || rc=$?; fi
  summary
  return $rc
}

# The bench scripts (bench/*.sh with a #! line; the others are helpers they source) and the .NET
# benchmarks (the keys of bench/Pipeline.Benchmarks/Program.cs), one name a line.
bench_scripts() { for s in bench/*.sh; do if [ "$(head -c 2 "$s")" = '#!' ]; then basename "$s" .sh; fi; done; }
dotnet_benchmarks() { grep -o '\["[A-Za-z]*"\] = ' bench/Pipeline.Benchmarks/Program.cs | cut -d'"' -f2; }

bench() {
  local name=${1:-}
  # An unknown name is refused before anything is built, with the names there are.
  if [ -n "$name" ]; then
    local scripts dotnets
    scripts=$(bench_scripts) dotnets=$(dotnet_benchmarks)
    if ! grep -qxF -- "$name" <<<"$scripts" && ! grep -qiF -- "$name" <<<"$dotnets"; then
      echo "no benchmark named '$name'; scripts: $(paste -sd' ' <<<"$scripts"); .NET: $(paste -sd' ' <<<"$dotnets")" >&2
      return 2
    fi
  fi
  setup
  ensure_apt wrk
  build
  package
  if [ -z "$name" ] || [ -f "bench/$name.sh" ]; then
    for script in bench/*.sh; do
      [ -n "$name" ] && [ "$script" != "bench/$name.sh" ] && continue
      [ "$(head -c 2 "$script")" = '#!' ] || continue  # a helper the benches source (local-stack.sh), not a bench
      log "bench: $script"; bash "$script"
    done
  fi
  if [ -z "$name" ] || [ ! -f "bench/$name.sh" ]; then
    log "bench: bench/Pipeline.Benchmarks ${name:-(all)}"
    dotnet run --project bench/Pipeline.Benchmarks -c Release --no-build -- --filter "*${name}*"
  fi
}

cmd=${1:-test}; shift || true
case "$cmd" in
  setup) setup ;;
  build) setup; build ;;
  package) dotnet restore Pipeline.sln --verbosity quiet; package ;;
  test) test_all "$@" ;;
  bench) bench "$@" ;;
  summary) summary ;;
  *) echo "usage: ./build.sh setup|build|package|test [FILTER]|bench [NAME]" >&2; exit 2 ;;
esac
