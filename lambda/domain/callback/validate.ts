import type { ErrorObject, ValidateFunction } from 'ajv';
import type { DisconnectCallback } from './disconnect-callback.generated.ts';
import { ExactNumber, isIntegral, numberFromText } from './exact-number.ts';
import { QUERY_FORM_TYPES } from './query-form-types.generated.ts';
import { storabilityProblems } from './storable.ts';
import type { TransferDisconnectCallback } from './transfer-disconnect-callback.generated.ts';
import {
  validateDisconnectRecordTier,
  validateDisconnectSpecTier,
  validateTransferDisconnectRecordTier,
  validateTransferDisconnectSpecTier,
} from './validate-tiers.generated.cjs';

export type { DisconnectCallback, TransferDisconnectCallback };
/** A callback the recorder keeps: a call's end (`disconnect`) or a transfer leg's (`transferDisconnect`). */
export type RecordedCallback = DisconnectCallback | TransferDisconnectCallback;
export type CallbackForm = 'json' | 'query';

/** A callback the record cannot be made from (the record tier): what is wrong, in plain words, one per problem. */
export class CallbackRefused extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'CallbackRefused';
  }
}

/** A callback a record can be made from, and how it deviates from Bandwidth's spec (empty when it does not). */
export interface CallbackVerdict {
  callback: RecordedCallback;
  specDeviations: string[];
}

/** Each kept event type's schema, as its two tiers' validators. */
const TIERS: Readonly<Record<string, { name: string; record: ValidateFunction; spec: ValidateFunction }>> = {
  disconnect: { name: 'Disconnect', record: validateDisconnectRecordTier, spec: validateDisconnectSpecTier },
  transferDisconnect: {
    name: 'TransferDisconnect',
    record: validateTransferDisconnectRecordTier,
    spec: validateTransferDisconnectSpecTier,
  },
};
export const EVENT_TYPES: readonly string[] = Object.keys(TIERS);

/** Whether a stored record is a transfer leg's (a leg has no disconnect of its own). */
export function isTransferLeg(record: { eventType?: unknown }): boolean {
  return record.eventType === 'transferDisconnect';
}

/** The causes Bandwidth documents; the list is not exhaustive, so others are accepted (and logged). */
export const DOCUMENTED_CAUSES: ReadonlySet<string> = new Set([
  'hangup',
  'busy',
  'timeout',
  'cancel',
  'rejected',
  'callback-error',
  'invalid-bxml',
  'application-error',
  'account-limit',
  'node-capacity-exceeded',
  'error',
  'unknown',
]);

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  null: 'null',
};

const TIME_WORDS =
  'must be an ISO 8601 date-time with seconds and a time zone, such as 2026-11-20T15:58:04.911Z (or null or empty)';

/** Ajv's `params.type` ("string,null") in words: "a string or null". */
function typeWords(type: unknown): string {
  return String(type)
    .split(',')
    .map((name) => TYPE_WORDS[name] ?? name)
    .join(' or ');
}

/** What a JSON value is, in words, for a body that is not an object. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return 'nothing';
  }
}

function field(error: ErrorObject): string {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'required') {
    const missing = String(error.params['missingProperty']);
    return path === '' ? missing : `${path}.${missing}`;
  }
  return path === '' ? 'the body' : path;
}

/** Ajv's errors in plain words, one per failing field: "answerTime must be an ISO 8601 date-time ...". */
export function describeErrors(errors: readonly ErrorObject[]): string[] {
  const described = new Map<string, string>();
  for (const error of errors) {
    const name = field(error);
    if (described.has(name)) continue; // the first error per field is the telling one
    const params = error.params as Record<string, unknown>;
    let words: string;
    switch (error.keyword) {
      case 'required':
        words = 'is required';
        break;
      case 'type':
        words = `must be ${typeWords(params['type'])}`;
        break;
      case 'const':
        words = `must be ${JSON.stringify(params['allowedValue'])}`;
        break;
      case 'maxLength':
        words = `must be at most ${String(params['limit'])} characters`;
        break;
      case 'minLength':
        words = 'must not be empty';
        break;
      case 'maxUtf8Bytes':
        words = `must be at most ${String(params['limit'])} bytes of UTF-8`;
        break;
      case 'minimum':
        words = `must be at least ${String(params['limit'])}`;
        break;
      case 'maximum':
        words = `must be at most ${String(params['limit'])}`;
        break;
      // date-time is the schema's only other format; a time's anyOf says the same.
      case 'format':
      case 'anyOf':
        words = params['format'] === 'uri' ? 'must be a URI' : TIME_WORDS;
        break;
      case 'enum':
        words = `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      case 'not':
        words = 'is reserved for the recorder and cannot be sent';
        break;
      default:
        words = error.message ?? 'is invalid';
    }
    described.set(name, `${name} ${words}`);
  }
  return [...described.values()];
}

/**
 * The GET form's values are all text. Fields the schema types otherwise get the schema's type, in place, as Ajv's
 * `coerceTypes` would (tests/lambda/domain/callback/query-form-typing.test.ts holds the two side by side): "486" → 486 for an integer,
 * "" → null where null is allowed. Text that fits none of the types stays text, and the schema names the field.
 */
export function typeQueryForm(fields: Record<string, unknown>): void {
  const eventType = fields['eventType'];
  const typed = (typeof eventType === 'string' ? QUERY_FORM_TYPES[eventType] : undefined) ?? {};
  for (const [name, types] of Object.entries(typed)) {
    const text = fields[name];
    if (typeof text !== 'string') continue;
    for (const type of types) {
      const number = Number(text);
      if ((type === 'number' || type === 'integer') && text !== '' && !Number.isNaN(number)) {
        // Digits a double would drop are kept, as in a JSON body (exact-number.ts).
        const exact = numberFromText(text);
        if (exact instanceof ExactNumber) {
          if (type === 'number' || isIntegral(exact)) {
            fields[name] = exact;
            break;
          }
        } else if (type === 'number' || Number.isInteger(number)) {
          fields[name] = number;
          break;
        }
      } else if (type === 'boolean' && (text === 'true' || text === 'false')) {
        fields[name] = text === 'true';
        break;
      } else if (type === 'null' && text === '') {
        fields[name] = null;
        break;
      }
    }
  }
}

function eventTypeProblem(eventType: unknown): string {
  if (eventType === undefined) return 'eventType is required';
  return `eventType must be one of ${EVENT_TYPES.map((name) => JSON.stringify(name)).join(', ')}`;
}

/**
 * The schema's verdict on a parsed callback, tier by tier, by the schema of its event type. The record tier (a JSON object, eventType, callId, the
 * reserved names) and what DynamoDB can store refuse it (CallbackRefused, naming every problem); the spec tier only
 * names its deviations, and the callback is kept as sent. The GET form's values are typed by the schema first
 * (typeQueryForm).
 */
export function validateCallback(value: unknown, form: CallbackForm): CallbackVerdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CallbackRefused('the body is not a JSON object', [
      `the body must be a JSON object, not ${kindOf(value)}`,
    ]);
  }
  if (form === 'query') typeQueryForm(value as Record<string, unknown>);
  const eventType = (value as Record<string, unknown>)['eventType'];
  const known = typeof eventType === 'string' ? TIERS[eventType] : undefined;
  // An event type the recorder does not keep is named as such; the rest of the body is judged as a disconnect.
  const tiers = known ?? (TIERS['disconnect'] as NonNullable<typeof known>);
  const fitsRecordTier = tiers.record(value);
  if (known === undefined || !fitsRecordTier) {
    let problems = describeErrors(fitsRecordTier ? [] : (tiers.record.errors ?? []));
    if (known === undefined) {
      problems = [eventTypeProblem(eventType), ...problems.filter((problem) => !problem.startsWith('eventType '))];
    }
    throw new CallbackRefused(`the callback does not match the ${tiers.name} schema`, problems);
  }
  const problems = storabilityProblems(value);
  if (problems.length > 0) {
    throw new CallbackRefused('the callback cannot be stored in DynamoDB', problems);
  }
  const specDeviations = tiers.spec(value) ? [] : describeErrors(tiers.spec.errors ?? []);
  return { callback: value as RecordedCallback, specDeviations };
}
