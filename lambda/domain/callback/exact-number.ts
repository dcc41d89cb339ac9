/**
 * JSON numbers kept with the value they were sent. A double holds ~15.9 significant digits and DynamoDB 38, so a
 * number a double would alter (`3.141592653589793238`, `100000000000000000000`) is kept as its text, an
 * ExactNumber, which the table writes from that text and JSON.stringify prints as sent. Node 24's JSON.parse gives a
 * reviver each number's source text; the reviver (several times slower than a plain parse, docs/performance.md)
 * runs only on text that may hold such a number.
 */

/** A number as sent, where a double would not hold its value; `text` is the JSON number token. */
export class ExactNumber {
  constructor(readonly text: string) {}

  /** Printed as sent, not as an object: `{"n":3.141592653589793238}`. */
  toJSON(): unknown {
    return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(this.text);
  }

  toString(): string {
    return this.text;
  }
}

/** DynamoDB's limits on a number (its documentation; dynalite checks the same). */
const MAX_DIGITS = 38;
const MAX_EXPONENT = 125;
const MIN_EXPONENT = -130;

/** A decimal as significant digits (no leading or trailing zeros; '' for zero) and the exponent of the first one. */
interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function decimalOf(text: string): Decimal | undefined {
  const match = JSON_NUMBER.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const all = whole + fraction;
  const leading = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leading).replace(/0+$/, '');
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  return { negative: sign === '-', digits, exponent: whole.length + Number(exponent) - leading - 1 };
}

/** Why DynamoDB cannot hold the number this text names, or undefined when it can. */
export function numberTextProblem(text: string): string | undefined {
  const decimal = decimalOf(text);
  if (decimal === undefined) return 'is not a number';
  if (decimal.digits.length > MAX_DIGITS) return `has more than ${MAX_DIGITS} significant digits`;
  if (decimal.digits !== '' && decimal.exponent > MAX_EXPONENT) return 'is too large in magnitude';
  if (decimal.digits !== '' && decimal.exponent < MIN_EXPONENT) return 'is too small in magnitude';
  return undefined;
}

/** A number token of at most 15 digits and no exponent: a double holds its value exactly (DBL_DIG is 15). */
const SHORT_NUMBER = /^-?[\d.]{1,16}$/;

function sameDecimal(a: Decimal, b: Decimal): boolean {
  return a.digits === b.digits && (a.digits === '' || (a.negative === b.negative && a.exponent === b.exponent));
}

/**
 * The value to keep for a JSON number token: the double when it holds the value sent (and the document client
 * writes it as it is: within ±(2^53 - 1)), else the token as an ExactNumber.
 */
export function exactNumber(value: number, text: string): number | ExactNumber {
  if (SHORT_NUMBER.test(text) && text.replace(/[-.]/g, '').length <= 15) return value;
  if (Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    const sent = decimalOf(text);
    const held = decimalOf(String(value));
    if (sent !== undefined && held !== undefined && sameDecimal(sent, held)) return value;
  }
  return new ExactNumber(text);
}

/**
 * Text in which every number is short enough for a double (at most 15 digits, no exponent): a plain JSON.parse
 * keeps every value. Conservative: text inside strings may match too, which only costs the slower, exact parse.
 */
const MAY_HOLD_LONG_NUMBER = /[:,[]\s*-?(?:[\d.]{16}|[\d.]*[eE])/;

export function mayHoldLongNumber(text: string): boolean {
  return MAY_HOLD_LONG_NUMBER.test(text);
}

function keepExact(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' && context?.source !== undefined ? exactNumber(value, context.source) : value;
}

/** JSON.parse keeping every number's value: numbers a double would alter become ExactNumbers. */
export function parseJsonExactly(text: string): unknown {
  if (!mayHoldLongNumber(text)) return JSON.parse(text);
  try {
    return JSON.parse(text, keepExact as (key: string, value: unknown) => unknown);
  } catch (error) {
    // A reviver overflows the stack on JSON nested thousands of levels deep; the plain parse reads it, and the
    // storability check refuses it for its depth (DynamoDB could not store it anyway).
    if (error instanceof RangeError) return JSON.parse(text);
    throw error;
  }
}

/** The value of a GET-form parameter that is a JSON number, kept exactly; undefined for any other text. */
export function numberFromText(text: string): number | ExactNumber | undefined {
  if (!JSON_NUMBER.test(text)) return undefined;
  return exactNumber(Number(text), text);
}

/** Whether an exact number names an integer (no digits after the point once written out). */
export function isIntegral(number: ExactNumber): boolean {
  const decimal = decimalOf(number.text);
  return decimal !== undefined && (decimal.digits === '' || decimal.digits.length <= decimal.exponent + 1);
}

/** A stored number read back as it was sent: the SDK's `wrapNumbers` hook, for readers of the table. */
export function storedNumber(text: string): number | ExactNumber {
  return exactNumber(Number(text), text);
}
