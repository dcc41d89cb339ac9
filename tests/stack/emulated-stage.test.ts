/**
 * A deployed stage, on loopback: the prod stage packaged (with a retention, so that every output the commands read
 * is published; a dev stage with its password in an SSM parameter publishes the last one), deployed to moto_server as `npm run deploy` does it (tests/support/moto-stack.ts), its outputs
 * checked against what moto created, then the operator commands run against it with `--stage prod --region`, the
 * AWS SDK pointed at moto by AWS_ENDPOINT_URL, as an operator runs them against AWS.
 *
 * moto does not create these resource types (its gap, not the template's): AWS::ApiGatewayV2::Api, Integration,
 * Route and Stage, AWS::CloudWatch::Alarm, AWS::Lambda::EventInvokeConfig, AWS::Logs::MetricFilter,
 * AWS::S3::BucketPolicy. So the HTTP API has no id ("None" in the callback URL), and no callback reaches the
 * stage through it: the recorder's code seeds the stage's table and bucket directly (mocked: the API in front).
 */
import { execFile } from 'node:child_process';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../tools/local-stage/stores.ts';
import { resolveStage, STAGE_OUTPUTS } from '../../tools/stage/resolve-stage.ts';
import { passwordParameterOfStage, passwordSecretOfStage, tableOfStage } from '../../tools/stage/stage-names.ts';
import { disconnectCallback } from '../support/callbacks.ts';
import {
  ACCOUNT_ID,
  type FakeBandwidthVoice,
  fakeBandwidthVoice,
  listedCall,
} from '../support/fake-bandwidth-voice.ts';
import { closedPort } from '../support/faulty-stores.ts';
import {
  deployToMoto,
  MOTO_REGION,
  MOTO_SKIPS,
  type Moto,
  type MotoStack,
  motoClients,
  startMoto,
} from '../support/moto-stack.ts';
import { loadHandler, type TestStores } from '../support/recorder.ts';
import { deliver } from '../support/replay.ts';
import { type PackagedStage, packageStage } from './package-stage.ts';

const STAGE = 'prod';
const HANDLER_VARIABLES = [
  'DISCONNECTS_TABLE',
  'DYNAMODB_ENDPOINT',
  'PARKED_CALLBACKS_BUCKET',
  'S3_ENDPOINT',
  'RETENTION_DAYS',
  'AWS_PROFILE',
  'BANDWIDTH_CALLBACK_USERNAME',
  'BANDWIDTH_CALLBACK_PASSWORD',
  'BANDWIDTH_CALLBACK_PASSWORD_SECRET',
  'BANDWIDTH_CALLBACK_PASSWORD_PARAMETER',
];

let moto: Moto;
let packaged: PackagedStage;
let stack: MotoStack;
/** A stage deployed before the secret was the default: its password in an SSM SecureString. */
const PARAMETER_STAGE = 'dev';
let parameterStack: MotoStack;
let bandwidth: FakeBandwidthVoice;
let stores: TestStores;
const recorded = disconnectCallback({ endTime: '2026-11-20T15:58:04.911Z', cause: 'busy' });
const parked = disconnectCallback({ endTime: '2026-11-20T16:10:00.000Z', cause: 'hangup' });

beforeAll(async () => {
  let parameterPackaged: PackagedStage;
  [moto, packaged, parameterPackaged, bandwidth] = await Promise.all([
    startMoto(),
    packageStage(STAGE, { retentionDays: '400' }),
    packageStage(PARAMETER_STAGE, { callbackPasswordStore: 'parameter' }),
    fakeBandwidthVoice(),
  ]);
  Object.assign(process.env, moto.env);
  stack = await deployToMoto(moto, packaged, STAGE);
  parameterStack = await deployToMoto(moto, parameterPackaged, PARAMETER_STAGE);
  stores = {
    dynamoEndpoint: moto.endpoint,
    s3Endpoint: moto.endpoint,
    tableName: stack.outputs[STAGE_OUTPUTS.table] ?? '',
    bucket: stack.outputs[STAGE_OUTPUTS.bucket] ?? '',
  };
  // Seeded by the recorder's own code: one callback stored, one parked (its table unreachable), one quarantined.
  expect(await deliver(await loadHandler(stores), [recorded, { ...recorded, callId: '' }])).toEqual([
    '204 recorded',
    expect.stringMatching(/^422/),
  ]);
  expect(await deliver(await loadHandler(stores, { DYNAMODB_ENDPOINT: await closedPort() }), [parked])).toEqual([
    '204 parked',
  ]);
}, 240_000);

afterAll(async () => {
  await bandwidth?.close();
  await moto?.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run <command> -- <args>` (the same `tsx tools/bin/<command>.ts`) against the emulated stage. */
function command(name: string, args: string[], extra: Record<string, string> = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...moto.env, ...extra };
  for (const variable of HANDLER_VARIABLES) delete env[variable];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', `tools/bin/${name}.ts`, ...args],
      { cwd: projectRoot, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const onStage = ['--stage', STAGE, '--region', MOTO_REGION];

describe('the prod stage deployed to the emulator', () => {
  it('creates every resource but the types moto skips (its gap: API Gateway v2, alarms, metric filters, ...)', () => {
    const created = new Set(stack.resources.map((resource) => resource.LogicalResourceId));
    const missing = Object.entries(packaged.template.Resources).filter(([id]) => !created.has(id));
    expect(new Set(missing.map(([, resource]) => resource.Type))).toEqual(new Set(MOTO_SKIPS));
  });

  it('publishes every output the commands read, each naming what the stack created', async () => {
    const outputs = stack.outputs;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(Object.values(STAGE_OUTPUTS).filter((key) => key !== 'CallbackPasswordParameter')),
    );
    const { dynamo, secrets, s3 } = { ...motoClients(moto), dynamo: new DynamoDBClient(motoClients(moto).config) };
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: outputs[STAGE_OUTPUTS.table] }));
    expect(Table?.TableName).toBe(tableOfStage(STAGE));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'callId', KeyType: 'HASH' }]);
    expect(outputs[STAGE_OUTPUTS.bucket]).toBe(
      stack.resources.find((r) => r.LogicalResourceId === 'ParkedCallbacksBucket')?.PhysicalResourceId,
    );
    expect(outputs[STAGE_OUTPUTS.region]).toBe(MOTO_REGION);
    expect(outputs[STAGE_OUTPUTS.retentionDays]).toBe('400');
    // The API id is moto's "None" (it skips the HTTP API); the suffix is AWS::URLSuffix, resolved.
    expect(outputs[STAGE_OUTPUTS.callbackUrl]).toMatch(
      /^https:\/\/\w+\.execute-api\.us-east-1\.amazonaws\.com\/bandwidth\/disconnect$/,
    );
    expect(outputs[STAGE_OUTPUTS.callbackUsername]).toBe('bandwidth');
    expect(outputs[STAGE_OUTPUTS.callbackPasswordSecret]).toBe(passwordSecretOfStage(STAGE));
    const secret = await secrets.send(
      new GetSecretValueCommand({ SecretId: outputs[STAGE_OUTPUTS.callbackPasswordSecret] }),
    );
    expect(secret.SecretString).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    for (const client of [dynamo, secrets, s3]) client.destroy();
  });

  it('resolves as the commands resolve it: the same table, bucket, retention and password store', async () => {
    const stage = await resolveStage({ stage: STAGE, region: MOTO_REGION, env: moto.env });
    expect(stage).toMatchObject({
      source: 'deployed',
      region: MOTO_REGION,
      tableName: stores.tableName,
      bucket: stores.bucket,
      retentionDays: 400,
      callbackUsername: 'bandwidth',
      callbackPasswordSecret: passwordSecretOfStage(STAGE),
      callbackPasswordParameter: undefined,
    });
  });
});

describe('the operator commands against the emulated stage', () => {
  it('records get prints the stored record of a call, with its transfer legs (none) from the byParent index', async () => {
    const run = await command('records', ['get', recorded.callId, '--json', ...onStage]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      record: expect.objectContaining({ callId: recorded.callId, cause: 'busy' }),
      parent: null,
      legs: [],
    });
  });

  it('quarantine list shows what waits in the stage bucket: the parked and the quarantined callback', async () => {
    const run = await command('quarantine', [
      'list',
      '--kind',
      'parked',
      '--kind',
      'quarantined',
      '--json',
      ...onStage,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const listed = JSON.parse(run.stdout) as { kind: string; callId?: string }[];
    expect(listed.map((item) => item.kind).sort()).toEqual(['parked', 'quarantined']);
    expect(listed.find((item) => item.kind === 'parked')?.callId).toBe(parked.callId);
  });

  it('replay stores the parked callback in the stage table, with the retention the stage publishes', async () => {
    const run = await command('replay', ['--json', ...onStage]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    const table = DynamoDBDocumentClient.from(new DynamoDBClient(motoClients(moto).config));
    const { Item } = await table.send(new GetCommand({ TableName: stores.tableName, Key: { callId: parked.callId } }));
    table.destroy();
    expect(Item).toMatchObject({ callId: parked.callId, cause: 'hangup' });
    expect(Item?.['expiresAt']).toBe(Math.floor(Date.parse('2026-11-20T16:10:00.000Z') / 1000) + 400 * 86_400);
  });

  it('records list and report cover both calls once replay has run', async () => {
    const range = ['--from', '2026-11-20', '--to', '2026-11-21'];
    const list = await command('records', ['list', ...range, '--json', ...onStage]);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(list.stdout))).toContain(parked.callId);
    expect(list.stdout).toContain(recorded.callId);
    const report = await command('records', ['report', ...range, '--json', ...onStage]);
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({
      records: 2,
      byCause: expect.arrayContaining([
        { name: 'busy', count: 1 },
        { name: 'hangup', count: 1 },
      ]),
      waiting: { bucket: stores.bucket, parked: 0, quarantined: 1 },
    });
  });

  it('reconcile --dry-run names the call Bandwidth ended that the stage table lacks, and writes nothing', async () => {
    bandwidth.calls = [
      listedCall(recorded.callId, '2026-11-20T15:50:00.000Z'),
      listedCall('c-never-called-back', '2026-11-20T15:52:00.000Z'),
    ];
    const run = await command(
      'reconcile',
      ['--from', '2026-11-20T00:00:00Z', '--to', '2026-11-21T00:00:00Z', '--dry-run', ...onStage],
      bandwidth.env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('would backfill: c-never-called-back');
    const table = DynamoDBDocumentClient.from(new DynamoDBClient(motoClients(moto).config));
    const { Item } = await table.send(
      new GetCommand({ TableName: stores.tableName, Key: { callId: 'c-never-called-back' } }),
    );
    table.destroy();
    expect(Item).toBeUndefined();
  });

  it('wire --dry-run reads the callback URL, username and password from the stage, and masks the password', async () => {
    const run = await command(
      'wire',
      ['--account-id', ACCOUNT_ID, '--application-id', 'app-emulated', '--dry-run', ...onStage],
      { BW_CLIENT_ID: '', BW_CLIENT_SECRET: '' },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`<CallStatusCallbackUrl>${stack.outputs[STAGE_OUTPUTS.callbackUrl]}`);
    expect(run.stdout).toContain('<UserId>bandwidth</UserId>');
    expect(run.stdout).toContain('<Password>********</Password>');
  });
});

describe('a stage keeping its password in an SSM parameter, deployed to the emulator', () => {
  it('publishes the parameter instead of the secret, and the commands resolve it', async () => {
    const parameter = passwordParameterOfStage(PARAMETER_STAGE);
    expect(parameterStack.outputs[STAGE_OUTPUTS.callbackPasswordParameter]).toBe(parameter);
    expect(parameterStack.outputs).not.toHaveProperty(STAGE_OUTPUTS.callbackPasswordSecret);
    const stage = await resolveStage({ stage: PARAMETER_STAGE, region: MOTO_REGION, env: moto.env });
    expect(stage).toMatchObject({
      tableName: tableOfStage(PARAMETER_STAGE),
      callbackUsername: 'bandwidth',
      callbackPasswordParameter: parameter,
      callbackPasswordSecret: undefined,
    });
  });

  it('wire --dry-run reads the password from that parameter', async () => {
    const run = await command(
      'wire',
      ['--account-id', ACCOUNT_ID, '--application-id', 'app-emulated', '--dry-run', '--stage', PARAMETER_STAGE],
      { BW_CLIENT_ID: '', BW_CLIENT_SECRET: '' },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`<CallStatusCallbackUrl>${parameterStack.outputs[STAGE_OUTPUTS.callbackUrl]}`);
    expect(run.stdout).toContain('<Password>********</Password>');
  });
});
