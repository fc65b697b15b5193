// The measuring half of bench/push-to-live.sh, which starts and stops the stack around it.
//
//   node bench/push-to-live.mjs --state DIR --pid PID [--runs 10]
//
// Pushes bench/services/echo once (the first deploy), then RUNS more commits one after the other,
// each waited for to the end of its deploy execution (anything but SUCCEEDED fails the bench).
// Reads each execution's history through the Step Functions API (plain AWS JSON 1.0 over HTTP) and
// prints the time of each stage; samples the RSS of the `up` process tree every second. Exit 1 on
// failure.
import { resolve } from 'node:path';
import { benchArgs, fail, median, memorySampler, mib, openStack, pushFirstDeploy, revisionPusher, sleep } from './stack.mjs';

const args = benchArgs({
  runs: { type: 'string', default: '10' },
});
const state = resolve(args.state);
const upPid = Number(args.pid);
const runs = Number(args.runs);
const service = 'echo';
const { front, all, executionOf, finished, executions } = await openStack(state);

// ---- Stages -------------------------------------------------------------------------------------

// Each stage runs from one state event to another (seconds since epoch, from the history); the first
// or last occurrence matters for states a loop visits more than once. "other" is whatever the listed
// stages leave out of push-to-done: state transitions, Pass/Choice states between stages, ReleaseLock.
const STAGES = [
  ['trigger', 'push', ['BuildAndTest', 'entered'], 'push → BuildAndTest entered'],
  ['build', ['BuildAndTest', 'entered'], ['BuildAndTest', 'exited'], 'BuildAndTest'],
  ['record', ['RecordVersion', 'entered'], ['ResolveVersion', 'exited'], 'RecordVersion + ResolveVersion'],
  ['tables', ['ProvisionTables', 'entered'], ['ProvisionTables', 'exited'], 'ProvisionTables'],
  ['launch', ['LaunchInstances', 'entered'], ['LaunchInstances', 'exited'], 'LaunchInstances'],
  ['healthy', ['EnsureTargetGroup', 'entered'], ['AllTargetsHealthy', 'exited', 'last'], 'EnsureTargetGroup → AllTargetsHealthy, with its waits'],
  ['routes converged', ['PublishRoutes', 'entered'], ['RoutersConverged', 'exited', 'last'], 'PublishRoutes → RoutersConverged'],
  ['drained+retired', ['RoutersConverged', 'exited', 'last'], ['RetireVersion', 'exited'], '→ RetireVersion exited'],
];
const TOTALS = [
  ['push-to-live', 'push', ['RoutersConverged', 'exited', 'last'], 'push → every router applied the new routes'],
  ['push-to-first-response', 'push', 'served', 'push → HAProxy answers with the new commit'],
  ['push-to-done', 'push', 'end', 'push → end of the execution'],
];

function stageTimes(events, pushedAt, servedAt) {
  const at = (point) => {
    if (point === 'push') return pushedAt;
    if (point === 'served') return servedAt;
    if (point === 'end') return events.at(-1).timestamp * 1000;
    const [name, what, which = 'first'] = point;
    const matching = events.filter((e) =>
      e.type.endsWith(what === 'entered' ? 'StateEntered' : 'StateExited')
      && (e.stateEnteredEventDetails ?? e.stateExitedEventDetails).name === name);
    if (matching.length === 0) fail(`the history has no ${name} ${what}`);
    return (which === 'last' ? matching.at(-1) : matching[0]).timestamp * 1000;
  };
  const times = {};
  for (const [name, from, to] of [...STAGES, ...TOTALS]) times[name] = (at(to) - at(from)) / 1000;
  times.other = times['push-to-done'] - STAGES.reduce((sum, [name]) => sum + times[name], 0);
  const visits = (name) => events.filter((e) => e.type.endsWith('StateEntered') && e.stateEnteredEventDetails.name === name).length;
  times.polls = { CheckTargetHealth: visits('CheckTargetHealth'), CheckRouters: visits('CheckRouters'), CheckDraining: visits('CheckDraining') };
  return times;
}

const sampleMemory = memorySampler(upPid);

let peak = { rss: 0, processes: [] }; // the sample with the most RSS
let peakPss = 0;
const sampler = setInterval(() => {
  const sample = sampleMemory();
  if (sample.rss > peak.rss) peak = sample;
  peakPss = Math.max(peakPss, sample.pss);
}, 1000);

// ---- Pushing ------------------------------------------------------------------------------------

/** Polls HAProxy until /echo/version answers `revision`; resolves with the time it first did. */
async function firstServed(revision, stop) {
  while (!stop.done) {
    try {
      const response = await fetch(`${front}/echo/version`, { signal: AbortSignal.timeout(2000) });
      if (response.ok && (await response.json()).revision === revision) return Date.now();
    } catch { /* not routed yet */ }
    await sleep(200);
  }
  return NaN;
}

async function followed(executionArn) {
  const execution = await finished(executionArn);
  if (execution.status !== 'SUCCEEDED') {
    fail(`${executionArn} ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}\n`
      + `  (\`./pipeline history ${executionArn} --state-dir ${state}\` while the stack runs; KEEP_STATE=1 keeps it)`);
  }
  return execution;
}

const seen = await executions();
const started = Date.now();
console.log(`first deploy of ${service} (not measured)...`);
const first = await followed(await executionOf(await pushFirstDeploy(state, service), seen));
console.log(`  SUCCEEDED, ${(first.stopDate - first.startDate).toFixed(1)} s from start to end of its execution`);

const push = await revisionPusher(state, service, 'bench');
const results = [];
for (let i = 1; i <= runs; i++) {
  const { commit, pushedAt } = await push(i);
  const stop = { done: false };
  const served = firstServed(i, stop);
  const executionArn = await executionOf(commit, seen);
  await followed(executionArn);
  stop.done = true;
  const servedAt = await served;
  if (Number.isNaN(servedAt)) fail(`run ${i}: HAProxy never served revision ${i} at ${front}/echo/version`);
  const events = await all('GetExecutionHistory', { executionArn }, 'events');
  const times = stageTimes(events, pushedAt, servedAt);
  results.push(times);
  console.log(`run ${String(i).padStart(2)}/${runs}: SUCCEEDED  live ${times['push-to-live'].toFixed(1)} s  `
    + `done ${times['push-to-done'].toFixed(1)} s  ${executionArn.split(':').at(-1)}`);
}
const runsEnded = Date.now();
clearInterval(sampler);

// ---- Report -------------------------------------------------------------------------------------

const row = (name, xs, what = '') => `${name.padEnd(24)}${[median(xs), Math.min(...xs), Math.max(...xs)].map((x) => x.toFixed(1).padStart(8)).join('')}    ${what}`.trimEnd();
console.log();
console.log(`push-to-live of ${service}, ${runs} pushes, seconds`);
console.log(`${'stage'.padEnd(24)}${'median'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}`);
for (const [name, , , what] of STAGES) console.log(row(name, results.map((t) => t[name]), what));
console.log(row('other', results.map((t) => t.other), 'transitions, ReleaseLock'));
console.log('-'.repeat(48));
for (const [name, , , what] of TOTALS) console.log(row(name, results.map((t) => t[name]), what));
console.log(`polls per run, median (min-max): ${Object.keys(results[0].polls).map((state) => {
  const counts = results.map((t) => t.polls[state]);
  return `${state} ${median(counts)} (${Math.min(...counts)}-${Math.max(...counts)})`;
}).join(', ')}`);

await sleep(10_000); // let the last retirement's processes go and the stack settle
const idle = sampleMemory();
console.log();
console.log(`memory of the \`up\` process tree (RSS summed over every process; PSS counts shared pages once)`);
console.log(`  idle after the runs: ${mib(idle.rss)} RSS, ${mib(idle.pss)} PSS, ${idle.processes.length} processes`);
console.log(`  peak during the runs (sampled every 1 s over ${((runsEnded - started) / 1000).toFixed(0)} s): `
  + `${mib(peak.rss)} RSS (${peak.processes.length} processes), ${mib(peakPss)} PSS`);
const byKind = (processes) => [...new Set(processes.map((p) => p.kind))]
  .map((kind) => processes.filter((p) => p.kind === kind))
  .map((ps) => ({ kind: ps[0].kind, count: ps.length, rss: ps.reduce((s, p) => s + p.rss, 0), pss: ps.reduce((s, p) => s + p.pss, 0) }))
  .sort((a, b) => b.rss - a.rss);
const peakKinds = Object.fromEntries(byKind(peak.processes).map((k) => [k.kind, k]));
console.log(`  ${'part of the stack'.padEnd(24)}${'idle RSS'.padStart(10)}${'idle PSS'.padStart(10)}${'peak RSS'.padStart(10)}`);
for (const k of byKind(idle.processes)) {
  const atPeak = peakKinds[k.kind];
  console.log(`  ${`${k.kind} (${k.count})`.padEnd(24)}${mib(k.rss).padStart(10)}${mib(k.pss).padStart(10)}`
    + `${(atPeak ? `${mib(atPeak.rss)}` : '-').padStart(10)}${atPeak && atPeak.count !== k.count ? ` (${atPeak.count})` : ''}`);
}
for (const k of byKind(peak.processes).filter((k) => !idle.processes.some((p) => p.kind === k.kind))) {
  console.log(`  ${`${k.kind} (${k.count})`.padEnd(24)}${'-'.padStart(10)}${'-'.padStart(10)}${mib(k.rss).padStart(10)}`);
}
console.log('  every process at idle, biggest first:');
for (const p of [...idle.processes].sort((a, b) => b.rss - a.rss)) {
  console.log(`    ${mib(p.rss).padStart(8)} RSS ${mib(p.pss).padStart(8)} PSS  ${p.name}`);
}
