/**
 * How every command reaches a stage. A deployed stage is read from a CloudFormation stand-in on loopback (the
 * SDK's AWS_ENDPOINT_URL_CLOUDFORMATION points at it, with made-up keys); the local stage opens real embedded
 * stores in a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { localDynamoClient } from '../../../tools/local-stage/stores.ts';
import { noBucket, resolveStage, STAGE_OUTPUTS, StageUnavailable } from '../../../tools/stage/resolve-stage.ts';
import { LOCAL_BUCKET, LOCAL_TABLE } from '../../../tools/stage/stage-names.ts';
import { type FakeCloudFormation, fakeCloudFormation } from './fake-cloudformation.ts';

let cloudFormation: FakeCloudFormation;
const saved = { ...process.env };
const folders: string[] = [];

beforeAll(async () => {
  cloudFormation = await fakeCloudFormation();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
    AWS_ACCESS_KEY_ID: 'AKIARESOLVETEST',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});

afterAll(async () => {
  process.env = saved;
  await cloudFormation.close();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const PROD_OUTPUTS = {
  DisconnectsTableName: 'bandwidth-disconnect-recorder-prod-disconnects',
  ParkedCallbacksBucketName: 'bandwidth-disconnect-recorde-parkedcallbacksbucket-1a2b3c4d5e6f',
  StageRegion: 'eu-west-1',
  RetentionDays: '400',
  DisconnectCallbackUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/bandwidth/disconnect',
  CallbackUsername: 'bandwidth',
  CallbackPasswordParameter: '/bandwidth-disconnect-recorder/prod/callback-password',
  AlarmTopicArn: 'arn:aws:sns:eu-west-1:111122223333:bandwidth-disconnect-recorder-prod-alarms',
};

describe('a deployed stage', () => {
  it('is read from its stack outputs in one DescribeStacks call: table, bucket, region, retention, callback settings', async () => {
    cloudFormation.stacks.set('bandwidth-disconnect-recorder-prod', PROD_OUTPUTS);
    cloudFormation.calls.length = 0;
    const stage = await resolveStage({ stage: 'prod', env: {}, region: 'eu-west-1' });
    expect(cloudFormation.calls).toEqual(['DescribeStacks bandwidth-disconnect-recorder-prod']);
    expect(stage).toMatchObject({
      source: 'deployed',
      description: 'stack bandwidth-disconnect-recorder-prod in eu-west-1',
      region: 'eu-west-1',
      tableName: PROD_OUTPUTS.DisconnectsTableName,
      bucket: PROD_OUTPUTS.ParkedCallbacksBucketName,
      retentionDays: 400,
      callbackUrl: PROD_OUTPUTS.DisconnectCallbackUrl,
      callbackUsername: 'bandwidth',
      callbackPasswordParameter: PROD_OUTPUTS.CallbackPasswordParameter,
    });
    expect(stage.callbackPasswordSecret).toBeUndefined();
    const stores = await stage.open();
    expect([stores.dynamoEndpoint, stores.s3Endpoint]).toEqual([undefined, undefined]);
  });

  it('deployed with the password in Secrets Manager (the default): names the secret, and no parameter', async () => {
    const { CallbackPasswordParameter: _none, ...outputs } = PROD_OUTPUTS;
    cloudFormation.stacks.set('bandwidth-disconnect-recorder-new', {
      ...outputs,
      CallbackPasswordSecret: 'bandwidth-disconnect-recorder/new/callback-password',
    });
    const stage = await resolveStage({ stage: 'new', env: {}, region: 'eu-west-1' });
    expect(stage).toMatchObject({
      callbackUsername: 'bandwidth',
      callbackPasswordSecret: 'bandwidth-disconnect-recorder/new/callback-password',
      callbackPasswordParameter: undefined,
    });
  });

  it('deployed before the outputs existed: the table by its naming rule, and a bucket it says how to get', async () => {
    cloudFormation.stacks.set('bandwidth-disconnect-recorder-old', {
      DisconnectCallbackUrl: PROD_OUTPUTS.DisconnectCallbackUrl,
    });
    const stage = await resolveStage({ stage: 'old', env: { AWS_REGION: 'us-east-1' } });
    expect(stage.tableName).toBe('bandwidth-disconnect-recorder-old-disconnects');
    expect(stage.bucket).toBeUndefined();
    expect(stage.retentionDays).toBeUndefined();
    expect(stage.callbackUsername).toBeUndefined();
    expect(noBucket(stage)).toBe(
      'stack bandwidth-disconnect-recorder-old in us-east-1 has no ParkedCallbacksBucketName output (deployed before it existed): ' +
        'deploy the stage again, or pass --bucket',
    );
  });

  it('that does not exist is named with the fix, and the handler environment does not stand in for it', async () => {
    const failure = resolveStage({ stage: 'nope', env: { DISCONNECTS_TABLE: 'elsewhere' }, region: 'eu-west-1' });
    await expect(failure).rejects.toThrow(StageUnavailable);
    await expect(failure).rejects.toThrow(
      /^cannot read stack bandwidth-disconnect-recorder-nope in eu-west-1: Stack with id bandwidth-disconnect-recorder-nope does not exist: .*--region, --profile\)$/,
    );
    await expect(failure).rejects.toMatchObject({ exitCode: 3 });
  });

  it('are the outputs the stack publishes', () => {
    const config = parse(readFileSync('serverless.yml', 'utf8')) as { resources: { Outputs: Record<string, unknown> } };
    for (const key of Object.values(STAGE_OUTPUTS)) expect(Object.keys(config.resources.Outputs)).toContain(key);
  });
});

describe("the handler's environment", () => {
  it('is the stage when DISCONNECTS_TABLE is set and no stage is named, asking AWS nothing', async () => {
    cloudFormation.calls.length = 0;
    const stage = await resolveStage({
      env: {
        DISCONNECTS_TABLE: 'my-table',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        PARKED_CALLBACKS_BUCKET: 'my-bucket',
        S3_ENDPOINT: 'http://127.0.0.1:9000',
        AWS_REGION: 'eu-central-1',
        RETENTION_DAYS: '30',
      },
    });
    expect(stage).toMatchObject({
      source: 'environment',
      tableName: 'my-table',
      bucket: 'my-bucket',
      region: 'eu-central-1',
      retentionDays: 30,
    });
    const stores = await stage.open();
    expect([stores.dynamoEndpoint, stores.s3Endpoint]).toEqual(['http://127.0.0.1:8000', 'http://127.0.0.1:9000']);
    expect(cloudFormation.calls).toEqual([]);
  });

  it('refuses a local table with the bucket in real AWS (DYNAMODB_ENDPOINT without S3_ENDPOINT)', async () => {
    await expect(
      resolveStage({
        env: { DISCONNECTS_TABLE: 't', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', PARKED_CALLBACKS_BUCKET: 'b' },
      }),
    ).rejects.toThrow('DYNAMODB_ENDPOINT is set but S3_ENDPOINT is not: set both, or neither');
  });
});

describe('the local stage', () => {
  it('is the default, and `local` named wins over the environment; open() starts its stores with the table and bucket', async () => {
    const dataDir = mkdtempSync(`${tmpdir()}/resolve-local-`);
    folders.push(dataDir);
    const stage = await resolveStage({
      stage: 'local',
      env: { LOCAL_DATA_DIR: dataDir, DISCONNECTS_TABLE: 'elsewhere' },
    });
    expect(stage).toMatchObject({
      source: 'local',
      tableName: LOCAL_TABLE,
      bucket: LOCAL_BUCKET,
      description: `the local stage (${dataDir})`,
    });
    const stores = await stage.open();
    try {
      const client = localDynamoClient(stores.dynamoEndpoint ?? '');
      const { Table } = await client.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
      client.destroy();
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect((await fetch(`${stores.s3Endpoint}/${LOCAL_BUCKET}`)).status).toBe(200);
    } finally {
      await stores.close();
    }
    expect((await resolveStage({ env: { LOCAL_DATA_DIR: dataDir } })).source).toBe('local');
  });

  it('refuses a port variable that is not a port, naming it', async () => {
    await expect(resolveStage({ env: { LOCAL_S3_PORT: 'http://127.0.0.1:4569' } })).rejects.toThrow(
      'LOCAL_S3_PORT must be a port number (1-65535), got http://127.0.0.1:4569',
    );
  });
});
