/** `npm run reconcile -- ...` run as an operator runs it, against the fake Bandwidth and a real table. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localDynamoClient, startLocalStores } from '../../../tools/local-stage/stores.ts';
import { LOCAL_TABLE } from '../../../tools/stage/stage-names.ts';
import { type FakeBandwidthVoice, fakeBandwidthVoice, listedCall } from '../../support/fake-bandwidth-voice.ts';
import { closedPort } from '../../support/faulty-stores.ts';
import { runReconcileScript } from '../../support/reconcile.ts';
import { allItems, freshStores, type TestStores } from '../../support/recorder.ts';

let bandwidth: FakeBandwidthVoice;
let stores: TestStores;
beforeAll(async () => {
  bandwidth = await fakeBandwidthVoice();
});
afterAll(() => bandwidth.close());
beforeEach(async () => {
  stores = await freshStores();
  bandwidth.refuseCredentials = false;
  bandwidth.faults = [];
  bandwidth.tokenFaults = [];
  bandwidth.tokenRequests = 0;
  bandwidth.calls = [
    listedCall('c-missing', '2026-11-20T10:00:00.000Z'),
    listedCall('c-live', '2026-11-20T10:10:00.000Z', { state: 'answered', endTime: null, disconnectCause: null }),
  ];
});

const range = ['--from', '2026-11-20T10:00:00Z', '--to', '2026-11-20T11:00:00Z'];
const environment = () => ({
  ...bandwidth.env,
  DISCONNECTS_TABLE: stores.tableName,
  DYNAMODB_ENDPOINT: stores.dynamoEndpoint,
  AWS_REGION: 'us-east-1',
});

describe('npm run reconcile', () => {
  it('backfills into the table the environment names and reports what it saw', async () => {
    const run = await runReconcileScript(range, environment());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('2 listed');
    expect(run.stdout).toContain('0 already recorded, 1 backfilled, 1 not ended');
    expect(run.stdout).toContain('backfilled: c-missing');
    expect((await allItems(stores)).map((item) => [item['callId'], item['recordedFrom']])).toEqual([
      ['c-missing', 'call-list'],
    ]);
  });

  it('--json prints the report; a second run finds the call recorded', async () => {
    await runReconcileScript(range, environment());
    const run = await runReconcileScript([...range, '--json'], environment());
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      listed: 2,
      alreadyRecorded: 1,
      backfilled: 0,
      notEnded: 1,
      backfilledCallIds: [],
    });
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
    const run = await runReconcileScript(
      ['--from', '2026-11-20T09:00:00Z', '--to', '2026-11-20T12:00:00Z'],
      environment(),
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('reconcile: through 2026-11-20T10:00:00.000Z: 1 listed, 1 backfilled');
    expect(run.stderr).toContain('2 listed, 1 backfilled');
  });

  it('--help prints the usage and exits 0, doing nothing else', async () => {
    const run = await runReconcileScript(['--help'], {});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: npm run reconcile -- --from');
    expect(bandwidth.tokenRequests).toBe(0);
  });

  it('exits 2 with one line naming an unknown option, a bad time or value, or a missing setting, pointing at --help', async () => {
    const cases: [string[], Record<string, string>, string][] = [
      [[...range, '--form', 'x'], {}, 'reconcile: unknown option --form (npm run reconcile -- --help)'],
      [
        ['--from', '2026-11-20T10:00', '--to', '2026-11-20T11:00:00Z'],
        {},
        'reconcile: --from "2026-11-20T10:00" is not a time: use 2024-05-01, 2024-05-01T13:00:00Z, now, today, yesterday, or an age like 24h or 7d (npm run reconcile -- --help)',
      ],
      [
        [...range, '--time-limit', 'soon'],
        {},
        'reconcile: --time-limit must be a whole number of at least 1, got "soon" (npm run reconcile -- --help)',
      ],
      [
        range,
        { BW_ACCOUNT_ID: '' },
        'reconcile: BW_ACCOUNT_ID must be set (Bandwidth API credentials with Voice access) (npm run reconcile -- --help)',
      ],
    ];
    for (const [args, env, line] of cases) {
      const run = await runReconcileScript(args, { ...environment(), ...env });
      expect([run.status, run.stderr]).toEqual([2, `${line}\n`]);
    }
    expect(bandwidth.tokenRequests).toBe(0);
  });

  it('refused Bandwidth credentials or an unreachable Bandwidth exit 3 with one clear line and write nothing', async () => {
    bandwidth.refuseCredentials = true;
    const refused = await runReconcileScript(range, environment());
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(
      /^reconcile: Bandwidth refused the API credentials \(token endpoint answered 401\); check BW_CLIENT_ID and BW_CLIENT_SECRET\n$/,
    );
    expect(refused.stderr).not.toContain(bandwidth.env['BW_CLIENT_SECRET']);
    const port = (await closedPort()).replace('http://', '');
    const unreachable = await runReconcileScript(range, {
      ...environment(),
      BANDWIDTH_TOKEN_URL: `http://${port}/token`,
    });
    expect(unreachable.status).toBe(3);
    expect(unreachable.stderr).toMatch(
      /^reconcile: Bandwidth's token endpoint http:\/\/.* is unreachable: .*ECONNREFUSED.*\n$/,
    );
    expect(await allItems(stores)).toEqual([]);
  });

  it('rides out the token endpoint answering 503 once, as it does the call list', async () => {
    bandwidth.tokenFaults.push({ status: 503 });
    const run = await runReconcileScript(range, environment());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('1 backfilled');
  });

  it('a run stopped by its time limit says so (exit 1), not that Bandwidth is unreachable, and writes nothing', async () => {
    // Bandwidth asks for a 30-second pause: longer than the run may take.
    bandwidth.faults.push({ status: 429, headers: { 'Retry-After': '30' } });
    const run = await runReconcileScript([...range, '--time-limit', '1'], environment());
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'reconcile: stopped at its time limit (--time-limit 1) before it finished: run it again, over a shorter range or ' +
        'with a longer limit (what it backfilled is kept whole; nothing is half-written)\n',
    );
    expect(await allItems(stores)).toEqual([]);
  });

  it('names a table it cannot reach (exit 3), with nothing written', async () => {
    const run = await runReconcileScript(range, { ...environment(), DYNAMODB_ENDPOINT: await closedPort() });
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(`^reconcile: cannot reach table ${stores.tableName} \\(the handler's environment.*ECONNREFUSED`),
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the missing region of a deployed stage with its fix (exit 3)', async () => {
    const run = await runReconcileScript([...range, '--stage', 'prod'], {
      ...environment(),
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    });
    expect([run.status, run.stderr]).toEqual([
      3,
      'reconcile: no AWS region: pass --region, set AWS_REGION, or give the profile one (aws configure set region <region>)\n',
    ]);
  });
});
