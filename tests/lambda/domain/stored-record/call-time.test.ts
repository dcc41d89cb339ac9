/**
 * Every time a callback may carry is read as the instant it names, so endedAt, endedDay (the day index) and the
 * durations are right: the forms Date.parse cannot read (leap seconds, hour-only and basic offsets) included.
 */
import { describe, expect, it } from 'vitest';
import { readCallTime } from '../../../../lambda/domain/stored-record/call-time.ts';
import { toDisconnectRecord } from '../../../../lambda/domain/stored-record/disconnect-record.ts';

const readAs: [time: string, utc: string][] = [
  ['2019-06-20T15:55:54.123Z', '2019-06-20T15:55:54.123Z'],
  ['2019-06-20T15:55:54.123+05', '2019-06-20T10:55:54.123Z'],
  ['2019-06-20T15:55:54.123+0530', '2019-06-20T10:25:54.123Z'],
  ['2019-06-20T15:55:54.123+05:30', '2019-06-20T10:25:54.123Z'],
  ['2019-06-20T15:55:54-0930', '2019-06-21T01:25:54.000Z'],
  ['2019-12-27T19:18:23.320006Z', '2019-12-27T19:18:23.320Z'],
  ['2019-12-27T19:18:23.3200069999Z', '2019-12-27T19:18:23.320Z'],
  ['2019-12-27T19:18:23.3Z', '2019-12-27T19:18:23.300Z'],
  ['2019-12-27T19:18:23,25Z', '2019-12-27T19:18:23.250Z'],
  ['2022-06-17T22:20Z', '2022-06-17T22:20:00.000Z'],
  ['2022-06-17t22:20:00z', '2022-06-17T22:20:00.000Z'],
  ['2022-06-17 22:20:00Z', '2022-06-17T22:20:00.000Z'],
  ['2016-12-31T23:59:60Z', '2016-12-31T23:59:60.000Z'],
  ['2016-12-31T23:59:60.5Z', '2016-12-31T23:59:60.500Z'],
  ['2017-01-01T05:29:60+05:30', '2016-12-31T23:59:60.000Z'],
  ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
  ['0001-07-14T21:49:51.123Z', '0001-07-14T21:49:51.123Z'],
  ['0099-12-31T23:59:59Z', '0099-12-31T23:59:59.000Z'],
  ['0004-02-29T00:00:00Z', '0004-02-29T00:00:00.000Z'],
  ['0000-02-29T00:00:00Z', '0000-02-29T00:00:00.000Z'],
  ['0100-01-01T00:30:00+01:00', '0099-12-31T23:30:00.000Z'],
  ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
];

const unreadable = [
  '',
  'yesterday',
  '2026-11-20',
  '2026-11-20T15:58:04.911',
  '2026-02-30T10:00:00Z',
  '2023-02-29T10:00:00Z',
  '2026-11-20T24:00:00Z',
  '2026-11-20T15:60:00Z',
  '2026-11-20T15:58:61Z',
  '2016-12-31T12:59:60Z',
  '2026-11-20T15:58:04+24',
  '0100-02-29T00:00:00Z',
  '0001-02-29T00:00:00Z',
];

describe('reading a callback time', () => {
  it.each(readAs)('%s is the instant %s', (time, utc) => {
    expect(readCallTime(time)?.utc).toBe(utc);
  });

  it.each(unreadable)('%j names no instant', (time) => {
    expect(readCallTime(time)).toBeUndefined();
  });

  it('a leap second lasts one second on the clock: 23:59:59 → 23:59:60 → 00:00:00', () => {
    const before = readCallTime('2016-12-31T23:59:59Z')?.ms ?? NaN;
    const leap = readCallTime('2016-12-31T23:59:60Z')?.ms ?? NaN;
    expect(leap - before).toBe(1000);
    expect(readCallTime('2017-01-01T00:00:00Z')?.ms).toBe(leap);
  });
});

describe('the record filed by the time the call ended', () => {
  const received = new Date('2026-11-20T10:02:00.000Z');
  const call = (answerTime: string, endTime: string) =>
    toDisconnectRecord({ eventType: 'disconnect', callId: 'c-t', answerTime, endTime }, received);

  it('a call ending on a leap second is filed under the day it belongs to, with its duration', () => {
    expect(call('2016-12-31T23:59:50Z', '2016-12-31T23:59:60Z')).toMatchObject({
      endedAt: '2016-12-31T23:59:60.000Z',
      endedDay: '2016-12-31',
      durationSeconds: 10,
    });
  });

  it('an hour-only offset is read, so the call is filed under its UTC day', () => {
    expect(call('2019-06-20T01:00:00.000+05', '2019-06-20T03:55:54.123+05')).toMatchObject({
      endedAt: '2019-06-19T22:55:54.123Z',
      endedDay: '2019-06-19',
      durationSeconds: 10554.123,
    });
  });

  it('times without seconds (the python-sdk fixture) still place and time the call', () => {
    expect(call('2022-06-17T22:20Z', '2022-06-17T22:21Z')).toMatchObject({
      endedAt: '2022-06-17T22:21:00.000Z',
      endedDay: '2022-06-17',
      durationSeconds: 60,
    });
  });

  it.each([
    ['0001', '0001-07-14', 1],
    ['0050', '0050-07-14', 50],
    ['0099', '0099-07-14', 99],
    ['1899', '1899-07-14', 1899],
  ])('a call in the year %s is filed under its own day, with its durations', (year, day) => {
    const record = toDisconnectRecord(
      {
        eventType: 'disconnect',
        callId: 'c-t',
        startTime: `${year}-07-14T21:49:41.123Z`,
        answerTime: `${year}-07-14T21:49:45.123Z`,
        endTime: `${year}-07-14T21:49:51.123Z`,
      },
      received,
    );
    expect(record).toMatchObject({
      endedAt: `${day}T21:49:51.123Z`,
      endedDay: day,
      durationSeconds: 6,
      ringSeconds: 4,
    });
  });

  it('a call that spans the years 99 and 100 lasts the seconds it lasted', () => {
    expect(call('0099-12-31T23:59:00Z', '0100-01-01T00:01:00Z')).toMatchObject({
      endedDay: '0100-01-01',
      durationSeconds: 120,
    });
  });

  it('an endTime before year 0000 in UTC is filed under its own (six-digit) day', () => {
    expect(call('0000-01-01T00:00:00+02:00', '0000-01-01T00:30:00+02:00')).toMatchObject({
      endedAt: '-000001-12-31T22:30:00.000Z',
      endedDay: '-000001-12-31',
      durationSeconds: 1800,
    });
  });

  it('an unreadable endTime falls back to eventTime, never to a wrong instant', () => {
    const record = toDisconnectRecord(
      {
        eventType: 'disconnect',
        callId: 'c-t',
        endTime: 'soon',
        eventTime: '2026-11-19T08:00:00+0100',
        answerTime: 'later',
      },
      received,
    );
    expect(record).toMatchObject({ endedAt: '2026-11-19T07:00:00.000Z', endedDay: '2026-11-19', answered: true });
    expect(record).not.toHaveProperty('durationSeconds');
  });
});
