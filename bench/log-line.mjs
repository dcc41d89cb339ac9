/**
 * The cost of the callback's log line per answer (docs/performance.md, docs/deploying.md): lambda/http/callback-log.ts
 * bundled with esbuild and driven in a plain Node process, its output discarded, in three variants, each in a fresh
 * process (the namespace is read at load): `plain` (no namespace, no request ids; it still carries `callbacks` and
 * `causeDimension`, 40 bytes the line before issue 15 lacked),
 * `ids` (request ids and cold-start flag, AsyncLocalStorage), `full` (ids and the EMF block, as deployed).
 * Usage: node bench/log-line.mjs   (prints µs per answer, median of 7 rounds of 50,000, and the line's length)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const [variant, bundle] = process.argv.slice(2);
if (variant === undefined) {
  const out = join(mkdtempSync(join(tmpdir(), 'log-line-')), 'callback-log.cjs');
  const entry = fileURLToPath(new URL('../lambda/http/callback-log.ts', import.meta.url));
  buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: out,
  });
  for (const name of ['plain', 'ids', 'full']) {
    process.stdout.write(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), name, out], { encoding: 'utf8' }),
    );
  }
} else {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  if (variant === 'full') process.env.METRICS_NAMESPACE = 'BandwidthDisconnectRecorder/prod';
  const print = process.stdout.write.bind(process.stdout);
  let length = 0;
  process.stdout.write = (chunk) => ((length = chunk.length), true);
  const { callbackLog, withRequestIds } = await import(bundle);
  const response = { statusCode: 204, headers: { 'X-Disconnect-Outcome': 'recorded' } };
  const middleware = callbackLog();
  const answer = async (event, context) => {
    const request = { event, context, response, error: null, internal: {} };
    middleware.before(request);
    middleware.after(request);
    return response;
  };
  const run = variant === 'plain' ? answer : withRequestIds(answer);
  const event = {
    body: {
      callId: 'c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85',
      cause: 'hangup',
      direction: 'inbound',
      from: '+15551112222',
      to: '+15553334444',
    },
    requestContext: { requestId: 'Q2xZ1jKpoAMEVJQ=' },
  };
  const context = { awsRequestId: '8f5a2c1e-1b2c-4d5e-9f00-123456789abc' };
  const rounds = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < 50_000; i++) await run(event, context);
    rounds.push(Number(process.hrtime.bigint() - start) / 50_000 / 1000);
  }
  rounds.sort((a, b) => a - b);
  print(`${variant.padEnd(5)} ${rounds[3].toFixed(2)} µs per answer, line ${length} bytes\n`);
}
