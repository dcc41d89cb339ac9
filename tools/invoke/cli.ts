/**
 * `npm run invoke -- events/<file>.json`: runs one API Gateway event through the real handler into the embedded
 * local stores (persisted under .local/, so records survive between runs; tools/local-stage/local-stage.ts), then
 * prints the HTTP answer and what was kept: the stored item, or the parked/quarantined copy. No AWS account needed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../lambda/http/api-gateway.ts';
import { EXIT, parseCommandLine, UsageError } from '../cli/command-line.ts';
import { callIdOf, whatWasKept } from '../local-stage/what-was-kept.ts';
import { resolveStage } from '../stage/resolve-stage.ts';

export const INVOKE_USAGE = `Usage: npm run invoke -- <event.json>

Runs one API Gateway event (e.g. events/disconnect-busy.json) through the real handler into the local stage's
stores, then prints the HTTP answer and what was kept: the stored item, or the parked/quarantined copy.

  -h, --help     this help

Exit codes: 0 the answer was 2xx, 1 it was not, 2 bad option or event file, 3 the local stores could not be
opened (see docs/commands.md).`;

function readEvent(file: string): ApiGatewayEvent {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON: an API Gateway event is (see events/)`);
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new UsageError(`${file} is not an API Gateway event object`);
  return event as ApiGatewayEvent;
}

export async function runInvoke(argv: readonly string[]): Promise<number> {
  const { positionals } = parseCommandLine(argv, {}, { positionals: true });
  const [file, extra] = positionals;
  if (file === undefined) throw new UsageError('which event? npm run invoke -- events/<file>.json');
  if (extra !== undefined) throw new UsageError(`one event file at a time, got also ${JSON.stringify(extra)}`);
  const event = readEvent(file);
  const callId = callIdOf(event);

  const stage = await resolveStage({ stage: 'local', env: process.env });
  const { tableName, bucket = '' } = stage;
  // Its own stores on free ports, or those another command (say `npm run offline`) runs for this data folder.
  const opened = await stage.open();
  const stores = { dynamoEndpoint: opened.dynamoEndpoint ?? '', s3Endpoint: opened.s3Endpoint ?? '' };
  try {
    process.env['DISCONNECTS_TABLE'] = tableName;
    process.env['DYNAMODB_ENDPOINT'] = stores.dynamoEndpoint;
    process.env['PARKED_CALLBACKS_BUCKET'] = bucket;
    process.env['S3_ENDPOINT'] = stores.s3Endpoint;
    const { handler } = (await import('../../handlers/disconnect.ts')) as {
      handler: (event: ApiGatewayEvent, context: Context) => Promise<ApiGatewayResult>;
    };
    const context = { functionName: 'disconnect', awsRequestId: 'local', getRemainingTimeInMillis: () => 8_000 };
    const answer = await handler(event, context as unknown as Context);

    console.log(`\nHTTP ${answer.statusCode}`);
    for (const [name, value] of Object.entries(answer.headers ?? {})) console.log(`${name}: ${String(value)}`);
    if (answer.body !== undefined && answer.body !== '') console.log(`\n${answer.body}`);

    console.log(await whatWasKept({ ...stores, tableName, bucket }, callId));
    return answer.statusCode >= 200 && answer.statusCode < 300 ? EXIT.ok : EXIT.failed;
  } finally {
    await opened.close();
  }
}
