/**
 * Generated callbacks gone wrong, one class at a time, each with the answer the contract gives it
 * (/work/shared/contract.md, "HTTP answers"): off Bandwidth's spec only (a type or a format) → stored verbatim, the
 * deviation named; no record can be made of it or DynamoDB cannot hold it → refused 4xx and quarantined as sent;
 * over the body limit → 413.
 */
import {
  FIELD_RULES,
  type FieldRule,
  type GeneratedCallback,
  generateCallback,
  newCallId,
  RESERVED_NAMES,
  unknownValue,
} from './generated-callbacks.ts';
import {
  type Json,
  JsonNumber,
  type JsonObject,
  jsonText,
  latin1Text,
  type Random,
  text,
  unstorableNumber,
} from './generated-json.ts';

/** How a case is sent: a POST's text (or raw bytes, base64-encoded) or the GET form's parameters. */
export interface CaseRequest {
  method: 'POST' | 'GET';
  body?: string;
  /** Sent base64-encoded (`isBase64Encoded`), these exact bytes. */
  bytes?: Buffer;
  query?: Record<string, string>;
}

export type Expected =
  | {
      kind: 'stored';
      /** The callback's fields as the item must hold them. */
      fields: JsonObject;
      times: GeneratedCallback['times'];
      /** Fields the record's specDeviations must name (each deviation starts with one). */
      deviations: readonly string[];
      /** The body was not UTF-8: the record names that too. */
      notUtf8: boolean;
    }
  | { kind: 'refused'; quarantined: string; form: 'json' | 'query' }
  | { kind: 'tooLarge' };

export interface TrafficCase {
  label: string;
  request: CaseRequest;
  expected: Expected;
}

const BODY_LIMIT = 64 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text the recorder reads from bytes: UTF-8, or ISO-8859-1 when they are not (docs/http-answers.md). */
export function readAsRecorder(bytes: Buffer): { text: string; notUtf8: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), notUtf8: false };
  } catch {
    return { text: bytes.toString('latin1'), notUtf8: true };
  }
}

function posted(label: string, callback: GeneratedCallback, deviations: readonly string[] = []): TrafficCase {
  const body = jsonText(callback.fields);
  if (Buffer.byteLength(body) > BODY_LIMIT)
    return { label, request: { method: 'POST', body }, expected: { kind: 'tooLarge' } };
  return {
    label,
    request: { method: 'POST', body },
    expected: { kind: 'stored', fields: callback.fields, times: callback.times, deviations, notUtf8: false },
  };
}

function refused(label: string, body: string): TrafficCase {
  const expected: Expected =
    Buffer.byteLength(body) > BODY_LIMIT ? { kind: 'tooLarge' } : { kind: 'refused', quarantined: body, form: 'json' };
  return { label, request: { method: 'POST', body }, expected };
}

const refusedFields = (label: string, fields: JsonObject) => refused(label, jsonText(fields));

/** A value of a JSON type the field's schema does not allow. */
function wrongTypeValue(random: Random, rule: FieldRule): Json {
  const candidates: Json[] = [];
  if (!rule.types.includes('string')) candidates.push(text(random, 5), '486');
  if (!rule.types.includes('number') && !rule.types.includes('integer'))
    candidates.push(new JsonNumber('15551112222', '15551112222'));
  else if (!rule.types.includes('number')) candidates.push(new JsonNumber('48.6', '48.6'));
  if (!rule.types.includes('boolean')) candidates.push(random.chance(0.5));
  if (!rule.types.includes('null')) candidates.push(null);
  if (!rule.types.includes('array')) candidates.push([text(random, 3)]);
  if (!rule.types.includes('object')) candidates.push({});
  return random.pick(candidates);
}

/** A value of the field's type that breaks its format, range or choices. */
function offSpecValue(random: Random, rule: FieldRule): Json | undefined {
  if (rule.format === 'date-time') {
    return random.pick([
      'yesterday',
      '2026-02-30T10:00:00Z',
      '2026-11-20T15:58:04.911',
      '2026-11-20',
      '1763654284911',
      '2026-13-01T00:00:00Z',
      '2026-11-20T25:00:00Z',
    ]);
  }
  if (rule.format === 'uri') return random.pick(['calls/c-1', 'not a uri', 'https://voice.bandwidth.com/ bad']);
  if (rule.choices !== undefined) return random.pick(['internal', 'Inbound', '']);
  if (rule.maximum !== undefined && random.chance(0.5))
    return new JsonNumber(String(rule.maximum + 1), String(rule.maximum + 1));
  if (rule.minimum !== undefined) return new JsonNumber(String(rule.minimum - 1), String(rule.minimum - 1));
  return undefined;
}

const specFields = FIELD_RULES.filter((rule) => rule.specTier);
const recordFields = FIELD_RULES.filter((rule) => !rule.specTier);

function withField(callback: GeneratedCallback, name: string, value: Json): GeneratedCallback {
  const times = { ...callback.times };
  delete times[name];
  const fields = { ...callback.fields, [name]: value };
  return { fields, times };
}

/** Wrong JSON types: off the spec in a spec-tier field (stored), a record refused in a record-tier field. */
function wrongType(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const rule = random.chance(0.8) ? random.pick(specFields) : random.pick(recordFields);
  const value = wrongTypeValue(random, rule);
  const label = `wrong type: ${rule.name} = ${jsonText(value)}`;
  if (!rule.specTier) return refusedFields(label, withField(callback, rule.name, value).fields);
  return posted(label, withField(callback, rule.name, value), [rule.name]);
}

function offSpec(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const candidates = specFields.filter((rule) => offSpecValue(random, rule) !== undefined);
  const rule = random.pick(candidates);
  const value = offSpecValue(random, rule) ?? null;
  return posted(`off-spec value: ${rule.name} = ${jsonText(value)}`, withField(callback, rule.name, value), [
    rule.name,
  ]);
}

/** Strings over the schema's lengths (stored, named), long unknown text (stored), and bodies over the limit (413). */
function hugeString(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const roll = random.int(0, 3);
  if (roll === 0) {
    const size = random.int(20_000, 70_000);
    return posted(`huge unknown string of ${size}`, withField(callback, 'futureNotes', text(random, size)));
  }
  if (roll === 1) {
    const size = random.int(BODY_LIMIT + 1, 300_000);
    return posted(`body over the limit: ${size}`, withField(callback, 'padding', 'x'.repeat(size)));
  }
  const rule = random.pick(
    specFields.filter((candidate) => candidate.maxLength !== undefined && candidate.types.includes('string')),
  );
  const length = (rule.maxLength ?? 0) + random.int(1, 3_000);
  const label = `${rule.name} over ${rule.maxLength} characters (${length})`;
  if (rule.format !== 'date-time')
    return posted(label, withField(callback, rule.name, text(random, length)), [rule.name]);
  // A time of a long fraction: off the spec's length, still the instant it names.
  const mutated = withField(callback, rule.name, `2026-11-20T15:58:04.${'1'.repeat(length)}Z`);
  const instant = Date.UTC(2026, 10, 20, 15, 58, 4, 111);
  mutated.times[rule.name] = { text: '', ms: instant, utc: new Date(instant).toISOString() };
  return posted(label, mutated, [rule.name]);
}

/** Containers nested `containers` deep, a scalar or an empty container inside; the deepest value's level. */
function nested(random: Random, containers: number): { value: Json; level: number } {
  const scalar = random.chance(0.5);
  let value: Json = scalar ? new JsonNumber('1', '1') : random.chance(0.5) ? [] : {};
  for (let level = scalar ? 0 : 1; level < containers; level++) value = random.chance(0.5) ? [value] : { a: value };
  return { value, level: scalar ? containers + 1 : containers };
}

/** DynamoDB holds 32 levels, a top-level attribute's value being level 1: deeper is refused, the rest stored. */
function deepNesting(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const containers = random.chance(0.9) ? random.int(25, 40) : random.pick([100, 500, 1_000]);
  const { value, level } = nested(random, containers);
  const label = `nesting: a value at level ${level}`;
  const mutated = withField(callback, 'futureTree', value);
  return level > 32 ? refusedFields(label, mutated.fields) : posted(label, mutated);
}

/** Bytes of a body spliced: the callback's JSON with `bytes` in place of one string field's value. */
function splice(fields: JsonObject, name: string, bytes: Buffer): Buffer {
  const marker = '\u0000MARK\u0000';
  const [before, after] = jsonText({ ...fields, [name]: marker }).split(JSON.stringify(marker));
  return Buffer.concat([
    Buffer.from(before ?? '', 'utf8'),
    Buffer.from('"'),
    bytes,
    Buffer.from('"'),
    Buffer.from(after ?? '', 'utf8'),
  ]);
}

/** Every string (and name) as read from its UTF-8 bytes by the ISO-8859-1 rule. */
function latin1View(value: Json): Json {
  const view = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  if (typeof value === 'string') return view(value);
  if (Array.isArray(value)) return value.map(latin1View);
  if (value === null || typeof value !== 'object' || value instanceof JsonNumber) return value;
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [view(name), latin1View(inner)]));
}

const STRAY_BYTES = [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xe9, 0x41]];

/** ISO-8859-1 bodies and invalid UTF-8 (stored by the ISO-8859-1 rule, named), a BOM or UTF-16 (not JSON: refused). */
function oddEncoding(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const roll = random.int(0, 3);
  if (roll === 0) {
    // ÿ is the byte 0xFF, never UTF-8; characters beyond Latin-1 are written as JSON escapes.
    const fields = { ...callback.fields, tag: `ÿ${latin1Text(random, random.int(1, 40))}` };
    const escaped = jsonText(fields).replace(
      /[\u0100-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    const bytes = Buffer.from(escaped, 'latin1');
    return {
      label: 'an ISO-8859-1 body',
      request: { method: 'POST', bytes },
      expected: { kind: 'stored', fields, times: callback.times, deviations: [], notUtf8: true },
    };
  }
  if (roll === 1) {
    const stray = Buffer.from(random.pick(STRAY_BYTES));
    const tag = Buffer.concat([Buffer.from(random.digits(3)), stray, Buffer.from(random.digits(3))]);
    const bytes = splice(callback.fields, 'tag', tag);
    const fields: JsonObject = { ...(latin1View(callback.fields) as JsonObject), tag: tag.toString('latin1') };
    // Read one character per byte, text of many UTF-8 bytes may outgrow its field's length.
    const outgrown = specFields
      .filter((rule) => rule.maxLength !== undefined)
      .filter(
        (rule) =>
          typeof fields[rule.name] === 'string' &&
          Array.from(fields[rule.name] as string).length > (rule.maxLength ?? 0),
      )
      .map((rule) => rule.name);
    return {
      label: `invalid UTF-8 bytes ${stray.toString('hex')} in tag`,
      request: { method: 'POST', bytes },
      expected: { kind: 'stored', fields, times: callback.times, deviations: outgrown, notUtf8: true },
    };
  }
  const body = jsonText(callback.fields);
  if (roll === 2) {
    if (random.chance(0.5)) return refused('a BOM before the JSON text', `\ufeff${body}`);
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    return {
      label: 'a UTF-8 BOM before the bytes',
      request: { method: 'POST', bytes },
      expected: { kind: 'refused', quarantined: readAsRecorder(bytes).text, form: 'json' },
    };
  }
  const bytes = random.chance(0.5) ? Buffer.from(`\ufeff${body}`, 'utf16le') : Buffer.from(body, 'utf16le').swap16();
  return {
    label: 'a UTF-16 body',
    request: { method: 'POST', bytes },
    expected: { kind: 'refused', quarantined: readAsRecorder(bytes).text, form: 'json' },
  };
}

let blanks = 0;

/** callIds: empty, not text, over DynamoDB's 2,048-byte key (refused); blank, odd or at the limit (a key all the same). */
function oddCallId(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const roll = random.int(0, 4);
  if (roll === 0) {
    const value = random.pick<Json>([
      '',
      new JsonNumber('12345', '12345'),
      null,
      true,
      ['c-1'],
      { id: 'c-1' },
      new JsonNumber('1e3', '1000'),
    ]);
    return refusedFields(`callId = ${jsonText(value)}`, { ...callback.fields, callId: value });
  }
  if (roll === 1) {
    const fields = { ...callback.fields };
    delete fields['callId'];
    return refusedFields('callId missing', fields);
  }
  if (roll === 2) {
    const unit = random.pick(['€', 'é', 'x', '😀']);
    const callId = `${newCallId(random)}${unit.repeat(Math.ceil(2_100 / Buffer.byteLength(unit)))}`;
    return refusedFields(`callId of ${Buffer.byteLength(callId)} bytes`, { ...callback.fields, callId });
  }
  let callId: string;
  if (roll === 3) {
    // Unique blanks: one more space each time.
    blanks += 1;
    callId = `${random.pick(['', '\t', '\n', '\u00a0', '\u3000'])}${' '.repeat(blanks)}`;
  } else {
    const id = newCallId(random);
    callId = random.pick([
      `${id}/../..`,
      `%2F${id}`,
      `${id}\u0000`,
      `${id}${'€'.repeat(Math.floor((2_048 - Buffer.byteLength(id)) / 3))}`,
    ]);
  }
  return posted(`callId ${JSON.stringify(callId).slice(0, 40)}`, withField(callback, 'callId', callId));
}

function notJson(random: Random): TrafficCase {
  const body = jsonText(generateCallback(random).fields);
  const candidates = [
    body.slice(0, random.int(0, body.length - 1)),
    `${body.slice(0, -1)},}`,
    body.replaceAll('"', "'"),
    `${body}${random.pick(['x', '}', ',{}', ' {}'])}`,
    body.replace(/}$/, ',"n":NaN}'),
    body.replace(/}$/, ',"n":Infinity}'),
    `// a comment\n${body}`,
    'eventType=disconnect&callId=c-1',
    '<disconnect><callId>c-1</callId></disconnect>',
    ' ',
  ];
  const text = random.pick(candidates);
  return refused(`not JSON: ${JSON.stringify(text.slice(0, 30))}`, text);
}

function notObject(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const value = random.pick<Json>([[callback.fields], [], 'disconnect', new JsonNumber('42', '42'), true, false, null]);
  return refused(`not an object: ${jsonText(value).slice(0, 30)}`, jsonText(value));
}

/** Names that are neither `disconnect` nor `transferDisconnect` (transfer legs may be recorded, under that name). */
const OTHER_EVENT_TYPES = [
  'Disconnect',
  'DISCONNECT',
  'disconnect ',
  ' disconnect',
  'disconnected',
  'callComplete',
  'transferComplete',
  'transferAnswer',
  'answer',
  'initiate',
  'bridgeComplete',
  'redirect',
  '',
  'transfer_disconnect',
  'TransferDisconnect',
  'transferdisconnect',
];

function wrongEventType(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const eventType = random.chance(0.2) ? text(random, random.int(1, 20)) : random.pick(OTHER_EVENT_TYPES);
  if (eventType === 'disconnect' || eventType === 'transferDisconnect') return wrongEventType(random);
  if (random.chance(0.2)) {
    const query: Record<string, string> = { eventType, callId: String(callback.fields['callId']) };
    return {
      label: `GET eventType ${JSON.stringify(eventType)}`,
      request: { method: 'GET', query },
      expected: { kind: 'refused', quarantined: JSON.stringify(query), form: 'query' },
    };
  }
  return refusedFields(`eventType ${JSON.stringify(eventType)}`, { ...callback.fields, eventType });
}

/** What no record can hold: a number DynamoDB cannot, a name reserved for the recorder, an empty name. */
function unstorable(random: Random): TrafficCase {
  const callback = generateCallback(random);
  const roll = random.int(0, 2);
  if (roll === 0) {
    const token = unstorableNumber(random);
    const value: Json = random.chance(0.5)
      ? new JsonNumber(token, '')
      : { list: [unknownValue(random, 1), new JsonNumber(token, '')] };
    return refusedFields(`unstorable number ${token.slice(0, 30)}`, { ...callback.fields, futureNumber: value });
  }
  if (roll === 1) {
    const name = random.pick(RESERVED_NAMES);
    return refusedFields(`reserved name ${name}`, { ...callback.fields, [name]: unknownValue(random, 1) });
  }
  return refusedFields('an empty field name', { ...callback.fields, '': text(random, 3) });
}

export const MUTATION_CLASSES: Readonly<Record<string, (random: Random) => TrafficCase>> = {
  'wrong type': wrongType,
  'off-spec value': offSpec,
  'huge string': hugeString,
  'deep nesting': deepNesting,
  'odd encoding': oddEncoding,
  'odd callId': oddCallId,
  'not JSON': notJson,
  'not an object': notObject,
  'wrong eventType': wrongEventType,
  unstorable,
};
