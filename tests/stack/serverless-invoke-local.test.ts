/**
 * `npx serverless invoke local --stage local -f disconnect -p events/<file>.json`, as the README gives it: the
 * framework bundles the function (serverless-esbuild), the local-stores plugin opens the embedded stores in a data
 * folder of the test's own, and the function's environment is what serverless.yml gives it on the local stage (its
 * `Fn::If` variables resolved by the constant-conditions plugin). Run in a copy of the project, so the framework's
 * build folder is the test's own; what was kept is read back from the data folder afterwards.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localStageOf, startPersistedLocalStores } from '../../tools/local-stage/local-stage.ts';
import { localDynamoClient, localS3Client } from '../../tools/local-stage/stores.ts';
import { LOCAL_BUCKET, LOCAL_TABLE } from '../../tools/stage/stage-names.ts';
import { copyProject, run, serverlessCli } from './package-stage.ts';

let workDir: string;
let project: string;
let dataDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'recorder-invoke-local-'));
  project = copyProject(workDir);
  dataDir = join(workDir, 'data');
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function invokeLocal(eventFile: string): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_DATA_DIR: dataDir, HOME: workDir };
  for (const name of ['LOCAL_DYNAMODB_PORT', 'LOCAL_S3_PORT', 'DISCONNECTS_TABLE', 'DYNAMODB_ENDPOINT', 'S3_ENDPOINT'])
    delete env[name];
  return run(
    process.execPath,
    [serverlessCli, 'invoke', 'local', '--stage', 'local', '-f', 'disconnect', '-p', `events/${eventFile}`],
    project,
    env,
  );
}

/** The data folder's stores, opened after the command stopped its own. */
async function withStores<T>(read: (stores: { dynamoEndpoint: string; s3Endpoint: string }) => Promise<T>) {
  const stores = await startPersistedLocalStores(localStageOf({ LOCAL_DATA_DIR: dataDir }));
  try {
    return await read(stores);
  } finally {
    await stores.close();
  }
}

async function storedItem(callId: string): Promise<Record<string, unknown> | undefined> {
  return withStores(async ({ dynamoEndpoint }) => {
    const client = DynamoDBDocumentClient.from(localDynamoClient(dynamoEndpoint));
    const { Item } = await client.send(new GetCommand({ TableName: LOCAL_TABLE, Key: { callId } }));
    client.destroy();
    return Item;
  });
}

const eventOf = (file: string) =>
  JSON.parse(readFileSync(join('events', file), 'utf8')) as {
    body?: string;
    queryStringParameters?: Record<string, string>;
  };

describe('serverless invoke local on the local stage', () => {
  it('records a POST callback: answers 204 and prints the stored item, as npm run invoke does', async () => {
    const { code, output } = await invokeLocal('disconnect-busy.json');
    expect(code, output).toBe(0);
    expect(output).toContain('"statusCode": 204');
    expect(output).toContain('"X-Disconnect-Outcome": "recorded"');
    const sent = JSON.parse(eventOf('disconnect-busy.json').body ?? '') as Record<string, unknown>;
    const callId = String(sent['callId']);
    expect(output).toContain(`Stored item for ${callId} in ${LOCAL_TABLE}:`);
    expect(await storedItem(callId)).toMatchObject(sent);
  }, 120_000);

  it('records the GET form of the callback from its query string', async () => {
    const { code, output } = await invokeLocal('disconnect-busy-get-form.json');
    expect(code, output).toBe(0);
    expect(output).toContain('"statusCode": 204');
    const callId = eventOf('disconnect-busy-get-form.json').queryStringParameters?.['callId'] ?? '';
    expect(output).toContain(`Stored item for ${callId} in ${LOCAL_TABLE}:`);
    expect(await storedItem(callId)).toMatchObject({ callId, cause: 'busy', eventType: 'disconnect' });
  }, 120_000);

  it('answers an invalid callback 422 naming the problem, and quarantines it as sent', async () => {
    const { code, output } = await invokeLocal('invalid-missing-call-id.json');
    expect(code, output).toBe(0);
    expect(output).toContain('"statusCode": 422');
    expect(output).toContain('callId is required');
    const quarantined = await withStores(async ({ s3Endpoint }) => {
      const s3 = localS3Client(s3Endpoint);
      const listing = await s3.send(new ListObjectsV2Command({ Bucket: LOCAL_BUCKET, Prefix: 'quarantine/' }));
      s3.destroy();
      return listing.KeyCount;
    });
    expect(quarantined).toBe(1);
  }, 120_000);
});
