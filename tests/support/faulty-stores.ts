/**
 * Stores that fail for real, on loopback: a port nothing listens on (and a free port for a test's own server), a server that never answers, a proxy that
 * slows a real store down, and a proxy that answers with the errors DynamoDB sends (throttling, 5xx) — real
 * TCP and HTTP, so the SDK's timeouts, retries and error parsing are what is tested, not a mock of them.
 */
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo, connect, createServer as createTcpServer, type Server, type Socket } from 'node:net';

export interface FaultyStore {
  endpoint: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server and every connection it still holds (a hanging store holds them forever). */
function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function tracked(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** A loopback port free a moment ago (for a server a test starts, or to leave closed). */
export async function freePort(): Promise<number> {
  const server = createTcpServer();
  const endpoint = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return Number(new URL(endpoint).port);
}

/** A loopback port nothing listens on: every connection is refused at once, as when a store is down. */
export async function closedPort(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** Accepts connections, reads what is sent and never answers: a store that hangs. */
export async function hangingStore(): Promise<FaultyStore> {
  const server = createTcpServer((socket) => socket.on('data', () => {}));
  const sockets = tracked(server);
  const endpoint = await listen(server);
  return { endpoint, close: closer(server, sockets) };
}

function targetOf(endpoint: string): { host: string; port: number } {
  const url = new URL(endpoint);
  return { host: url.hostname, port: Number(url.port) };
}

/** A TCP proxy in front of a real store that holds each piece of the store's answers for `delayMs`: a slow store. */
export async function delayingProxy(target: string, delayMs: number): Promise<FaultyStore> {
  const server = createTcpServer((client) => {
    const upstream = connect(targetOf(target));
    client.pipe(upstream);
    // Timers of equal delay fire in the order they were set, so the answer arrives whole and in order, only later.
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
      }, delayMs);
    });
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  const sockets = tracked(server);
  const endpoint = await listen(server);
  return { endpoint, close: closer(server, sockets) };
}

/** An error as DynamoDB answers it (awsJson1_0: the type in `__type`, read by the SDK as the error's name). */
export interface DynamoError {
  status: number;
  type: string;
  message: string;
}

export const THROTTLING: DynamoError = {
  status: 400,
  type: 'ThrottlingException',
  message: 'Rate of requests exceeds the allowed throughput.',
};
export const THROUGHPUT_EXCEEDED: DynamoError = {
  status: 400,
  type: 'ProvisionedThroughputExceededException',
  message: 'The level of configured provisioned throughput for the table was exceeded.',
};
export const INTERNAL_SERVER_ERROR: DynamoError = {
  status: 500,
  type: 'InternalServerError',
  message: 'Internal server error',
};
export const SERVICE_UNAVAILABLE: DynamoError = {
  status: 503,
  type: 'ServiceUnavailable',
  message: 'Service unavailable',
};

export interface ErrorInjectingProxy extends FaultyStore {
  /** PutItem requests seen so far, attempts and retries alike. */
  readonly puts: number;
}

/** Hands the request (its body already read) on to the real store, and its answer back as it comes. */
function forward(target: string, request: IncomingMessage, response: ServerResponse, body: Buffer): void {
  const { host, port } = targetOf(target);
  const upstream = httpRequest(
    { host, port, method: request.method, path: request.url, headers: request.headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', () => response.destroy());
  upstream.end(body);
}

function drain(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * A proxy in front of a real store: `intercept` answers a request itself (and says so) or lets it through unchanged.
 * The two fault proxies below differ only in what they intercept.
 */
async function interceptingProxy(
  target: string,
  intercept: (request: IncomingMessage, response: ServerResponse) => boolean,
): Promise<FaultyStore> {
  const server = createHttpServer(async (request, response) => {
    const body = await drain(request);
    if (!intercept(request, response)) forward(target, request, response, body);
  });
  const sockets = tracked(server);
  const endpoint = await listen(server);
  return { endpoint, close: closer(server, sockets) };
}

/**
 * An HTTP proxy in front of a real DynamoDB-protocol store: `inject(n)` decides, for the n-th PutItem (1-based),
 * whether to answer it with a DynamoDB error instead of forwarding it. Everything else is forwarded unchanged.
 */
export async function errorInjectingProxy(
  target: string,
  inject: (put: number) => DynamoError | undefined,
): Promise<ErrorInjectingProxy> {
  let puts = 0;
  const proxy = await interceptingProxy(target, (request, response) => {
    if (request.headers['x-amz-target'] !== 'DynamoDB_20120810.PutItem') return false;
    puts += 1;
    const error = inject(puts);
    if (error === undefined) return false;
    response.writeHead(error.status, {
      'Content-Type': 'application/x-amz-json-1.0',
      'x-amzn-RequestId': `injected-${puts}`,
    });
    response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${error.type}`, message: error.message }));
    return true;
  });
  return {
    ...proxy,
    get puts() {
      return puts;
    },
  };
}

export interface SlowDownProxy extends FaultyStore {
  /** PutObject requests answered SlowDown so far. */
  readonly slowDowns: number;
}

/**
 * An HTTP proxy in front of a real S3-protocol store (s3rver) that answers the first `times` PutObject requests
 * for each key with S3's `503 SlowDown` (as S3 does when a prefix takes more requests than it can), then forwards.
 */
export async function slowDownProxy(target: string, times: number): Promise<SlowDownProxy> {
  const seen = new Map<string, number>();
  let slowDowns = 0;
  const proxy = await interceptingProxy(target, (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (request.method !== 'PUT' || path.split('/').length <= 2) return false;
    const count = (seen.get(path) ?? 0) + 1;
    seen.set(path, count);
    if (count > times) return false;
    slowDowns += 1;
    response.writeHead(503, { 'Content-Type': 'application/xml', 'x-amz-request-id': `slowdown-${slowDowns}` });
    response.end(
      '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
    );
    return true;
  });
  return {
    ...proxy,
    get slowDowns() {
      return slowDowns;
    },
  };
}
