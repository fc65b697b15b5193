// Reads the results bench/compose.sh wrote into its work directory (compose-load or load.mjs for the fixed-rate rounds,
// autocannon for saturation) and prints the figures, the ratios and each of issue 16's targets as met,
// missed, or not measured (when the machine did not deliver the offered rate, latencies are queueing).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [work, rate, roundsArg = '1', ticksArg = '100'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const read = (name) => JSON.parse(readFileSync(join(work, `${name}.json`), 'utf8'));
const ms = (n) => `${n.toFixed(2)} ms`;
const counts = (r) => `2xx ${r['2xx']}  non-2xx ${r.non2xx}  errors ${r.errors}`;
const label = (name) => ({ composed: 'composition (orders+catalog)', pair: 'direct both at once (slower)' })[name] ?? `direct ${name}`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
// CPU time each role of the stack spent over one run, per answered request, in microseconds.
const cpuPerRequest = (name, answered) => {
  const ticks = (file) => readFileSync(join(work, `${name}.${file}`), 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ')).reduce((m, [role, t]) => ({ ...m, [role]: (m[role] ?? 0) + Number(t) }), {});
  const before = ticks('cpu-before');
  return Object.fromEntries(Object.entries(ticks('cpu-after'))
    .map(([role, t]) => [role, (1e6 * (t - (before[role] ?? 0))) / Number(ticksArg) / Math.max(answered, 1)]));
};

const names = ['orders', 'catalog', 'pair', 'composed'];
const runs = Object.fromEntries(names.map((n) => [n, Array.from({ length: rounds }, (_, i) => read(`${n}-rate-${i + 1}`))]));
console.log(`\n1. at ${rate} req/s offered (open loop; latency from each request's scheduled time), ${rounds} rounds of the four rows interleaved`);
for (const name of names) {
  for (const [i, r] of runs[name].entries()) {
    console.log(`  ${`${label(name)} #${i + 1}`.padEnd(33)} p50 ${ms(r.latency.p50).padStart(10)}  p99 ${ms(r.latency.p99).padStart(10)}  ` +
      `achieved ${r.achieved.toFixed(0).padStart(5)} req/s (${(100 * r.achieved / r.offered).toFixed(1)}%)  ${counts(r)}  not sent ${r.skipped}  client ${(100 * r.clientCore).toFixed(0)}% of a core`);
  }
}
// Within 3% of the offered rate: otherwise the rows measure a queue, not the composer.
const delivered = names.every((n) => runs[n].every((r) => r.achieved >= 0.97 * r.offered && r.skipped === 0));
if (!delivered) console.log(`  the machine did not deliver ${rate} req/s to every run: the latencies below are queueing, not the composer's cost`);
const at = Object.fromEntries(names.map((n) => [n, {
  p50: median(runs[n].map((r) => r.latency.p50)), p99: median(runs[n].map((r) => r.latency.p99)) }]));
console.log(`  medians over the rounds:`);
for (const name of names) console.log(`  ${label(name).padEnd(33)} p50 ${ms(at[name].p50).padStart(10)}  p99 ${ms(at[name].p99).padStart(10)}`);
// Two comparisons. Against the pair: both direct calls sent at once per request, timed to the slower,
// which is what a client making the composition's calls itself waits for (the composition, too, ends
// with its slower call, so a composer that added nothing would match it). Against the slower single
// row: each direct call's own percentiles, which charges the composition for waiting on two calls
// (a single call's p99 is below the p99 of the slower of two).
const addedVsPair = { p50: at.composed.p50 - at.pair.p50, p99: at.composed.p99 - at.pair.p99 };
const addedVsRow = { p50: at.composed.p50 - Math.max(at.orders.p50, at.catalog.p50), p99: at.composed.p99 - Math.max(at.orders.p99, at.catalog.p99) };
const perRoundVsPair = (p) => runs.composed.map((c, i) => c.latency[p] - runs.pair[i].latency[p]);
const perRoundVsRow = (p) => runs.composed.map((c, i) => c.latency[p] - Math.max(runs.orders[i].latency[p], runs.catalog[i].latency[p]));
console.log(`  added by the composition vs both direct calls at once (medians): p50 ${ms(addedVsPair.p50)}, p99 ${ms(addedVsPair.p99)}` +
  `  (each round: p50 ${perRoundVsPair('p50').map(ms).join(' / ')}; p99 ${perRoundVsPair('p99').map(ms).join(' / ')})`);
console.log(`  added by the composition vs the slower single direct row (medians): p50 ${ms(addedVsRow.p50)}, p99 ${ms(addedVsRow.p99)}` +
  `  (each round: p50 ${perRoundVsRow('p50').map(ms).join(' / ')}; p99 ${perRoundVsRow('p99').map(ms).join(' / ')})`);
console.log('  CPU per request by process, mean over the rounds (us; generator = the load generator itself):');
for (const name of names) {
  const each = runs[name].map((r, i) => ({ ...cpuPerRequest(`${name}-rate-${i + 1}`, r['2xx'] + r.non2xx),
    generator: (1e6 * r.clientCore * r.seconds) / Math.max(r['2xx'] + r.non2xx, 1) }));
  const roles = Object.keys(each[0]);
  const mean = Object.fromEntries(roles.map((k) => [k, each.reduce((sum, e) => sum + (e[k] ?? 0), 0) / each.length]));
  const total = Object.values(mean).reduce((a, b) => a + b, 0);
  console.log(`  ${label(name).padEnd(33)} ${roles.map((k) => `${k} ${mean[k].toFixed(0)}`).join('  ')}  total ${total.toFixed(0)}`);
}

const max = { orders: read('orders-max'), catalog: read('catalog-max'), composed: read('composed-max') };
console.log('\n2. at saturation (no rate limit)');
// Saturation is autocannon's closed loop: its request counts are right, its latencies are not (it
// times responses on a connection HAProxy closed from a request it wrote on the closing one).
for (const [name, r] of Object.entries(max)) {
  console.log(`  ${label(name).padEnd(30)} ${Math.round(r.requests.average).toString().padStart(6)} req/s  ${counts(r)}  timeouts ${r.timeouts}`);
}
const slowerRps = Math.min(max.orders.requests.average, max.catalog.requests.average);
const fasterRps = Math.max(max.orders.requests.average, max.catalog.requests.average);
const ratio = max.composed.requests.average / slowerRps;
console.log(`  compositions/s vs direct calls/s: ${(100 * ratio).toFixed(0)}% of the slower direct call, ` +
  `${(100 * max.composed.requests.average / fasterRps).toFixed(0)}% of the faster`);

const rss = readFileSync(join(work, 'rss.txt'), 'utf8').split('\n').filter(Boolean).map(Number);
const rssRun = read('composed-rss');
console.log(`\n3. composer RSS every 5 s over ${rss.length * 5 - 5} s of compositions at ${rate} req/s offered ` +
  `(achieved ${rssRun.achieved.toFixed(0)} req/s, ${counts(rssRun)})`);
console.log(`  ${rss.map((k) => `${(k / 1024).toFixed(1)}`).join(' ')} MiB`);
// After the first 10 s (warm-up allocations), memory is flat when it grows by less than 10%.
const settled = rss.slice(2);
const growth = settled.length > 1 ? (settled.at(-1) - settled[0]) / settled[0] : 0;
const flat = growth < 0.1;
console.log(`  from 10 s to the end: ${(100 * growth).toFixed(1)}% (${flat ? 'flat' : 'growing'})`);
const [ticks, perSecond] = readFileSync(join(work, 'cpu.txt'), 'utf8').trim().split(' ').map(Number);
const answered = rssRun['2xx'] + rssRun.non2xx;
console.log(`  composer CPU: ${(1000 * ticks / perSecond).toFixed(0)} ms for ${answered} compositions, ` +
  `${(1e6 * ticks / perSecond / Math.max(answered, 1)).toFixed(0)} us per composition`);

const target = (met, text) => console.log(`  [${met ? ' met ' : 'MISSED'}] ${text}`);
console.log('\ntargets (issue 16)');
const latencyTarget = (added, limit, name) => (delivered
  ? target(added < limit, `added ${name} < ${limit} ms at ${rate} req/s: ${ms(added)}`)
  : console.log(`  [NOT MEASURED] added ${name} < ${limit} ms at ${rate} req/s: ${ms(added)}, but the rate was not delivered`));
latencyTarget(addedVsPair.p50, 1, 'p50 vs both direct calls at once');
latencyTarget(addedVsPair.p99, 5, 'p99 vs both direct calls at once');
latencyTarget(addedVsRow.p50, 1, 'p50 vs the slower single direct row');
latencyTarget(addedVsRow.p99, 5, 'p99 vs the slower single direct row');
// A composition includes both direct calls: above 100% the machine's load changed between the runs.
if (ratio <= 1) target(ratio >= 0.4, `compositions >= 40% of direct single calls at saturation: ${(100 * ratio).toFixed(0)}%`);
else console.log(`  [NOT MEASURED] compositions >= 40% of direct single calls at saturation: ${(100 * ratio).toFixed(0)}%, ` +
  'more than a direct call, so the load of the machine changed between the runs');
target(flat, `composer memory flat over the run: ${(100 * growth).toFixed(1)}% after warm-up`);
