/**
 * Generated JSON for the generated-traffic test: a seeded random source, JSON values whose numbers keep the exact
 * token sent (so a test can say what DynamoDB must hold for each), the JSON text written from them in the spellings
 * JSON allows, and the DynamoDB attribute value each one must be stored as.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(choices: readonly T[]): T {
    const choice = choices[Math.floor(this.next() * choices.length)];
    if (choice === undefined) throw new Error('pick from an empty list');
    return choice;
  }

  digits(count: number): string {
    let text = '';
    for (let index = 0; index < count; index++) text += String(this.int(0, 9));
    return text;
  }
}

/**
 * A JSON number as sent: its token (`1.5E+20`) and the text DynamoDB holds for its value (`150000000000000000000`:
 * no exponent, no leading or trailing zeros, `0` for any zero).
 */
export class JsonNumber {
  constructor(
    readonly token: string,
    readonly held: string,
  ) {}
}

export type Json = string | boolean | null | JsonNumber | Json[] | { [name: string]: Json };
export type JsonObject = { [name: string]: Json };

/** DynamoDB's wire form of a value (what GetItem/Scan return), as the low-level client gives it. */
export type Attribute =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: Attribute[] }
  | { M: Record<string, Attribute> };

export function attributeOf(value: Json): Attribute {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (value instanceof JsonNumber) return { N: value.held };
  if (Array.isArray(value)) return { L: value.map(attributeOf) };
  return { M: Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, attributeOf(inner)])) };
}

/** How a JSON text is laid out: compact, spaced, or tab-indented as Bandwidth's published examples are. */
export type Layout = 'compact' | 'spaced' | 'tabs';

/** The JSON text of a value, numbers written as their tokens. */
export function jsonText(value: Json, layout: Layout = 'compact', indent = ''): string {
  if (value instanceof JsonNumber) return value.token;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const inner = layout === 'tabs' ? `${indent}\t` : '';
  const open = layout === 'tabs' ? `\n${inner}` : '';
  const close = layout === 'tabs' ? `\n${indent}` : '';
  const comma = layout === 'compact' ? ',' : layout === 'spaced' ? ', ' : `,\n${inner}`;
  const colon = layout === 'compact' ? ':' : layout === 'spaced' ? ': ' : '\t: ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${open}${value.map((item) => jsonText(item, layout, inner)).join(comma)}${close}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const members = entries.map(([name, item]) => `${JSON.stringify(name)}${colon}${jsonText(item, layout, inner)}`);
  return `{${open}${members.join(comma)}${close}}`;
}

/** DynamoDB's text for ±0.d1d2d3… × 10^(exponent + 1): plain decimal, no exponent. */
function heldText(negative: boolean, digits: string, exponent: number): string {
  if (digits === '') return '0';
  let text: string;
  if (exponent >= digits.length - 1) text = digits + '0'.repeat(exponent - digits.length + 1);
  else if (exponent < 0) text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  else text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  return negative ? `-${text}` : text;
}

/** A JSON token for the value, in one of the spellings JSON allows (plain, trailing zeros, e/E with or without a sign). */
function tokenFor(random: Random, negative: boolean, digits: string, exponent: number): string {
  const sign = negative ? '-' : '';
  if (digits === '') return random.pick(['0', '-0', '0.0', '-0.000', '0e5', '0E-3']);
  const plain = heldText(false, digits, exponent);
  switch (random.int(0, 3)) {
    case 0:
      return sign + plain;
    case 1:
      return sign + (plain.includes('.') ? `${plain}${'0'.repeat(random.int(1, 3))}` : `${plain}.0`);
    case 2: {
      const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
      const e = random.pick(['e', 'E']);
      const expSign = exponent < 0 ? '-' : random.pick(['', '+']);
      return `${sign}${mantissa}${e}${expSign}${Math.abs(exponent)}`;
    }
    default:
      // All digits as an integer mantissa: 15e19, 314159e-5.
      return `${sign}${digits}e${exponent - digits.length + 1}`;
  }
}

/** Significant digits without leading or trailing zeros. */
function significantDigits(random: Random, count: number): string {
  if (count === 1) return String(random.int(1, 9));
  return `${random.int(1, 9)}${random.digits(count - 2)}${random.int(1, 9)}`;
}

/**
 * A number DynamoDB can hold (at most 38 significant digits, magnitude within its range), often one a double cannot
 * hold exactly: more than 15 significant digits, or an integer beyond 2^53.
 */
export function storableNumber(random: Random): JsonNumber {
  const negative = random.chance(0.3);
  let digits: string;
  let exponent: number;
  switch (random.int(0, 4)) {
    case 0: // zero, in its spellings
      return new JsonNumber(tokenFor(random, false, '', 0), '0');
    case 1: // a small integer, as most numbers are
      digits = significantDigits(random, random.int(1, 6));
      exponent = digits.length - 1 + random.int(0, 2);
      break;
    case 2: // an integer a double cannot hold: beyond 2^53
      digits = significantDigits(random, random.int(16, 38));
      exponent = digits.length - 1 + random.int(0, 20);
      break;
    case 3: // a fraction of more digits than a double holds
      digits = significantDigits(random, random.int(16, 38));
      exponent = random.int(-30, 10);
      break;
    default: // any magnitude DynamoDB holds
      digits = significantDigits(random, random.int(1, 38));
      exponent = random.int(-125, 120);
  }
  return new JsonNumber(tokenFor(random, negative, digits, exponent), heldText(negative, digits, exponent));
}

/** A number DynamoDB cannot hold: more than 38 significant digits, or a magnitude out of its range. */
export function unstorableNumber(random: Random): string {
  const negative = random.chance(0.3);
  switch (random.int(0, 2)) {
    case 0:
      return tokenFor(random, negative, significantDigits(random, random.int(39, 60)), random.int(-20, 60));
    case 1:
      return tokenFor(random, negative, significantDigits(random, random.int(1, 10)), random.int(126, 400));
    default:
      return tokenFor(random, negative, significantDigits(random, random.int(1, 10)), random.int(-400, -131));
  }
}

/** Characters a callback's text may carry: ASCII, Latin-1, other scripts, emoji, controls, JSON's escapes. */
const ALPHABETS: readonly string[] = [
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:/+',
  'éüßñçøÅÆÐþ¡¿«»°±µ·',
  '日本語中文한국어Ελληνικάрусскийעבריתالعربية',
  '☎️😀👍🏽🇺🇸',
  '\u0000\u0001\t\n\r\u001f\u007f\u00a0\u2028\u2029\ufeff',
  '"\\/\'`<>&{}[]%',
];
const CHARACTERS = ALPHABETS.map((alphabet) => Array.from(alphabet));

/** Text of `length` code points, mostly plain ASCII. */
export function text(random: Random, length: number): string {
  let result = '';
  const plain = CHARACTERS[0] ?? [];
  for (let index = 0; index < length; index++) {
    result += random.pick(random.chance(0.85) ? plain : random.pick(CHARACTERS));
  }
  return result;
}

/** Text of Latin-1 characters only, at least one of them non-ASCII (its ISO-8859-1 bytes are not UTF-8). */
export function latin1Text(random: Random, length: number): string {
  const latin1 = Array.from('abcXYZ 019éüßñçøÅÆÐþ¡¿«»°±µ·');
  let result = random.pick(Array.from('éüßñçøÅÆÐþ'));
  for (let index = 1; index < length; index++) result += random.pick(latin1);
  return result;
}
