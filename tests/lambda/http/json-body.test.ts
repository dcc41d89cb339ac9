/**
 * The body parser's shortcut (lambda/http/json-body.ts) against @middy/http-json-body-parser itself: for every body,
 * the same parsed value, or the same rejection (status, message, cause). Bodies that could hold a forbidden key —
 * by name or spelt with `\u` escapes — must reach middy's guard.
 */

import type { Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import { describe, expect, it } from 'vitest';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../../lambda/http/api-gateway.ts';
import { jsonBody } from '../../../lambda/http/json-body.ts';
import { httpApiEvent } from '../../support/recorder.ts';

type Outcome =
  | { parsed: unknown; prototype: unknown }
  | { rejected: { statusCode: unknown; message: unknown; cause: unknown } };

async function outcomeOf(
  before: ((request: Request<ApiGatewayEvent, ApiGatewayResult>) => unknown) | undefined,
  body: string,
  isBase64Encoded = false,
): Promise<Outcome> {
  if (before === undefined) throw new Error('no before step');
  const event: ApiGatewayEvent = { ...httpApiEvent({ body }), isBase64Encoded };
  const request = { event, context: {}, response: null, error: null, internal: {} } as unknown as Request<
    ApiGatewayEvent,
    ApiGatewayResult
  >;
  try {
    await before(request);
    const parsed: unknown = event.body;
    return { parsed, prototype: typeof parsed === 'object' && parsed !== null ? Object.getPrototypeOf(parsed) : null };
  } catch (error) {
    const { statusCode, message, cause } = error as { statusCode?: unknown; message?: unknown; cause?: unknown };
    const { message: parseMessage, ...rest } = (cause ?? {}) as { message?: unknown };
    // JSON.parse words its errors slightly differently with and without a reviver; both are 422 with the body.
    return { rejected: { statusCode, message, cause: { ...rest, parseMessage: typeof parseMessage === 'string' } } };
  }
}

const ours = jsonBody().before;
const middys = httpJsonBodyParser({ disableContentTypeCheck: true }).before;

async function expectSameAsMiddy(body: string, isBase64Encoded = false): Promise<Outcome> {
  const expected = await outcomeOf(middys, body, isBase64Encoded);
  const actual = await outcomeOf(ours, body, isBase64Encoded);
  // Compared as JSON text (key order included): toStrictEqual would read an own "constructor" field as the type.
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  if ('parsed' in actual && 'parsed' in expected) expect(actual.prototype).toBe(expected.prototype);
  return actual;
}

const CALLBACK =
  '{"eventType":"disconnect","callId":"c-1","from":"+15551112222","errorMessage":null,"sipResponseCode":486}';

describe('the JSON body parser and its shortcut', () => {
  it.each([
    ['a usual callback', CALLBACK],
    ['an escaped quote and a newline in a value', '{"callId":"c-1","tag":"say \\"hi\\"\\n"}'],
    ['non-ASCII text and an escaped astral character', '{"callId":"c-1","tag":"café \\ud83d\\ude00"}'],
    ['"constructor" as a value', '{"callId":"c-1","tag":"constructor"}'],
    ['a "constructor" key without a prototype', '{"callId":"c-1","constructor":{"name":"x"}}'],
    ['nested objects and arrays', '{"a":{"b":[1,2,{"c":null}]},"d":true}'],
    ['an array', '[1,2,3]'],
    ['a number', '42'],
    ['a string', '"disconnect"'],
    ['null', 'null'],
    ['whitespace around', ' \n {"callId":"c-1"} \t'],
  ])('gives what middy gives for %s', async (_, body) => {
    const outcome = await expectSameAsMiddy(body);
    expect('parsed' in outcome).toBe(true);
  });

  it.each([
    ['a __proto__ key', '{"callId":"c-1","__proto__":{"polluted":true}}'],
    ['a nested __proto__ key', '{"callId":"c-1","extra":[{"__proto__":{"polluted":true}}]}'],
    ['__proto__ spelt with \\u escapes', '{"callId":"c-1","\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true}}'],
    ['constructor.prototype', '{"callId":"c-1","constructor":{"prototype":{"polluted":true}}}'],
    ['constructor spelt with a \\u escape', '{"callId":"c-1","\\u0063onstructor":{"prototype":{"polluted":true}}}'],
    ['malformed JSON', '{"callId":"c-1",'],
    ['an empty body', ''],
    ['not JSON at all', 'callId=c-1&eventType=disconnect'],
  ])('refuses %s exactly as middy does', async (_, body) => {
    const outcome = await expectSameAsMiddy(body);
    expect('rejected' in outcome && outcome.rejected.statusCode).toBe(422);
    expect(({}.constructor.prototype as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('decodes a base64 body as middy does, forbidden keys included', async () => {
    const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    expect('parsed' in (await expectSameAsMiddy(encode(CALLBACK), true))).toBe(true);
    expect('rejected' in (await expectSameAsMiddy(encode('{"__proto__":{}}'), true))).toBe(true);
  });

  it('agrees with middy on 2,000 generated bodies mixing risky names, escapes and broken syntax', async () => {
    // A seeded generator (mulberry32), so a failure can be replayed.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const NAMES = [
      'callId',
      'tag',
      '__proto__',
      'constructor',
      'prototype',
      '\\u005f_proto__',
      'constructo\\u0072',
      'a\\"b',
      '',
    ];
    const value = (depth: number): string => {
      const kind = Math.floor(random() * (depth > 3 ? 4 : 6));
      if (kind === 0) return String(Math.floor(random() * 1000) - 500);
      if (kind === 1) return pick(['"x"', '"constructor"', '"\\u0041"', '"__proto__"', '""']);
      if (kind === 2) return pick(['true', 'false', 'null']);
      if (kind === 3) return '1.5e3';
      if (kind === 4) return `[${Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1)).join(',')}]`;
      return object(depth + 1);
    };
    const object = (depth: number): string =>
      `{${Array.from({ length: Math.floor(random() * 4) }, () => `"${pick(NAMES)}":${value(depth)}`).join(',')}}`;
    const broken = (text: string): string => {
      if (random() > 0.1) return text;
      const at = Math.floor(random() * text.length);
      return text.slice(0, at) + pick(['', ',', '}', '"', '\\']) + text.slice(at + 1);
    };
    const outcomes = { parsed: 0, rejected: 0 };
    for (let i = 0; i < 2_000; i += 1) {
      const outcome = await expectSameAsMiddy(broken(object(0)));
      outcomes['parsed' in outcome ? 'parsed' : 'rejected'] += 1;
    }
    // Both kinds were really exercised.
    expect(outcomes.parsed).toBeGreaterThan(200);
    expect(outcomes.rejected).toBeGreaterThan(200);
  });
});
