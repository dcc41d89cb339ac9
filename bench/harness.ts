/**
 * Hosts one built handler in its own process, as the Lambda runtime would: `import()` the module (the Node.js
 * runtime interface client imports every handler file that way, `.cjs` included), then call
 * `handler(event, context)`. Built to plain JS (build.ts) so no TypeScript loader runs in the measured process.
 * Its stdout is a pipe the parent drains — what a log line costs in Lambda, where stdout is a pipe too.
 * Events are built before the clock starts; only the handler's own work is timed.
 */
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command, HarnessConfig, Report } from './protocol.ts';

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number } | undefined>;

const config = JSON.parse(process.argv[2] ?? '') as HarnessConfig;

/** A disconnect callback as Bandwidth sends it for an answered outbound call (all the usual fields). */
const CALLBACK = {
  eventType: 'disconnect',
  eventTime: '2024-06-20T15:56:11.554Z',
  accountId: '55555555',
  applicationId: '7fc9698a-b04a-468b-9e8f-91238c0d0086',
  from: '+15551112222',
  to: '+15553334444',
  direction: 'outbound',
  callId: '',
  callUrl: 'https://voice.bandwidth.com/api/v2/accounts/55555555/calls/c-95ac8d6e-1a31c52e-b38f-4198-93c1-51633ec68f8d',
  enqueuedTime: '2024-06-20T15:54:22.100Z',
  startTime: '2024-06-20T15:54:22.234Z',
  answerTime: '2024-06-20T15:54:25.432Z',
  endTime: '2024-06-20T15:55:54.123Z',
  cause: 'hangup',
  errorMessage: null,
  errorId: null,
  tag: 'exampleTag',
};

let sequence = 0;

/** An HTTP API (payload format 2.0) event, as API Gateway builds it. Fresh per request: middy rewrites `body`. */
function nextEvent(): unknown {
  sequence += 1;
  const callId = `c-${config.idPrefix}-${sequence}`;
  const now = Date.now();
  const body = JSON.stringify({ ...CALLBACK, callId });
  return {
    version: '2.0',
    routeKey: 'POST /bandwidth/disconnect',
    rawPath: '/bandwidth/disconnect',
    rawQueryString: '',
    headers: {
      authorization: config.authorization,
      'content-length': String(Buffer.byteLength(body)),
      'content-type': 'application/json',
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'user-agent': 'BandwidthAPI/v2',
      'x-amzn-trace-id': `Root=1-${now.toString(16)}-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: '/bandwidth/disconnect',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.10',
        userAgent: 'BandwidthAPI/v2',
      },
      requestId: randomUUID(),
      routeKey: 'POST /bandwidth/disconnect',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
}

function lambdaContext(): unknown {
  const deadline = Date.now() + 8_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bandwidth-disconnect-recorder-bench-disconnect',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bandwidth-disconnect-recorder-bench-disconnect',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/bandwidth-disconnect-recorder-bench-disconnect',
    logStreamName: '2024/06/20/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

function send(report: Report): Promise<void> {
  return new Promise((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error('the harness must run with an IPC channel'));
      return;
    }
    process.send(report, (error: Error | null) => (error === null ? resolve() : reject(error)));
  });
}

function describeFailure(result: unknown): string {
  return result instanceof Error ? `${result.name}: ${result.message}` : JSON.stringify(result).slice(0, 300);
}

async function answer(handler: Handler, event: unknown, context: unknown): Promise<string | undefined> {
  try {
    const result = await handler(event, context);
    return result?.statusCode === 204 ? undefined : describeFailure(result);
  } catch (error) {
    return describeFailure(error);
  }
}

async function latency(handler: Handler, count: number): Promise<Report> {
  const requests = Array.from({ length: count }, () => ({ event: nextEvent(), context: lambdaContext() }));
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const cpuBefore = process.cpuUsage();
  for (const { event, context } of requests) {
    const started = performance.now();
    const failure = await answer(handler, event, context);
    latenciesMs.push(performance.now() - started);
    if (failure !== undefined) {
      failures += 1;
      firstFailure ??= failure;
    }
  }
  const cpu = process.cpuUsage(cpuBefore);
  return {
    kind: 'latency',
    latenciesMs,
    cpuMicros: cpu.user + cpu.system,
    failures,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}

async function throughput(handler: Handler, count: number, concurrency: number): Promise<Report> {
  const requests = Array.from({ length: count }, () => ({ event: nextEvent(), context: lambdaContext() }));
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next];
      next += 1;
      if (request === undefined) break;
      const failure = await answer(handler, request.event, request.context);
      if (failure !== undefined) {
        failures += 1;
        firstFailure ??= failure;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - started;
  return { kind: 'throughput', elapsedMs, count, failures, ...(firstFailure === undefined ? {} : { firstFailure }) };
}

/** What a bundle that leaves packages external (the SDK, to the runtime) loaded with them: their files' bytes. */
function externalBytes(): number {
  const buildFolder = dirname(config.modulePath) + sep;
  let bytes = 0;
  for (const file of Object.keys(createRequire(import.meta.url).cache)) {
    if (!file.startsWith(buildFolder)) bytes += statSync(file).size;
  }
  return bytes;
}

async function main(): Promise<void> {
  const url = pathToFileURL(config.modulePath).href;
  const event = nextEvent();
  const context = lambdaContext();
  const cpuBefore = process.cpuUsage();
  const importStarted = performance.now();
  const module = (await import(url)) as { handler?: Handler };
  const imported = performance.now();
  const initCpu = process.cpuUsage(cpuBefore);
  const handler = module.handler;
  if (typeof handler !== 'function') throw new Error(`${config.modulePath} exports no handler`);

  if (config.mode === 'cold') {
    const result = await handler(event, context);
    const answered = performance.now();
    // Counted before a first use below loads anything more.
    const external = externalBytes();
    let firstUseMs: number | undefined;
    if (config.firstUse !== undefined) {
      const started = performance.now();
      await import(pathToFileURL(config.firstUse).href);
      firstUseMs = performance.now() - started;
    }
    await send({
      kind: 'cold',
      nodeVersion: process.version,
      initMs: imported - importStarted,
      initCpuMs: (initCpu.user + initCpu.system) / 1000,
      externalBytes: external,
      firstAnswerMs: answered - imported,
      status: result?.statusCode ?? 0,
      ...(firstUseMs === undefined ? {} : { firstUseMs }),
    });
    // The SDK's keep-alive sockets would hold the process open.
    process.exit(0);
  }

  process.on('message', (message: Command) => {
    const work =
      message.kind === 'latency'
        ? latency(handler, message.count)
        : message.kind === 'throughput'
          ? throughput(handler, message.count, message.concurrency)
          : undefined;
    if (work === undefined) process.exit(0);
    work.then(send).catch((error: unknown) => {
      process.stderr.write(`harness: ${describeFailure(error)}\n`);
      process.exit(1);
    });
  });
  await send({ kind: 'ready', nodeVersion: process.version });
}

main().catch((error: unknown) => {
  process.stderr.write(`harness: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
