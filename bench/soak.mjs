// The measuring half of bench/soak.sh, which starts and stops the stack around it.
//
//   node bench/soak.mjs --state DIR --pid PID [--deploys 30] [--concurrency 4] [--idle 60]
//
// Deploys bench/services/echo once, starts steady GET load on /echo/version through the front port,
// then deploys DEPLOYS more commits one after the other. Reports failed requests (a non-2xx answer
// or no answer) overall and per deploy, push-to-live per deploy, and the RSS of the `up` process tree
// at the start and the end of the deploys. Then, with no load: memory before and after the idle
// function processes are reaped, and what a cold start costs (one function invoked cold then warm,
// and one more deploy after reaping). Exit 1 if a deploy does not succeed or a request fails.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fail, git, median, memorySampler, mib, openStack, run, sleep } from './stack.mjs';

const root = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    state: { type: 'string' },
    pid: { type: 'string' },
    deploys: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '4' },
    idle: { type: 'string', default: '60' },
  },
});
const state = resolve(args.state);
const deploys = Number(args.deploys);
const idleSeconds = Number(args.idle);
const service = 'echo';
const { stack, front, all, executionOf, finished, executions } = await openStack(state);
const sampleMemory = memorySampler(Number(args.pid));
const functionsOf = (sample) => sample.processes.filter((p) => p.kind === 'Lambda functions');
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
const { stdout } = await run(join(root, 'pipeline'), ['push', service, '--from', join(root, 'bench', 'services', service),
  '--state-dir', state, '-m', `${service}: first deploy`]);
const firstCommit = /pushed \S+ ([0-9a-f]{40})/.exec(stdout)?.[1] ?? fail(`./pipeline push said: ${stdout}`);
const first = await deployed(firstCommit);
if (first.execution.status !== 'SUCCEEDED') fail(`the first deploy ended ${first.execution.status}: ${first.execution.cause ?? ''}`);

const clone = join(state, 'soak-clone');
await run('git', ['clone', '--quiet', join(state, 'git', `${service}.git`), clone]);
async function push(i) {
  const server = join(clone, 'server.js');
  writeFileSync(server, readFileSync(server, 'utf8').replace(/^const revision = \d+;$/m, `const revision = ${i};`));
  await git(clone, 'commit', '--quiet', '-am', `${service}: soak push ${i}`);
  const commit = (await git(clone, 'rev-parse', 'HEAD')).stdout.trim();
  const pushedAt = Date.now();
  await git(clone, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
  const result = await deployed(commit);
  return { ...result, live: (result.liveAt - pushedAt) / 1000 };
}

const workers = Array.from({ length: Number(args.concurrency) }, worker);
await sleep(2000);
const atStart = sampleMemory();
console.log(`memory at the start (load running): ${describeMemory(atStart)}`);
const results = [];
for (let i = 1; i <= deploys; i++) {
  const before = { sent: load.sent, failed: load.failed };
  const result = await push(i);
  const failed = load.failed - before.failed;
  results.push({ ...result, failed, sent: load.sent - before.sent });
  console.log(`deploy ${String(i).padStart(2)}/${deploys}: ${result.execution.status.padEnd(9)} live ${result.live.toFixed(1).padStart(6)} s  `
    + `requests ${String(load.sent - before.sent).padStart(6)}, failed ${failed}  rss ${mib(sampleMemory().rss)}`);
}
await sleep(10_000);
const atEnd = sampleMemory();
load.stop = true;
await Promise.all(workers);

const lives = results.map((r) => r.live).filter((x) => !Number.isNaN(x));
console.log();
console.log(`${deploys} deploys of ${service} under ${args.concurrency} looping GETs of /echo/version`);
console.log(`  succeeded: ${results.filter((r) => r.execution.status === 'SUCCEEDED').length}/${deploys}`);
console.log(`  requests: ${load.sent} sent, ${load.failed} failed${load.failed ? ` (${[...load.errors].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
console.log(`  push-to-live, s: median ${median(lives).toFixed(1)}, min ${Math.min(...lives).toFixed(1)}, max ${Math.max(...lives).toFixed(1)}`);
console.log(`  memory at the start: ${describeMemory(atStart)}`);
console.log(`  memory at the end:   ${describeMemory(atEnd)}`);
const kinds = [...new Set([...atStart.processes, ...atEnd.processes].map((p) => p.kind))];
for (const kind of kinds) {
  const sum = (sample) => sample.processes.filter((p) => p.kind === kind).reduce((s, p) => s + p.rss, 0);
  console.log(`    ${kind.padEnd(20)} ${mib(sum(atStart)).padStart(9)} -> ${mib(sum(atEnd)).padStart(9)}`);
}

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
// Any answer will do (a version label that does not exist is answered as fast): what is timed is start-up.
const probe = { service, version: '0.1.1-0000000' };
const cold = await invoke('ResolveVersionFunction', probe);
const warm = await invoke('ResolveVersionFunction', probe);
console.log(`cold start: ResolveVersionFunction invoked cold ${cold.toFixed(2)} s, then warm ${warm.toFixed(2)} s`);
const coldDeploy = await push(deploys + 1);
console.log(`one deploy after reaping: ${coldDeploy.execution.status}, live ${coldDeploy.live.toFixed(1)} s `
  + `(median of the warm deploys ${median(lives).toFixed(1)} s)`);

if (load.failed > 0 || results.some((r) => r.execution.status !== 'SUCCEEDED')) process.exit(1);
