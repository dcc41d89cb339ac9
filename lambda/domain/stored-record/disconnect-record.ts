import type { DisconnectCallback } from '../callback/validate.ts';

/** What the recorder adds to each callback, under names Bandwidth does not use (the schema reserves them). */
export interface RecorderAttributes {
  /** When the recorder received the callback (ISO 8601, UTC). */
  receivedAt: string;
  /** Whether the call was answered (it has an answerTime). */
  answered: boolean;
  /** answerTime → endTime, in seconds (millisecond precision), for answered calls. */
  durationSeconds?: number;
  /** startTime → answerTime (answered) or → endTime (never answered), in seconds. */
  ringSeconds?: number;
  /** When the call ended: endTime, else eventTime, else receivedAt, as ISO 8601 UTC. Sort key of the byDay index. */
  endedAt: string;
  /** The UTC day (YYYY-MM-DD) of endedAt. Partition key of the byDay index, for time-range queries. */
  endedDay: string;
  /** Epoch seconds after which DynamoDB TTL may delete the record; only when a retention is configured. */
  expiresAt?: number;
  /** Only on an item written by reconciliation from Bandwidth's call list: `call-list`. A callback's item has none. */
  recordedFrom?: 'call-list';
}

export type DisconnectRecord = DisconnectCallback & RecorderAttributes;

/** The recorder's own attribute names; the schema forbids them in a callback, so nothing Bandwidth sent is overwritten. */
export const RECORDER_ATTRIBUTES = [
  'receivedAt', 'answered', 'durationSeconds', 'ringSeconds', 'endedAt', 'endedDay', 'expiresAt', 'recordedFrom',
] as const satisfies readonly (keyof RecorderAttributes)[];

function instant(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Seconds between two instants, to the millisecond; undefined when either is unknown or they are out of order. */
function seconds(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined || to < from ? undefined : (to - from) / 1000;
}

/**
 * The item stored for a callback: every field of the callback under its own name, value unchanged (unknown
 * fields included), plus the recorder's attributes. Pure: the same callback and time give the same item.
 */
export function toDisconnectRecord(
  callback: DisconnectCallback,
  receivedAt: Date,
  retentionDays?: number,
): DisconnectRecord {
  const start = instant(callback.startTime);
  const answer = instant(callback.answerTime);
  const end = instant(callback.endTime);
  const ended = end ?? instant(callback.eventTime) ?? receivedAt.getTime();
  const endedAt = new Date(ended).toISOString();

  const attributes: RecorderAttributes = {
    receivedAt: receivedAt.toISOString(),
    answered: answer !== undefined,
    endedAt,
    endedDay: endedAt.slice(0, 10),
  };
  const duration = seconds(answer, end);
  if (duration !== undefined) attributes.durationSeconds = duration;
  const ring = seconds(start, answer ?? end);
  if (ring !== undefined) attributes.ringSeconds = ring;
  if (retentionDays !== undefined) attributes.expiresAt = Math.floor(ended / 1000) + retentionDays * 86_400;
  // The schema forbids the recorder's names in a callback, so the spread overwrites nothing Bandwidth sent.
  return { ...callback, ...attributes } as DisconnectRecord;
}
