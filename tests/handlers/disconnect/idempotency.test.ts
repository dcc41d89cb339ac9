/** Bandwidth may deliver a callback more than once (a retry after a connection error, a replay): one call, one item. */
import { describe, expect, it } from 'vitest';
import { disconnectCallback, postedCallback, queryParameters, timedAnswer } from '../../support/callbacks.ts';
import { allItems, freshStores, httpApiEvent, loadHandler, storedItem } from '../../support/recorder.ts';

const DAY_MS = 86_400_000;

describe('a callback delivered many times is one item', () => {
  it('a second delivery of a callId answers 204 and leaves the first record unchanged', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores);
    const callback = disconnectCallback({ cause: 'hangup' });

    expect(await timedAnswer(handler, postedCallback(callback))).toMatchObject({ status: 204, outcome: 'recorded' });
    const stored = await storedItem(stores, callback.callId);
    const resent = await timedAnswer(handler, postedCallback({ ...callback, cause: 'busy' }));

    expect(resent).toMatchObject({ status: 204, outcome: 'duplicate' });
    expect(await storedItem(stores, callback.callId)).toStrictEqual(stored);
    expect(stored?.['cause']).toBe('hangup');
  });

  it('50 simultaneous copies leave one item, every copy answered 204, exactly one of them recorded', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores);
    const callback = disconnectCallback({
      cause: 'hangup',
      startTime: '2026-11-20T10:00:00.000Z',
      answerTime: '2026-11-20T10:00:05.000Z',
      endTime: '2026-11-20T10:01:05.500Z',
    });

    const answers = await Promise.all(Array.from({ length: 50 }, () => timedAnswer(handler, postedCallback(callback))));

    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(204));
    expect(answers.filter((answer) => answer.outcome === 'recorded')).toHaveLength(1);
    expect(answers.filter((answer) => answer.outcome === 'duplicate')).toHaveLength(49);
    const items = await allItems(stores);
    expect(items).toHaveLength(1);
    expect(items[0]?.['durationSeconds']).toBe(60.5);
  });

  it('simultaneous copies of many calls, POSTed and in the GET form, leave one item per call', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores);
    const callbacks = Array.from({ length: 20 }, () => disconnectCallback({ sipResponseCode: 200 }));

    const deliveries = callbacks.flatMap((callback) => [
      postedCallback(callback),
      postedCallback(callback),
      httpApiEvent({ method: 'GET', query: queryParameters(callback) }),
    ]);
    const answers = await Promise.all(deliveries.map((event) => timedAnswer(handler, event)));

    expect(answers.every((answer) => answer.status === 204)).toBe(true);
    expect(answers.filter((answer) => answer.outcome === 'recorded')).toHaveLength(20);
    const items = await allItems(stores);
    expect(items.map((item) => item['callId']).sort()).toEqual(callbacks.map((callback) => callback.callId).sort());
  });

  it('a copy delivered again days later is answered 204 and the item stays exactly as first recorded', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores);
    const callback = disconnectCallback({ cause: 'hangup' });
    const firstReceived = new Date(Date.now() - 3 * DAY_MS);

    expect(await timedAnswer(handler, postedCallback(callback, firstReceived))).toMatchObject({
      status: 204,
      outcome: 'recorded',
    });
    const recorded = await storedItem(stores, callback.callId);

    // Days later, from a fresh container: the same callback, then one whose fields differ (a later delivery never wins).
    const later = await loadHandler(stores);
    expect(await timedAnswer(later, postedCallback(callback))).toMatchObject({ status: 204, outcome: 'duplicate' });
    const altered = { ...callback, cause: 'error', tag: 'resent' };
    expect(await timedAnswer(later, postedCallback(altered))).toMatchObject({ status: 204, outcome: 'duplicate' });

    expect(await storedItem(stores, callback.callId)).toEqual(recorded);
    expect(recorded).toMatchObject({ receivedAt: firstReceived.toISOString(), cause: 'hangup' });
  });
});
