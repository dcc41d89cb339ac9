/**
 * Real Bandwidth traffic is messier than the documented example; each quirk below, rejected, would be a call
 * record lost for good (Bandwidth never retries a 4xx). Each one is stored, every field under its own name with its
 * value unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { disconnectCallback, send } from '../../support/callbacks.ts';
import {
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';

/** `{"a":{"a":...1}}`: a number inside `maps` nested maps. */
function nested(maps: number): unknown {
  let value: unknown = 1;
  for (let map = 0; map < maps; map++) value = { a: value };
  return value;
}

const withoutTimes = (callback: Record<string, unknown>, ...names: string[]) => {
  const copy = { ...callback };
  for (const name of names) delete copy[name];
  return copy;
};

const quirks: [quirk: string, callback: () => Record<string, unknown>][] = [
  ['from is Anonymous', () => disconnectCallback({ from: 'Anonymous', direction: 'inbound' })],
  ['from is Private', () => disconnectCallback({ from: 'Private', direction: 'inbound' })],
  ['from is Restricted', () => disconnectCallback({ from: 'Restricted', direction: 'inbound' })],
  ['from is Unavailable', () => disconnectCallback({ from: 'Unavailable', direction: 'inbound' })],
  ['to is a SIP URI', () => disconnectCallback({ to: 'sip:+15553334444@sip.example.com;transport=tls' })],
  ['from is a national number without +', () => disconnectCallback({ from: '5551112222' })],
  ['an undocumented cause', () => disconnectCallback({ cause: 'carrier-congestion' })],
  ['an undocumented direction', () => disconnectCallback({ direction: 'internal' })],
  [
    'errorMessage and errorId on a busy (non-error) cause',
    () => disconnectCallback({ cause: 'busy', errorMessage: 'Callee is busy', errorId: 'e-1' }),
  ],
  [
    'a never-answered call: answerTime absent',
    () => withoutTimes(disconnectCallback({ cause: 'timeout' }), 'answerTime'),
  ],
  [
    'answerTime and enqueuedTime null',
    () => disconnectCallback({ cause: 'cancel', answerTime: null, enqueuedTime: null }),
  ],
  [
    'times as empty strings (older documented example)',
    () => disconnectCallback({ cause: 'timeout', answerTime: '', enqueuedTime: '', eventTime: '' }),
  ],
  [
    'every optional time absent',
    () => withoutTimes(disconnectCallback(), 'eventTime', 'enqueuedTime', 'startTime', 'answerTime', 'endTime'),
  ],
  ['startTime and endTime null', () => disconnectCallback({ startTime: null, endTime: null })],
  [
    'times with an offset instead of Z',
    () => disconnectCallback({ startTime: '2026-11-20T10:54:22.234-05:00', endTime: '2026-11-20T10:58:04.911-05:00' }),
  ],
  [
    'times without milliseconds',
    () => disconnectCallback({ startTime: '2026-11-20T15:54:22Z', endTime: '2026-11-20T15:58:04Z' }),
  ],
  ['tag null', () => disconnectCallback({ tag: null })],
  ['tag absent', () => withoutTimes(disconnectCallback(), 'tag')],
  ['tag empty', () => disconnectCallback({ tag: '' })],
  ['a JSON document in tag', () => disconnectCallback({ tag: '{"customer":"42","campaign":"spring"}' })],
  ['errorMessage and errorId null', () => disconnectCallback({ cause: 'hangup', errorMessage: null, errorId: null })],
  [
    'the newest fields sipCallId and sipResponseCode',
    () => disconnectCallback({ sipCallId: 'a84b4c76e66710@pc33.example.com', sipResponseCode: 486 }),
  ],
  ['sipResponseCode null', () => disconnectCallback({ sipResponseCode: null })],
  ['an unknown string field', () => disconnectCallback({ parentCallId: 'c-parent-0001' })],
  [
    'unknown fields of every JSON type',
    () =>
      disconnectCallback({
        futureFlag: true,
        futureCount: 3,
        futureRatio: 0.25,
        futureNothing: null,
        futureList: ['a', 1, false],
        futureObject: { nested: { deeper: 'yes' } },
      }),
  ],
  [
    'an unknown field with an empty string and an empty object',
    () => disconnectCallback({ futureEmpty: '', futureEmptyObject: {}, futureEmptyList: [] }),
  ],
  [
    'a field named constructor (no prototype inside)',
    () => disconnectCallback({ constructor: 'not a prototype', toString: 'plain' }),
  ],
  ['non-ASCII text and emoji', () => disconnectCallback({ tag: 'Zoë — ☎️ 日本語', errorMessage: 'Lá ü' })],
  ['a callId of exactly 2,048 bytes of UTF-8', () => disconnectCallback({ callId: `${'€'.repeat(682)}ab` })],
  ["a value nested 32 levels deep (DynamoDB's limit)", () => disconnectCallback({ extra: nested(31) })],
  [
    'the largest safe integer and a tiny fraction',
    () => disconnectCallback({ big: Number.MAX_SAFE_INTEGER, small: 1e-100 }),
  ],
];

describe('real traffic is stored verbatim', () => {
  let stores: TestStores;
  let handler: Handler;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores);
  });

  it.each(quirks)('%s', async (_, make) => {
    const callback = make();
    const answer = await send(handler, httpApiEvent({ body: JSON.stringify(callback) }));
    expect(answer.status).toBe(204);
    expect(answer.body ?? '').toBe('');
    expect(answer.headers['x-disconnect-outcome']).toBe('recorded');

    const item = await storedItem(stores, String(callback['callId']));
    const stored = Object.fromEntries(Object.keys(callback).map((name) => [name, item?.[name]]));
    expect(stored).toEqual(callback);
    // Absent fields stay absent: nothing Bandwidth did not send is invented under its names.
    for (const name of ['answerTime', 'tag', 'eventTime', 'enqueuedTime', 'startTime', 'endTime']) {
      if (!(name in callback)) expect(item).not.toHaveProperty(name);
    }
  });
});
