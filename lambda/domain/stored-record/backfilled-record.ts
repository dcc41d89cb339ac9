/**
 * The item reconciliation writes for a call Bandwidth ended whose callback never reached the recorder: the call's
 * fields from Bandwidth's call list under the callback's names, with the recorder's derived attributes computed
 * exactly as for a callback (toDisconnectRecord), and `recordedFrom: "call-list"` so that the real callback, when
 * it comes, replaces it. A listed call with a `parentCallId` is a transfer leg: its item is the `transferDisconnect`
 * Bandwidth would have sent, its `legOf` derived from `parentCallId` as for the callback.
 */
import type { RecordedCallback } from '../callback/validate.ts';
import { type DisconnectRecord, toDisconnectRecord } from './disconnect-record.ts';

export const CALL_LIST = 'call-list';

/** One call as Bandwidth's Voice API lists it (`GET /accounts/{accountId}/calls`); values as Bandwidth sent them. */
export interface ListedCall {
  callId: string;
  state?: unknown;
  [field: string]: unknown;
}

export type BackfilledRecord = DisconnectRecord & { recordedFrom: typeof CALL_LIST };

/** The call's fields a disconnect callback carries under the same name (the contract's list). */
const SAME_NAME = [
  'accountId',
  'applicationId',
  'from',
  'to',
  'direction',
  'startTime',
  'endTime',
  'errorMessage',
  'errorId',
] as const;

/**
 * The call a leg belongs to: a non-empty `parentCallId` ("set only if this call is the B-leg of a <Transfer>"). The
 * list types it as a nullable string and an ordinary call may carry `null`: such a call is no leg, and its item, a
 * disconnect's, has neither `parentCallId` (a disconnect callback carries none) nor `legOf`.
 */
export function parentOf(call: ListedCall): string | undefined {
  const parent = call['parentCallId'];
  return typeof parent === 'string' && parent !== '' ? parent : undefined;
}

/** Bandwidth's list says `disconnected` once a call has ended; `initiated` and `answered` calls are still live. */
export function hasEnded(call: ListedCall): boolean {
  return call.state === 'disconnected';
}

/** The callback Bandwidth would have sent for this call, as far as the call list knows it. */
export function callbackOfCall(call: ListedCall): RecordedCallback {
  const parentCallId = parentOf(call);
  const callback: Record<string, unknown> = {
    eventType: parentCallId === undefined ? 'disconnect' : 'transferDisconnect',
    callId: call.callId,
  };
  if (parentCallId !== undefined) callback['parentCallId'] = parentCallId;
  for (const name of SAME_NAME) {
    if (call[name] !== undefined) callback[name] = call[name];
  }
  if (parentCallId !== undefined) {
    // The list gives a leg its own numbers, which its callback names transferCallerId and transferTo.
    if (call['from'] !== undefined) callback['transferCallerId'] = call['from'];
    if (call['to'] !== undefined) callback['transferTo'] = call['to'];
  }
  if (call['disconnectCause'] !== undefined) callback['cause'] = call['disconnectCause'];
  // A never-answered call lists answerTime as null or absent; the callback leaves it out then, so does the item.
  const answerTime = call['answerTime'];
  if (typeof answerTime === 'string' && answerTime !== '') callback['answerTime'] = answerTime;
  return callback as RecordedCallback;
}

/**
 * The backfilled item. `receivedAt` is when reconciliation wrote it (the recorder never received a callback).
 * Pure: the same call and time give the same item.
 */
export function toBackfilledRecord(call: ListedCall, writtenAt: Date, retentionDays?: number): BackfilledRecord {
  return { ...toDisconnectRecord(callbackOfCall(call), writtenAt, retentionDays), recordedFrom: CALL_LIST };
}
