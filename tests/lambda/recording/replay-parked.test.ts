/**
 * After an outage, replay stores what was parked: every call in the table exactly once, with the time it was
 * first received; the bucket keeps only what could not be stored.
 */
import { describe, expect, it } from 'vitest';
import { ParkedCallbacks } from '../../../lambda/adapters/parked-callbacks.ts';
import { disconnectCallback, timedAnswer } from '../../support/callbacks.ts';
import { closedPort } from '../../support/faulty-stores.ts';
import {
  allItems,
  basicAuthorization,
  freshStores,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  storedItem,
} from '../../support/recorder.ts';
import { deliver, putObject, replay, tableDown } from '../../support/replay.ts';

const HOUR_MS = 3_600_000;

describe('replay after the table recovers', () => {
  it('stores every parked callback exactly once, with the time it was first received, and empties the bucket', async () => {
    const stores = await freshStores();
    const before = Array.from({ length: 5 }, () => disconnectCallback());
    const during = Array.from({ length: 20 }, () => disconnectCallback());
    const outageStarted = new Date(Date.now() - 2 * HOUR_MS);

    // Before the outage: recorded. During it: new calls, copies of some of them, and copies of calls already recorded.
    expect(await deliver(await loadHandler(stores), before)).toEqual(Array(5).fill('204 recorded'));
    const down = await tableDown(stores);
    const deliveries = [...during, ...during.slice(0, 5), ...during.slice(0, 5), ...before];
    expect(await deliver(down, deliveries, outageStarted)).toEqual(Array(35).fill('204 parked'));

    const report = await replay(stores);

    expect(report).toMatchObject({ kind: 'parked', replayed: 20, alreadyPresent: 15, stillFailing: 0, failures: [] });
    expect(report.stopped).toBeUndefined();
    const items = await allItems(stores);
    expect(items).toHaveLength(25);
    expect(new Set(items.map((item) => item['callId'])).size).toBe(25);
    for (const callback of during) {
      expect(await storedItem(stores, callback.callId)).toMatchObject({
        ...callback,
        receivedAt: outageStarted.toISOString(),
      });
    }
    expect(await parkedObjects(stores, 'parked/')).toEqual([]);

    // Idempotent: a second run finds nothing to do and changes nothing.
    expect(await replay(stores)).toMatchObject({ replayed: 0, alreadyPresent: 0, stillFailing: 0 });
    expect(await allItems(stores)).toEqual(items);
  });

  it('a GET-form callback is replayed with the types the GET form is stored with', async () => {
    const stores = await freshStores();
    const down = await tableDown(stores);
    const callback = disconnectCallback({ sipResponseCode: 486 });
    const query = Object.fromEntries(Object.entries(callback).map(([name, value]) => [name, String(value)]));
    expect(await timedAnswer(down, httpApiEvent({ method: 'GET', query }))).toMatchObject({
      status: 204,
      outcome: 'parked',
    });

    expect(await replay(stores)).toMatchObject({ replayed: 1, stillFailing: 0 });

    expect(await storedItem(stores, callback.callId)).toMatchObject({ callId: callback.callId, sipResponseCode: 486 });
  });

  it('replayed records expire as live ones do (RETENTION_DAYS)', async () => {
    const stores = await freshStores();
    const callback = disconnectCallback();
    await deliver(await tableDown(stores), [callback]);

    await replay(stores, { retentionDays: 30 });

    const endedSeconds = Math.floor(Date.parse(String(callback['endTime'])) / 1000);
    expect(await storedItem(stores, callback.callId)).toMatchObject({ expiresAt: endedSeconds + 30 * 86_400 });
  });
});

describe('replay keeps what it could not store', () => {
  it('with the table still down it removes nothing, and stops after repeated table failures', async () => {
    const stores = await freshStores();
    const callbacks = Array.from({ length: 12 }, () => disconnectCallback());
    await deliver(await tableDown(stores), callbacks);

    const report = await replay(stores, {
      dynamoEndpoint: await closedPort(),
      concurrency: 1,
      maxTableFailuresInARow: 4,
    });

    expect(report).toMatchObject({ replayed: 0, alreadyPresent: 0, stillFailing: 4 });
    expect(report.stopped).toMatchObject({
      because: 'table',
      detail: expect.stringMatching(/table failed 4 times in a row/),
    });
    expect(report.failures[0]?.reason).toMatch(/ECONNREFUSED/);
    expect(await parkedObjects(stores, 'parked/')).toHaveLength(12);
    expect(await allItems(stores)).toEqual([]);

    // Once the table is back, the next run stores them all.
    expect(await replay(stores)).toMatchObject({ replayed: 12, stillFailing: 0 });
  });

  it('an object that is not a parked callback is reported and left in place', async () => {
    const stores = await freshStores();
    await putObject(stores, 'parked/2026-11-20/not-a-callback.json', '{"hello":"world"}');
    await putObject(stores, 'parked/2026-11-20/not-json.json', 'garbage');

    const report = await replay(stores);

    expect(report).toMatchObject({ replayed: 0, stillFailing: 2 });
    expect(report.failures.map((failure) => failure.reason).join('\n')).toMatch(/not a parked callback/);
    const s3 = new ParkedCallbacks({ bucket: stores.bucket, endpoint: stores.s3Endpoint });
    const left: string[] = [];
    for await (const key of s3.keys('parked')) left.push(key);
    await s3.destroy();
    expect(left.sort()).toEqual(['parked/2026-11-20/not-a-callback.json', 'parked/2026-11-20/not-json.json']);
  });
});

describe('quarantined callbacks are replayed only when asked, once the schema accepts them', () => {
  it('a body the live parser refuses (a prototype key) is refused by replay too, and stays', async () => {
    const stores = await freshStores();
    const parked = new ParkedCallbacks({ bucket: stores.bucket, endpoint: stores.s3Endpoint });
    await parked.park({
      version: 1,
      kind: 'quarantined',
      reason: 'Forbidden key in JSON body',
      details: [],
      receivedAt: new Date().toISOString(),
      input: { form: 'json', body: '{"eventType":"disconnect","callId":"c-proto","__proto__":{"polluted":true}}' },
    });
    await parked.destroy();

    const report = await replay(stores, { kind: 'quarantined' });

    expect(report).toMatchObject({ replayed: 0, stillFailing: 1 });
    expect(report.failures[0]?.reason).toMatch(/not usable JSON: Forbidden key/);
    expect(await storedItem(stores, 'c-proto')).toBeUndefined();
    expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(1);
  });

  it('a callback quarantined by an earlier, stricter schema is stored; one the schema still rejects stays', async () => {
    const stores = await freshStores();
    // What a recorder deployed with a schema that refused an undocumented cause would have quarantined.
    const refusedThen = disconnectCallback({ cause: 'carrier-congestion' });
    const parked = new ParkedCallbacks({ bucket: stores.bucket, endpoint: stores.s3Endpoint });
    await parked.park({
      version: 1,
      kind: 'quarantined',
      reason: 'the callback does not match the Disconnect schema',
      details: ['cause must be one of the documented causes'],
      receivedAt: '2026-11-20T15:56:12.000Z',
      callId: refusedThen.callId,
      input: { form: 'json', body: JSON.stringify(refusedThen) },
    });
    await parked.destroy();
    // And one the current schema rejects, quarantined by the live recorder.
    const handler = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
      BANDWIDTH_CALLBACK_PASSWORD: 'pw',
    });
    const stillWrong = disconnectCallback({ eventType: 'answer' });
    const event = httpApiEvent({
      body: JSON.stringify(stillWrong),
      headers: { authorization: basicAuthorization('bandwidth', 'pw') },
    });
    expect((await timedAnswer(handler, event)).status).toBe(422);

    // A plain replay leaves the quarantine alone.
    expect(await replay(stores)).toMatchObject({ replayed: 0, stillFailing: 0 });
    expect(await parkedObjects(stores, 'quarantine/')).toHaveLength(2);

    const report = await replay(stores, { kind: 'quarantined' });

    expect(report).toMatchObject({ kind: 'quarantined', replayed: 1, stillFailing: 1 });
    expect(report.failures[0]?.reason).toMatch(/does not match the Disconnect schema/);
    expect(await storedItem(stores, refusedThen.callId)).toMatchObject({
      cause: 'carrier-congestion',
      receivedAt: '2026-11-20T15:56:12.000Z',
    });
    expect(await storedItem(stores, stillWrong.callId)).toBeUndefined();
    expect((await parkedObjects(stores, 'quarantine/')).map((envelope) => envelope.callId)).toEqual([
      stillWrong.callId,
    ]);
  });
});
