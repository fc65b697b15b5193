// The measuring half of bench/soak.sh, which starts and stops the stack around it.
//
//   node bench/soak.mjs --state DIR --pid PID [--deploys 30] [--concurrency 4] [--idle 300]
//
// Deploys bench/services/echo once, starts steady GET load on /echo/version through the front port,
// then deploys DEPLOYS more commits one after the other. Reports failed requests (a non-2xx answer
// or no answer) overall and per deploy, push-to-live per deploy, the load average, and the memory
// of the `up` process tree per process family (the stack host, each function, each emulator,
// haproxy, the router agent, the composer, the service instances) at the start, every 5 deploys
// and the end, with each family's growth per deploy over the last 10 deploys. Then, with no load: memory before and after the idle
// function processes are reaped, and what a cold start costs (one function invoked cold then warm,
// and one more deploy after reaping). Exit 1 if a deploy does not succeed or a request fails.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchArgs, fail, median, memorySampler, mib, openStack, pushFirstDeploy, revisionPusher, sleep } from './stack.mjs';

const args = benchArgs({
  deploys: { type: 'string', default: '30' },
  concurrency: { type: 'string', default: '4' },
  idle: { type: 'string', default: '300' },
});
const state = resolve(args.state);
const deploys = Number(args.deploys);
const idleSeconds = Number(args.idle);
const service = 'echo';
const { stack, front, all, executionOf, finished, executions } = await openStack(state);
const sampleMemory = memorySampler(Number(args.pid));
const functionsOf = (sample) => sample.processes.filter((p) => p.kind === 'Lambda functions');
/** The part of the stack a process is, for memory attributed per family: one row per function. */
function familyOf(p) {
  if (p.kind === 'pipeline up') return 'stack host (up)';
  if (p.kind === 'Lambda functions') return `function ${p.name}`;
  if (p.kind === 'fleet instances') return 'service instances';
  if (p.kind === 'emulators') return p.name.replace(/\.js$/, '');
  if (p.name === 'haproxy') return 'haproxy';
  if (p.name.includes('composer')) return 'composer';
  if (p.name.includes('agent')) return 'router agent';
  return `other (${p.name.split(' ')[0]})`;
}
const byFamily = (sample, field = 'rss') => {
  const sums = new Map();
  for (const p of sample.processes) sums.set(familyOf(p), (sums.get(familyOf(p)) ?? 0) + p[field]);
  return sums;
};
const families = (...samples) => [...new Set(samples.flatMap((s) => [...byFamily(s).keys()]))]
  .sort((a, b) => (a.startsWith('function') - b.startsWith('function')) || a.localeCompare(b));
const cell = (kb) => (kb === undefined ? '-' : (kb / 1024).toFixed(0)).padStart(7);
/** A table of MiB per family (rows) at each labelled sample (columns), with a total row. */
function printFamilies(labelled, field = 'rss') {
  const rows = families(...labelled.map(([, s]) => s));
  console.log(`  ${`MiB ${field.toUpperCase()}`.padEnd(34)}${labelled.map(([label]) => label.padStart(7)).join('')}`);
  for (const family of rows) console.log(`  ${family.padEnd(34)}${labelled.map(([, s]) => cell(byFamily(s, field).get(family))).join('')}`);
  console.log(`  ${'total'.padEnd(34)}${labelled.map(([, s]) => cell(s[field] ?? s.processes.reduce((t, p) => t + p[field], 0))).join('')}`);
}
const describeMemory = (sample) => `${mib(sample.rss)} RSS, ${mib(sample.pss)} PSS, ${sample.processes.length} processes `
  + `(${functionsOf(sample).length} function processes, ${mib(functionsOf(sample).reduce((s, p) => s + p.rss, 0))})`;

// ---- Steady load --------------------------------------------------------------------------------

const load = { sent: 0, failed: 0, errors: new Map(), stop: false };
async function worker() {
  while (!load.stop) {
    load.sent++;
    try {
      const response = await fetch(`${front}/echo/version`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      load.failed++;
      const what = error.cause?.code ?? error.message;
      load.errors.set(what, (load.errors.get(what) ?? 0) + 1);
    }
    await sleep(20);
  }
}

// ---- Deploys ------------------------------------------------------------------------------------

const seen = await executions();
async function deployed(commit) {
  const executionArn = await executionOf(commit, seen);
  const execution = await finished(executionArn);
  const events = await all('GetExecutionHistory', { executionArn }, 'events');
  const converged = events.filter((e) => e.type.endsWith('StateExited') && e.stateExitedEventDetails.name === 'RoutersConverged').at(-1);
  return { execution, executionArn, liveAt: converged ? converged.timestamp * 1000 : NaN };
}

console.log(`first deploy of ${service} (not measured)...`);
const first = await deployed(await pushFirstDeploy(state, service));
if (first.execution.status !== 'SUCCEEDED') fail(`the first deploy ended ${first.execution.status}: ${first.execution.cause ?? ''}`);

const pushRevision = await revisionPusher(state, service, 'soak');
async function push(i) {
  const { commit, pushedAt } = await pushRevision(i);
  const result = await deployed(commit);
  return { ...result, live: (result.liveAt - pushedAt) / 1000 };
}

const workers = Array.from({ length: Number(args.concurrency) }, worker);
await sleep(2000);
const atStart = sampleMemory();
console.log(`memory at the start (load running): ${describeMemory(atStart)}`);
const loads = [];
const loadAverage = () => {
  const one = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  loads.push(one);
  return one.toFixed(1);
};
const results = [];
const samples = [['start', atStart]];
for (let i = 1; i <= deploys; i++) {
  const before = { sent: load.sent, failed: load.failed };
  const result = await push(i);
  const failed = load.failed - before.failed;
  results.push({ ...result, failed, sent: load.sent - before.sent });
  const sample = sampleMemory();
  samples.push([`d${i}`, sample]);
  console.log(`deploy ${String(i).padStart(2)}/${deploys}: ${result.execution.status.padEnd(9)} live ${result.live.toFixed(1).padStart(6)} s  `
    + `requests ${String(load.sent - before.sent).padStart(6)}, failed ${failed}  rss ${mib(sample.rss)}  load ${loadAverage()}`);
  if (i % 5 === 0 || i === deploys) printFamilies(samples.filter(([label], k) => k === 0 || k % 5 === 0 || label === `d${i}`));
}
await sleep(10_000);
const atEnd = sampleMemory();
load.stop = true;
await Promise.all(workers);

const lives = results.map((r) => r.live).filter((x) => !Number.isNaN(x));
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.9) - 1];
console.log();
console.log(`${deploys} deploys of ${service} under ${args.concurrency} looping GETs of /echo/version`);
console.log(`  succeeded: ${results.filter((r) => r.execution.status === 'SUCCEEDED').length}/${deploys}`);
console.log(`  requests: ${load.sent} sent, ${load.failed} failed${load.failed ? ` (${[...load.errors].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
console.log(`  push-to-live, s: median ${median(lives).toFixed(1)}, p90 ${p90(lives).toFixed(1)}, min ${Math.min(...lives).toFixed(1)}, max ${Math.max(...lives).toFixed(1)}`);
console.log(`  memory at the start: ${describeMemory(atStart)}`);
console.log(`  memory at the end:   ${describeMemory(atEnd)}`);
console.log(`  load average: ${loads.map((l) => l.toFixed(1)).join(' ')} (1-minute, sampled after each deploy)`);
console.log('  memory per process family, at the start, every 5 deploys and 10 s after the last:');
const marks = [...samples.filter(([, ], k) => k % 5 === 0), ['end', atEnd]];
printFamilies(marks);
console.log('  the same, PSS (shared program pages divided among the processes that map them) and anonymous RSS:');
printFamilies([['start', atStart], ['end', atEnd]], 'pss');
printFamilies([['start', atStart], ['end', atEnd]], 'anon');
// Growth per deploy over the last ten deploys (or all of them), per family: a level memory shows ~0.
const span = Math.min(10, deploys);
const [fromLabel, from] = samples[deploys - span];
const [toLabel, to] = samples[deploys];
console.log(`  growth per deploy from ${fromLabel} to ${toLabel}, MiB RSS (anonymous):`);
for (const family of families(from, to)) {
  const per = (field) => (((byFamily(to, field).get(family) ?? 0) - (byFamily(from, field).get(family) ?? 0)) / 1024 / span).toFixed(1);
  console.log(`    ${family.padEnd(32)}${per('rss').padStart(7)} (${per('anon')})`);
}
console.log(`    ${'total'.padEnd(32)}${((to.rss - from.rss) / 1024 / span).toFixed(1).padStart(7)}`);

// ---- Idle: reaping and the cold start it adds ---------------------------------------------------

async function invoke(name, payload) {
  const startedAt = performance.now();
  const response = await fetch(`${stack.endpoints.lambda}/2015-03-31/functions/${name}/invocations`, { method: 'POST', body: JSON.stringify(payload) });
  await response.arrayBuffer();
  return (performance.now() - startedAt) / 1000;
}

const idleWarm = sampleMemory();
console.log();
console.log(`idle, right after the load stopped: ${describeMemory(idleWarm)}`);
const reapBy = Date.now() + (idleSeconds + Math.min(idleSeconds / 4, 30) + 15) * 1000;
while (Date.now() < reapBy && functionsOf(sampleMemory()).length > 0) await sleep(1000);
const idleReaped = sampleMemory();
console.log(`idle, after reaping (${idleSeconds} s idle time):  ${describeMemory(idleReaped)}`);
console.log(`  freed: ${mib(idleWarm.rss - idleReaped.rss)} RSS`);
printFamilies([['warm', idleWarm], ['reaped', idleReaped]]);
// Any answer will do (a version label that does not exist is answered as fast): what is timed is start-up.
const probe = { service, version: '0.1.1-0000000' };
const cold = await invoke('ResolveVersionFunction', probe);
const warm = await invoke('ResolveVersionFunction', probe);
console.log(`cold start: ResolveVersionFunction invoked cold ${cold.toFixed(2)} s, then warm ${warm.toFixed(2)} s`);
const coldDeploy = await push(deploys + 1);
console.log(`one deploy after reaping: ${coldDeploy.execution.status}, live ${coldDeploy.live.toFixed(1)} s `
  + `(median of the warm deploys ${median(lives).toFixed(1)} s)`);

if (load.failed > 0 || results.some((r) => r.execution.status !== 'SUCCEEDED')) process.exit(1);
