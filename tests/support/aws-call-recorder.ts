/**
 * A loopback proxy in front of a local store or fake that records every AWS call reaching it (who signed it, the
 * service, the operation, the resource) and can answer some itself with the service's own error, then the calls
 * as IAM sees them: the action and the resource ARN each needs, to hold against a role's policies.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface AwsCall {
  /** The access key id the request was signed with (which function's credentials). */
  accessKeyId: string;
  /** The SigV4 scope's service: dynamodb, s3, ssm, secretsmanager. */
  service: string;
  method: string;
  /** Path and query, as sent. */
  url: string;
  /** The JSON protocols' operation (`X-Amz-Target`). */
  target: string | undefined;
  body: string;
}

export interface CannedAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface RecordingProxy {
  endpoint: string;
  readonly calls: AwsCall[];
  /** Answers a call itself instead of forwarding it, when this returns an answer. */
  answer: ((call: AwsCall) => CannedAnswer | undefined) | undefined;
  close(): Promise<void>;
}

function signer(request: IncomingMessage): { accessKeyId: string; service: string } {
  const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(request.headers.authorization));
  return { accessKeyId: scope?.[1] ?? 'unsigned', service: scope?.[2] ?? 'unknown' };
}

/**
 * `signAs` hands the request on under another access key id (its signature then no longer matches): for a store
 * that knows only its own key (s3rver), started to allow mismatched signatures.
 */
export async function recordingProxy(target: string, signAs?: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const proxy: Omit<RecordingProxy, 'endpoint' | 'close'> = { calls: [], answer: undefined };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const targetHeader = request.headers['x-amz-target'];
      const call: AwsCall = {
        ...signer(request),
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        target: typeof targetHeader === 'string' ? targetHeader : undefined,
        body: body.toString('utf8'),
      };
      proxy.calls.push(call);
      const canned = proxy.answer?.(call);
      if (canned !== undefined) {
        response.writeHead(canned.status, { 'Content-Type': canned.contentType, 'x-amzn-RequestId': 'recorded' });
        response.end(canned.body);
        return;
      }
      const headers = { ...request.headers };
      if (signAs !== undefined && headers.authorization !== undefined) {
        headers.authorization = headers.authorization.replace(/Credential=[^/]+\//, `Credential=${signAs}/`);
      }
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => response.destroy());
      forwarded.end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
}

export interface IamRequest {
  action: string;
  resource: string;
  context: Record<string, string>;
}

export interface Partition {
  account: string;
  region: string;
}

function jsonField(call: AwsCall, field: string): string {
  const value = (JSON.parse(call.body) as Record<string, unknown>)[field];
  if (typeof value !== 'string') throw new Error(`${call.target} without ${field}`);
  return value;
}

/** S3 over path-style URLs (a loopback endpoint is an IP address, so the SDK addresses buckets by path). */
function s3Request(call: AwsCall): IamRequest {
  const url = new URL(call.url, 'http://s3');
  const [, bucket = '', ...keyParts] = url.pathname.split('/');
  const key = keyParts.map(decodeURIComponent).join('/');
  if (key === '') {
    if (call.method === 'GET' && url.searchParams.get('list-type') === '2') {
      return {
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${bucket}`,
        context: { 's3:prefix': url.searchParams.get('prefix') ?? '' },
      };
    }
    throw new Error(`an S3 bucket call this mapping does not know: ${call.method} ${call.url}`);
  }
  const action = { GET: 's3:GetObject', HEAD: 's3:GetObject', PUT: 's3:PutObject', DELETE: 's3:DeleteObject' }[
    call.method
  ];
  if (action === undefined) throw new Error(`an S3 object call this mapping does not know: ${call.method}`);
  return { action, resource: `arn:aws:s3:::${bucket}/${key}`, context: {} };
}

/** The IAM action and resource a recorded call needs. */
export function iamRequestOf(call: AwsCall, { account, region }: Partition): IamRequest {
  if (call.service === 's3') return s3Request(call);
  const operation = call.target?.split('.')[1];
  if (operation === undefined) throw new Error(`a ${call.service} call without X-Amz-Target: ${call.url}`);
  switch (call.service) {
    case 'dynamodb':
      return {
        action: `dynamodb:${operation}`,
        resource: `arn:aws:dynamodb:${region}:${account}:table/${jsonField(call, 'TableName')}`,
        context: {},
      };
    case 'ssm': {
      // `name:version` selects a version of the same parameter.
      const name = jsonField(call, 'Name').replace(/:\d+$/, '');
      return { action: `ssm:${operation}`, resource: `arn:aws:ssm:${region}:${account}:parameter${name}`, context: {} };
    }
    case 'secretsmanager':
      // A secret's ARN ends in six random characters after its name.
      return {
        action: `secretsmanager:${operation}`,
        resource: `arn:aws:secretsmanager:${region}:${account}:secret:${jsonField(call, 'SecretId')}-AbCdEf`,
        context: {},
      };
  }
  throw new Error(`a call to ${call.service}, which this mapping does not know`);
}
