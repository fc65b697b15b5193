// What bench/push-to-live.mjs and bench/soak.mjs share: the running stack's Step Functions API,
// deploy executions, pushes, and the memory of the `up` process tree.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, basename, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const root = resolve(import.meta.dirname, '..');

export const run = promisify(execFile);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function fail(message) {
  console.error(`${basename(process.argv[1], '.mjs')}: FAILED: ${message}`);
  process.exit(1);
}

export const git = (cwd, ...gitArgs) =>
  run('git', ['-c', 'user.name=Pipeline bench', '-c', 'user.email=bench@pipeline.local', ...gitArgs], { cwd });

/**
 * The command line of a measuring half: --state DIR and --pid PID, which its .sh wrapper passes for the
 * stack it started, and the bench's own `options` (parseArgs options).
 */
export const benchArgs = (options) =>
  parseArgs({ options: { state: { type: 'string' }, pid: { type: 'string' }, ...options } }).values;

/** Pushes bench/services/SERVICE with `./pipeline push`, the service's first deploy; returns its commit. */
export async function pushFirstDeploy(state, service) {
  const { stdout } = await run(join(root, 'pipeline'), ['push', service, '--from', join(root, 'bench', 'services', service),
    '--state-dir', state, '-m', `${service}: first deploy`]);
  return /pushed \S+ ([0-9a-f]{40})/.exec(stdout)?.[1] ?? fail(`./pipeline push said: ${stdout}`);
}

/**
 * A clone (STATE/BENCH-clone) of the service's repository in the stack, pushed to as a team would:
 * the function it returns commits server.js at revision i, pushes it to main and returns the commit
 * and when the push began.
 */
export async function revisionPusher(state, service, bench) {
  const clone = join(state, `${bench}-clone`);
  await run('git', ['clone', '--quiet', join(state, 'git', `${service}.git`), clone]);
  return async (i) => {
    const server = join(clone, 'server.js');
    writeFileSync(server, readFileSync(server, 'utf8').replace(/^const revision = \d+;$/m, `const revision = ${i};`));
    await git(clone, 'commit', '--quiet', '-am', `${service}: ${bench} push ${i}`);
    const commit = (await git(clone, 'rev-parse', 'HEAD')).stdout.trim();
    const pushedAt = Date.now();
    await git(clone, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    return { commit, pushedAt };
  };
}

/** The stack of a state directory: its endpoints and its Step Functions API (plain AWS JSON 1.0 over HTTP). */
export async function openStack(state) {
  const stack = JSON.parse(readFileSync(join(state, 'stack.json'), 'utf8'));
  const front = stack.endpoints.front.replace(/\/$/, '');

  async function sfn(operation, request) {
    const response = await fetch(stack.endpoints.stepfunctions, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
      body: JSON.stringify(request),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${operation}: ${body.__type}: ${body.message}`);
    return body;
  }

  async function all(operation, request, field) {
    const items = [];
    let nextToken;
    do {
      const page = await sfn(operation, { ...request, ...(nextToken ? { nextToken } : {}) });
      items.push(...page[field]);
      nextToken = page.nextToken;
    } while (nextToken);
    return items;
  }

  const machines = await all('ListStateMachines', {}, 'stateMachines');
  const deployMachine = machines.find((m) => m.name === 'DeployServiceStateMachine')?.stateMachineArn
    ?? fail(`no DeployServiceStateMachine among ${machines.map((m) => m.name).join(', ')}`);

  /** The execution a push of `commit` started: the one whose input names the commit. */
  async function executionOf(commit, seen) {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      for (const e of await all('ListExecutions', { stateMachineArn: deployMachine }, 'executions')) {
        if (seen.has(e.executionArn)) continue;
        seen.add(e.executionArn);
        const { input } = await sfn('DescribeExecution', { executionArn: e.executionArn });
        if (input.includes(commit)) return e.executionArn;
      }
      await sleep(250);
    }
    return fail(`no deploy execution started within 120 s of pushing ${commit}`);
  }

  async function finished(executionArn) {
    const deadline = Date.now() + 15 * 60_000;
    while (Date.now() < deadline) {
      const execution = await sfn('DescribeExecution', { executionArn });
      if (execution.status !== 'RUNNING') return execution;
      await sleep(500);
    }
    return fail(`${executionArn} still runs after 15 minutes`);
  }

  const executions = async () => new Set((await all('ListExecutions', { stateMachineArn: deployMachine }, 'executions')).map((e) => e.executionArn));
  return { stack, front, sfn, all, executionOf, finished, executions };
}

// ---- Memory of the `up` process tree ------------------------------------------------------------

function processTree(rootPid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  const tree = [];
  for (const queue = [rootPid]; queue.length > 0;) {
    const pid = queue.shift();
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** What a process is, and what part of the stack it belongs to. */
function describe(pid) {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  const program = basename(argv[0] ?? '?');
  const target = argv.slice(1).find((a) => !a.startsWith('-') && a !== 'exec');
  const fleetService = /(?:^|\0)PIPELINE_SERVICE=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, 'utf8'))?.[1];
  if (fleetService) return ['fleet instances', `${fleetService} instance (${argv.map((a) => basename(a)).join(' ')})`];
  if (program === 'dotnet' && target?.includes('/.build/functions/')) return ['Lambda functions', basename(target, '.dll')];
  if (program === 'dotnet' && target) return [basename(target, '.dll') === 'pipeline' ? 'pipeline up' : 'router', basename(target, '.dll')];
  if (program === 'node' && target) return ['emulators', basename(target)];
  if (program === 'haproxy') return ['router', 'haproxy'];
  return ['other', argv.map((a) => basename(a)).join(' ').slice(0, 60)];
}

/** Samples every process of the `up` tree: pid, kind, name, RSS, PSS and anonymous RSS in kB, and the sums. */
export function memorySampler(upPid) {
  const upCommandLine = readFileSync(`/proc/${upPid}/cmdline`, 'utf8');
  return function sampleMemory() {
    const processes = [];
    for (const pid of processTree(upPid)) {
      try {
        // A child forked by `up` but not yet exec'd is a copy of `up` sharing all its pages: not a process of the stack.
        if (pid !== upPid && readFileSync(`/proc/${pid}/cmdline`, 'utf8') === upCommandLine) continue;
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
        // Anonymous pages (heaps, GC segments, JIT code), without the mapped program files a process shares.
        const anon = Number(/^RssAnon:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
        const pss = Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
        const [kind, name] = describe(pid);
        processes.push({ pid, kind, name, rss, pss, anon });
      } catch { /* gone meanwhile */ }
    }
    return { processes, rss: processes.reduce((s, p) => s + p.rss, 0), pss: processes.reduce((s, p) => s + p.pss, 0) };
  };
}

export const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
