/**
 * An Authorization header whose value is not text (API Gateway hands headers over as strings, but a test client,
 * a proxy or a hand-built event may not) is refused like any other bad credentials: 401 with the Basic challenge,
 * never a 5xx, and the callback never reaches the table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { disconnectCallback, errorBody, postedCallback, send } from '../../support/callbacks.ts';
import { freshStores, type Handler, loadHandler, storedItem, type TestStores } from '../../support/recorder.ts';

let stores: TestStores;
let handler: Handler;

beforeAll(async () => {
  stores = await freshStores();
  handler = await loadHandler(stores, {
    BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
    BANDWIDTH_CALLBACK_PASSWORD: 'malformed-headers',
  });
});

describe('an Authorization value of any JSON type other than text', () => {
  it.each([
    ['a number', 42],
    ['zero', 0],
    ['true', true],
    ['null', null],
    ['an array', ['Basic YmFuZHdpZHRoOm1hbGZvcm1lZC1oZWFkZXJz']],
    ['an object', { scheme: 'Basic' }],
    ['an empty array', []],
  ])('%s is answered 401 with the challenge, and nothing is stored', async (_name, value) => {
    const callback = disconnectCallback();
    const event = postedCallback(callback);
    (event.headers as Record<string, unknown>)['authorization'] = value;
    const answer = await send(handler, event);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
    expect(errorBody(answer).error).toBe('authentication required');
    expect(await storedItem(stores, callback.callId)).toBeUndefined();
  });
});
