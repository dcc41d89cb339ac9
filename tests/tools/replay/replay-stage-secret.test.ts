/**
 * `npm run replay -- --stage prod` verifies the callbacks a deployed stage kept unverified against the stage's own
 * password: the Secrets Manager secret its stack names (the default since `npm run deploy` creates one). The "AWS"
 * here is real protocol servers on loopback: CloudFormation's DescribeStacks (a fake with the stack's outputs),
 * the test's dynalite and s3rver as DynamoDB and S3, and the fake Secrets Manager, all reached through
 * AWS_ENDPOINT_URL_*.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ParkedCallbacks } from '../../../lambda/adapters/parked-callbacks.ts';
import { presentedCredentials } from '../../../lambda/adapters/presented-credentials.ts';
import { projectRoot } from '../../../tools/local-stage/stores.ts';
import { disconnectCallback } from '../../support/callbacks.ts';
import { type FakeSecretStore, fakeSecretStore } from '../../support/fake-secret-stores.ts';
import { freshStores, parkedObjects, storedItem, type TestStores } from '../../support/recorder.ts';
import type { ScriptRun } from '../../support/replay.ts';
import { type FakeCloudFormation, fakeCloudFormation } from '../stage/fake-cloudformation.ts';

const SECRET = 'bandwidth-disconnect-recorder/prod/callback-password';
let cloudFormation: FakeCloudFormation;
let secrets: FakeSecretStore;
let stores: TestStores;

beforeAll(async () => {
  [cloudFormation, secrets] = await Promise.all([fakeCloudFormation(), fakeSecretStore('the-stage-password')]);
});
afterAll(async () => {
  await Promise.all([cloudFormation.close(), secrets.close()]);
});
beforeEach(async () => {
  stores = await freshStores();
  secrets.requests.length = 0;
  cloudFormation.stacks.set('bandwidth-disconnect-recorder-prod', {
    DisconnectsTableName: stores.tableName,
    ParkedCallbacksBucketName: stores.bucket,
    StageRegion: 'us-east-1',
    CallbackUsername: 'bandwidth',
    CallbackPasswordSecret: SECRET,
  });
});

async function keepUnverified(password: string): Promise<string> {
  const callback = disconnectCallback();
  const parked = new ParkedCallbacks({ bucket: stores.bucket, endpoint: stores.s3Endpoint });
  await parked.park({
    kind: 'unverified',
    reason: 'the callback password could not be read in time',
    callId: callback.callId,
    input: { form: 'json', body: JSON.stringify(callback) },
    credentials: await presentedCredentials({ username: 'bandwidth', password }),
    receivedAt: new Date(),
  });
  await parked.destroy();
  return callback.callId;
}

/** The command as an operator runs it against a deployed stage: no handler environment, only the stage's name. */
function replayStage(): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [
    'DISCONNECTS_TABLE',
    'DYNAMODB_ENDPOINT',
    'PARKED_CALLBACKS_BUCKET',
    'S3_ENDPOINT',
    'BANDWIDTH_CALLBACK_USERNAME',
    'BANDWIDTH_CALLBACK_PASSWORD',
    'BANDWIDTH_CALLBACK_PASSWORD_SECRET',
    'BANDWIDTH_CALLBACK_PASSWORD_PARAMETER',
  ]) {
    delete env[name];
  }
  Object.assign(env, {
    AWS_REGION: 'us-east-1',
    // s3rver's own keys; the other stand-ins take any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
    AWS_ENDPOINT_URL_DYNAMODB: stores.dynamoEndpoint,
    AWS_ENDPOINT_URL_S3: stores.s3Endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/bin/replay.ts', '--stage', 'prod'],
      { cwd: projectRoot, env, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

describe('npm run replay -- --stage, for callbacks kept unverified', () => {
  it("checks them against the password in the stage's secret, and stores those that match", async () => {
    const callId = await keepUnverified('the-stage-password');
    const run = await replayStage();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('unverified: 1 replayed');
    expect(await storedItem(stores, callId)).toMatchObject({ callId });
    expect(secrets.requests).toContain('secretsmanager.GetSecretValue');
    expect(await parkedObjects(stores, 'unverified/')).toEqual([]);
  }, 90_000);

  it("discards those whose password is not the secret's, storing nothing", async () => {
    const callId = await keepUnverified('a-wrong-password');
    const run = await replayStage();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('1 discarded (wrong credentials)');
    expect(await storedItem(stores, callId)).toBeUndefined();
  }, 90_000);
});
