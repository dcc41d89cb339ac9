import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../tools/records/listing.ts';
import { daysNewestFirst, endedAtBounds, parseRange, parseTime } from '../../../tools/records/time-range.ts';

const NOW = new Date('2024-05-03T12:00:00.000Z');

describe('times on the command line', () => {
  it.each([
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T13:30:00Z', '2024-05-01T13:30:00.000Z'],
    ['2024-05-01T13:30Z', '2024-05-01T13:30:00.000Z'],
    ['2024-05-01T15:30:00.250+02:00', '2024-05-01T13:30:00.250Z'],
    ['now', '2024-05-03T12:00:00.000Z'],
    ['today', '2024-05-03T00:00:00.000Z'],
    ['yesterday', '2024-05-02T00:00:00.000Z'],
    ['90m', '2024-05-03T10:30:00.000Z'],
    ['24h', '2024-05-02T12:00:00.000Z'],
    ['7d', '2024-04-26T12:00:00.000Z'],
    ['2w', '2024-04-19T12:00:00.000Z'],
  ])('%s is %s', (text, instant) => {
    expect(parseTime(text, NOW, '--from').toISOString()).toBe(instant);
  });

  it('defaults to the 24 hours before now', () => {
    const range = parseRange(undefined, undefined, NOW);
    expect([range.from.toISOString(), range.to.toISOString()]).toEqual([
      '2024-05-02T12:00:00.000Z',
      '2024-05-03T12:00:00.000Z',
    ]);
  });

  it('defaults --from to 24 hours before the --to given', () => {
    expect(parseRange(undefined, '2024-05-01', NOW).from.toISOString()).toBe('2024-04-30T00:00:00.000Z');
  });
});

describe('which days a range reads', () => {
  it('every UTC day it touches, newest first; --to at midnight leaves that day out', () => {
    expect(daysNewestFirst({ from: new Date('2024-04-30T23:00:00Z'), to: new Date('2024-05-03T00:00:00Z') })).toEqual([
      '2024-05-02',
      '2024-05-01',
      '2024-04-30',
    ]);
    expect(
      daysNewestFirst({ from: new Date('2024-05-03T00:00:00Z'), to: new Date('2024-05-03T00:00:00.001Z') }),
    ).toEqual(['2024-05-03']);
  });

  it('across a month and a leap day', () => {
    expect(daysNewestFirst({ from: new Date('2024-02-28T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z') })).toEqual([
      '2024-03-01',
      '2024-02-29',
      '2024-02-28',
    ]);
  });

  it('bounds the sort key to the millisecond before --to', () => {
    expect(endedAtBounds({ from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') })).toEqual({
      first: '2024-05-01T00:00:00.000Z',
      last: '2024-05-01T23:59:59.999Z',
    });
  });
});

describe('list cursors', () => {
  const range = { from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-04T00:00:00Z') };
  it('carry the position of the last record shown, and survive the command line', () => {
    const cursor = encodeCursor({
      callId: 'c-1 /+=',
      endedDay: '2024-05-02',
      endedAt: '2024-05-02T10:00:00.000Z',
      cause: 'busy',
    });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, range)).toEqual({
      endedDay: '2024-05-02',
      endedAt: '2024-05-02T10:00:00.000Z',
      callId: 'c-1 /+=',
    });
  });
});
