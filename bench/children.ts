/**
 * Child processes that each host one built handler (harness.ts). Their stdout — the handler's log lines — is a
 * pipe this process drains and counts, the way Lambda's runtime drains a function's stdout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StoresReady } from './stores-process.ts';
import type { ColdReport, Command, HarnessConfig, LatencyReport, Report, ThroughputReport } from './protocol.ts';

export interface ChildOptions {
  node: string;
  harnessPath: string;
  env: Record<string, string>;
}

interface Spawned {
  child: ChildProcess;
  /** Log lines the handler wrote to stdout so far. */
  logLines: () => number;
  stderr: () => string;
  exited: Promise<number | null>;
}

function spawnHarness(options: ChildOptions, config: HarnessConfig): Spawned {
  const child = spawn(options.node, [options.harnessPath, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: options.env,
  });
  let lines = 0;
  let errors = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines += 1;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (errors.length < 4_000) errors += chunk.toString('utf8');
  });
  // 'close' comes after stdout is drained, so the log-line count is final by then.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
  return { child, logLines: () => lines, stderr: () => errors, exited };
}

function nextReport(spawned: Spawned, what: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Report) => {
      spawned.child.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number | null) => {
      spawned.child.off('message', onMessage);
      reject(new Error(`the harness exited (${code}) before ${what}: ${spawned.stderr().trim()}`));
    };
    spawned.child.once('message', onMessage);
    spawned.child.once('exit', onExit);
  });
}

export interface ColdRun extends ColdReport {
  logLines: number;
}

/** A fresh process: import the module, answer once, exit. */
export async function coldRun(options: ChildOptions, config: Omit<HarnessConfig, 'mode'>): Promise<ColdRun> {
  const spawned = spawnHarness(options, { ...config, mode: 'cold' });
  const report = await nextReport(spawned, 'reporting its cold start');
  await spawned.exited;
  if (report.kind !== 'cold') throw new Error(`expected a cold-start report, got ${report.kind}`);
  return { ...report, logLines: spawned.logLines() };
}

/** A warm container: one process that keeps the module loaded and answers batches on request. */
export class WarmHandler {
  private constructor(
    private readonly spawned: Spawned,
    readonly nodeVersion: string,
  ) {}

  static async start(options: ChildOptions, config: Omit<HarnessConfig, 'mode'>): Promise<WarmHandler> {
    const spawned = spawnHarness(options, { ...config, mode: 'serve' });
    const report = await nextReport(spawned, 'loading the handler');
    if (report.kind !== 'ready') throw new Error(`expected a ready report, got ${report.kind}`);
    return new WarmHandler(spawned, report.nodeVersion);
  }

  get logLines(): number {
    return this.spawned.logLines();
  }

  private async command(command: Command): Promise<Report> {
    const report = nextReport(this.spawned, `answering ${command.kind}`);
    this.spawned.child.send(command);
    return report;
  }

  /** `count` answers one after another; the duration of each. */
  async latency(count: number): Promise<LatencyReport> {
    const report = await this.command({ kind: 'latency', count });
    if (report.kind !== 'latency') throw new Error(`expected a latency report, got ${report.kind}`);
    return report;
  }

  /** `count` answers with `concurrency` of them in flight at any time. */
  async throughput(count: number, concurrency: number): Promise<ThroughputReport> {
    const report = await this.command({ kind: 'throughput', count, concurrency });
    if (report.kind !== 'throughput') throw new Error(`expected a throughput report, got ${report.kind}`);
    return report;
  }

  async stop(): Promise<void> {
    if (this.spawned.child.exitCode !== null) return;
    this.spawned.child.send({ kind: 'exit' } satisfies Command);
    await this.spawned.exited;
  }
}

export interface StoresProcess extends StoresReady {
  close(): Promise<void>;
}

/** dynalite and s3rver (local/stores.ts) in their own process, with the table and bucket created. */
export async function startStoresProcess(table: string, bucket: string): Promise<StoresProcess> {
  const script = fileURLToPath(new URL('./stores-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, table, bucket], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (errors.length < 4_000) errors += chunk.toString('utf8');
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const ready = await new Promise<StoresReady>((resolve, reject) => {
    child.once('message', (message: StoresReady) => resolve(message));
    child.once('exit', (code) => reject(new Error(`the local stores exited (${code}) before starting: ${errors.trim()}`)));
  });
  return {
    ...ready,
    async close() {
      if (child.connected) child.disconnect();
      await closed;
    },
  };
}
