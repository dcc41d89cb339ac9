import { describe, expect, it } from 'vitest';
import {
  ExactNumber,
  mayHoldLongNumber,
  numberTextProblem,
  parseJsonExactly,
} from '../../../../lambda/domain/callback/exact-number.ts';

/** A decimal's value as a (BigInt mantissa, power of ten) pair, reduced: an independent reading to compare with. */
function decimalValue(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) throw new Error(`not a number: ${text}`);
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  let mantissa = BigInt(whole + fraction);
  let power = Number(exponent) - fraction.length;
  if (mantissa === 0n) return '0';
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    power += 1;
  }
  return `${sign}${mantissa}e${power}`;
}

/** Seeded (mulberry32), so a failure names a reproducible case. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function numberText(next: () => number): string {
  const digits = (count: number) => Array.from({ length: count }, () => Math.floor(next() * 10)).join('');
  const whole = `${1 + Math.floor(next() * 9)}${digits(Math.floor(next() * 30))}`;
  const fraction = next() < 0.5 ? `.${digits(1 + Math.floor(next() * 30))}` : '';
  const exponent = next() < 0.3 ? `e${next() < 0.5 ? '-' : '+'}${Math.floor(next() * 140)}` : '';
  return `${next() < 0.3 ? '-' : ''}${next() < 0.1 ? '0' : whole}${fraction}${exponent}`;
}

describe('reading JSON numbers exactly', () => {
  it('keeps the value of every number sent, in 5,000 generated spellings (seed 22)', () => {
    const next = random(22);
    for (let index = 0; index < 5_000; index += 1) {
      const text = numberText(next);
      const kept = (parseJsonExactly(`{"n":[${text}]}`) as { n: unknown[] }).n[0];
      const keptText = kept instanceof ExactNumber ? kept.text : String(kept);
      expect(decimalValue(keptText), text).toBe(decimalValue(text));
      // A plain number is one the document client writes as it is.
      if (typeof kept === 'number') expect(Math.abs(kept)).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    }
  });

  it('leaves the usual callback to a plain JSON.parse: no number there needs more than a double', () => {
    const usual =
      '{"eventType":"disconnect","callId":"c-86d9c2b6-2e5b","from":"+15551112222","startTime":"2026-11-20T15:54:22.234Z","errorId":"4642074b-7b58-478b-96e4-3a60955c6765","sipResponseCode":486,"n":[1.5,-2]}';
    expect(mayHoldLongNumber(usual)).toBe(false);
    expect(mayHoldLongNumber('{"n":1e5}')).toBe(true);
    expect(mayHoldLongNumber('{"n": [ 1234567890.1234567]}')).toBe(true);
  });

  it("names DynamoDB's limits: 38 significant digits, magnitudes 1e-130 to under 1e126", () => {
    expect(numberTextProblem(`${'9'.repeat(38)}e87`)).toBeUndefined();
    expect(numberTextProblem('1e-130')).toBeUndefined();
    expect(numberTextProblem('0.000e-999')).toBeUndefined();
    expect(numberTextProblem('1e126')).toBe('is too large in magnitude');
    expect(numberTextProblem('1e-131')).toBe('is too small in magnitude');
    expect(numberTextProblem(`1${'0'.repeat(40)}`)).toBeUndefined();
    expect(numberTextProblem(`1${'0'.repeat(40)}1`)).toBe('has more than 38 significant digits');
  });

  it('prints an exact number as it was sent', () => {
    expect(JSON.stringify(parseJsonExactly('{"n":3.141592653589793238462643383279}'))).toBe(
      '{"n":3.141592653589793238462643383279}',
    );
  });
});
