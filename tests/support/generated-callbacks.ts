/**
 * Generated Disconnect callbacks, built from the schema (schemas/disconnect.schema.json: its fields, their types,
 * formats, lengths and ranges, which are required, which are reserved for the recorder) and from Bandwidth's
 * published field list and examples (the values real callbacks carry: E.164 or Anonymous callers, SIP URIs, the
 * documented causes and new ones, callUrl's spellings, callIds with and without `c-`). Every optional field is
 * present, absent or null in turn; unknown fields of every JSON type ride along.
 */
import { readFileSync } from 'node:fs';
import { PUBLISHED_EXAMPLES } from '../handlers/disconnect/fixtures/bandwidth-published-examples.ts';
import { type Json, JsonNumber, type JsonObject, type Random, storableNumber, text } from './generated-json.ts';
import { callInstants, type WrittenTime, writeTime } from './generated-times.ts';

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  anyOf?: SchemaNode[];
  not?: unknown;
  maxLength?: number;
  minLength?: number;
  maxUtf8Bytes?: number;
  minimum?: number;
  maximum?: number;
  specTier?: boolean;
}

const schema = JSON.parse(readFileSync(new URL('../../schemas/disconnect.schema.json', import.meta.url), 'utf8')) as {
  required: string[];
  properties: Record<string, SchemaNode>;
  definitions: Record<string, SchemaNode>;
};

/** What the schema says of one field, its `$ref` followed. */
export interface FieldRule {
  name: string;
  /** JSON types allowed (`integer` as the schema names it); the const's type for a const. */
  types: readonly string[];
  constant?: unknown;
  choices?: readonly unknown[];
  format?: string;
  /** An optional time may be the empty string (`anyOf: [{format}, {maxLength: 0}]`). */
  mayBeEmpty: boolean;
  maxLength?: number;
  maxUtf8Bytes?: number;
  minimum?: number;
  maximum?: number;
  specTier: boolean;
  required: boolean;
}

/** The node with its `$ref` followed (the schema's refs all point into its definitions). */
function resolved(node: SchemaNode): SchemaNode {
  const target = node.$ref === undefined ? {} : (schema.definitions[node.$ref.replace('#/definitions/', '')] ?? {});
  return { ...target, ...node };
}

function ruleOf(name: string, node: SchemaNode): FieldRule {
  const merged = resolved(node);
  const types = merged.type === undefined ? [typeof merged.const] : ([] as string[]).concat(merged.type);
  const format = merged.format ?? merged.anyOf?.find((branch) => branch.format !== undefined)?.format;
  return {
    name,
    types,
    ...(merged.const === undefined ? {} : { constant: merged.const }),
    ...(merged.enum === undefined ? {} : { choices: merged.enum }),
    ...(format === undefined ? {} : { format }),
    mayBeEmpty: merged.anyOf?.some((branch) => branch.maxLength === 0) ?? false,
    ...(merged.maxLength === undefined ? {} : { maxLength: merged.maxLength }),
    ...(merged.maxUtf8Bytes === undefined ? {} : { maxUtf8Bytes: merged.maxUtf8Bytes }),
    ...(merged.minimum === undefined ? {} : { minimum: merged.minimum }),
    ...(merged.maximum === undefined ? {} : { maximum: merged.maximum }),
    specTier: merged.specTier === true,
    required: schema.required.includes(name),
  };
}

const entries = Object.entries(schema.properties);
/** The names the recorder keeps its own attributes under (`"not": {}`): a callback may not carry them. */
export const RESERVED_NAMES: readonly string[] = entries
  .filter(([, node]) => resolved(node).not !== undefined)
  .map(([name]) => name);
/** Every field a callback may carry, as the schema describes it. */
export const FIELD_RULES: readonly FieldRule[] = entries
  .filter(([name]) => !RESERVED_NAMES.includes(name))
  .map(([name, node]) => ruleOf(name, node));
export const fieldRule = (name: string): FieldRule | undefined => FIELD_RULES.find((rule) => rule.name === name);

/** A callback as generated: its fields as sent, and the instant each time field names. */
export interface GeneratedCallback {
  fields: JsonObject;
  times: Record<string, WrittenTime>;
}

const hex = (random: Random, count: number) =>
  Array.from({ length: count }, () => random.pick(Array.from('0123456789abcdef'))).join('');
const uuid = (random: Random) =>
  `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`;

/** The published examples' own values, to draw from. */
const published = PUBLISHED_EXAMPLES.map((example) => JSON.parse(example.body) as Record<string, string>);
const PARTIES = ['Anonymous', 'Private', 'Restricted', 'Unavailable'];
const DOCUMENTED_CAUSES = ['hangup', 'busy', 'timeout', 'cancel', 'rejected', 'callback-error', 'invalid-bxml'];
const MORE_CAUSES = ['application-error', 'account-limit', 'node-capacity-exceeded', 'error', 'unknown'];
const NEW_CAUSES = ['carrier-congestion', 'media-timeout', 'Hangup', 'ring-timeout'];

let serial = 0;
/** A callId no other generated callback has, in the forms Bandwidth's examples use. */
export function newCallId(random: Random): string {
  serial += 1;
  switch (random.int(0, 2)) {
    case 0:
      return `c-${hex(random, 8)}-${uuid(random)}-${serial}`;
    case 1:
      return `${uuid(random).toUpperCase()}-${serial}`;
    default:
      return `${text(random, random.int(1, 40))}#${serial}`;
  }
}

function party(random: Random): string {
  switch (random.int(0, 5)) {
    case 0:
      return random.pick(PARTIES);
    case 1:
      return `sip:+1${random.digits(10)}@sip.example.com;transport=tls`;
    case 2:
      return random.digits(10);
    case 3:
      return random.pick(published)['from'] ?? '+15551112222';
    default:
      return `+1${random.digits(10)}`;
  }
}

function callUrl(random: Random, fields: JsonObject): string {
  const account = typeof fields['accountId'] === 'string' ? encodeURIComponent(fields['accountId']) : '55555555';
  const call = typeof fields['callId'] === 'string' ? encodeURIComponent(fields['callId']) : uuid(random);
  const path = random.pick(['/api/v2/accounts/', '/accounts/', '/api/v2/users/']);
  return `https://voice.bandwidth.com${path}${account}/calls/${call}`;
}

/** Text within the field's length, now and then exactly at it. */
function boundedText(random: Random, rule: FieldRule): string {
  const most = rule.maxLength ?? 200;
  const length = random.chance(0.02) ? most : random.int(0, Math.min(most, random.chance(0.1) ? most : 60));
  return text(random, length);
}

/** A value the field's schema and Bandwidth's field list both allow. */
function fieldValue(random: Random, rule: FieldRule, fields: JsonObject): Json {
  if (rule.constant !== undefined) return rule.constant as Json;
  if (rule.choices !== undefined) return rule.choices.length === 0 ? null : (random.pick(rule.choices) as Json);
  if (rule.types.includes('integer') || rule.types.includes('number')) {
    const value = random.int(rule.minimum ?? 0, rule.maximum ?? 1_000_000);
    return new JsonNumber(String(value), String(value));
  }
  if (rule.format === 'uri') return callUrl(random, fields);
  switch (rule.name) {
    case 'from':
    case 'to':
      return party(random);
    case 'accountId':
      return random.digits(random.int(7, 8));
    case 'applicationId':
    case 'errorId':
      return uuid(random);
    case 'cause':
      return random.pick([...DOCUMENTED_CAUSES, ...DOCUMENTED_CAUSES, ...MORE_CAUSES, ...NEW_CAUSES]);
    case 'sipCallId':
      return `${hex(random, 14)}@pc33.example.com`;
    case 'tag':
      return random.chance(0.3)
        ? JSON.stringify({ customer: random.digits(4), note: text(random, 8) })
        : boundedText(random, rule);
    default:
      return boundedText(random, rule);
  }
}

/** The times of a call in Bandwidth's field list. */
const CALL_TIMES = ['enqueuedTime', 'startTime', 'answerTime', 'endTime', 'eventTime'];

const UNKNOWN_NAMES = [
  'futureFlag',
  'parentCallId',
  'x-custom',
  'with space',
  'ünïcödé',
  'emoji😀',
  'a.b',
  '$dollar',
  '123',
  'UPPER',
];

/** A value of any JSON type, nested up to `room` more levels (a chain of them now and then). */
export function unknownValue(random: Random, room: number): Json {
  const kind = random.int(0, room > 0 ? 8 : 4);
  switch (kind) {
    case 0:
      return text(random, random.int(0, 30));
    case 1:
    case 2:
      return storableNumber(random);
    case 3:
      return random.chance(0.5);
    case 4:
      return null;
    case 5:
    case 6:
      return Array.from({ length: random.int(0, 4) }, () => unknownValue(random, Math.min(room - 1, 2)));
    case 7:
      return Object.fromEntries(
        Array.from({ length: random.int(0, 4) }, (_, index) => [
          `${random.pick(UNKNOWN_NAMES)}${index}`,
          unknownValue(random, Math.min(room - 1, 2)),
        ]),
      );
    default: {
      // A chain as deep as DynamoDB allows at most: `room` containers, a scalar or an empty one inside.
      const depth = random.int(1, room);
      let value: Json = random.chance(0.5) ? storableNumber(random) : [];
      for (let level = 0; level < depth; level++) value = random.chance(0.5) ? [value] : { n: value };
      return value;
    }
  }
}

/** Names of unknown fields: none of the schema's, none reserved, never empty or one JSON parsers refuse. */
function unknownName(random: Random, fields: JsonObject): string {
  const name = `${random.pick(UNKNOWN_NAMES)}${random.chance(0.5) ? '' : random.int(0, 99)}`;
  return name in fields || FIELD_RULES.some((rule) => rule.name === name) ? unknownName(random, fields) : name;
}

/**
 * A callback the schema accepts (record and spec tier): every field of the schema present with a value it allows,
 * absent, or null/empty where the schema allows that, its times from one call, unknown fields of every type.
 * `scalarsOnly`: unknown fields of text only, as the GET form carries.
 */
export function generateCallback(random: Random, scalarsOnly = false): GeneratedCallback {
  const instants = callInstants(random) as unknown as Record<string, number | undefined>;
  const fields: JsonObject = {};
  const times: Record<string, WrittenTime> = {};
  const order = random.chance(0.5) ? FIELD_RULES : [...FIELD_RULES].sort(() => random.next() - 0.5);
  for (const rule of order) {
    if (rule.name === 'callId') {
      fields[rule.name] = newCallId(random);
      continue;
    }
    if (!rule.required && random.chance(0.2)) continue;
    if (rule.types.includes('null') && random.chance(0.1)) {
      fields[rule.name] = null;
      continue;
    }
    if (rule.format === 'date-time') {
      // A time the field list does not know of is given the event's time.
      const instant = instants[CALL_TIMES.includes(rule.name) ? rule.name : 'eventTime'];
      if (instant === undefined || (rule.mayBeEmpty && random.chance(0.05))) {
        // What did not happen is absent, null or (an older documented example) empty.
        const none: Json[] = [...(rule.types.includes('null') ? [null] : []), ...(rule.mayBeEmpty ? [''] : [])];
        if (none.length > 0 && (instant !== undefined || random.chance(0.5))) fields[rule.name] = random.pick(none);
        continue;
      }
      const written = writeTime(random, instant);
      fields[rule.name] = written.text;
      times[rule.name] = written;
      continue;
    }
    fields[rule.name] = fieldValue(random, rule, fields);
  }
  if (random.chance(0.1)) {
    // No field of a disconnect, but a transfer leg's link and nullable in the call list: null, empty or a call id.
    fields['parentCallId'] = random.pick<Json>([null, '', newCallId(random)]);
  }
  const unknowns = random.int(0, 4);
  for (let index = 0; index < unknowns; index++) {
    fields[unknownName(random, fields)] = scalarsOnly ? text(random, random.int(0, 30)) : unknownValue(random, 31);
  }
  return { fields, times };
}
