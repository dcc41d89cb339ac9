/**
 * Reconciliation against the fake Bandwidth and a real (dynalite) table: a call whose callback never came is in
 * the table after a run, marked as backfilled; a callback's record is never touched; the real callback, live or
 * replayed, still wins when it comes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DisconnectCallback, RecordedCallback } from '../../../lambda/domain/callback/validate.ts';
import { toDisconnectRecord } from '../../../lambda/domain/stored-record/disconnect-record.ts';
import {
  disconnectCallback,
  postedCallback,
  timedAnswer,
  transferDisconnectCallback,
} from '../../support/callbacks.ts';
import { type FakeBandwidthVoice, fakeBandwidthVoice, listedCall } from '../../support/fake-bandwidth-voice.ts';
import { closedPort } from '../../support/faulty-stores.ts';
import { reconcileInto } from '../../support/reconcile.ts';
import { allItems, freshStores, loadHandler, storedItem, type TestStores } from '../../support/recorder.ts';
import { replay } from '../../support/replay.ts';

let bandwidth: FakeBandwidthVoice;
let stores: TestStores;
beforeAll(async () => {
  bandwidth = await fakeBandwidthVoice();
});
afterAll(() => bandwidth.close());
beforeEach(async () => {
  stores = await freshStores();
  bandwidth.calls = [];
  bandwidth.cap = 10_000;
  bandwidth.faults = [];
  bandwidth.refuseCredentials = false;
});

const range = { from: new Date('2026-11-20T10:00:00.000Z'), to: new Date('2026-11-20T12:00:00.000Z') };
const writtenAt = new Date('2026-11-20T13:00:00.000Z');
const now = () => writtenAt;

describe('reconciliation', () => {
  it('writes an ended call the table lacks, under the callback names, marked recordedFrom call-list', async () => {
    bandwidth.calls = [
      // Bandwidth lists an ordinary call with parentCallId null: no leg, so neither parentCallId nor legOf (toStrictEqual).
      listedCall('c-answered', '2026-11-20T10:00:00.000Z'),
      listedCall('c-busy', '2026-11-20T10:05:00.000Z', {
        answerTime: null,
        endTime: '2026-11-20T10:05:20.000Z',
        disconnectCause: 'busy',
        errorMessage: 'Callee is busy',
        errorId: '4a1f',
        direction: 'inbound',
      }),
    ];
    const report = await reconcileInto(stores, bandwidth, { range, now });
    expect(report).toMatchObject({
      listed: 2,
      alreadyRecorded: 0,
      backfilled: 2,
      notEnded: 0,
      settling: 0,
      dryRun: false,
    });
    expect(report.backfilledCallIds.sort()).toEqual(['c-answered', 'c-busy']);
    expect(await storedItem(stores, 'c-answered')).toStrictEqual({
      callId: 'c-answered',
      eventType: 'disconnect',
      cause: 'hangup',
      accountId: '9900001',
      applicationId: '04e88489-df02-4e34-a0ee-27a91849555f',
      from: '+19195551234',
      to: '+19195554312',
      direction: 'outbound',
      startTime: '2026-11-20T10:00:00.000Z',
      answerTime: '2026-11-20T10:00:04.000Z',
      endTime: '2026-11-20T10:01:04.500Z',
      errorMessage: null,
      errorId: null,
      recordedFrom: 'call-list',
      receivedAt: '2026-11-20T13:00:00.000Z',
      answered: true,
      durationSeconds: 60.5,
      ringSeconds: 4,
      endedAt: '2026-11-20T10:01:04.500Z',
      endedDay: '2026-11-20',
    });
    expect(await storedItem(stores, 'c-busy')).toMatchObject({
      cause: 'busy',
      errorMessage: 'Callee is busy',
      errorId: '4a1f',
      answered: false,
      ringSeconds: 20,
      recordedFrom: 'call-list',
    });
    expect(await storedItem(stores, 'c-busy')).not.toHaveProperty('answerTime');
  });

  it('leaves calls still live alone, and those that ended within the settle time', async () => {
    bandwidth.calls = [
      listedCall('c-ringing', '2026-11-20T11:50:00.000Z', {
        state: 'initiated',
        answerTime: null,
        endTime: null,
        disconnectCause: null,
      }),
      listedCall('c-talking', '2026-11-20T11:40:00.000Z', { state: 'answered', endTime: null, disconnectCause: null }),
      listedCall('c-just-ended', '2026-11-20T11:55:00.000Z', { endTime: '2026-11-20T11:59:00.000Z' }),
      listedCall('c-ended', '2026-11-20T11:00:00.000Z'),
    ];
    const report = await reconcileInto(stores, bandwidth, {
      range,
      now,
      settledBefore: new Date('2026-11-20T11:50:00.000Z'),
    });
    expect(report).toMatchObject({
      listed: 4,
      alreadyRecorded: 0,
      backfilled: 1,
      notEnded: 2,
      settling: 1,
      backfilledCallIds: ['c-ended'],
    });
    expect((await allItems(stores)).map((item) => item['callId'])).toEqual(['c-ended']);
  });

  it('run twice, writes each call once and the second run finds them all recorded', async () => {
    bandwidth.calls = Array.from({ length: 30 }, (_, i) =>
      listedCall(`c-${i}`, new Date(range.from.getTime() + i * 60_000).toISOString()),
    );
    expect(await reconcileInto(stores, bandwidth, { range, now })).toMatchObject({ listed: 30, backfilled: 30 });
    const first = await allItems(stores);
    const again = await reconcileInto(stores, bandwidth, { range, now: () => new Date('2026-11-20T14:00:00.000Z') });
    expect(again).toMatchObject({ listed: 30, alreadyRecorded: 30, backfilled: 0, backfilledCallIds: [] });
    expect(await allItems(stores)).toEqual(first);
  });

  it('never touches a record a callback wrote, and two runs at once write each call once', async () => {
    const callback = disconnectCallback({ startTime: '2026-11-20T10:30:00.000Z' });
    const handler = await loadHandler(stores);
    expect((await timedAnswer(handler, postedCallback(callback))).status).toBe(204);
    const byCallback = await storedItem(stores, callback.callId);
    bandwidth.calls = [
      listedCall(callback.callId, '2026-11-20T10:30:00.000Z', { disconnectCause: 'timeout' }),
      ...Array.from({ length: 10 }, (_, i) => listedCall(`c-${i}`, '2026-11-20T10:31:00.000Z')),
    ];
    const reports = await Promise.all([
      reconcileInto(stores, bandwidth, { range, now }),
      reconcileInto(stores, bandwidth, { range, now }),
    ]);
    expect(reports.map((report) => report.backfilled).reduce((a, b) => a + b)).toBe(10);
    expect(reports.map((report) => report.alreadyRecorded).reduce((a, b) => a + b)).toBe(12);
    expect(await storedItem(stores, callback.callId)).toStrictEqual(byCallback);
    expect(await allItems(stores)).toHaveLength(11);
  });

  it('splits a range whose query reaches the cap, so no call is cut off (cap lowered to 50 for the test)', async () => {
    bandwidth.cap = 50;
    bandwidth.calls = Array.from({ length: 180 }, (_, i) =>
      listedCall(`c-${i}`, new Date(range.from.getTime() + i * 20_000).toISOString()),
    );
    const report = await reconcileInto(stores, bandwidth, { range, now, sliceMs: 2 * 3_600_000 });
    expect(report).toMatchObject({ listed: 180, backfilled: 180 });
    expect(await allItems(stores)).toHaveLength(180);
    // Each query that came back full was listed again in halves: more queries than the 4 a perfect split needs.
    expect(bandwidth.listRequests.length).toBeGreaterThan(4);
  });

  it('--dry-run reports what it would backfill and writes nothing', async () => {
    bandwidth.calls = [listedCall('c-1', '2026-11-20T10:00:00.000Z')];
    expect(await reconcileInto(stores, bandwidth, { range, now, dryRun: true })).toMatchObject({
      backfilled: 1,
      backfilledCallIds: ['c-1'],
      dryRun: true,
    });
    expect(await allItems(stores)).toEqual([]);
  });

  it('refused credentials write nothing', async () => {
    bandwidth.calls = [listedCall('c-1', '2026-11-20T10:00:00.000Z')];
    bandwidth.refuseCredentials = true;
    await expect(reconcileInto(stores, bandwidth, { range, now })).rejects.toThrow(
      'Bandwidth refused the API credentials',
    );
    expect(await allItems(stores)).toEqual([]);
  });
});

describe('the callback is the record of truth', () => {
  it('a late callback replaces the backfilled item, as sent, with the recorder attributes', async () => {
    const callback = disconnectCallback({ startTime: '2026-11-20T10:30:00.000Z' });
    bandwidth.calls = [listedCall(callback.callId, '2026-11-20T10:30:00.000Z')];
    await reconcileInto(stores, bandwidth, { range, now });
    expect(await storedItem(stores, callback.callId)).toMatchObject({ recordedFrom: 'call-list' });

    const receivedAt = new Date('2026-11-20T13:05:00.000Z');
    const handler = await loadHandler(stores);
    // Many copies at once: still one item, the callback's.
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => timedAnswer(handler, postedCallback(callback, receivedAt))),
    );
    expect(answers.map((answer) => answer.status)).toEqual([204, 204, 204, 204, 204]);
    expect(await storedItem(stores, callback.callId)).toStrictEqual(
      toDisconnectRecord(callback as DisconnectCallback, receivedAt),
    );
    expect(await allItems(stores)).toHaveLength(1);
  });

  it('a callback that claims recordedFrom itself is refused, so no callback can make its record replaceable', async () => {
    const handler = await loadHandler(stores);
    const forged = disconnectCallback({ recordedFrom: 'call-list' });
    const answer = await timedAnswer(handler, postedCallback(forged));
    expect(answer.status).toBe(422);
    expect(answer.body).toContain('recordedFrom is reserved for the recorder');
    expect(await storedItem(stores, forged.callId)).toBeUndefined();
  });

  it('a parked callback replayed later replaces the backfilled item too', async () => {
    const callback = disconnectCallback({ startTime: '2026-11-20T10:30:00.000Z' });
    const receivedAt = new Date('2026-11-20T10:32:00.000Z');
    const down = await loadHandler(stores, { DYNAMODB_ENDPOINT: await closedPort() });
    expect(await timedAnswer(down, postedCallback(callback, receivedAt))).toMatchObject({
      status: 204,
      outcome: 'parked',
    });

    bandwidth.calls = [listedCall(callback.callId, '2026-11-20T10:30:00.000Z')];
    expect(await reconcileInto(stores, bandwidth, { range, now })).toMatchObject({ backfilled: 1 });

    expect(await replay(stores)).toMatchObject({ replayed: 1, alreadyPresent: 0, stillFailing: 0 });
    expect(await storedItem(stores, callback.callId)).toStrictEqual(
      toDisconnectRecord(callback as DisconnectCallback, receivedAt),
    );
  });
});

describe('transfer legs', () => {
  const parent = 'c-call-with-legs';
  const leg = (callId: string, startTime: string) =>
    listedCall(callId, startTime, { parentCallId: parent, from: '+19195550100', to: '+19195550199' });

  it('a listed leg is covered by its transferDisconnect record; a missing one is backfilled as a leg, counted apart', async () => {
    const handler = await loadHandler(stores);
    const call = disconnectCallback({ callId: parent, startTime: '2026-11-20T10:00:00.000Z' });
    const recordedLeg = transferDisconnectCallback(parent, { startTime: '2026-11-20T10:00:10.000Z' });
    for (const callback of [call, recordedLeg]) {
      expect((await timedAnswer(handler, postedCallback(callback))).status).toBe(204);
    }
    const byCallback = await storedItem(stores, recordedLeg.callId);
    bandwidth.calls = [
      listedCall(parent, '2026-11-20T10:00:00.000Z'),
      leg(recordedLeg.callId, '2026-11-20T10:00:10.000Z'),
      leg('c-missing-leg', '2026-11-20T10:00:20.000Z'),
      listedCall('c-missing-call', '2026-11-20T10:05:00.000Z'),
    ];
    const report = await reconcileInto(stores, bandwidth, { range, now });
    expect(report).toMatchObject({
      listed: 4,
      alreadyRecorded: 2,
      backfilled: 1,
      backfilledCallIds: ['c-missing-call'],
      backfilledLegs: 1,
      backfilledLegIds: ['c-missing-leg'],
    });
    expect(await storedItem(stores, recordedLeg.callId)).toStrictEqual(byCallback);
    expect(await storedItem(stores, 'c-missing-leg')).toMatchObject({
      eventType: 'transferDisconnect',
      parentCallId: parent,
      legOf: parent,
      transferCallerId: '+19195550100',
      transferTo: '+19195550199',
      recordedFrom: 'call-list',
    });
  });

  it('a late transferDisconnect replaces the backfilled leg, as sent', async () => {
    const callback = transferDisconnectCallback(parent, { startTime: '2026-11-20T10:30:00.000Z' });
    bandwidth.calls = [leg(callback.callId, '2026-11-20T10:30:00.000Z')];
    expect(await reconcileInto(stores, bandwidth, { range, now })).toMatchObject({ backfilled: 0, backfilledLegs: 1 });
    expect(await storedItem(stores, callback.callId)).toMatchObject({
      eventType: 'transferDisconnect',
      recordedFrom: 'call-list',
    });

    const receivedAt = new Date('2026-11-20T13:05:00.000Z');
    const handler = await loadHandler(stores);
    expect((await timedAnswer(handler, postedCallback(callback, receivedAt))).status).toBe(204);
    expect(await storedItem(stores, callback.callId)).toStrictEqual(
      toDisconnectRecord(callback as RecordedCallback, receivedAt),
    );
  });
});
