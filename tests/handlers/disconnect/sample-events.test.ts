import { readdirSync, readFileSync } from 'node:fs';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_CAUSES } from '../../../lambda/domain/callback/validate.ts';
import type { ApiGatewayEvent } from '../../../lambda/http/api-gateway.ts';
import {
  allItems,
  documentClient,
  freshStores,
  type Handler,
  lambdaContext,
  loadHandler,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';

const files = readdirSync('events').filter((name) => name.endsWith('.json'));
const sample = (name: string) => JSON.parse(readFileSync(`events/${name}`, 'utf8')) as ApiGatewayEvent;
const validSamples = files.filter((name) => name.startsWith('disconnect-') || name.startsWith('transfer-disconnect-'));
const invalidSamples = files.filter((name) => name.startsWith('invalid-'));

/** The callback as Bandwidth sent it: the JSON body, or the GET form's query parameters. */
function sentFields(event: ApiGatewayEvent): Record<string, unknown> {
  if (typeof event.body === 'string') return JSON.parse(event.body) as Record<string, unknown>;
  return { ...event.queryStringParameters };
}

describe('the sample events', () => {
  // The causes the recorder itself treats as documented (an undocumented one is logged as such), not a copy of them.
  it('cover every documented cause, both directions, and each optional field present and absent', () => {
    const callbacks = validSamples.map((name) => sentFields(sample(name)));
    expect(new Set(callbacks.map((c) => c['cause']))).toEqual(DOCUMENTED_CAUSES);
    expect(new Set(callbacks.map((c) => c['direction']))).toEqual(new Set(['inbound', 'outbound']));
    for (const field of ['answerTime', 'enqueuedTime', 'tag', 'errorMessage']) {
      expect(callbacks.some((c) => c[field] !== undefined && c[field] !== null && c[field] !== '')).toBe(true);
      expect(callbacks.some((c) => c[field] === undefined)).toBe(true);
    }
    expect(validSamples.some((name) => name.includes('busy'))).toBe(true);
    expect(invalidSamples.length).toBeGreaterThanOrEqual(3);
  });
});

describe('recording the sample events', () => {
  let stores: TestStores;
  let handler: Handler;
  // Bandwidth's examples reuse one callId across a call and its leg: each sample starts from a table without it.
  const forget = async (callId: unknown) => {
    const client = documentClient(stores);
    await client.send(new DeleteCommand({ TableName: stores.tableName, Key: { callId } }));
    client.destroy();
  };
  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  it.each(validSamples)('%s is answered 204 and stored with every field verbatim', async (name) => {
    const event = sample(name);
    const sent = sentFields(event);
    await forget(sent['callId']);
    const answer = await handler(event, lambdaContext);
    expect(answer).toMatchObject({ statusCode: 204 });
    expect(answer.body ?? '').toBe('');

    const item = await storedItem(stores, String(sent['callId']));
    expect(item).toBeDefined();
    for (const [field, value] of Object.entries(sent)) {
      // The GET form's values are text; the schema types sipResponseCode as an integer.
      const expected = field === 'sipResponseCode' && typeof value === 'string' ? Number(value) : value;
      expect(item?.[field], field).toStrictEqual(expected);
    }
    expect(typeof item?.['receivedAt']).toBe('string');
    expect(item?.['answered']).toBe(typeof sent['answerTime'] === 'string' && sent['answerTime'] !== '');
  });

  it('stores the official Bandwidth busy example verbatim', async () => {
    const event = sample('disconnect-busy.json');
    const official = {
      eventType: 'disconnect',
      eventTime: '2019-06-20T15:56:11.554Z',
      accountId: '55555555',
      applicationId: '7fc9698a-b04a-468b-9e8f-91238c0d0086',
      from: '+15551112222',
      to: '+15553334444',
      direction: 'outbound',
      callId: 'c-95ac8d6e-1a31c52e-b38f-4198-93c1-51633ec68f8d',
      callUrl:
        'https://voice.bandwidth.com/api/v2/accounts/55555555/calls/c-95ac8d6e-1a31c52e-b38f-4198-93c1-51633ec68f8d',
      startTime: '2019-06-20T15:54:22.234Z',
      endTime: '2019-06-20T15:55:54.123Z',
      cause: 'busy',
      errorMessage: 'Callee is busy',
      errorId: '4642074b-7b58-478b-96e4-3a60955c6765',
      tag: 'exampleTag',
    };
    expect(JSON.parse(String(event.body))).toStrictEqual(official);
    await forget(official.callId);
    await handler(event, lambdaContext);
    expect(await storedItem(stores, official.callId)).toStrictEqual({
      ...official,
      receivedAt: '2019-06-20T15:56:11.560Z',
      answered: false,
      ringSeconds: 91.889,
      endedAt: '2019-06-20T15:55:54.123Z',
      endedDay: '2019-06-20',
    });
  });

  it.each(invalidSamples)('%s is answered 4xx with a JSON error and writes nothing', async (name) => {
    const before = (await allItems(stores)).length;
    const answer = await handler(sample(name), lambdaContext);
    expect(answer.statusCode).toBeGreaterThanOrEqual(400);
    expect(answer.statusCode).toBeLessThan(500);
    expect(answer.headers?.['Content-Type']).toBe('application/json');
    const body = JSON.parse(String(answer.body)) as { error: unknown; details: unknown };
    expect(typeof body.error).toBe('string');
    expect(Array.isArray(body.details)).toBe(true);
    expect((await allItems(stores)).length).toBe(before);
  });
});
