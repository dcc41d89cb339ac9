/**
 * `npm run bench`: the recorder against a bare handler (JSON.parse + one PutCommand), both built with the deployed
 * esbuild options, on one local dynalite, measured alternately so machine noise falls on both alike.
 * Prints the table; the full run writes docs/performance.md. `-- --quick` is the small run CI uses to check that
 * the benchmark works (its figures are too few to quote). Options: `--node <path>` runs the handlers on another
 * Node (e.g. the Lambda runtime's version), `--json <file>` writes the results, `--doc <file>` / `--no-doc`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { parseCommandLine, runCommand, UsageError } from '../tools/cli/command-line.ts';
import { type BuiltVariant, buildHarness, buildVariant, type Variant } from './build.ts';
import { type ChildOptions, type ColdRun, coldRun, startStoresProcess, WarmHandler } from './children.ts';
import { firstUses, shippedFunction } from './first-use.ts';
import { authorization, handlerEnvironment } from './handler-environment.ts';
import { projectRoot } from './paths.ts';
import { type BenchResult, type Figures, machine, renderDoc, renderTable, type WarmFigures } from './report.ts';
import { deployedBuild, deployedRuntime } from './serverless-config.ts';
import { median, percentile } from './stats.ts';

interface Plan {
  coldRuns: number;
  warmup: number;
  latencyRounds: number;
  latencyBatch: number;
  throughputRounds: number;
  throughputCount: number;
  concurrency: number;
  /** Also measure both handlers with the AWS SDK left to the Lambda runtime. */
  compareSdk: boolean;
  /** Fresh processes per lazy chunk (and as many for the same package from node_modules). */
  firstUseRuns: number;
}

const FULL: Plan = {
  coldRuns: 21,
  warmup: 500,
  latencyRounds: 20,
  latencyBatch: 125,
  throughputRounds: 5,
  throughputCount: 1_000,
  concurrency: 64,
  compareSdk: true,
  firstUseRuns: 9,
};

const QUICK: Plan = {
  coldRuns: 3,
  warmup: 50,
  latencyRounds: 4,
  latencyBatch: 50,
  throughputRounds: 2,
  throughputCount: 256,
  concurrency: 64,
  compareSdk: false,
  firstUseRuns: 1,
};

/** What the Lambda runtime provides when the SDK is not bundled. */
const RUNTIME_SDK = ['@aws-sdk/*', '@smithy/*'];

const BARE: Variant = { name: 'bare', entry: 'bench/bare-handler.ts' };
const BARE_CONDITIONAL: Variant = { name: 'bare-conditional', entry: 'bench/bare-conditional-handler.ts' };
const SAME_WRITE: Variant = { name: 'same-write', entry: 'bench/same-write-handler.ts' };
const OURS: Variant = { name: 'ours', entry: 'handlers/disconnect.ts' };
/** The other functions serverless.yml deploys: built for what they ship, not run. */
const SCHEDULED: readonly Variant[] = [
  { name: 'replay', entry: 'handlers/replay.ts' },
  { name: 'reconcile', entry: 'handlers/reconcile.ts' },
];
const BARE_RUNTIME_SDK: Variant = { ...BARE, name: 'bare-runtime-sdk', extraExternal: RUNTIME_SDK };
const OURS_RUNTIME_SDK: Variant = { ...OURS, name: 'ours-runtime-sdk', extraExternal: RUNTIME_SDK };

interface Args {
  quick: boolean;
  node: string;
  /** esbuild options laid over serverless.yml's, for both handlers alike: to measure a proposed change first. */
  esbuild: BuildOptions | undefined;
  docPath: string | undefined;
  jsonPath: string | undefined;
  argv: string[];
}

/** How this run was started, to print in the doc; arguments quoted for a POSIX shell when needed. */
function commandLine(args: Args): string {
  const quote = (text: string) => (/^[\w./=:@+-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);
  const node = process.env['BENCH_NODE'] === undefined ? '' : `BENCH_NODE=${quote(process.env['BENCH_NODE'])} `;
  return `${node}npm run bench${args.argv.length === 0 ? '' : ` -- ${args.argv.map(quote).join(' ')}`}`;
}

export const BENCH_USAGE = `Usage: npm run bench [-- options]

The recorder against a bare handler (JSON.parse + one PutCommand), both built with the deployed esbuild options,
on one local dynalite, measured alternately. A full run writes docs/performance.md.

  --quick              the small run CI uses to check that the benchmark works (figures too few to quote)
  --node <path>        run the handlers on this Node (default: BENCH_NODE or this one)
  --esbuild <json>     esbuild options laid over serverless.yml's, for both handlers
  --json <file>        also write the results as JSON
  --doc <file>         write the doc here instead of docs/performance.md
  --no-doc             write no doc
  -h, --help           this help

Exit codes: 0 measured, 1 the benchmark failed, 2 bad option or value (see docs/commands.md).`;

function parseBenchArgs(argv: string[]): Args {
  const { values } = parseCommandLine(argv, {
    quick: { type: 'boolean', default: false },
    node: { type: 'string' },
    esbuild: { type: 'string' },
    json: { type: 'string' },
    doc: { type: 'string' },
    'no-doc': { type: 'boolean', default: false },
  });
  let esbuild: BuildOptions | undefined;
  if (values.esbuild !== undefined) {
    try {
      esbuild = JSON.parse(values.esbuild) as BuildOptions;
    } catch {
      throw new UsageError(`--esbuild must be a JSON object of esbuild options, got ${JSON.stringify(values.esbuild)}`);
    }
    if (typeof esbuild !== 'object' || esbuild === null || Array.isArray(esbuild)) {
      throw new UsageError(`--esbuild must be a JSON object of esbuild options, got ${JSON.stringify(values.esbuild)}`);
    }
  }
  if (values['no-doc'] && values.doc !== undefined) throw new UsageError('choose one of --doc and --no-doc');
  // Only a full run is worth keeping as the project's figures.
  const defaultDoc = values.quick || values['no-doc'] ? undefined : `${projectRoot}docs/performance.md`;
  return {
    quick: values.quick,
    node: values.node ?? process.env['BENCH_NODE'] ?? process.execPath,
    esbuild,
    docPath: values.doc === undefined ? defaultDoc : resolve(values.doc),
    jsonPath: values.json === undefined ? undefined : resolve(values.json),
    argv,
  };
}

/** Rotates the order each round, so neither handler always runs first (or always right after the other). */
function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

async function coldStarts(options: ChildOptions, variants: readonly BuiltVariant[], runs: number) {
  const results = new Map<string, ColdRun[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < runs; round += 1) {
    for (const variant of rotated(variants, round)) {
      const run = await coldRun(options, {
        modulePath: variant.modulePath,
        idPrefix: `${variant.name}-cold-${round}`,
        authorization,
      });
      if (run.status !== 204) throw new Error(`${variant.name}'s first answer was ${run.status}, not 204`);
      results.get(variant.name)?.push(run);
    }
  }
  return results;
}

interface WarmSide {
  name: string;
  handler: WarmHandler;
  latencies: number[];
  /** p50 of each latency round, for ratios paired by round. */
  roundP50s: number[];
  cpuPerAnswer: number[];
  throughput: number[];
  logLines: number;
}

function warmFigures(side: WarmSide): WarmFigures {
  return {
    p50Ms: percentile(side.latencies, 50),
    p99Ms: percentile(side.latencies, 99),
    cpuMsPerAnswer: median(side.cpuPerAnswer),
    answersPerSecond: median(side.throughput),
    roundP50sMs: side.roundP50s,
  };
}

/** Handlers measured only from cold (the runtime-SDK builds) have no warm figures. */
const NO_WARM_FIGURES: WarmFigures = {
  p50Ms: Number.NaN,
  p99Ms: Number.NaN,
  cpuMsPerAnswer: Number.NaN,
  answersPerSecond: Number.NaN,
};

function checked<T extends { failures: number; firstFailure?: string }>(name: string, report: T): T {
  if (report.failures > 0) throw new Error(`${name}: ${report.failures} answers were not 204 (${report.firstFailure})`);
  return report;
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  const plan = args.quick ? QUICK : FULL;
  const started = performance.now();

  progress('building the handlers with serverless.yml custom.esbuild');
  const coldVariants = [BARE, OURS, ...(plan.compareSdk ? [BARE_RUNTIME_SDK, OURS_RUNTIME_SDK] : [])];
  const built = new Map<string, BuiltVariant>();
  for (const variant of [...coldVariants, BARE_CONDITIONAL, SAME_WRITE, ...SCHEDULED]) {
    built.set(
      variant.name,
      await buildVariant({ ...variant, ...(args.esbuild === undefined ? {} : { overrides: args.esbuild }) }),
    );
  }
  const harnessPath = await buildHarness();
  const builtVariant = (variant: Variant): BuiltVariant => {
    const found = built.get(variant.name);
    if (found === undefined) throw new Error(`${variant.name} was not built`);
    return found;
  };
  const bare = builtVariant(BARE);
  const ours = builtVariant(OURS);

  const table = 'bench-disconnects';
  const bucket = 'bench-parked-callbacks';
  const stores = await startStoresProcess(table, bucket);
  const warm: WarmHandler[] = [];
  try {
    const options: ChildOptions = { node: args.node, harnessPath, env: handlerEnvironment(stores, table, bucket) };

    progress(`cold starts: ${plan.coldRuns} fresh processes per handler, alternating`);
    const cold = await coldStarts(options, coldVariants.map(builtVariant), plan.coldRuns);

    progress(`first use of each lazy chunk: ${plan.firstUseRuns} fresh processes each, and from node_modules`);
    const chunkFirstUses = await firstUses(options, ours, plan.firstUseRuns);

    progress(`warm latency: ${plan.latencyRounds} rounds of ${plan.latencyBatch} answers per handler, alternating`);
    const sides: WarmSide[] = [];
    // The recorder once more with its log level SILENT: the same bundle and work without its log line, to show
    // what the line (the operators' metrics, EMF) costs beside the rest of the recorder's own work.
    const unlogged = { name: 'ours-unlogged', modulePath: ours.modulePath, env: { POWERTOOLS_LOG_LEVEL: 'SILENT' } };
    for (const variant of [bare, builtVariant(BARE_CONDITIONAL), builtVariant(SAME_WRITE), ours, unlogged]) {
      const env = 'env' in variant ? { ...options.env, ...variant.env } : options.env;
      const handler = await WarmHandler.start(
        { ...options, env },
        { modulePath: variant.modulePath, idPrefix: `${variant.name}-warm`, authorization },
      );
      warm.push(handler);
      sides.push({
        name: variant.name,
        handler,
        latencies: [],
        roundP50s: [],
        cpuPerAnswer: [],
        throughput: [],
        logLines: 0,
      });
    }
    const [bareSide, conditionalSide, sameWriteSide, oursSide, unloggedSide] = sides;
    if (
      bareSide === undefined ||
      conditionalSide === undefined ||
      sameWriteSide === undefined ||
      oursSide === undefined ||
      unloggedSide === undefined
    ) {
      throw new Error('a handler did not start');
    }
    for (const { name, handler } of sides) checked(name, await handler.latency(plan.warmup));
    for (let round = 0; round < plan.latencyRounds; round += 1) {
      for (const side of rotated(sides, round)) {
        const report = checked(side.name, await side.handler.latency(plan.latencyBatch));
        side.latencies.push(...report.latenciesMs);
        side.roundP50s.push(percentile(report.latenciesMs, 50));
        side.cpuPerAnswer.push(report.cpuMicros / 1000 / report.latenciesMs.length);
      }
    }

    progress(
      `throughput: ${plan.throughputRounds} rounds of ${plan.throughputCount} answers, ${plan.concurrency} in flight`,
    );
    for (let round = 0; round < plan.throughputRounds; round += 1) {
      for (const side of rotated(sides, round)) {
        const report = checked(side.name, await side.handler.throughput(plan.throughputCount, plan.concurrency));
        side.throughput.push((report.count / report.elapsedMs) * 1000);
      }
    }
    const answered =
      plan.warmup + plan.latencyRounds * plan.latencyBatch + plan.throughputRounds * plan.throughputCount;
    for (const side of sides) side.logLines = await side.handler.stop();

    const figures = (variant: BuiltVariant, side: WarmSide | undefined): Figures => {
      const runs = cold.get(variant.name) ?? [];
      return {
        initMs: median(runs.map((run) => run.initMs)),
        initCpuMs: median(runs.map((run) => run.initCpuMs)),
        initAndFirstAnswerMs: median(runs.map((run) => run.initMs + run.firstAnswerMs)),
        initBytes: variant.initBytes,
        externalBytes: median(runs.map((run) => run.externalBytes)),
        shippedBytes: variant.shippedBytes,
        ...(side === undefined ? NO_WARM_FIGURES : warmFigures(side)),
      };
    };
    const result: BenchResult = {
      runtime: deployedRuntime(),
      sdkFromRuntime: (deployedBuild().external ?? []).filter((name) => name.startsWith('@aws-sdk/')),
      command: commandLine(args),
      esbuildOverrides: args.esbuild,
      quick: args.quick,
      date: new Date().toISOString(),
      machine: machine(bareSide.handler.nodeVersion),
      samples: {
        coldRuns: plan.coldRuns,
        latencyRounds: plan.latencyRounds,
        latencyAnswers: plan.latencyRounds * plan.latencyBatch,
        warmup: plan.warmup,
        throughputRounds: plan.throughputRounds,
        throughputCount: plan.throughputCount,
        concurrency: plan.concurrency,
      },
      functions: [
        shippedFunction('disconnect', ours),
        ...SCHEDULED.map((variant) => shippedFunction(variant.name, builtVariant(variant))),
      ],
      firstUses: chunkFirstUses,
      bare: figures(bare, bareSide),
      ours: figures(ours, oursSide),
      conditionalReference: warmFigures(conditionalSide),
      sameWriteReference: warmFigures(sameWriteSide),
      unloggedReference: warmFigures(unloggedSide),
      unloggedLogLinesPerAnswer: unloggedSide.logLines / answered,
      logLinesPerAnswer: oursSide.logLines / answered,
      bareLogLinesPerAnswer: bareSide.logLines / answered,
      ...(plan.compareSdk
        ? {
            runtimeSdk: {
              bare: figures(builtVariant(BARE_RUNTIME_SDK), undefined),
              ours: figures(builtVariant(OURS_RUNTIME_SDK), undefined),
            },
          }
        : {}),
      elapsedSeconds: (performance.now() - started) / 1000,
    };

    process.stdout.write(`${renderTable(result)}\n`);
    if (args.jsonPath !== undefined) {
      mkdirSync(dirname(args.jsonPath), { recursive: true });
      writeFileSync(args.jsonPath, `${JSON.stringify(result, null, 2)}\n`);
    }
    if (args.docPath !== undefined) {
      mkdirSync(dirname(args.docPath), { recursive: true });
      writeFileSync(args.docPath, renderDoc(result));
      progress(`wrote ${args.docPath}`);
    }
    return 0;
  } finally {
    for (const handler of warm) await handler.stop().catch(() => 0);
    await stores.close();
  }
}

// Not a top-level await: the run ends when its children and stores are gone, as it always has.
void runCommand({ name: 'bench', usage: BENCH_USAGE }, main).then((code) => {
  process.exitCode = code;
});
