/**
 * What the records commands ask of DynamoDB, seen on the wire: a proxy in front of dynalite records the operation
 * (X-Amz-Target) and body of every request, so a Scan cannot hide behind any client-side abstraction.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freshStores, type TestStores } from '../../support/recorder.ts';
import { records, storeArguments } from './run-records.ts';
import { seed } from './seeded-disconnects.ts';

interface Seen {
  operation: string;
  body: Record<string, unknown>;
}

let stores: TestStores;
let proxied: TestStores;
let proxy: Server;
const seen: Seen[] = [];

function recordingProxy(target: URL): Server {
  return createServer((incoming, answer) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(incoming.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '');
      seen.push({ operation, body: JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown> });
      const forwarded = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: incoming.headers,
        },
        (response) => {
          answer.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(answer);
        },
      );
      forwarded.end(body);
    });
  });
}

beforeAll(async () => {
  stores = await freshStores();
  await seed(stores);
  proxy = recordingProxy(new URL(stores.dynamoEndpoint));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxied = { ...stores, dynamoEndpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` };
});

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const THREE_DAYS = ['--from', '2024-05-01', '--to', '2024-05-04'];

describe('what the records commands ask of DynamoDB', () => {
  it('list queries the byDay index once per day, newest day first, and never scans', async () => {
    const run = await records(['list', ...THREE_DAYS, '--all', '--cause', 'busy', ...storeArguments(proxied)]);
    expect(run.code).toBe(0);
    expect(seen.map((request) => request.operation)).toEqual(['Query', 'Query', 'Query']);
    expect(seen.map((request) => request.body['IndexName'])).toEqual(['byDay', 'byDay', 'byDay']);
    expect(
      seen.map((request) => (request.body['ExpressionAttributeValues'] as Record<string, { S: string }>)[':day']?.S),
    ).toEqual(['2024-05-03', '2024-05-02', '2024-05-01']);
    expect(seen.every((request) => request.body['ScanIndexForward'] === false)).toBe(true);
  });

  it('a short page reads only what it shows, plus one record to know whether there is more', async () => {
    const run = await records(['list', ...THREE_DAYS, '--limit', '10', ...storeArguments(proxied)]);
    expect(run.code).toBe(0);
    expect(seen).toEqual([{ operation: 'Query', body: expect.objectContaining({ IndexName: 'byDay', Limit: 11 }) }]);
  });

  it('a page that spans two days asks the older day only for what is still missing', async () => {
    // 2024-05-02 before 02:00 holds 11 calls; a page of 20 (plus one to know if there is more) needs 10 of the 1st.
    const run = await records([
      'list',
      '--from',
      '2024-05-01',
      '--to',
      '2024-05-02T02:00:00Z',
      '--limit',
      '20',
      '--json',
      ...storeArguments(proxied),
    ]);
    expect((JSON.parse(run.stdout) as { count: number }).count).toBe(20);
    expect(seen.map((request) => [request.operation, request.body['Limit']])).toEqual([
      ['Query', 21],
      ['Query', 10],
    ]);
  });

  it('report queries day by day too, asking only for the attributes it counts', async () => {
    const run = await records(['report', ...THREE_DAYS, ...storeArguments(proxied)]);
    expect(run.code).toBe(0);
    expect(seen.map((request) => request.operation)).toEqual(['Query', 'Query', 'Query']);
    const names = Object.values(seen[0]?.body['ExpressionAttributeNames'] as Record<string, string>);
    expect(names.sort()).toEqual([
      'answered',
      'cause',
      'direction',
      'durationSeconds',
      'endedAt',
      'endedDay',
      'errorMessage',
      'eventType',
      'recordedFrom',
    ]);
  });

  it('a report over weeks reads each day once, several at a time, and counts every record once', async () => {
    const run = await records([
      'report',
      '--from',
      '2024-04-01',
      '--to',
      '2024-05-10',
      '--json',
      ...storeArguments(proxied),
    ]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { records: number }).records).toBe(380);
    const days = seen.map(
      (request) => (request.body['ExpressionAttributeValues'] as Record<string, { S: string }>)[':day']?.S,
    );
    expect(seen.every((request) => request.operation === 'Query')).toBe(true);
    expect(days).toHaveLength(39);
    expect(new Set(days).size).toBe(39);
    expect(days[0]).toBe('2024-05-09');
    expect([...days].sort()[0]).toBe('2024-04-01');
  });

  it('get reads one item by its key, and its legs on the byParent index', async () => {
    const run = await records(['get', 'c-20240501-000', ...storeArguments(proxied)]);
    expect(run.code).toBe(0);
    expect(seen).toEqual([
      { operation: 'GetItem', body: expect.objectContaining({ Key: { callId: { S: 'c-20240501-000' } } }) },
      {
        operation: 'Query',
        body: expect.objectContaining({
          IndexName: 'byParent',
          ExpressionAttributeValues: { ':parent': { S: 'c-20240501-000' } },
        }),
      },
    ]);
  });
});
