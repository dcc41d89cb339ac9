/**
 * What DynamoDB would refuse, found before the write so it is a 422 naming the field rather than a failed put.
 * Limits as measured on AWS; dynalite checks none of them, so these boundaries are the only guard.
 */
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, storabilityProblems } from '../../../../lambda/domain/callback/storable.ts';

/** A number inside `maps` nested maps: as a top-level attribute's value, it sits at level maps + 1. */
function inMaps(maps: number): unknown {
  let value: unknown = 1;
  for (let map = 0; map < maps; map++) value = { a: value };
  return value;
}

function inLists(lists: number, innermost: unknown = 'x'): unknown {
  let value: unknown = innermost;
  for (let list = 0; list < lists; list++) value = [value];
  return value;
}

describe('storabilityProblems', () => {
  it('finds nothing in an ordinary callback', () => {
    expect(
      storabilityProblems({ callId: 'c-1', eventType: 'disconnect', tag: null, extra: { list: [1, 'a', true] } }),
    ).toEqual([]);
  });

  it('accepts a value at level 32 (inside 31 maps) and refuses one at level 33 (inside 32 maps)', () => {
    expect(MAX_NESTING).toBe(32);
    expect(storabilityProblems({ extra: inMaps(31) })).toEqual([]);
    expect(storabilityProblems({ extra: inMaps(32) })).toEqual([
      `extra${'.a'.repeat(32)} is nested more than 32 levels deep`,
    ]);
  });

  it('counts lists as levels too, and an empty map or list as a value', () => {
    expect(storabilityProblems({ extra: inLists(31) })).toEqual([]);
    expect(storabilityProblems({ extra: inLists(32) })).toEqual([
      `extra${'[0]'.repeat(32)} is nested more than 32 levels deep`,
    ]);
    expect(storabilityProblems({ extra: inLists(31, {}) })).toEqual([]);
    expect(storabilityProblems({ extra: inLists(32, {}) })).toHaveLength(1);
  });

  it('stops at the first level too deep instead of walking a huge structure', () => {
    expect(storabilityProblems({ extra: inLists(100_000) })).toHaveLength(1);
  });

  it('refuses empty attribute names, at the top and nested', () => {
    expect(storabilityProblems({ '': 1 })).toEqual(['the body has an empty field name']);
    expect(storabilityProblems({ extra: { '': 1 } })).toEqual(['extra has an empty field name']);
  });

  it('refuses numbers beyond ±(2^53 - 1), which the document client will not convert, and accepts the bounds', () => {
    expect(storabilityProblems({ n: Number.MAX_SAFE_INTEGER, m: -Number.MAX_SAFE_INTEGER })).toEqual([]);
    expect(storabilityProblems({ n: 2 ** 53 })).toEqual(['n is a number DynamoDB cannot store exactly']);
    expect(storabilityProblems({ n: -1.5e20 })).toEqual(['n is a number DynamoDB cannot store exactly']);
  });

  it("refuses magnitudes below DynamoDB's 1e-130, infinities and NaN, and accepts 0 and ordinary fractions", () => {
    expect(storabilityProblems({ zero: 0, negativeZero: -0, small: 1e-129, fraction: -0.25 })).toEqual([]);
    expect(storabilityProblems({ tiny: 1e-131 })).toEqual(['tiny is a number DynamoDB cannot store exactly']);
    expect(storabilityProblems({ infinite: Number.POSITIVE_INFINITY })).toEqual([
      'infinite is a number DynamoDB cannot store exactly',
    ]);
    expect(storabilityProblems({ nan: Number.NaN })).toEqual(['nan is a number DynamoDB cannot store exactly']);
  });

  it('names fields that are not identifiers in brackets', () => {
    expect(storabilityProblems({ 'odd name': { '': 1 } })).toEqual(['["odd name"] has an empty field name']);
  });
});
