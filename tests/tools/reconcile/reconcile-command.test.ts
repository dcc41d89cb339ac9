/** `npm run reconcile -- ...` run as an operator runs it, against the fake Bandwidth and a real table. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localDynamoClient, startLocalStores } from '../../../tools/local-stage/stores.ts';
import { LOCAL_TABLE } from '../../../tools/stage/stage-names.ts';
import { allItems, freshStores, type TestStores } from '../../support/recorder.ts';
import { type FakeBandwidthVoice, fakeBandwidthVoice, listedCall } from '../../support/fake-bandwidth-voice.ts';
import { runReconcileScript } from '../../support/reconcile.ts';
import { closedPort } from '../../support/faulty-stores.ts';

let bandwidth: FakeBandwidthVoice;
let stores: TestStores;
beforeAll(async () => {
  bandwidth = await fakeBandwidthVoice();
});
afterAll(() => bandwidth.close());
beforeEach(async () => {
  stores = await freshStores();
  bandwidth.refuseCredentials = false;
  bandwidth.calls = [
    listedCall('c-missing', '2026-11-20T10:00:00.000Z'),
    listedCall('c-live', '2026-11-20T10:10:00.000Z', { state: 'answered', endTime: null, disconnectCause: null }),
  ];
});

const range = ['--from', '2026-11-20T10:00:00Z', '--to', '2026-11-20T11:00:00Z'];
const environment = () => ({ ...bandwidth.env, DISCONNECTS_TABLE: stores.tableName, DYNAMODB_ENDPOINT: stores.dynamoEndpoint, AWS_REGION: 'us-east-1' });

describe('npm run reconcile', () => {
  it('backfills into the table the environment names and reports what it saw', async () => {
    const run = await runReconcileScript(range, environment());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 listed');
    expect(run.stdout).toContain('0 already recorded, 1 backfilled, 1 not ended');
    expect(run.stdout).toContain('backfilled: c-missing');
    expect((await allItems(stores)).map((item) => [item['callId'], item['recordedFrom']])).toEqual([['c-missing', 'call-list']]);
  });

  it('--json prints the report; a second run finds the call recorded', async () => {
    await runReconcileScript(range, environment());
    const run = await runReconcileScript([...range, '--json'], environment());
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ listed: 2, alreadyRecorded: 1, backfilled: 0, notEnded: 1, backfilledCallIds: [] });
  });

  it('--dry-run writes nothing', async () => {
    const run = await runReconcileScript([...range, '--dry-run'], environment());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('would backfill: c-missing');
    expect(await allItems(stores)).toEqual([]);
  });

  it('by default writes to the local stage (its stores opened for the run and closed after)', async () => {
    const freePort = () =>
      new Promise<number>((resolve) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as { port: number };
          server.close(() => resolve(port));
        });
      });
    const dataDir = mkdtempSync(`${tmpdir()}/reconcile-local-`);
    const [dynamoPort, s3Port] = [await freePort(), await freePort()];
    try {
      const run = await runReconcileScript(range, {
        ...bandwidth.env,
        DISCONNECTS_TABLE: undefined,
        DYNAMODB_ENDPOINT: undefined,
        LOCAL_DATA_DIR: dataDir,
        LOCAL_DYNAMODB_PORT: String(dynamoPort),
        LOCAL_S3_PORT: String(s3Port),
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('1 backfilled');
      const local = await startLocalStores({ dataDir, dynamoPort, s3Port });
      const client = DynamoDBDocumentClient.from(localDynamoClient(local.dynamoEndpoint));
      const { Item } = await client.send(new GetCommand({ TableName: LOCAL_TABLE, Key: { callId: 'c-missing' } }));
      client.destroy();
      await local.close();
      expect(Item).toMatchObject({ callId: 'c-missing', recordedFrom: 'call-list' });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('shows progress on stderr for a range of more than an hour', async () => {
    const run = await runReconcileScript(['--from', '2026-11-20T09:00:00Z', '--to', '2026-11-20T12:00:00Z'], environment());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('reconcile: through 2026-11-20T10:00:00.000Z: 1 listed, 1 backfilled');
    expect(run.stderr).toContain('2 listed, 1 backfilled');
  });

  it('--help exits 0', async () => {
    const run = await runReconcileScript(['--help'], {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('usage: npm run reconcile -- --from');
  });

  it('exits 2 with one line naming an unknown option, a bad time, or a missing setting', async () => {
    const unknown = await runReconcileScript([...range, '--form', 'x'], environment());
    expect([unknown.status, unknown.stderr.trim()]).toEqual([2, "reconcile: Unknown option '--form' (see --help)"]);
    const badTime = await runReconcileScript(['--from', 'yesterday', '--to', '2026-11-20T11:00:00Z'], environment());
    expect(badTime.status).toBe(2);
    expect(badTime.stderr.trim().split('\n')).toHaveLength(1);
    expect(badTime.stderr).toContain('--from must be an ISO 8601 time');
    const noAccount = await runReconcileScript(range, { ...environment(), BW_ACCOUNT_ID: '' });
    expect([noAccount.status, noAccount.stderr]).toEqual([2, expect.stringContaining('BW_ACCOUNT_ID must be set')]);
  });

  it('refused credentials or an unreachable API exit 1 with a clear message and write nothing', async () => {
    bandwidth.refuseCredentials = true;
    const refused = await runReconcileScript(range, environment());
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Bandwidth refused the API credentials');
    expect(refused.stderr).not.toContain(bandwidth.env['BW_CLIENT_SECRET']);
    const port = (await closedPort()).replace('http://', '');
    const unreachable = await runReconcileScript(range, { ...environment(), BANDWIDTH_TOKEN_URL: `http://${port}/token` });
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain('unreachable');
    expect(await allItems(stores)).toEqual([]);
  });
});
