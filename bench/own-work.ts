/**
 * The recorder's own work per answer, without the store: the handler (or a reference handler) called in one
 * process with the DocumentClient's `send` replaced by one that resolves at once — a stand-in, because what is
 * measured here is everything but the store (the warm harness, bench/run.ts, measures the real write). Between
 * two answers it can walk a 16 MB buffer (`--cold`), flushing the CPU caches as the wait for the store does in
 * the warm harness. Prints the handler's CPU time per answer (user + system, only while it runs), per round.
 *
 * Usage: npx tsx bench/own-work.ts [--handler ours|same-write] [--no-auth] [--cold] [--answers N] [--rounds N]
 * (the log lines go to stdout: redirect it, e.g. `> /dev/null`)
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const { values } = parseArgs({
  options: {
    handler: { type: 'string', default: 'ours' },
    'no-auth': { type: 'boolean', default: false },
    cold: { type: 'boolean', default: false },
    answers: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
  },
});
const HANDLERS: Record<string, string> = { ours: '../handlers/disconnect.ts', 'same-write': './same-write-handler.ts' };
const modulePath = HANDLERS[values.handler];
const answers = Number(values.answers);
const rounds = Number(values.rounds);
if (modulePath === undefined || !(answers > 0) || !(rounds > 0)) {
  process.stderr.write('own-work: --handler is ours or same-write; --answers and --rounds are positive numbers\n');
  process.exit(2);
}

type Send = (...args: unknown[]) => Promise<unknown>;
(DynamoDBDocumentClient.prototype as unknown as { send: Send }).send = () => Promise.resolve({});

const USERNAME = 'bench-user';
const PASSWORD = 'bench-password-0123456789';
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  DISCONNECTS_TABLE: 'own-work',
  DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
  PARKED_CALLBACKS_BUCKET: 'own-work',
  S3_ENDPOINT: 'http://127.0.0.1:9',
  METRICS_NAMESPACE: 'BandwidthDisconnectRecorder',
  RETENTION_DAYS: '400',
  ...(values['no-auth'] ? {} : { BANDWIDTH_CALLBACK_USERNAME: USERNAME, BANDWIDTH_CALLBACK_PASSWORD: PASSWORD }),
});

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number }>;
const { handler } = (await import(modulePath)) as { handler: Handler };
const authorization = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;

/** The warm harness's callback (bench/harness.ts): an answered outbound call with all the usual fields. */
const CALLBACK = {
  eventType: 'disconnect', eventTime: '2024-06-20T15:56:11.554Z', accountId: '55555555',
  applicationId: '7fc9698a-b04a-468b-9e8f-91238c0d0086', from: '+15551112222', to: '+15553334444', direction: 'outbound',
  callUrl: 'https://voice.bandwidth.com/api/v2/accounts/55555555/calls/c-95ac8d6e-1a31c52e-b38f-4198-93c1-51633ec68f8d',
  enqueuedTime: '2024-06-20T15:54:22.100Z', startTime: '2024-06-20T15:54:22.234Z', answerTime: '2024-06-20T15:54:25.432Z',
  endTime: '2024-06-20T15:55:54.123Z', cause: 'hangup', errorMessage: null, errorId: null, tag: 'exampleTag',
};

let sequence = 0;
function request(): [unknown, unknown] {
  sequence += 1;
  const now = Date.now();
  const body = JSON.stringify({ ...CALLBACK, callId: `c-own-work-${sequence}` });
  const event = {
    version: '2.0', routeKey: 'POST /bandwidth/disconnect', rawPath: '/bandwidth/disconnect', rawQueryString: '',
    headers: { authorization, 'content-length': String(body.length), 'content-type': 'application/json', 'user-agent': 'BandwidthAPI/v2' },
    requestContext: {
      http: { method: 'POST', path: '/bandwidth/disconnect', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'BandwidthAPI/v2' },
      requestId: randomUUID(), routeKey: 'POST /bandwidth/disconnect', stage: '$default', timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
  const deadline = now + 8_000;
  return [event, { awsRequestId: randomUUID(), functionName: 'own-work', getRemainingTimeInMillis: () => deadline - Date.now() }];
}

const flush = new Uint32Array(4 * 1024 * 1024);
let sink = 0;
for (let round = 1; round <= rounds; round += 1) {
  const requests = Array.from({ length: answers }, request);
  let cpuMicros = 0;
  for (const [event, context] of requests) {
    // One read per 64-byte cache line.
    if (values.cold) for (let index = 0; index < flush.length; index += 16) sink += flush[index] ?? 0;
    const before = process.cpuUsage();
    const result = await handler(event, context);
    const used = process.cpuUsage(before);
    cpuMicros += used.user + used.system;
    if (result.statusCode !== 204) throw new Error(`answered ${JSON.stringify(result)}`);
  }
  process.stderr.write(`round ${round}: ${(cpuMicros / answers).toFixed(1)} µs of CPU per answer${sink < 0 ? '' : ''}\n`);
}
