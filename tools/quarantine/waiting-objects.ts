/**
 * What waits in the fallback bucket, object by object: its kind (the prefix it is under), age, reason and callId
 * as its envelope says — or why the envelope cannot be read (junk that replay can never store).
 */
import {
  type ParkedCallback,
  type ParkedCallbacks,
  type ParkedKind,
  PREFIXES,
} from '../../lambda/adapters/parked-callbacks.ts';
import { maskPhoneNumber, PHONE_NUMBER_FIELDS } from '../../lambda/log/logger.ts';

export const KINDS = Object.keys(PREFIXES) as ParkedKind[];

export interface WaitingObject {
  key: string;
  kind: ParkedKind;
  /** From the envelope, else the date-time in the key (parkedKey puts it there). */
  receivedAt: string | undefined;
  callId: string | undefined;
  reason: string;
  /** The envelope, when it can be read. */
  envelope: ParkedCallback | undefined;
}

export interface Filter {
  kinds: readonly ParkedKind[];
  /** Only objects received before this time. */
  before?: Date | undefined;
  /** Only objects whose reason contains this text. */
  reason?: string | undefined;
}

export function kindOfKey(key: string): ParkedKind | undefined {
  return KINDS.find((kind) => key.startsWith(PREFIXES[kind]));
}

function timeInKey(key: string): string | undefined {
  const match = /\/(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_/.exec(key);
  return match?.[1];
}

/** One object, read (`undefined`: no such object); an unreadable envelope is described, not thrown. */
export async function readWaiting(
  parked: ParkedCallbacks,
  key: string,
  kind: ParkedKind,
): Promise<WaitingObject | undefined> {
  try {
    const envelope = await parked.read(key);
    if (envelope === undefined) return undefined;
    return { key, kind, receivedAt: envelope.receivedAt, callId: envelope.callId, reason: envelope.reason, envelope };
  } catch (error) {
    if (
      !(error instanceof SyntaxError) &&
      !(error instanceof Error && error.message.startsWith('not a parked callback'))
    )
      throw error;
    return {
      key,
      kind,
      receivedAt: timeInKey(key),
      callId: undefined,
      reason: `unreadable: ${error.message}`,
      envelope: undefined,
    };
  }
}

function matches(object: WaitingObject, filter: Filter): boolean {
  if (filter.before !== undefined) {
    const received = object.receivedAt === undefined ? Number.NaN : Date.parse(object.receivedAt);
    if (!(received < filter.before.getTime())) return false;
  }
  return filter.reason === undefined || object.reason.toLowerCase().includes(filter.reason.toLowerCase());
}

const READS_AT_ONCE = 8;

/** Every waiting object of the chosen kinds that passes the filter, oldest first within a kind. */
export async function listWaiting(parked: ParkedCallbacks, filter: Filter): Promise<WaitingObject[]> {
  const found: WaitingObject[] = [];
  for (const kind of filter.kinds) {
    const keys: string[] = [];
    for await (const key of parked.keys(kind)) keys.push(key);
    for (let i = 0; i < keys.length; i += READS_AT_ONCE) {
      const batch = await Promise.all(keys.slice(i, i + READS_AT_ONCE).map((key) => readWaiting(parked, key, kind)));
      // An object gone since the listing (a replay stored it meanwhile) no longer waits.
      found.push(...batch.filter((object): object is WaitingObject => object !== undefined && matches(object, filter)));
    }
  }
  return found;
}

/** 40s, 12m, 5h 02m, 3d 04h: how long an object has waited. */
export function formatAge(receivedAt: string | undefined, now: Date): string {
  const ms = receivedAt === undefined ? Number.NaN : now.getTime() - Date.parse(receivedAt);
  if (Number.isNaN(ms)) return '?';
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/**
 * The envelope with the callback's phone numbers masked as the logs mask them (PHONE_NUMBER_FIELDS) of a body that is
 * JSON, every long digit run of one that is not (a callId is left whole).
 */
export function maskedEnvelope(envelope: ParkedCallback): ParkedCallback {
  let body: string;
  try {
    const fields: unknown = JSON.parse(envelope.input.body);
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new SyntaxError('not an object');
    const masked: Record<string, unknown> = { ...(fields as Record<string, unknown>) };
    for (const name of PHONE_NUMBER_FIELDS) if (name in masked) masked[name] = maskPhoneNumber(masked[name]);
    body = JSON.stringify(masked);
  } catch {
    body = String(maskPhoneNumber(envelope.input.body));
  }
  return { ...envelope, input: { ...envelope.input, body } };
}
