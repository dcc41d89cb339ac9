/**
 * A callback the recorder refuses after authentication still gets its 4xx (Bandwidth sees the problem), but it is
 * also kept, exactly as sent, in the fallback bucket's quarantine, so a schema mistake never loses a record.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allItems,
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  type TestStores,
} from '../../support/recorder.ts';
import { disconnectCallback, queryParameters, send } from './support/intake.ts';

const USER = 'bandwidth';
const PASSWORD = 'quarantine-password';
const AUTH = { authorization: basicAuthorization(USER, PASSWORD) };

describe('quarantine of refused callbacks', () => {
  let stores: TestStores;
  let handler: Handler;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores, { BANDWIDTH_CALLBACK_USERNAME: USER, BANDWIDTH_CALLBACK_PASSWORD: PASSWORD });
  });

  const quarantined = async (callId: string) =>
    (await parkedObjects(stores, 'quarantine/')).filter((parked) => parked.callId === callId);

  it('keeps an authenticated callback that fails the schema, verbatim, with the reasons', async () => {
    const callback = disconnectCallback({ eventType: 'Disconnect', receivedAt: '2026-11-20T15:58:05.000Z' });
    const body = JSON.stringify(callback);
    const answer = await send(handler, httpApiEvent({ body, headers: AUTH }));
    expect(answer.status).toBe(422);

    const kept = await quarantined(String(callback['callId']));
    expect(kept).toEqual([
      expect.objectContaining({
        version: 1,
        kind: 'quarantined',
        reason: 'the callback does not match the Disconnect schema',
        details: ['eventType must be "disconnect"', 'receivedAt is reserved for the recorder and cannot be sent'],
        input: { form: 'json', body },
      }),
    ]);
    expect(await allItems(stores)).toEqual([]);
  });

  it('keeps a base64-encoded body decoded, as the text Bandwidth sent', async () => {
    const callback = disconnectCallback({ eventType: 'answer', tag: 'Zoë' });
    const body = JSON.stringify(callback);
    await send(handler, httpApiEvent({ body, base64: true, headers: AUTH }));
    expect((await quarantined(String(callback['callId'])))[0]?.input).toEqual({ form: 'json', body });
  });

  it('keeps a refused GET callback as its query parameters', async () => {
    const callback = disconnectCallback({ eventType: 'answer' });
    const answer = await send(handler, httpApiEvent({ method: 'GET', query: queryParameters(callback), headers: AUTH }));
    expect(answer.status).toBe(422);
    const input = (await quarantined(String(callback['callId'])))[0]?.input;
    expect(input?.form).toBe('query');
    expect(JSON.parse(input?.body ?? '')).toEqual(queryParameters(callback));
  });

  it('keeps nothing from a request that failed authentication', async () => {
    const callback = disconnectCallback({ eventType: 'answer' });
    await send(handler, httpApiEvent({ body: JSON.stringify(callback) }));
    await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: basicAuthorization(USER, 'nope') } }));
    expect(await quarantined(String(callback['callId']))).toEqual([]);
  });
});
