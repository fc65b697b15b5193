# Sourced by the benchmarks that run `./pipeline up` on a temporary state directory (set
# BENCH_NAME first). Sets WORK (the run's scratch folder), STATE and UP_PID; `start_stack` starts the
# stack and returns once its stack.json is written; on exit the stack is stopped and WORK removed
# (KEEP_STATE=1 keeps it), with the stack's last output when the benchmark failed.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/$BENCH_NAME.XXXXXX")
STATE=$WORK/stack
UP_PID=

stop_stack() {
  local rc=$?
  if [ -n "$UP_PID" ] && kill -0 "$UP_PID" 2>/dev/null; then
    # `down` rather than SIGTERM: after deploys, `up` on SIGTERM exits 143 midway through stopping.
    ./pipeline down --state-dir "$STATE" >/dev/null 2>&1 || kill -TERM "$UP_PID" 2>/dev/null || true
    for _ in $(seq 120); do kill -0 "$UP_PID" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$UP_PID" 2>/dev/null; then
      echo "$BENCH_NAME: the stack (pid $UP_PID) is still stopping after 60 s" >&2
    else
      wait "$UP_PID" 2>/dev/null || echo "$BENCH_NAME: ./pipeline up exited with status $?" >&2
    fi
  fi
  if [ "$rc" -ne 0 ] && [ -f "$WORK/up.log" ]; then
    echo "$BENCH_NAME: last lines of ./pipeline up:" >&2
    tail -n 20 "$WORK/up.log" >&2
  fi
  if [ -n "${KEEP_STATE:-}" ]; then echo "$BENCH_NAME: state kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_stack() {
  ./pipeline up --state-dir "$STATE" --port 0 >"$WORK/up.log" 2>&1 &
  UP_PID=$!
  echo "starting the local stack (pid $UP_PID, state $STATE)..."
  for _ in $(seq 600); do
    [ -f "$STATE/stack.json" ] && break
    kill -0 "$UP_PID" 2>/dev/null || { echo "$BENCH_NAME: ./pipeline up exited" >&2; exit 1; }
    sleep 0.5
  done
  [ -f "$STATE/stack.json" ] || { echo "$BENCH_NAME: no $STATE/stack.json after 300 s" >&2; exit 1; }
  echo "stack up after ${SECONDS} s on $(nproc) cores (load average $(cut -d' ' -f1-3 /proc/loadavg))"
}
