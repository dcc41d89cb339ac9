/**
 * The packaged stack as Lambda would run it, on loopback: each function's zip unpacked into an empty folder (its
 * task root), its environment exactly what the template gives it (intrinsics resolved to the names the local stores
 * stand in for) plus the variables Lambda itself sets, and a child process on the checkout's Node 24 that imports
 * the handler file from the task root and calls it, as the Node.js runtime does. Nothing else from the checkout.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipInto } from '../support/zip-archive.ts';
import type { PackagedStage } from './package-stage.ts';
import { effectiveTemplate, isObject, type Json, type JsonObject, type Template } from './template.ts';

const NODE_24 = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));

/** Made-up, but real in shape: what intrinsics resolve against. */
export const PARTITION = { account: '123456789012', region: 'us-east-1' };

/** Names and ARNs of the resources the functions' environments and roles refer to. */
export interface PhysicalResource {
  ref: string;
  arn?: string;
}

export interface PackagedFunction {
  logicalId: string;
  name: string;
  handler: string;
  taskRoot: string;
  files: string[];
  timeoutSeconds: number;
  memoryMb: number;
  /** The function's own variables, as the template gives them. */
  variables: Record<string, string>;
  /** The role's logical id, and the access key id its (made-up) session credentials carry. */
  role: string;
  accessKeyId: string;
  /** The role's policy statements, intrinsics resolved. */
  statements: JsonObject[];
  /** The input of each schedule targeting the function (its rule's `Input`), if any. */
  scheduleInputs: Json[];
}

export interface InvokeResult {
  /** One per event: what the handler returned, or the error it threw. */
  results: ({ ok: Json } | { error: string })[];
  output: string;
}

/** Ref, Fn::GetAtt (Arn), Fn::Join and Fn::Sub against known resources; anything else stays an error. */
export function resolveIntrinsics(value: Json, resources: Record<string, PhysicalResource>): Json {
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': PARTITION.region,
    'AWS::AccountId': PARTITION.account,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const ref = (name: string): string => {
    const found = pseudo[name] ?? resources[name]?.ref;
    if (found === undefined) throw new Error(`Ref to ${name}, which the local stack does not stand in for`);
    return found;
  };
  const arn = (name: string): string => {
    const found = resources[name]?.arn;
    if (found === undefined) throw new Error(`Fn::GetAtt ${name}.Arn, which the local stack does not stand in for`);
    return found;
  };
  const walk = (item: Json): Json => {
    if (Array.isArray(item)) return item.map(walk);
    if (!isObject(item)) return item;
    if (typeof item['Ref'] === 'string') return ref(item['Ref']);
    const getAtt = item['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return arn(String(getAtt[0]));
    const join = item['Fn::Join'];
    if (Array.isArray(join)) return (walk(join[1] as Json) as Json[]).map(String).join(String(join[0]));
    const sub = item['Fn::Sub'];
    if (typeof sub === 'string') {
      return sub.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
        name.endsWith('.Arn') ? arn(name.slice(0, -4)) : ref(name),
      );
    }
    return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
  };
  return walk(value);
}

function statementsOf(role: JsonObject): JsonObject[] {
  const policies = (role['Policies'] ?? []) as JsonObject[];
  return policies.flatMap((policy) => ((policy['PolicyDocument'] as JsonObject)['Statement'] ?? []) as JsonObject[]);
}

/** Unpacks every function of the packaged stage and resolves what the template gives it. */
export function packagedFunctions(
  packaged: PackagedStage,
  resources: Record<string, PhysicalResource>,
): Record<string, PackagedFunction> {
  const template = effectiveTemplate(packaged.template as Template);
  const root = mkdtempSync(join(tmpdir(), 'packaged-functions-'));
  const functions: Record<string, PackagedFunction> = {};
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    // The role is the function's own: its statements are resolved below, its ARN is not needed.
    const { Role: _role, ...unresolved } = resource.Properties ?? {};
    const properties = resolveIntrinsics(unresolved, resources) as JsonObject;
    const code = properties['Code'] as JsonObject;
    const zipName = String(code['S3Key']).split('/').pop() ?? '';
    const zip = packaged.zips[zipName];
    if (zip === undefined) throw new Error(`${logicalId}: no artifact ${zipName}`);
    const taskRoot = join(root, zipName.replace(/\.zip$/, ''));
    mkdirSync(taskRoot);
    const roleId = (((resource.Properties as JsonObject)['Role'] as JsonObject)['Fn::GetAtt'] as string[])[0] ?? '';
    const role = template.Resources[roleId];
    if (role === undefined) throw new Error(`${logicalId}: no role ${roleId}`);
    const scheduleInputs = Object.values(template.Resources)
      .filter((rule) => rule.Type === 'AWS::Events::Rule')
      .flatMap((rule) => (rule.Properties?.['Targets'] ?? []) as JsonObject[])
      .filter((target) => JSON.stringify(target['Arn']) === JSON.stringify({ 'Fn::GetAtt': [logicalId, 'Arn'] }))
      .map((target) => (typeof target['Input'] === 'string' ? (JSON.parse(target['Input']) as Json) : {}));
    const name = String(properties['FunctionName']);
    functions[name.split('-').pop() ?? name] = {
      logicalId,
      name,
      handler: String(properties['Handler']),
      taskRoot,
      files: unzipInto(zip, taskRoot),
      timeoutSeconds: Number(properties['Timeout']),
      memoryMb: Number(properties['MemorySize']),
      variables: Object.fromEntries(
        Object.entries(((properties['Environment'] as JsonObject)['Variables'] ?? {}) as JsonObject).map(
          ([variable, value]) => [variable, String(value)],
        ),
      ),
      role: roleId,
      accessKeyId: `ASIA${roleId.toUpperCase().replace(/[^A-Z]/g, '')}`.slice(0, 20),
      statements: statementsOf(resolveIntrinsics(role.Properties as Json, resources) as JsonObject),
      scheduleInputs,
    };
  }
  return functions;
}

/** What Lambda sets in every function's environment (besides the function's own variables). */
export function lambdaVariables(fn: PackagedFunction): Record<string, string> {
  return {
    AWS_REGION: PARTITION.region,
    AWS_DEFAULT_REGION: PARTITION.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/04/[$LATEST]0123456789abcdef0123456789abcdef',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    _HANDLER: fn.handler,
    LAMBDA_TASK_ROOT: fn.taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    // The role's session credentials; the access key id tells the recorded calls apart by function.
    AWS_ACCESS_KEY_ID: fn.accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'made-up-secret-access-key',
    AWS_SESSION_TOKEN: 'made-up-session-token',
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
    // Lambda's own NODE_PATH: its runtime folders (absent here) and the task root; nothing of the checkout.
    NODE_PATH: `/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:${fn.taskRoot}`,
  };
}

/** The stand-in for Lambda's Node.js runtime: imports `_HANDLER` from the task root, calls it once per event. */
const RUNTIME = `
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [eventsFile, resultsFile, timeoutMs] = process.argv.slice(2);
const setting = process.env._HANDLER;
const file = setting.slice(0, setting.lastIndexOf('.'));
const name = setting.slice(setting.lastIndexOf('.') + 1);
const module = await import(pathToFileURL(process.env.LAMBDA_TASK_ROOT + '/' + file + '.cjs').href);
const results = [];
for (const [index, event] of JSON.parse(readFileSync(eventsFile, 'utf8')).entries()) {
  const deadline = Date.now() + Number(timeoutMs);
  const context = {
    awsRequestId: 'request-' + index,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    invokedFunctionArn: 'arn:aws:lambda:' + process.env.AWS_REGION + ':123456789012:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
  try {
    results.push({ ok: (await module[name](event, context)) ?? null });
  } catch (error) {
    results.push({ error: String(error && error.stack ? error.stack : error) });
  }
}
writeFileSync(resultsFile, JSON.stringify(results));
process.exit(0);
`;

/**
 * Runs the function in a fresh process (a cold container) on these events, one after another. `network` holds
 * what stands in for the outside world: the AWS endpoints (AWS_ENDPOINT_URL_*) and Bandwidth's API.
 */
export async function invoke(
  fn: PackagedFunction,
  events: Json[],
  network: Record<string, string>,
  timeoutMs = fn.timeoutSeconds * 1000,
): Promise<InvokeResult> {
  const work = mkdtempSync(join(tmpdir(), 'lambda-runtime-'));
  const runtime = join(work, 'runtime.mjs');
  const eventsFile = join(work, 'events.json');
  const resultsFile = join(work, 'results.json');
  writeFileSync(runtime, RUNTIME);
  writeFileSync(eventsFile, JSON.stringify(events));
  const child = spawn(NODE_24, [runtime, eventsFile, resultsFile, String(timeoutMs)], {
    cwd: fn.taskRoot,
    env: { ...fn.variables, ...lambdaVariables(fn), ...network },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`${fn.name} exited ${code}:\n${output}`);
  return { results: JSON.parse(readFileSync(resultsFile, 'utf8')) as InvokeResult['results'], output };
}
