/**
 * `npm run verify -- --stage prod` against a deployed stage on loopback: the prod stage packaged and deployed to
 * moto_server as `npm run deploy` does it (tests/support/moto-stack.ts); verify reads the stack's outputs and the
 * callback password from moto (AWS_ENDPOINT_URL), as it reads them from AWS.
 *
 * moto creates no HTTP API (API Gateway v2) and cannot run Lambda functions, so the stage's endpoint is the packaged
 * `disconnect` function itself, unzipped and run on Node 24 with the environment the template gives it (resolved to
 * what moto created: its table, its bucket, its password secret) behind a loopback stand-in for the HTTP API
 * (packaged-endpoint.ts; mocked: API Gateway). verify is given that endpoint with `--url`, since the stack's
 * DisconnectCallbackUrl names moto's "None" API.
 *
 * moto also skips AWS::CloudWatch::Alarm: the deployed stack has no alarms, so the alarms step reads none from moto's
 * CloudWatch. An alarm put there with PutMetricAlarm and set to ALARM, named as CloudFormation names the stack's,
 * stands for a stack alarm firing.
 */
import { execFile } from 'node:child_process';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../tools/local-stage/stores.ts';
import { STAGE_OUTPUTS } from '../../tools/stage/resolve-stage.ts';
import { closedPort } from '../support/faulty-stores.ts';
import { deployToMoto, MOTO_REGION, type Moto, type MotoStack, motoClients, startMoto } from '../support/moto-stack.ts';
import { packageStage } from './package-stage.ts';
import { type Endpoint, physicalResources, serve } from './packaged-endpoint.ts';
import { type PackagedFunction, packagedFunctions } from './packaged-stack.ts';

const STAGE = 'prod';
let moto: Moto;
let stack: MotoStack;
let disconnect: PackagedFunction;
let endpoint: Endpoint;
let cloudWatch: CloudWatchClient;

beforeAll(async () => {
  const [started, packaged] = await Promise.all([startMoto(), packageStage(STAGE)]);
  moto = started;
  stack = await deployToMoto(moto, packaged, STAGE);
  const packagedDisconnect = packagedFunctions(packaged, physicalResources(stack))['disconnect'];
  if (packagedDisconnect === undefined) throw new Error('no disconnect function packaged');
  disconnect = packagedDisconnect;
  endpoint = await serve(disconnect, { AWS_ENDPOINT_URL: moto.endpoint });
  cloudWatch = new CloudWatchClient(motoClients(moto).config);
}, 180_000);

afterAll(async () => {
  cloudWatch?.destroy();
  await endpoint?.close();
  await moto?.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run verify -- <args>` (the same `tsx tools/bin/verify.ts`) from an operator's shell pointed at moto. */
function verify(args: string[]): Promise<Run> {
  const kept = Object.entries(process.env).filter(
    ([name]) => !/^(AWS_|BW_|BANDWIDTH_|LOCAL_|DISCONNECTS_TABLE|DYNAMODB_ENDPOINT|S3_ENDPOINT)/.test(name),
  );
  const env = { ...Object.fromEntries(kept), ...moto.env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/bin/verify.ts', ...args],
      { cwd: projectRoot, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The check records left in the stage's table in moto: none, once verify has removed its own. */
async function checkRecordsLeft(): Promise<unknown[]> {
  const table = DynamoDBDocumentClient.from(new DynamoDBClient(motoClients(moto).config));
  try {
    const { Items = [] } = await table.send(new ScanCommand({ TableName: stack.outputs[STAGE_OUTPUTS.table] }));
    return Items.filter((item) => String(item['callId']).startsWith('verify-'));
  } finally {
    table.destroy();
  }
}

const anonymous = (text: string) => text.replace(/verify-\d{8}T\d{9}Z-[0-9a-f]{8}/g, 'verify-…');

describe('npm run verify -- --stage prod, the stage deployed to the emulator', () => {
  it('passes every step against the packaged function writing to the stage table, removes its record, exits 0', async () => {
    const run = await verify(['--stage', STAGE, '--region', MOTO_REGION, '--url', endpoint.url]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    const table = stack.outputs[STAGE_OUTPUTS.table];
    expect(anonymous(run.stdout).trim().split('\n')).toEqual([
      `verifying stack ${stack.stackName} in ${MOTO_REGION}: ${endpoint.url}`,
      `passed  challenge: ${endpoint.url} answers an unauthenticated callback 401 with Basic realm="Bandwidth disconnect recorder", charset="UTF-8"`,
      'passed  callback: the check callback verify-… was answered 204',
      `passed  record: verify-… was read back from table ${table}`,
      'passed  cleanup: the check record verify-… was removed',
      // moto skips AWS::CloudWatch::Alarm: DescribeAlarms answers, with none of the stack's alarms.
      `passed  alarms: none of the 0 alarms of stack ${stack.stackName} is in ALARM`,
      'skipped application: no Bandwidth API credentials (BW_ACCOUNT_ID, BW_VOICE_APPLICATION_ID, BW_CLIENT_ID, BW_CLIENT_SECRET)',
      'verified: every step passed',
    ]);
    expect(await checkRecordsLeft()).toEqual([]);
  }, 60_000);

  it("fails the alarms step, and exits 1, when one of the stack's alarms is in ALARM; the check is still removed", async () => {
    const alarm = `${stack.stackName}-DisconnectErrorsAlarm-EMULATED1`;
    await cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: alarm,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cloudWatch.send(
      new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'a function error (test)' }),
    );
    try {
      const run = await verify(['--stage', STAGE, '--region', MOTO_REGION, '--url', endpoint.url]);
      expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
      expect(run.stdout).toContain('passed  cleanup: the check record');
      expect(run.stdout).toContain(`failed  alarms: in ALARM: ${alarm} (docs/deploying.md: troubleshooting)`);
      expect(run.stdout.trim().split('\n').at(-1)).toBe('1 step(s) failed');
      expect(await checkRecordsLeft()).toEqual([]);
    } finally {
      await cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: [alarm] }));
    }
  }, 60_000);

  it('fails the record step, and exits 1, when the function cannot reach the table and parks the check instead', async () => {
    // The same packaged function, its DynamoDB endpoint a port nothing listens on: it parks the callback and answers 204.
    const unreachable = await serve(disconnect, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: await closedPort(),
    });
    try {
      const run = await verify(['--stage', STAGE, '--region', MOTO_REGION, '--url', unreachable.url]);
      expect(run.code, `${run.stdout}${run.stderr}`).toBe(1);
      expect(anonymous(run.stdout)).toContain('passed  callback: the check callback verify-… was answered 204');
      expect(anonymous(run.stdout)).toContain(
        `failed  record: verify-… is not in table ${stack.outputs[STAGE_OUTPUTS.table]} (parked in the fallback bucket?)`,
      );
      expect(run.stdout).not.toContain('cleanup:');
      expect(run.stdout.trim().split('\n').at(-1)).toBe('1 step(s) failed');
      // Where it went: the stage's fallback bucket in moto (removed here; a replay would otherwise store it).
      const callId = /verify-\d{8}T\d{9}Z-[0-9a-f]{8}/.exec(run.stdout)?.[0] ?? 'no check callId printed';
      const { s3 } = motoClients(moto);
      const Bucket = stack.outputs[STAGE_OUTPUTS.bucket];
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket }));
      const parked = Contents.filter((object) => object.Key?.includes(callId)).map((object) => object.Key);
      expect(parked).toEqual([expect.stringMatching(/^parked\//)]);
      await s3.send(new DeleteObjectCommand({ Bucket, Key: parked[0] }));
      s3.destroy();
    } finally {
      await unreachable.close();
    }
  }, 60_000);
});
