/**
 * The default store: the local stage's data under .local/. Here on free ports and a temporary folder, so the
 * test neither needs nor disturbs a developer's real local stage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParkedCallbacks } from '../../../lambda/adapters/parked-callbacks.ts';
import { type LocalStage, listening, openLocalStage } from '../../../tools/local-stage/local-stage.ts';
import { ensureBucket, ensureTable, localDynamoClient, startLocalStores } from '../../../tools/local-stage/stores.ts';
import type { Report } from '../../../tools/records/report.ts';
import { LOCAL_BUCKET, LOCAL_TABLE } from '../../../tools/stage/stage-names.ts';
import { freePort } from '../../support/faulty-stores.ts';
import { records } from './run-records.ts';
import { seededRecords } from './seeded-disconnects.ts';

const folders: string[] = [];

async function localStage(): Promise<LocalStage & { dynamoPort: number; s3Port: number }> {
  const dataDir = mkdtempSync(`${tmpdir()}/records-local-`);
  folders.push(dataDir);
  return {
    dataDir,
    dynamoPort: await freePort(),
    s3Port: await freePort(),
  };
}

const APRIL_30 = ['--from', '2024-04-30', '--to', '2024-05-01'];
let stage: LocalStage & { dynamoPort: number; s3Port: number };

beforeAll(async () => {
  // What `npm run invoke` leaves behind: the local stores' files, with ten calls and one parked callback.
  stage = await localStage();
  const stores = await startLocalStores({ dataDir: stage.dataDir, dynamoPort: stage.dynamoPort, s3Port: stage.s3Port });
  await ensureTable(stores.dynamoEndpoint, LOCAL_TABLE);
  await ensureBucket(stores.s3Endpoint, LOCAL_BUCKET);
  const client = DynamoDBDocumentClient.from(localDynamoClient(stores.dynamoEndpoint));
  const april30 = seededRecords().filter((record) => record.endedDay === '2024-04-30');
  await client.send(
    new BatchWriteCommand({ RequestItems: { [LOCAL_TABLE]: april30.map((Item) => ({ PutRequest: { Item } })) } }),
  );
  client.destroy();
  await new ParkedCallbacks({ bucket: LOCAL_BUCKET, endpoint: stores.s3Endpoint }).park({
    version: 1,
    kind: 'parked',
    reason: 'TimeoutError',
    details: [],
    receivedAt: '2024-04-30T12:00:00.000Z',
    callId: 'c-parked',
    input: { form: 'json', body: '{}' },
  });
  await stores.close();
});

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('records on the local stage (the default)', () => {
  it('opens the persisted local data itself when its stores are not running, and closes them after', async () => {
    expect(await listening(stage.dynamoPort)).toBe(false);
    const run = await records(['report', ...APRIL_30, '--json'], { local: stage });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as Report;
    expect(report.records).toBe(10);
    expect(report.waiting).toEqual({ bucket: 'parked-callbacks', parked: 1, quarantined: 0, unverified: 0 });
    expect(await listening(stage.dynamoPort)).toBe(false);
    expect(await listening(stage.s3Port)).toBe(false);
  });

  it('reads the local table even with an AWS profile exported for real work', async () => {
    const exported = process.env['AWS_PROFILE'];
    process.env['AWS_PROFILE'] = 'records-test-no-such-profile';
    try {
      const run = await records(['list', ...APRIL_30, '--json'], { local: stage });
      expect(run.stderr).toBe('');
      expect((JSON.parse(run.stdout) as { count: number }).count).toBe(10);
    } finally {
      if (exported === undefined) delete process.env['AWS_PROFILE'];
      else process.env['AWS_PROFILE'] = exported;
    }
  });

  it('reads the running local stores, and leaves them running', async () => {
    const running = await openLocalStage(stage);
    try {
      const run = await records(['list', ...APRIL_30, '--json'], { local: stage });
      expect((JSON.parse(run.stdout) as { count: number }).count).toBe(10);
      expect(await listening(stage.dynamoPort)).toBe(true);
      expect(await listening(stage.s3Port)).toBe(true);
    } finally {
      await running.close();
    }
  });

  it('refuses, exit 3, when only one of the two local ports answers', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(stage.s3Port, '127.0.0.1', resolve));
    try {
      const run = await records(['list', ...APRIL_30], { local: stage });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(
        `only one of the local stores answers (DynamoDB port ${stage.dynamoPort}: down, S3 port ${stage.s3Port}: up)`,
      );
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('says that nothing was recorded locally yet when the local table does not exist', async () => {
    const empty = await localStage();
    const run = await records(['get', 'c-1'], { local: empty });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `records: the local table ${LOCAL_TABLE} (http://127.0.0.1:${empty.dynamoPort}) does not exist: ` +
        'nothing has been recorded locally yet: `npm run invoke` records a sample callback\n',
    );
  });
});
