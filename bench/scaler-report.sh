#!/usr/bin/env bash
# Replays every trace under bench/traces with the pipeline policy and with AWS target tracking
# (pipeline tables simulate) and prints a comparison table and the goals:
#   throttled units <= 50% of target tracking on every trace,
#   capacity-unit-hours <= 105% of target tracking over all traces, zero quota violations.
# Exits non-zero when a goal is missed. Usage: bench/scaler-report.sh [--target 70]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRACES=$ROOT/bench/traces
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for trace in "$TRACES"/*.csv; do
  name=$(basename "$trace" .csv)
  for policy in target-tracking pipeline; do
    "$ROOT/pipeline" tables simulate --trace "$trace" --policy "$policy" "$@" > "$OUT/$name.$policy.json"
  done
done
node - "$OUT" <<'JS'
const fs = require('fs');
const dir = process.argv[2];
const names = [...new Set(fs.readdirSync(dir).map(f => f.split('.')[0]))].sort();
const load = (n, p) => JSON.parse(fs.readFileSync(`${dir}/${n}.${p}.json`, 'utf8'));
const thr = s => s.throttled_read_units + s.throttled_write_units;
const cuh = s => s.read_capacity_unit_hours + s.write_capacity_unit_hours;
const f = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const rows = [['trace', 'throttled TT', 'throttled P', 'P/TT', 'CU-h TT', 'CU-h P', 'P/TT', '$ TT', '$ P', 'updates TT/P', 'max dec/day TT/P', 'quota viol. P']];
let ok = true, cuhTT = 0, cuhP = 0, costTT = 0, costP = 0, thrTT = 0, thrP = 0;
for (const n of names) {
  const tt = load(n, 'target-tracking'), p = load(n, 'pipeline');
  const ratio = thr(tt) === 0 ? (thr(p) === 0 ? 0 : Infinity) : thr(p) / thr(tt);
  if (ratio > 0.5 || p.quota_violations > 0 || p.bound_violations > 0) ok = false;
  cuhTT += cuh(tt); cuhP += cuh(p); costTT += tt.cost_dollars; costP += p.cost_dollars; thrTT += thr(tt); thrP += thr(p);
  rows.push([n, f(thr(tt)), f(thr(p)), f(ratio * 100, 1) + '%', f(cuh(tt)), f(cuh(p)), f(cuh(p) / cuh(tt) * 100, 1) + '%',
    f(tt.cost_dollars, 2), f(p.cost_dollars, 2), `${tt.updates}/${p.updates}`,
    `${tt.max_decreases_per_utc_day}/${p.max_decreases_per_utc_day}`, String(p.quota_violations)]);
}
rows.push(['all', f(thrTT), f(thrP), f(thrP / thrTT * 100, 1) + '%', f(cuhTT), f(cuhP), f(cuhP / cuhTT * 100, 1) + '%', f(costTT, 2), f(costP, 2), '', '', '']);
if (cuhP > cuhTT * 1.05) ok = false;
const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
const line = r => '| ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
console.log(line(rows[0]));
console.log('|' + widths.map((w, i) => (i === 0 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|');
rows.slice(1).forEach(r => console.log(line(r)));
console.log(`\nTT = AWS target tracking, P = pipeline policy; CU-h = read + write capacity-unit-hours.`);
console.log(`goals: throttled <= 50% of TT on every trace, CU-h <= 105% of TT overall, zero quota violations: ${ok ? 'MET' : 'MISSED'}`);
process.exit(ok ? 0 : 1);
JS
