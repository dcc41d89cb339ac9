/**
 * However API Gateway hands the callback over — HTTP API 2.0 or REST API 1.0, plain or base64, any header case,
 * any JSON content type, POST body or GET query string — the same record lands in the table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayEvent } from '../../../lambda/http/api-gateway.ts';
import { disconnectCallback, queryParameters, send } from '../../support/callbacks.ts';
import {
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  type RequestOptions,
  restApiEvent,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';

/** The recorder's own attributes, which depend on when the request arrived, not on how. */
const RECEIVED_AT = 'receivedAt';

describe('API Gateway payload formats', () => {
  let stores: TestStores;
  let handler: Handler;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  /** Sends the callback one way and returns the stored item, checked against the callback field by field. */
  async function storedVia(
    build: (options: RequestOptions) => ApiGatewayEvent,
    options: RequestOptions,
    callback: Record<string, unknown>,
  ) {
    const answer = await send(handler, build(options));
    expect(answer.status).toBe(204);
    expect(answer.headers['x-disconnect-outcome']).toBe('recorded');
    const item = await storedItem(stores, String(callback['callId']));
    expect(item).toBeDefined();
    return item ?? {};
  }

  const ways: [way: string, build: (options: RequestOptions) => ApiGatewayEvent, extra: RequestOptions][] = [
    ['HTTP API 2.0', httpApiEvent, {}],
    ['REST API 1.0', restApiEvent, {}],
    ['HTTP API 2.0, base64-encoded body', httpApiEvent, { base64: true }],
    ['REST API 1.0, base64-encoded body', restApiEvent, { base64: true }],
    [
      'application/json; charset=utf-8',
      httpApiEvent,
      { headers: { 'content-type': 'application/json; charset=utf-8' } },
    ],
    [
      'Content-Type in upper case, REST API',
      restApiEvent,
      { headers: { 'CONTENT-TYPE': 'APPLICATION/JSON; CHARSET=UTF-8' } },
    ],
    ['no Content-Type at all', httpApiEvent, { headers: { 'content-type': '' } }],
    ['text/plain (a misconfigured proxy)', httpApiEvent, { headers: { 'content-type': 'text/plain' } }],
  ];

  it.each(ways)('stores the callback sent as %s', async (_, build, extra) => {
    const callback = disconnectCallback({ tag: 'Zoë ☎️' });
    const item = await storedVia(build, { ...extra, body: JSON.stringify(callback) }, callback);
    for (const [name, value] of Object.entries(callback)) expect(item[name], name).toEqual(value);
  });

  it('takes the time the callback was received from API Gateway, in either format', async () => {
    const v2 = disconnectCallback();
    const v2Event = httpApiEvent({ body: JSON.stringify(v2) });
    (v2Event.requestContext as { timeEpoch: number }).timeEpoch = Date.parse('2026-11-20T15:58:05.123Z');
    await send(handler, v2Event);
    const v1 = disconnectCallback();
    const v1Event = restApiEvent({ body: JSON.stringify(v1) });
    (v1Event.requestContext as { requestTimeEpoch: number }).requestTimeEpoch = Date.parse('2026-11-20T15:58:06.456Z');
    await send(handler, v1Event);
    expect((await storedItem(stores, String(v2['callId'])))?.[RECEIVED_AT]).toBe('2026-11-20T15:58:05.123Z');
    expect((await storedItem(stores, String(v1['callId'])))?.[RECEIVED_AT]).toBe('2026-11-20T15:58:06.456Z');
  });
});

describe('the GET form (disconnectMethod / CallStatusMethod GET)', () => {
  let stores: TestStores;
  let handler: Handler;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  const postAndGet = async (fields: Record<string, unknown>, build: (options: RequestOptions) => ApiGatewayEvent) => {
    const posted = disconnectCallback(fields);
    const got = { ...posted, callId: `${String(posted['callId'])}-get` };
    expect((await send(handler, httpApiEvent({ body: JSON.stringify(posted) }))).status).toBe(204);
    expect((await send(handler, build({ method: 'GET', query: queryParameters(got) }))).status).toBe(204);
    const postedItem = await storedItem(stores, String(posted['callId']));
    const gotItem = await storedItem(stores, String(got['callId']));
    return { postedItem, gotItem };
  };

  /** The item without what necessarily differs between two deliveries: the callId and the arrival time. */
  const comparable = (item: Record<string, unknown> | undefined) => {
    const { callId: _callId, receivedAt: _receivedAt, ...rest } = item ?? {};
    return rest;
  };

  it.each([
    ['HTTP API 2.0', httpApiEvent],
    ['REST API 1.0', restApiEvent],
  ] as const)('stores a GET callback (%s) exactly like the same callback POSTed', async (_, build) => {
    const { postedItem, gotItem } = await postAndGet(
      { sipCallId: 'a84b4c76e66710@pc33.example.com', sipResponseCode: 486 },
      build,
    );
    expect(comparable(gotItem)).toEqual(comparable(postedItem));
  });

  it('types sipResponseCode as the schema says: the query string "486" is stored as the number 486', async () => {
    const { gotItem } = await postAndGet({ sipResponseCode: 486 }, httpApiEvent);
    expect(gotItem?.['sipResponseCode']).toBe(486);
  });

  it('keeps strings that look like numbers as strings (accountId "55555555", tag "007")', async () => {
    const { gotItem } = await postAndGet({ accountId: '55555555', tag: '007' }, httpApiEvent);
    expect(gotItem?.['accountId']).toBe('55555555');
    expect(gotItem?.['tag']).toBe('007');
  });

  it('keeps empty time parameters (answerTime=) as the empty string and an empty sipResponseCode as null', async () => {
    const callback = disconnectCallback({ cause: 'timeout', answerTime: '' });
    const query = { ...queryParameters(callback), sipResponseCode: '' };
    expect((await send(handler, httpApiEvent({ method: 'GET', query }))).status).toBe(204);
    const item = await storedItem(stores, String(callback['callId']));
    expect(item?.['answerTime']).toBe('');
    expect(item?.['sipResponseCode']).toBeNull();
  });

  it('keeps unknown query parameters verbatim, as strings', async () => {
    const callback = disconnectCallback();
    const query = { ...queryParameters(callback), parentCallId: 'c-parent', futureCount: '3' };
    expect((await send(handler, restApiEvent({ method: 'GET', query }))).status).toBe(204);
    const item = await storedItem(stores, String(callback['callId']));
    expect(item?.['parentCallId']).toBe('c-parent');
    expect(item?.['futureCount']).toBe('3');
  });

  it('ignores a body sent along with a GET: the query string is the callback', async () => {
    const callback = disconnectCallback();
    const event = httpApiEvent({ method: 'GET', query: queryParameters(callback), body: '{"callId":"from-the-body"}' });
    expect((await send(handler, event)).status).toBe(204);
    expect(await storedItem(stores, String(callback['callId']))).toBeDefined();
    expect(await storedItem(stores, 'from-the-body')).toBeUndefined();
  });
});
