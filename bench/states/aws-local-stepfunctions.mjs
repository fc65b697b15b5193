// The aws-local-stepfunctions side of bench/states-vs-aws-local-stepfunctions.sh: runs each case in-process
// and prints one JSON line per case. Usage: node aws-local-stepfunctions.mjs SECONDS_PER_CASE
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.argv[2] ?? 5);
const cases = JSON.parse(readFileSync(join(here, 'cases.json'), 'utf8'));

for (const c of cases) {
  const definition = JSON.parse(readFileSync(join(here, c.definition), 'utf8'));
  const input = c.inputItems ? { items: Array.from({ length: c.inputItems }, (_, i) => ({ id: i })) } : c.input;
  const machine = new StateMachine(definition);
  const once = async () => {
    const output = await machine.run(input).result;
    if (output === undefined) throw new Error('no output');
    return output;
  };
  for (let i = 0; i < 3; i++) await once();
  let executions = 0;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() - start < budget) {
    await once();
    executions++;
  }
  const elapsedNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({
    engine: 'aws-local-stepfunctions 3.0.0',
    case: c.name,
    executions,
    executionsPerSecond: executions / (elapsedNs / 1e9),
    microsecondsPerState: elapsedNs / 1e3 / (executions * c.statesPerExecution),
    cpuMicrosecondsPerState: (cpu.user + cpu.system) / (executions * c.statesPerExecution),
  }));
}
