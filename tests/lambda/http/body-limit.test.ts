/**
 * A body over the limit (64 KiB by default, MAX_BODY_BYTES to change it) gets 413 before anything parses it;
 * the limit counts decoded bytes, not characters or base64 text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES } from '../../../lambda/config.ts';
import { disconnectCallback, errorBody, send } from '../../support/callbacks.ts';
import {
  allItems,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  restApiEvent,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';

/** A valid callback whose JSON text is exactly `bytes` bytes of UTF-8, padded with `filler` in an unknown field. */
function callbackOfSize(bytes: number, filler = 'x'): { callback: Record<string, unknown>; body: string } {
  const callback = disconnectCallback({ padding: '' });
  const base = Buffer.byteLength(JSON.stringify(callback));
  const fillerBytes = Buffer.byteLength(filler);
  const count = Math.floor((bytes - base) / fillerBytes);
  callback['padding'] = filler.repeat(count) + 'x'.repeat(bytes - base - count * fillerBytes);
  const body = JSON.stringify(callback);
  expect(Buffer.byteLength(body)).toBe(bytes);
  return { callback, body };
}

describe('body limit', () => {
  let stores: TestStores;
  let handler: Handler;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  it('is 64 KiB unless configured', () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(65_536);
  });

  it('stores a callback of exactly 64 KiB', async () => {
    const { callback, body } = callbackOfSize(65_536);
    const answer = await send(handler, httpApiEvent({ body }));
    expect(answer.status).toBe(204);
    expect((await storedItem(stores, String(callback['callId'])))?.['padding']).toBe(callback['padding']);
  });

  it('answers 413 to one byte more, with the JSON error body, storing and keeping nothing', async () => {
    const { body } = callbackOfSize(65_537);
    const before = (await allItems(stores)).length;
    const answer = await send(handler, httpApiEvent({ body }));
    expect(answer.status).toBe(413);
    expect(errorBody(answer)).toEqual({
      error: 'body too large',
      details: ['the body is 65537 bytes; the limit is 65536'],
    });
    expect((await allItems(stores)).length).toBe(before);
    // Over the limit is refused before quarantine too: an unbounded body is not copied anywhere.
    expect(await parkedObjects(stores, 'quarantine/')).toEqual([]);
  });

  it('counts bytes, not characters: 30,000 "€" are 90,000 bytes', async () => {
    const { body } = callbackOfSize(90_000, '€');
    expect(body.length).toBeLessThan(65_536);
    const answer = await send(handler, restApiEvent({ body }));
    expect(answer.status).toBe(413);
    expect(errorBody(answer).details).toEqual(['the body is 90000 bytes; the limit is 65536']);
  });

  it('counts the decoded size of a base64 body: 60,000 bytes sent as 80,000 base64 characters are stored', async () => {
    const { callback, body } = callbackOfSize(60_000);
    const event = httpApiEvent({ body, base64: true });
    expect(event.body?.length).toBe(80_000);
    expect((await send(handler, event)).status).toBe(204);
    expect(await storedItem(stores, String(callback['callId']))).toBeDefined();
  });

  it('answers 413 before parsing: an oversized body that is not even JSON is a 413, not a 422', async () => {
    const answer = await send(handler, httpApiEvent({ body: `{not json${' '.repeat(70_000)}` }));
    expect(answer.status).toBe(413);
  });

  it('follows MAX_BODY_BYTES', async () => {
    const small = await loadHandler(stores, { MAX_BODY_BYTES: '1024' });
    const { body } = callbackOfSize(1_025);
    const answer = await send(small, httpApiEvent({ body }));
    expect(answer.status).toBe(413);
    expect(errorBody(answer).details).toEqual(['the body is 1025 bytes; the limit is 1024']);
    const fits = callbackOfSize(1_024);
    expect((await send(small, httpApiEvent({ body: fits.body }))).status).toBe(204);
  });

  it('limits the GET form too: its parameters, as the body they become, count against the limit', async () => {
    const small = await loadHandler(stores, { MAX_BODY_BYTES: '1024' });
    const query = { eventType: 'disconnect', callId: 'c-get-large', cause: 'hangup', padding: 'x'.repeat(1_100) };
    const answer = await send(small, httpApiEvent({ method: 'GET', query }));
    expect(answer.status).toBe(413);
    expect(await storedItem(stores, 'c-get-large')).toBeUndefined();
  });
});
