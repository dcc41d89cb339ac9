/**
 * What ships is what runs: the prod stage packaged once, each function's zip unpacked into an empty folder and run
 * on Node 24 with exactly the environment the template gives it and Lambda's own variables (packaged-stack.ts),
 * against dynalite/s3rver and the loopback fakes. Each run is a fresh process, a cold container. The only additions
 * are the network's stand-ins: AWS_ENDPOINT_URL_* (where the AWS endpoints would be) and Bandwidth's API URLs.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ParkedCallback } from '../../lambda/adapters/parked-callbacks.ts';
import { ensureBucket, ensureTable } from '../../tools/local-stage/stores.ts';
import { type RecordingProxy, recordingProxy } from '../support/aws-call-recorder.ts';
import { disconnectCallback, postedCallback } from '../support/callbacks.ts';
import {
  ACCOUNT_ID,
  CLIENT_ID,
  CLIENT_SECRET,
  type FakeBandwidthVoice,
  fakeBandwidthVoice,
  listedCall,
} from '../support/fake-bandwidth-voice.ts';
import { type FakeSecretStore, fakeSecretStore } from '../support/fake-secret-stores.ts';
import { INTERNAL_SERVER_ERROR } from '../support/faulty-stores.ts';
import { basicAuthorization, parkedObjects, storedItem, type TestStores } from '../support/recorder.ts';
import { packageStage } from './package-stage.ts';
import { grantedActions, holdAgainstRoles } from './packaged-roles.ts';
import { invoke, PARTITION, type PackagedFunction, packagedFunctions } from './packaged-stack.ts';
import type { Json } from './template.ts';

const PASSWORD = 'packaged-callback-password';
const TABLE = 'bandwidth-disconnect-recorder-prod-disconnects';

let functions: Record<string, PackagedFunction>;
let stores: TestStores;
let proxies: {
  dynamodb: RecordingProxy;
  s3: RecordingProxy;
  secretsmanager: RecordingProxy;
  clientSecret: RecordingProxy;
};
let passwordStore: FakeSecretStore;
let clientSecretStore: FakeSecretStore;
let bandwidth: FakeBandwidthVoice;
let s3rver: { run(): Promise<AddressInfo>; close(): Promise<void> } | undefined;
const S3rver = createRequire(import.meta.url)('s3rver') as new (
  options: Record<string, unknown>,
) => NonNullable<typeof s3rver>;
/** The one access key s3rver knows. */
const S3RVER_KEY = 'S3RVER';

beforeAll(async () => {
  const bucket = `parked-${randomUUID().slice(0, 8)}`;
  // s3rver checks signatures against its one key: this one lets the functions' own credentials through.
  s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory: mkdtempSync(join(tmpdir(), 'packaged-s3-')),
    silent: true,
    allowMismatchedSignatures: true,
  });
  const s3Endpoint = `http://127.0.0.1:${(await s3rver.run()).port}`;
  stores = { dynamoEndpoint: inject('dynamoEndpoint'), s3Endpoint, tableName: TABLE, bucket };
  const [packaged] = await Promise.all([
    packageStage('prod', { bandwidthAccountId: ACCOUNT_ID, bandwidthClientId: CLIENT_ID }),
    ensureTable(stores.dynamoEndpoint, TABLE),
    ensureBucket(stores.s3Endpoint, bucket),
  ]);
  passwordStore = await fakeSecretStore(PASSWORD);
  clientSecretStore = await fakeSecretStore(CLIENT_SECRET);
  bandwidth = await fakeBandwidthVoice();
  proxies = {
    dynamodb: await recordingProxy(stores.dynamoEndpoint),
    s3: await recordingProxy(stores.s3Endpoint, S3RVER_KEY),
    secretsmanager: await recordingProxy(passwordStore.endpoint),
    clientSecret: await recordingProxy(clientSecretStore.endpoint),
  };
  functions = packagedFunctions(packaged, {
    DisconnectsTable: { ref: TABLE, arn: `arn:aws:dynamodb:${PARTITION.region}:${PARTITION.account}:table/${TABLE}` },
    ParkedCallbacksBucket: { ref: bucket, arn: `arn:aws:s3:::${bucket}` },
    ServerlessDeploymentBucket: { ref: 'deployment-artifacts' },
    ...Object.fromEntries(
      ['Disconnect', 'Replay', 'Reconcile'].map((name) => {
        const group = `/aws/lambda/bandwidth-disconnect-recorder-prod-${name.toLowerCase()}`;
        const arn = `arn:aws:logs:${PARTITION.region}:${PARTITION.account}:log-group:${group}:*`;
        return [`${name}LogGroup`, { ref: group, arn }];
      }),
    ),
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([
    ...Object.values(proxies ?? {}).map((proxy) => proxy.close()),
    passwordStore?.close(),
    clientSecretStore?.close(),
    bandwidth?.close(),
    s3rver?.close(),
  ]);
});

/**
 * The network the functions reach: the AWS endpoints through the recording proxies, Bandwidth's API on loopback.
 * Reconcile's Secrets Manager is the store holding the Bandwidth client secret (one fake store answers one secret).
 */
function network({ clientSecret = false } = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.endpoint,
    AWS_ENDPOINT_URL_S3: proxies.s3.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: (clientSecret ? proxies.clientSecret : proxies.secretsmanager).endpoint,
    BANDWIDTH_VOICE_API_URL: bandwidth.voiceApiUrl,
    BANDWIDTH_TOKEN_URL: bandwidth.tokenUrl,
  };
}

function signed(callback: Record<string, unknown>, password = PASSWORD): Json {
  const event = postedCallback(callback);
  event.headers['authorization'] = basicAuthorization('bandwidth', password);
  return event as unknown as Json;
}

async function answers(events: Json[]): Promise<{ statusCode: number; body?: string }[]> {
  const disconnect = functions['disconnect'];
  if (disconnect === undefined) throw new Error('no disconnect function packaged');
  const { results, output } = await invoke(disconnect, events, network());
  return results.map((result) => {
    if ('error' in result) throw new Error(`the handler threw: ${result.error}\n${output}`);
    return result.ok as { statusCode: number; body?: string };
  });
}

const kept = async (prefix: string, callId: string): Promise<ParkedCallback[]> =>
  (await parkedObjects(stores, prefix)).filter((parked) => JSON.parse(parked.input.body).callId === callId);

describe('each packaged function', () => {
  it('is its zip alone: the bundle and its lazy chunks, no node_modules', () => {
    for (const fn of Object.values(functions)) {
      expect(fn.files.filter((file) => file.includes('node_modules') || file.endsWith('package.json'))).toEqual([]);
      expect(fn.files).toContain(`${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.cjs`);
    }
    expect(Object.keys(functions).sort()).toEqual(['disconnect', 'reconcile', 'replay']);
  });
});

describe('the packaged recorder, run from its zip', () => {
  const recorded = disconnectCallback();
  const offSpec = disconnectCallback({ startTime: 'yesterday afternoon' });
  const refused = disconnectCallback({ eventType: 'ringing' });
  const wrongPassword = disconnectCallback();

  it('records, ignores a duplicate, stores off-spec, quarantines the refused and challenges a wrong password', async () => {
    const statuses = (
      await answers([signed(recorded), signed(recorded), signed(offSpec), signed(refused), signed(wrongPassword, 'x')])
    ).map((answer) => answer.statusCode);
    expect(statuses).toEqual([204, 204, 204, 422, 401]);
    expect(await storedItem(stores, recorded.callId)).toMatchObject({ callId: recorded.callId, cause: 'busy' });
    expect(await storedItem(stores, offSpec.callId)).toMatchObject({
      startTime: 'yesterday afternoon',
      specDeviations: [expect.stringContaining('startTime')],
    });
    expect(await kept('quarantine/', refused.callId)).toHaveLength(1);
    expect(await storedItem(stores, wrongPassword.callId)).toBeUndefined();
  }, 30_000);

  it('parks a callback in the fallback bucket when the table fails', async () => {
    const parked = disconnectCallback();
    proxies.dynamodb.answer = (call) =>
      call.target === 'DynamoDB_20120810.PutItem'
        ? {
            status: INTERNAL_SERVER_ERROR.status,
            contentType: 'application/x-amz-json-1.0',
            body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${INTERNAL_SERVER_ERROR.type}` }),
          }
        : undefined;
    try {
      expect((await answers([signed(parked)])).map((answer) => answer.statusCode)).toEqual([204]);
    } finally {
      proxies.dynamodb.answer = undefined;
    }
    expect(await kept('parked/', parked.callId)).toHaveLength(1);
    expect(await storedItem(stores, parked.callId)).toBeUndefined();
  }, 30_000);

  it('keeps callbacks unverified when the password store fails, whatever they hold', async () => {
    const unverified = disconnectCallback();
    const unverifiedRefused = disconnectCallback({ eventType: 'ringing' });
    passwordStore.behaviour = 'throttle';
    try {
      const statuses = (await answers([signed(unverified), signed(unverifiedRefused)])).map((a) => a.statusCode);
      expect(statuses).toEqual([204, 204]);
    } finally {
      passwordStore.behaviour = 'answer';
    }
    expect(await kept('unverified/', unverified.callId)).toHaveLength(1);
    expect(await kept('unverified/', unverifiedRefused.callId)).toHaveLength(1);
  }, 30_000);
});

describe('the packaged scheduled functions, run from their zips', () => {
  it('replay stores what was parked and kept unverified, quarantines what fails validation, empties both prefixes', async () => {
    const replay = functions['replay'];
    if (replay === undefined) throw new Error('no replay function packaged');
    const waiting = [...(await parkedObjects(stores, 'parked/')), ...(await parkedObjects(stores, 'unverified/'))];
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    const scheduled = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: PARTITION.account,
      time: new Date().toISOString(),
      region: PARTITION.region,
      resources: [`arn:aws:events:${PARTITION.region}:${PARTITION.account}:rule/replay`],
      detail: {},
    };
    const { results, output } = await invoke(replay, [scheduled], network());
    expect(results[0], output).not.toHaveProperty('error');
    for (const parked of waiting) {
      const { callId, eventType } = JSON.parse(parked.input.body) as { callId: string; eventType: string };
      if (eventType === 'disconnect') expect(await storedItem(stores, callId)).toMatchObject({ callId });
      else expect(await kept('quarantine/', callId)).toHaveLength(1);
    }
    expect(await parkedObjects(stores, 'parked/')).toEqual([]);
    expect(await parkedObjects(stores, 'unverified/')).toEqual([]);
  }, 30_000);

  it('reconcile backfills a call Bandwidth ended whose callback never came, with its client secret from Secrets Manager', async () => {
    const reconcile = functions['reconcile'];
    if (reconcile === undefined) throw new Error('no reconcile function packaged');
    const [trailing] = reconcile.scheduleInputs;
    expect(trailing).toMatchObject({ lookbackMinutes: 180, settleMinutes: 15 });
    const callId = `c-${randomUUID()}`;
    bandwidth.calls.push(listedCall(callId, new Date(Date.now() - 60 * 60_000).toISOString()));
    const { results, output } = await invoke(reconcile, [trailing as Json], network({ clientSecret: true }));
    expect(results[0], output).not.toHaveProperty('error');
    expect(await storedItem(stores, callId)).toMatchObject({ callId, recordedFrom: 'call-list' });
  }, 30_000);
});

/**
 * Statements no run here can exercise: the log writes are Lambda's own (the runtime ships the function's stdout to
 * its log group; the function's code makes no Logs call). The KMS statements (a customer-managed data key or
 * password key) are not in this packaging (their params are empty), and a local store cannot stand in for KMS
 * calls that DynamoDB, S3 or Secrets Manager make on the function's behalf.
 */
const NOT_EXERCISED_LOCALLY = new Set(['WriteOwnLogs']);

describe("each packaged function's role, held against every AWS call the runs above made", () => {
  it('allows every call, and grants no action that no call used', async () => {
    const calls = Object.values(proxies).flatMap((proxy) => proxy.calls);
    expect(calls.length, 'the runs above made no AWS call: run the whole file').toBeGreaterThan(0);
    const { denied, used } = await holdAgainstRoles(Object.values(functions), calls);
    expect(denied).toEqual([]);
    const granted = grantedActions(Object.values(functions), NOT_EXERCISED_LOCALLY);
    expect(granted.filter((grant) => !used.has(grant))).toEqual([]);
    // Every function made calls: the check above is not vacuous.
    expect(new Set(calls.map((call) => call.accessKeyId)).size).toBe(Object.keys(functions).length);
  });
});
