/**
 * Test support: a fresh table and bucket per test file on the run's dynalite/s3rver, the handler loaded against
 * them with the environment a test chooses, and API Gateway events built as API Gateway sends them.
 */
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { inject, vi } from 'vitest';
import type { ParkedCallback } from '../../lambda/adapters/parked-callbacks.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../lambda/http/api-gateway.ts';
import { ensureBucket, ensureTable, localDynamoClient, localS3Client } from '../../tools/local-stage/stores.ts';

export type Handler = (event: ApiGatewayEvent, context: Context) => Promise<ApiGatewayResult>;

export interface TestStores {
  dynamoEndpoint: string;
  s3Endpoint: string;
  tableName: string;
  bucket: string;
}

/** A new, empty table and bucket on the run's local servers. */
export async function freshStores(): Promise<TestStores> {
  const id = randomUUID().slice(0, 8);
  const stores = {
    dynamoEndpoint: inject('dynamoEndpoint'),
    s3Endpoint: inject('s3Endpoint'),
    tableName: `disconnects-${id}`,
    bucket: `parked-${id}`,
  };
  await ensureTable(stores.dynamoEndpoint, stores.tableName);
  await ensureBucket(stores.s3Endpoint, stores.bucket);
  return stores;
}

/** The handler module, loaded anew with this environment (configuration is read once per container). */
export async function loadHandler(stores: TestStores, env: Record<string, string | undefined> = {}): Promise<Handler> {
  vi.resetModules();
  const all: Record<string, string | undefined> = {
    DISCONNECTS_TABLE: stores.tableName,
    DYNAMODB_ENDPOINT: stores.dynamoEndpoint,
    PARKED_CALLBACKS_BUCKET: stores.bucket,
    S3_ENDPOINT: stores.s3Endpoint,
    AWS_REGION: 'us-east-1',
    BANDWIDTH_CALLBACK_USERNAME: undefined,
    BANDWIDTH_CALLBACK_PASSWORD: undefined,
    BANDWIDTH_CALLBACK_PASSWORD_SECRET: undefined,
    BANDWIDTH_CALLBACK_PASSWORD_PARAMETER: undefined,
    ...env,
  };
  for (const [name, value] of Object.entries(all)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const module = (await import('../../handlers/disconnect.ts')) as { handler: Handler };
  return module.handler;
}

export const lambdaContext = {
  functionName: 'disconnect',
  awsRequestId: 'test-request',
  getRemainingTimeInMillis: () => 8_000,
} as unknown as Context;

export interface RequestOptions {
  method?: 'POST' | 'GET';
  body?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  base64?: boolean;
}

/** An HTTP API (payload format 2.0) event. */
export function httpApiEvent(options: RequestOptions = {}): APIGatewayProxyEventV2 {
  const method = options.method ?? 'POST';
  const body = options.body;
  return {
    version: '2.0',
    routeKey: `${method} /bandwidth/disconnect`,
    rawPath: '/bandwidth/disconnect',
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', 'user-agent': 'BandwidthAPI/v2', ...options.headers },
    ...(options.query === undefined ? {} : { queryStringParameters: options.query }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: {
        method,
        path: '/bandwidth/disconnect',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'BandwidthAPI/v2',
      },
      requestId: randomUUID(),
      routeKey: `${method} /bandwidth/disconnect`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body === undefined ? {} : { body: options.base64 === true ? Buffer.from(body).toString('base64') : body }),
    isBase64Encoded: options.base64 === true,
  };
}

/** A REST API (payload format 1.0) event. */
export function restApiEvent(options: RequestOptions = {}): APIGatewayProxyEvent {
  const method = options.method ?? 'POST';
  const body = options.body;
  return {
    resource: '/bandwidth/disconnect',
    path: '/bandwidth/disconnect',
    httpMethod: method,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      requestTimeEpoch: Date.now(),
      httpMethod: method,
    } as APIGatewayProxyEvent['requestContext'],
    body: body === undefined ? null : options.base64 === true ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 === true,
  };
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export function documentClient(stores: TestStores): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(localDynamoClient(stores.dynamoEndpoint));
}

export async function storedItem(stores: TestStores, callId: string): Promise<Record<string, unknown> | undefined> {
  const client = documentClient(stores);
  const { Item } = await client.send(new GetCommand({ TableName: stores.tableName, Key: { callId } }));
  client.destroy();
  return Item;
}

export async function allItems(stores: TestStores): Promise<Record<string, unknown>[]> {
  const client = documentClient(stores);
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: stores.tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  client.destroy();
  return items;
}

/** Every object in the fallback bucket under a prefix ('parked/' or 'quarantine/'), parsed. */
export async function parkedObjects(stores: TestStores, prefix: string): Promise<ParkedCallback[]> {
  const s3 = localS3Client(stores.s3Endpoint);
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: stores.bucket, Prefix: prefix }));
  const objects: ParkedCallback[] = [];
  for (const { Key } of listing.Contents ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: stores.bucket, Key }));
    objects.push(JSON.parse(await object.Body!.transformToString()) as ParkedCallback);
  }
  s3.destroy();
  return objects;
}
