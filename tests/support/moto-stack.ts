/**
 * A deployed stage on loopback: moto_server (moto 5.2, Python: on the PATH of these machines, not on npm) emulates
 * CloudFormation, IAM, STS, DynamoDB, S3, SSM, Secrets Manager and CloudWatch over the real AWS protocols. The stage
 * is deployed the way `serverless deploy` does it: the create-stack template (the framework's deployment bucket),
 * then each function's artifact uploaded under its `Code.S3Key` and the template beside them, then the update with
 * that template and the stage's stack policy. Reused by any test that needs a deployed stage.
 *
 * moto creates every resource of the packaged stacks except the types in MOTO_SKIPS (its gap, not the template's):
 * the HTTP API, the alarms, the metric filters, the async-invoke config, the bucket policy.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ensureCallbackPassword, ensureCallbackSecret } from '../../tools/deploy/callback-password.ts';
import { stackOfStage } from '../../tools/stage/stage-names.ts';
import type { PackagedStage } from '../stack/package-stage.ts';
import type { Json, Template } from '../stack/template.ts';
import { freePort } from './faulty-stores.ts';

/** Resource types moto's CloudFormation accepts in a template but does not create (moto 5.2.1, measured). */
export const MOTO_SKIPS = [
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::CloudWatch::Alarm',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Logs::MetricFilter',
  'AWS::S3::BucketPolicy',
] as const;

export const MOTO_REGION = 'us-east-1';

export interface Moto {
  endpoint: string;
  /** The environment that points the AWS SDK (and every command built on it) at moto, with made-up credentials. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface MotoStack {
  stackName: string;
  /** The stack's outputs, as DescribeStacks answers them. */
  outputs: Record<string, string>;
  /** What moto lists as the stack's resources. */
  resources: StackResourceSummary[];
}

const MISSING =
  "moto_server is not installed (or not on the PATH): moto 5.2 with its server, `pip install 'moto[server]'` (Python 3)";

async function answers(endpoint: string): Promise<boolean> {
  try {
    return (await fetch(`${endpoint}/moto-api/data.json`)).ok;
  } catch {
    return false;
  }
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const home = mkdtempSync(join(tmpdir(), 'recorder-moto-'));
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: home },
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output = `${output}${chunk.toString('utf8')}`.slice(-4_000)));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`${MISSING}: ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited ${String(code)} before answering:\n${output}`)));
  });
  failed.catch(() => {});
  const ready = (async () => {
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
      if (await answers(endpoint)) return;
    }
    throw new Error(`moto_server did not answer on ${endpoint} within 30 s:\n${output}`);
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: MOTO_REGION,
      AWS_ACCESS_KEY_ID: 'AKIAMOTOEMULATED',
      AWS_SECRET_ACCESS_KEY: 'moto-accepts-any-secret',
      AWS_CONFIG_FILE: join(home, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    async close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Clients of the emulated account, as the commands' SDK would make them from `moto.env`. */
export function motoClients(moto: Moto) {
  const config = {
    endpoint: moto.endpoint,
    region: MOTO_REGION,
    credentials: { accessKeyId: moto.env['AWS_ACCESS_KEY_ID']!, secretAccessKey: moto.env['AWS_SECRET_ACCESS_KEY']! },
  };
  return {
    config,
    cloudFormation: new CloudFormationClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    secrets: new SecretsManagerClient(config),
    ssm: new SSMClient(config),
  };
}

async function settled(client: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    const status = stack?.StackStatus ?? '';
    if (status.endsWith('_IN_PROGRESS')) continue;
    if (status !== 'CREATE_COMPLETE' && status !== 'UPDATE_COMPLETE') {
      throw new Error(`stack ${stackName} ended ${status}: ${stack?.StackStatusReason ?? ''}`);
    }
    return Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue ?? '']));
  }
  throw new Error(`stack ${stackName} did not settle within 60 s`);
}

/** Each function's artifact key, as the template names it (Code.S3Key). */
function artifactKeys(template: Template): string[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => (resource.Properties?.['Code'] as { S3Key?: Json } | undefined)?.S3Key)
    .filter((key): key is string => typeof key === 'string');
}

/**
 * The template as moto can take it: moto refuses an `Fn::Sub` naming an attribute of a resource it skipped (the
 * dashboard's body lists the alarms' ARNs), so each such `${Alarm.Arn}` gets the ARN the alarm would have. Nothing
 * else changes.
 */
export function motoAdapted(template: Template): Template {
  const skipped = new Set(
    Object.entries(template.Resources)
      .filter(([, resource]) => (MOTO_SKIPS as readonly string[]).includes(resource.Type))
      .map(([id]) => id),
  );
  const fill = (text: string) =>
    text.replace(/\$\{(\w+)\.Arn\}/g, (whole, id: string) =>
      skipped.has(id) ? `arn:aws:cloudwatch:${MOTO_REGION}:123456789012:alarm:${id}` : whole,
    );
  const adapt = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(adapt);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        key === 'Fn::Sub' && typeof item === 'string' ? fill(item) : adapt(item),
      ]),
    );
  };
  return adapt(template as unknown as Json) as unknown as Template;
}

/**
 * Deploys a packaged stage to moto as `npm run deploy` would: the stage's callback password first, created by the
 * deploy command's own code in the store the stage reads (its secret, or its SSM parameter), then the stack as
 * `serverless deploy` submits it.
 */
export async function deployToMoto(moto: Moto, packaged: PackagedStage, stage: string): Promise<MotoStack> {
  const { cloudFormation, s3, secrets, ssm } = motoClients(moto);
  const stackName = stackOfStage(stage);
  try {
    const published = packaged.template.Outputs ?? {};
    const parameter = published['CallbackPasswordParameter']?.Value;
    const secret = published['CallbackPasswordSecret']?.Value;
    if (typeof parameter === 'string') await ensureCallbackPassword(ssm, parameter);
    else if (typeof secret === 'string') await ensureCallbackSecret(secrets, secret);
    await cloudFormation.send(
      new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(packaged.createTemplate) }),
    );
    const bucket = (await settled(cloudFormation, stackName))['ServerlessDeploymentBucketName'];
    if (bucket === undefined || bucket === '') throw new Error('the create-stack template gave no deployment bucket');
    const keys = artifactKeys(packaged.template);
    for (const key of keys) {
      const zip = packaged.zips[basename(key)];
      if (zip === undefined) throw new Error(`the template names ${key}, which packaging did not produce`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: zip }));
    }
    const templateKey = `${dirname(keys[0] ?? 'serverless')}/compiled-cloudformation-template.json`;
    const template = JSON.stringify(motoAdapted(packaged.template));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: templateKey, Body: template }));
    const provider = packaged.service['provider'] as { stackPolicy?: Json } | undefined;
    await cloudFormation.send(
      new UpdateStackCommand({
        StackName: stackName,
        TemplateURL: `https://s3.amazonaws.com/${bucket}/${templateKey}`,
        Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
        ...(provider?.stackPolicy === undefined
          ? {}
          : { StackPolicyBody: JSON.stringify({ Statement: provider.stackPolicy }) }),
      }),
    );
    const outputs = await settled(cloudFormation, stackName);
    const { StackResourceSummaries = [] } = await cloudFormation.send(
      new ListStackResourcesCommand({ StackName: stackName }),
    );
    return { stackName, outputs, resources: StackResourceSummaries };
  } finally {
    for (const client of [cloudFormation, s3, secrets, ssm]) client.destroy();
  }
}
