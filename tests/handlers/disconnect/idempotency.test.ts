import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Handler,
  type TestStores,
  allItems,
  freshStores,
  httpApiEvent,
  lambdaContext,
  loadHandler,
  storedItem,
} from '../../support/recorder.ts';

const callback = (callId: string, cause = 'hangup') => ({
  eventType: 'disconnect',
  callId,
  from: '+15551112222',
  to: '+15553334444',
  direction: 'outbound',
  startTime: '2026-11-20T10:00:00.000Z',
  answerTime: '2026-11-20T10:00:05.000Z',
  endTime: '2026-11-20T10:01:05.500Z',
  cause,
});

describe('one record per call', () => {
  let stores: TestStores;
  let handler: Handler;
  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  it('a second delivery of a callId answers 204 and leaves the first record unchanged', async () => {
    const first = await handler(httpApiEvent({ body: JSON.stringify(callback('c-dup-1')) }), lambdaContext);
    expect(first.statusCode).toBe(204);
    expect(first.headers?.['X-Disconnect-Outcome']).toBe('recorded');
    const stored = await storedItem(stores, 'c-dup-1');

    const replayed = await handler(
      httpApiEvent({ body: JSON.stringify(callback('c-dup-1', 'busy')) }),
      lambdaContext,
    );
    expect(replayed.statusCode).toBe(204);
    expect(replayed.headers?.['X-Disconnect-Outcome']).toBe('duplicate');
    expect(await storedItem(stores, 'c-dup-1')).toStrictEqual(stored);
    expect(stored?.['cause']).toBe('hangup');
  });

  it('20 concurrent copies of one callback are all answered 204 and stored once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        handler(httpApiEvent({ body: JSON.stringify(callback('c-burst-1')) }), lambdaContext),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toStrictEqual(Array(20).fill(204));
    const outcomes = answers.map((a) => a.headers?.['X-Disconnect-Outcome']);
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(19);
    const items = (await allItems(stores)).filter((item) => item['callId'] === 'c-burst-1');
    expect(items).toHaveLength(1);
    expect(items[0]?.['durationSeconds']).toBe(60.5);
  });
});
