/**
 * The recorder's own work per answer, without the store: the handler (or a reference handler) called in one
 * process with the DocumentClient's `send` replaced by one that resolves at once — a stand-in, because what is
 * measured here is everything but the store (the warm harness, bench/run.ts, measures the real write). Between
 * two answers it can walk a 16 MB buffer (`--cold`), flushing the CPU caches as the wait for the store does in
 * the warm harness. Prints the handler's CPU time per answer (user + system, only while it runs), per round.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { oneOf, parseCommandLine, positiveInteger, runCommand } from '../tools/cli/command-line.ts';

const USAGE = `Usage: npm run own-work -- [--handler ours|same-write] [--no-auth] [--cold] [--answers N] [--rounds N]

  --handler    the recorder (ours, the default) or the same-write reference
  --no-auth    the recorder without callback credentials configured
  --cold       walk a 16 MB buffer between answers, so each starts with the caches flushed
  --answers N  answers per round (default 2000)
  --rounds N   rounds, each printed (default 5)

The handler's log lines go to stdout: redirect it, e.g. \`npm run -s own-work -- --cold > /dev/null\`.`;

const HANDLERS = { ours: '../handlers/disconnect.ts', 'same-write': './same-write-handler.ts' } as const;

type Send = (...args: unknown[]) => Promise<unknown>;
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number }>;

const USERNAME = 'bench-user';
const PASSWORD = 'bench-password-0123456789';
const authorization = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;

/** The warm harness's callback (bench/harness.ts): an answered outbound call with all the usual fields. */
const CALLBACK = {
  eventType: 'disconnect',
  eventTime: '2024-06-20T15:56:11.554Z',
  accountId: '55555555',
  applicationId: '7fc9698a-b04a-468b-9e8f-91238c0d0086',
  from: '+15551112222',
  to: '+15553334444',
  direction: 'outbound',
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
function request(): [unknown, unknown] {
  sequence += 1;
  const now = Date.now();
  const body = JSON.stringify({ ...CALLBACK, callId: `c-own-work-${sequence}` });
  const event = {
    version: '2.0',
    routeKey: 'POST /bandwidth/disconnect',
    rawPath: '/bandwidth/disconnect',
    rawQueryString: '',
    headers: {
      authorization,
      'content-length': String(body.length),
      'content-type': 'application/json',
      'user-agent': 'BandwidthAPI/v2',
    },
    requestContext: {
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
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
  const deadline = now + 8_000;
  return [
    event,
    { awsRequestId: randomUUID(), functionName: 'own-work', getRemainingTimeInMillis: () => deadline - Date.now() },
  ];
}

/** Read between answers (one read per 64-byte cache line) when --cold; the sum keeps the reads from being dropped. */
const flush = new Uint32Array(4 * 1024 * 1024);
let flushed = 0;

async function main(): Promise<number> {
  const { values } = parseCommandLine(process.argv.slice(2), {
    handler: { type: 'string' },
    'no-auth': { type: 'boolean' },
    cold: { type: 'boolean' },
    answers: { type: 'string' },
    rounds: { type: 'string' },
  });
  const modulePath = HANDLERS[oneOf(values.handler ?? 'ours', '--handler', ['ours', 'same-write'] as const)];
  const answers = positiveInteger(values.answers, '--answers', 2000);
  const rounds = positiveInteger(values.rounds, '--rounds', 5);

  (DynamoDBDocumentClient.prototype as unknown as { send: Send }).send = () => Promise.resolve({});
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    DISCONNECTS_TABLE: 'own-work',
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    PARKED_CALLBACKS_BUCKET: 'own-work',
    S3_ENDPOINT: 'http://127.0.0.1:9',
    METRICS_NAMESPACE: 'BandwidthDisconnectRecorder',
    RETENTION_DAYS: '400',
    ...(values['no-auth'] === true
      ? {}
      : { BANDWIDTH_CALLBACK_USERNAME: USERNAME, BANDWIDTH_CALLBACK_PASSWORD: PASSWORD }),
  });
  const { handler } = (await import(modulePath)) as { handler: Handler };

  for (let round = 1; round <= rounds; round += 1) {
    const requests = Array.from({ length: answers }, request);
    let cpuMicros = 0;
    for (const [event, context] of requests) {
      if (values.cold === true) for (let index = 0; index < flush.length; index += 16) flushed += flush[index] ?? 0;
      const before = process.cpuUsage();
      const result = await handler(event, context);
      const used = process.cpuUsage(before);
      cpuMicros += used.user + used.system;
      if (result.statusCode !== 204) throw new Error(`answered ${JSON.stringify(result)}`);
    }
    process.stderr.write(`round ${round}: ${(cpuMicros / answers).toFixed(1)} µs of CPU per answer\n`);
  }
  return flushed < 0 ? 1 : 0;
}

void runCommand({ name: 'own-work', usage: USAGE }, main).then((code) => {
  process.exitCode = code;
});
