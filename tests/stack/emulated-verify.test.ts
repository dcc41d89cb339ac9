/**
 * `npm run verify -- --stage prod` against a deployed stage on loopback: the prod stage packaged and deployed to
 * moto_server as `npm run deploy` does it (tests/support/moto-stack.ts); verify reads the stack's outputs and the
 * callback password from moto (AWS_ENDPOINT_URL), as it reads them from AWS.
 *
 * moto creates no HTTP API (API Gateway v2) and cannot run Lambda functions, so the stage's endpoint is the packaged
 * `disconnect` function itself, unzipped and run on Node 24 with the environment the template gives it (resolved to
 * what moto created: its table, its bucket, its password secret) behind a loopback stand-in for the HTTP API (mocked:
 * API Gateway, which turns each request into a payload-2.0 event and the handler's answer into the response). verify
 * is given that endpoint with `--url`, since the stack's DisconnectCallbackUrl names moto's "None" API.
 *
 * moto also skips AWS::CloudWatch::Alarm: the deployed stack has no alarms, so the alarms step reads none from moto's
 * CloudWatch. An alarm put there with PutMetricAlarm and set to ALARM, named as CloudFormation names the stack's,
 * stands for a stack alarm firing.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import {
  lambdaVariables,
  PARTITION,
  type PackagedFunction,
  type PhysicalResource,
  packagedFunctions,
} from './packaged-stack.ts';

const STAGE = 'prod';
const NODE_24 = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));

/**
 * The stand-in for the HTTP API in front of the function (mocked: API Gateway v2): the routes serverless.yml gives
 * it, each request as a payload-2.0 event to the packaged handler, its answer as the response. Runs on Node 24 in
 * the function's task root with the function's environment, as Lambda's runtime does.
 */
const GATEWAY = `
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
const setting = process.env._HANDLER;
const file = setting.slice(0, setting.lastIndexOf('.'));
const module = await import(pathToFileURL(process.env.LAMBDA_TASK_ROOT + '/' + file + '.cjs').href);
const handler = module[setting.slice(setting.lastIndexOf('.') + 1)];
const ROUTES = ['POST /bandwidth/disconnect', 'GET /bandwidth/disconnect'];
const server = createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const url = new URL(request.url, 'http://gateway');
  const routeKey = request.method + ' ' + url.pathname;
  if (!ROUTES.includes(routeKey)) {
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    return;
  }
  const headers = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = [].concat(value).join(',');
  const text = /^(application\\/json|text\\/)/.test(headers['content-type'] ?? '');
  const query = url.searchParams.size === 0 ? {} : { queryStringParameters: Object.fromEntries(url.searchParams) };
  const event = {
    version: '2.0', routeKey, rawPath: url.pathname, rawQueryString: url.search.slice(1), headers, ...query,
    requestContext: {
      accountId: '123456789012', apiId: 'loopback', domainName: headers.host, domainPrefix: 'loopback',
      http: { method: request.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(), routeKey, stage: '$default', time: new Date().toUTCString(), timeEpoch: Date.now(),
    },
    ...(body.length === 0 ? {} : { body: text ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !text,
  };
  const deadline = Date.now() + Number(process.env.TIMEOUT_MS);
  const context = {
    awsRequestId: randomUUID(), functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: '$LATEST',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    const result = await handler(event, context);
    const payload = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
    response.writeHead(result.statusCode, result.headers ?? {}).end(payload);
  } catch (error) {
    console.error(error);
    response.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
  }
});
server.listen(0, '127.0.0.1', () => console.log('listening on ' + server.address().port));
`;

interface Endpoint {
  url: string;
  close(): Promise<void>;
}

/** The packaged function behind the loopback HTTP API, reaching AWS (moto) at `network`'s endpoints. */
async function serve(fn: PackagedFunction, network: Record<string, string>): Promise<Endpoint> {
  const work = mkdtempSync(join(tmpdir(), 'emulated-gateway-'));
  const script = join(work, 'gateway.mjs');
  writeFileSync(script, GATEWAY);
  const child = spawn(NODE_24, [script], {
    cwd: fn.taskRoot,
    env: { ...fn.variables, ...lambdaVariables(fn), ...network, TIMEOUT_MS: String(fn.timeoutSeconds * 1000) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const port = await new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const listening = /listening on (\d+)/.exec(output);
      if (listening?.[1] !== undefined) resolve(listening[1]);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', (code) => reject(new Error(`the gateway exited ${String(code)} before listening:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/bandwidth/disconnect`,
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** What the template's intrinsics resolve to: the physical ids moto gave each resource, and ARNs built from them. */
function physicalResources(stack: MotoStack): Record<string, PhysicalResource> {
  const { account, region } = PARTITION;
  const arnOf = (type: string, id: string): string | undefined => {
    if (type === 'AWS::DynamoDB::Table') return `arn:aws:dynamodb:${region}:${account}:table/${id}`;
    if (type === 'AWS::S3::Bucket') return `arn:aws:s3:::${id}`;
    if (type === 'AWS::Logs::LogGroup') return `arn:aws:logs:${region}:${account}:log-group:${id}:*`;
    if (type === 'AWS::SNS::Topic' || id.startsWith('arn:')) return id;
    return undefined;
  };
  return Object.fromEntries(
    stack.resources.map(({ LogicalResourceId = '', PhysicalResourceId = '', ResourceType = '' }) => {
      const arn = arnOf(ResourceType, PhysicalResourceId);
      return [LogicalResourceId, { ref: PhysicalResourceId, ...(arn === undefined ? {} : { arn }) }];
    }),
  );
}

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
