/** Messages between the benchmark (parent) and the harness that hosts one handler per child process. */

export interface HarnessConfig {
  /** The built handler module (what the Lambda runtime would import). */
  modulePath: string;
  /** `cold`: import, answer once, report, exit. `serve`: import, then answer batches on request. */
  mode: 'cold' | 'serve';
  /** Prefix of the callIds this process sends, so no two requests of the run share one. */
  idPrefix: string;
  /** The `Authorization` header every request carries (the recorder checks it; the bare handler ignores it). */
  authorization: string;
  /** Cold mode: a module imported after the first answer, timed (a rare path's first use of a lazy chunk). */
  firstUse?: string;
}

export type Command =
  | { kind: 'latency'; count: number }
  | { kind: 'throughput'; count: number; concurrency: number }
  | { kind: 'exit' };

export interface ColdReport {
  kind: 'cold';
  nodeVersion: string;
  /** `import()` of the handler module: module evaluation, clients and configuration built at init. */
  initMs: number;
  /** Bytes of CommonJS files the module loaded from outside its build folder (an SDK left to the runtime). */
  externalBytes: number;
  /** CPU time (user + system, all threads) the process spent in that `import()`. */
  initCpuMs: number;
  /** The first answer after init (first connection, lazy SDK work, JIT still cold). */
  firstAnswerMs: number;
  status: number;
  /** `import()` of the `firstUse` module, when asked. */
  firstUseMs?: number;
}

export interface ReadyReport {
  kind: 'ready';
  nodeVersion: string;
}

export interface LatencyReport {
  kind: 'latency';
  /** One duration per answer, in ms, in the order sent. */
  latenciesMs: number[];
  /** CPU time (user + system) the handler's process spent on the whole batch, in µs. */
  cpuMicros: number;
  /** Answers whose status was not the expected 204. */
  failures: number;
  firstFailure?: string;
}

export interface ThroughputReport {
  kind: 'throughput';
  elapsedMs: number;
  count: number;
  failures: number;
  firstFailure?: string;
}

export type Report = ColdReport | ReadyReport | LatencyReport | ThroughputReport;
