/**
 * Same-round A/B of warm handlers: each built as the bench builds them (deployed esbuild options), each in its own
 * warm harness process, all answering in alternating rounds against one dynalite — the way to tell a change's
 * effect from the machine's drift, which moves whole bench runs by several hundredths. The first handler is the
 * reference; every other is reported against it, pooled and paired by round.
 */

import { parseCommandLine, positiveInteger, runCommand, UsageError } from '../tools/cli/command-line.ts';
import { buildHarness, buildVariant } from './build.ts';
import { type ChildOptions, startStoresProcess, WarmHandler } from './children.ts';
import { authorization, handlerEnvironment } from './handler-environment.ts';
import { median, percentile } from './stats.ts';

const USAGE = `Usage: npm run ab -- [--rounds N] [--answers N] NAME=ENTRY[@VAR=VALUE,...] NAME=ENTRY...

  NAME=ENTRY     a handler module (relative to the project root) and the name to report it by; the first is the
                 reference. @VAR=VALUE,... sets environment variables for that handler's process only, e.g.
                 ours-silent=handlers/disconnect.ts@POWERTOOLS_LOG_LEVEL=SILENT
  --rounds N     alternating rounds (default 20)
  --answers N    answers per handler per round, one at a time (default 300)

Example: npm run ab -- same=bench/same-write-handler.ts ours=handlers/disconnect.ts`;

interface Side {
  name: string;
  handler: WarmHandler;
  latencies: number[];
  roundP50s: number[];
  roundCpu: number[];
}

function parseHandler(spec: string): { name: string; entry: string; env: Record<string, string> } {
  const [head = '', settings = ''] = spec.split('@');
  const [name, entry] = head.split('=');
  if (name === undefined || name === '' || entry === undefined || entry === '')
    throw new UsageError(`not NAME=ENTRY: ${spec}`);
  const env: Record<string, string> = {};
  for (const setting of settings.split(',').filter(Boolean)) {
    const equals = setting.indexOf('=');
    if (equals <= 0) throw new UsageError(`not VAR=VALUE: ${setting}`);
    env[setting.slice(0, equals)] = setting.slice(equals + 1);
  }
  return { name, entry, env };
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    { rounds: { type: 'string' }, answers: { type: 'string' } },
    { positionals: true },
  );
  const rounds = positiveInteger(values.rounds, '--rounds', 20);
  const answers = positiveInteger(values.answers, '--answers', 300);
  const specs = positionals.map(parseHandler);
  if (specs.length < 2) throw new UsageError('name at least two handlers: a reference and one to compare with it');
  if (new Set(specs.map((spec) => spec.name)).size !== specs.length)
    throw new UsageError('each handler needs its own name');

  process.stderr.write(`ab: building ${specs.length} handlers\n`);
  const built = [];
  for (const spec of specs)
    built.push({ ...spec, variant: await buildVariant({ name: `ab-${spec.name}`, entry: spec.entry }) });
  const harnessPath = await buildHarness();
  const stores = await startStoresProcess('bench-disconnects', 'bench-parked-callbacks');
  const env = handlerEnvironment(stores, 'bench-disconnects', 'bench-parked-callbacks');
  const sides: Side[] = [];
  try {
    for (const { name, env: own, variant } of built) {
      const options: ChildOptions = { node: process.execPath, harnessPath, env: { ...env, ...own } };
      const handler = await WarmHandler.start(options, {
        modulePath: variant.modulePath,
        idPrefix: `ab-${name}-${Date.now()}`,
        authorization,
      });
      sides.push({ name, handler, latencies: [], roundP50s: [], roundCpu: [] });
    }
    for (const side of sides) await side.handler.latency(Math.min(answers, 300));
    for (let round = 0; round < rounds; round += 1) {
      process.stderr.write(`ab: round ${round + 1} of ${rounds}\n`);
      const shift = round % sides.length;
      for (const side of [...sides.slice(shift), ...sides.slice(0, shift)]) {
        const report = await side.handler.latency(answers);
        if (report.failures > 0)
          throw new Error(`${side.name}: ${report.failures} answers were not 204 (${report.firstFailure})`);
        side.latencies.push(...report.latenciesMs);
        side.roundP50s.push(percentile(report.latenciesMs, 50));
        side.roundCpu.push(report.cpuMicros / 1000 / answers);
      }
    }
    report(sides);
    return 0;
  } finally {
    for (const side of sides) await side.handler.stop().catch(() => 0);
    await stores.close();
  }
}

/** The table: every handler against the first, pooled over all answers and paired by round. */
function report(sides: readonly Side[]): void {
  const [reference] = sides;
  if (reference === undefined) return;
  const paired = (mine: number[], theirs: number[]) =>
    median(mine.map((value, round) => value / (theirs[round] ?? Number.NaN)));
  process.stdout.write(
    `| handler | p50 | p99 | CPU per answer | p50 / ${reference.name} | p99 | CPU | paired p50 | paired CPU |\n`,
  );
  process.stdout.write('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n');
  for (const side of sides) {
    const p50 = percentile(side.latencies, 50);
    const p99 = percentile(side.latencies, 99);
    const cpu = median(side.roundCpu);
    process.stdout.write(
      `| ${side.name} | ${p50.toFixed(3)} ms | ${p99.toFixed(2)} ms | ${cpu.toFixed(3)} ms | ` +
        `${(p50 / percentile(reference.latencies, 50)).toFixed(3)} | ${(p99 / percentile(reference.latencies, 99)).toFixed(3)} | ` +
        `${(cpu / median(reference.roundCpu)).toFixed(3)} | ${paired(side.roundP50s, reference.roundP50s).toFixed(3)} | ` +
        `${paired(side.roundCpu, reference.roundCpu).toFixed(3)} |\n`,
    );
  }
}

void runCommand({ name: 'ab', usage: USAGE }, () => main(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
});
