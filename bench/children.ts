/**
 * Child processes that each host one built handler (harness.ts). A handler's stdout — its log lines — is a pipe
 * read by a separate small process (`wc -l`), the way Lambda's runtime reads a function's stdout: a log line costs
 * the handler one write to a pipe and the wake-up of another process, and the benchmark still learns how many
 * lines were written.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ColdReport, Command, HarnessConfig, LatencyReport, Report, ThroughputReport } from './protocol.ts';
import type { StoresReady } from './stores-process.ts';

export interface ChildOptions {
  node: string;
  harnessPath: string;
  env: Record<string, string>;
}

interface Spawned {
  child: ChildProcess;
  stderr: () => string;
  /** Settles once the handler process has exited and the drain has counted every line it printed. */
  finished: Promise<{ code: number | null; logLines: number }>;
}

function spawnHarness(options: ChildOptions, config: HarnessConfig): Spawned {
  const drain = spawn('wc', ['-l'], { stdio: ['pipe', 'pipe', 'ignore'] });
  // Lambda's log reader does not run on the function's CPU share; at the lowest priority, neither does this one.
  if (drain.pid !== undefined && process.env['BENCH_DRAIN_SAME_PRIORITY'] === undefined) setPriority(drain.pid, 19);
  const child = spawn(options.node, [options.harnessPath, JSON.stringify(config)], {
    stdio: ['ignore', drain.stdin, 'pipe', 'ipc'],
    env: options.env,
  });
  // The handler now holds the only write end, so the drain reads to end-of-file when the handler exits.
  drain.stdin.destroy();
  let count = '';
  drain.stdout.on('data', (chunk: Buffer) => {
    count += chunk.toString('utf8');
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (errors.length < 4_000) errors += chunk.toString('utf8');
  });
  const drained = new Promise<number>((resolve, reject) => {
    drain.once('error', reject);
    drain.once('close', (code: number | null) => {
      const lines = Number.parseInt(count.trim(), 10);
      if (code === 0 && Number.isSafeInteger(lines)) resolve(lines);
      else reject(new Error(`the log drain (wc -l) failed (${code}): ${JSON.stringify(count)}`));
    });
  });
  const closed = new Promise<number | null>((resolve) => child.once('close', (code: number | null) => resolve(code)));
  const finished = Promise.all([closed, drained]).then(([code, logLines]) => ({ code, logLines }));
  // Observed here so an early failure is reported by whoever awaits a report, not as an unhandled rejection.
  finished.catch(() => undefined);
  return { child, stderr: () => errors, finished };
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
  const { logLines } = await spawned.finished;
  if (report.kind !== 'cold') throw new Error(`expected a cold-start report, got ${report.kind}`);
  return { ...report, logLines };
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

  private async command(command: Command): Promise<Report> {
    // An exited child would never answer, and nothing would be left to keep this process waiting.
    const { exitCode, signalCode } = this.spawned.child;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(
        `the harness had exited (${exitCode ?? signalCode}) before ${command.kind}: ${this.spawned.stderr()}`,
      );
    }
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

  /** Ends the process; resolves to the number of log lines it printed in its life. */
  async stop(): Promise<number> {
    if (this.spawned.child.exitCode === null && this.spawned.child.connected) {
      this.spawned.child.send({ kind: 'exit' } satisfies Command);
    }
    return (await this.spawned.finished).logLines;
  }
}

export interface StoresProcess extends StoresReady {
  close(): Promise<void>;
}

/** dynalite and s3rver (tools/local-stage/stores.ts) in their own process, with the table and bucket created. */
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
    child.once('exit', (code) =>
      reject(new Error(`the local stores exited (${code}) before starting: ${errors.trim()}`)),
    );
  });
  return {
    ...ready,
    async close() {
      if (child.connected) child.disconnect();
      await closed;
    },
  };
}
