/**
 * A packaged function answering HTTP on loopback, as it answers behind its HTTP API: for a stage deployed where no
 * API Gateway runs (moto). The function's zip unpacked (packaged-stack.ts), run on Node 24 in its task root with the
 * environment the template gives it and Lambda's own variables, behind a stand-in for the HTTP API (mocked: API
 * Gateway v2, which turns each request into a payload-2.0 event and the handler's answer into the response).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MotoStack } from '../support/moto-stack.ts';
import { lambdaVariables, PARTITION, type PackagedFunction, type PhysicalResource } from './packaged-stack.ts';

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

export interface Endpoint {
  url: string;
  close(): Promise<void>;
}

/** The packaged function behind the loopback HTTP API, reaching AWS (moto) at `network`'s endpoints. */
export async function serve(fn: PackagedFunction, network: Record<string, string>): Promise<Endpoint> {
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
export function physicalResources(stack: MotoStack): Record<string, PhysicalResource> {
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
