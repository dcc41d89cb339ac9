import type { RecordedCallback } from '../callback/validate.ts';
import { type CallTime, readCallTime } from './call-time.ts';

/** What the recorder adds to each callback, under names Bandwidth does not use (the schema reserves them). */
export interface RecorderAttributes {
  /** When the recorder received the callback (ISO 8601, UTC). */
  receivedAt: string;
  /** Whether the call was answered (it has an answerTime, even one off the spec: neither absent, null nor empty). */
  answered: boolean;
  /** answerTime → endTime, in seconds (millisecond precision), for answered calls. */
  durationSeconds?: number;
  /** startTime → answerTime (answered) or → endTime (never answered), in seconds. */
  ringSeconds?: number;
  /**
   * When the call ended: endTime, else eventTime, else receivedAt, as ISO 8601 UTC (a leap second keeps its `:60`).
   * Sort key of the byDay index.
   */
  endedAt: string;
  /** The UTC day (YYYY-MM-DD) of endedAt. Partition key of the byDay index, for time-range queries. */
  endedDay: string;
  /** Epoch seconds after which DynamoDB TTL may delete the record; only when a retention is configured. */
  expiresAt?: number;
  /** Only on an item written by reconciliation from Bandwidth's call list: `call-list`. A callback's item has none. */
  recordedFrom?: 'call-list';
  /**
   * The call this one is a transfer leg of: `parentCallId`, copied only when it is a call id a DynamoDB key can hold.
   * Partition key of the byParent index, which cannot hold null, empty or another type: so the recorder's own
   * attribute, absent on calls that are not legs, while `parentCallId` stays exactly as Bandwidth sent it.
   */
  legOf?: string;
  /** How the callback deviates from Bandwidth's spec (stored as sent all the same); only when it does. */
  specDeviations?: string[];
}

/** A call's record (`disconnect`) or a transfer leg's (`transferDisconnect`, with its `parentCallId` and `legOf`). */
export type DisconnectRecord = RecordedCallback & RecorderAttributes;

/** The recorder's own attribute names; the schema forbids them in a callback, so nothing Bandwidth sent is overwritten. */
export const RECORDER_ATTRIBUTES = [
  'receivedAt',
  'answered',
  'durationSeconds',
  'ringSeconds',
  'endedAt',
  'endedDay',
  'expiresAt',
  'recordedFrom',
  'legOf',
  'specDeviations',
] as const satisfies readonly (keyof RecorderAttributes)[];

/** DynamoDB's limit on a partition key, in bytes of UTF-8 (the schema's maxUtf8Bytes says the same). */
const KEY_BYTES = 2048;

/** The call a record is a leg of: its `parentCallId` when a DynamoDB key can hold it (a non-empty string, short enough). */
export function legOf(parentCallId: unknown): string | undefined {
  return typeof parentCallId === 'string' && parentCallId !== '' && Buffer.byteLength(parentCallId, 'utf8') <= KEY_BYTES
    ? parentCallId
    : undefined;
}

/** Seconds between two instants, to the millisecond; undefined when either is unknown or they are out of order. */
function seconds(from: CallTime | undefined, to: CallTime | undefined): number | undefined {
  return from === undefined || to === undefined || to.ms < from.ms ? undefined : (to.ms - from.ms) / 1000;
}

/**
 * The item stored for a callback: every field of the callback under its own name, value unchanged (unknown
 * fields included), plus the recorder's attributes and, when there are any, the callback's deviations from
 * Bandwidth's spec. Pure: the same callback and time give the same item. Reconciliation derives the same attributes
 * for a call from Bandwidth's call list, so any object of the callback's shape will do.
 */
export function toDisconnectRecord(
  callback: RecordedCallback,
  receivedAt: Date,
  retentionDays?: number,
  specDeviations: readonly string[] = [],
): DisconnectRecord {
  const start = readCallTime(callback.startTime);
  const answer = readCallTime(callback.answerTime);
  const end = readCallTime(callback.endTime);
  const received = { ms: receivedAt.getTime(), utc: receivedAt.toISOString() };
  const ended = end ?? readCallTime(callback.eventTime) ?? received;

  const attributes: RecorderAttributes = {
    receivedAt: received.utc,
    answered:
      answer !== undefined ||
      (callback.answerTime !== undefined && callback.answerTime !== null && callback.answerTime !== ''),
    endedAt: ended.utc,
    // Up to the T: a time offset before year 0000 in UTC is a six-digit year (`-000001-12-31T…`).
    endedDay: ended.utc.slice(0, ended.utc.indexOf('T')),
  };
  const duration = seconds(answer, end);
  if (duration !== undefined) attributes.durationSeconds = duration;
  // Answered at a time that cannot be read: when ringing stopped is unknown, so no ring time (not ring + talk).
  const ring = seconds(start, attributes.answered ? answer : end);
  if (ring !== undefined) attributes.ringSeconds = ring;
  const parent = legOf(callback['parentCallId']);
  if (parent !== undefined) attributes.legOf = parent;
  if (retentionDays !== undefined) attributes.expiresAt = Math.floor(ended.ms / 1000) + retentionDays * 86_400;
  if (specDeviations.length > 0) attributes.specDeviations = [...specDeviations];
  // The schema forbids the recorder's names in a callback, so the spread overwrites nothing Bandwidth sent.
  return { ...callback, ...attributes } as DisconnectRecord;
}
