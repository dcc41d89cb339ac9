import { describe, expect, it } from 'vitest';
import type { DisconnectCallback } from '../../../../lambda/domain/callback/validate.ts';
import { toDisconnectRecord } from '../../../../lambda/domain/stored-record/disconnect-record.ts';

const received = new Date('2026-11-20T10:02:00.000Z');
const base: DisconnectCallback = {
  eventType: 'disconnect',
  callId: 'c-1',
  eventTime: '2026-11-20T10:01:06.000Z',
  startTime: '2026-11-20T10:00:00.000Z',
  answerTime: '2026-11-20T10:00:05.250Z',
  endTime: '2026-11-20T10:01:05.500Z',
  cause: 'hangup',
};

describe('the stored record', () => {
  it('keeps every field and adds when it was received, whether it was answered, duration and ring time', () => {
    expect(toDisconnectRecord({ ...base, somethingNew: { nested: [1, 'two'] } }, received)).toStrictEqual({
      ...base,
      somethingNew: { nested: [1, 'two'] },
      receivedAt: '2026-11-20T10:02:00.000Z',
      answered: true,
      durationSeconds: 60.25,
      ringSeconds: 5.25,
      endedAt: '2026-11-20T10:01:05.500Z',
      endedDay: '2026-11-20',
    });
  });

  it('a call never answered has no duration, and rang until it ended', () => {
    const record = toDisconnectRecord({ ...base, answerTime: null, cause: 'timeout' }, received);
    expect(record.answered).toBe(false);
    expect(record).not.toHaveProperty('durationSeconds');
    expect(record.ringSeconds).toBe(65.5);
    expect(record.answerTime).toBeNull();
  });

  it('an empty answerTime means not answered, and the empty string is kept as sent', () => {
    const record = toDisconnectRecord({ ...base, answerTime: '' }, received);
    expect(record.answered).toBe(false);
    expect(record.answerTime).toBe('');
  });

  it('without an endTime the call is placed by eventTime, else by when it was received', () => {
    const { endTime: _end, ...withoutEnd } = base;
    expect(toDisconnectRecord(withoutEnd, received).endedAt).toBe('2026-11-20T10:01:06.000Z');
    const { eventTime: _event, ...withoutTimes } = withoutEnd;
    const record = toDisconnectRecord(withoutTimes, received);
    expect(record.endedAt).toBe('2026-11-20T10:02:00.000Z');
    expect(record).not.toHaveProperty('durationSeconds');
  });

  it('a time zone offset is normalised to UTC for the day index', () => {
    const record = toDisconnectRecord({ ...base, endTime: '2026-11-20T23:30:00-05:00' }, received);
    expect(record.endedAt).toBe('2026-11-21T04:30:00.000Z');
    expect(record.endedDay).toBe('2026-11-21');
  });

  it('with a retention, expiresAt is that many days after the call ended (epoch seconds)', () => {
    const record = toDisconnectRecord(base, received, 30);
    expect(record.expiresAt).toBe(Math.floor(Date.parse(base.endTime as string) / 1000) + 30 * 86_400);
    expect(toDisconnectRecord(base, received)).not.toHaveProperty('expiresAt');
  });
});
