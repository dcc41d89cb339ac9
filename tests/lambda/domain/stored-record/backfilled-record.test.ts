import { describe, expect, it } from 'vitest';
import {
  callbackOfCall,
  hasEnded,
  toBackfilledRecord,
} from '../../../../lambda/domain/stored-record/backfilled-record.ts';
import { toDisconnectRecord } from '../../../../lambda/domain/stored-record/disconnect-record.ts';

const call = {
  callId: 'c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85',
  parentCallId: null,
  applicationId: '04e88489-df02-4e34-a0ee-27a91849555f',
  accountId: '9900001',
  to: '+19195554312',
  from: 'Anonymous',
  direction: 'inbound',
  state: 'disconnected',
  startTime: '2026-11-20T10:00:00.000Z',
  answerTime: null,
  endTime: '2026-11-20T10:00:30.000Z',
  disconnectCause: 'timeout',
  errorMessage: null,
  errorId: null,
  lastUpdate: '2026-11-20T10:00:30.100Z',
};
const writtenAt = new Date('2026-11-20T11:00:00.000Z');

describe('a backfilled record', () => {
  it('is the callback Bandwidth would have sent: cause from disconnectCause, no answerTime for a call never answered', () => {
    expect(callbackOfCall(call)).toStrictEqual({
      eventType: 'disconnect',
      callId: call.callId,
      accountId: '9900001',
      applicationId: call.applicationId,
      from: 'Anonymous',
      to: '+19195554312',
      direction: 'inbound',
      startTime: '2026-11-20T10:00:00.000Z',
      endTime: '2026-11-20T10:00:30.000Z',
      errorMessage: null,
      errorId: null,
      cause: 'timeout',
    });
  });

  it("has the recorder's attributes derived as for a callback, and says it came from the call list", () => {
    expect(toBackfilledRecord(call, writtenAt, 30)).toStrictEqual({
      ...toDisconnectRecord(callbackOfCall(call), writtenAt, 30),
      recordedFrom: 'call-list',
    });
    expect(toBackfilledRecord(call, writtenAt)).toMatchObject({
      answered: false,
      ringSeconds: 30,
      endedDay: '2026-11-20',
    });
  });

  it('leaves out a null or empty parentCallId: the call is no leg, linked to no call (no legOf)', () => {
    expect(callbackOfCall(call)).not.toHaveProperty('parentCallId');
    expect(callbackOfCall({ ...call, parentCallId: '' })).not.toHaveProperty('parentCallId');
    expect(toBackfilledRecord(call, writtenAt)).not.toHaveProperty('legOf');
    expect(toBackfilledRecord({ ...call, parentCallId: '' }, writtenAt)).not.toHaveProperty('legOf');
  });

  it('is the transferDisconnect Bandwidth would have sent for a listed leg, linked to its call', () => {
    const leg = {
      ...call,
      callId: 'c-leg-1',
      parentCallId: call.callId,
      from: '+19195550100',
      to: '+19195550199',
      direction: 'outbound',
    };
    expect(toBackfilledRecord(leg, writtenAt)).toMatchObject({
      eventType: 'transferDisconnect',
      callId: 'c-leg-1',
      parentCallId: call.callId,
      from: '+19195550100',
      to: '+19195550199',
      transferCallerId: '+19195550100',
      transferTo: '+19195550199',
      cause: 'timeout',
      recordedFrom: 'call-list',
      legOf: call.callId,
    });
  });

  it('counts a call as ended only once Bandwidth lists it disconnected', () => {
    expect(hasEnded(call)).toBe(true);
    expect(hasEnded({ ...call, state: 'answered' })).toBe(false);
    expect(hasEnded({ ...call, state: 'initiated' })).toBe(false);
  });
});
