/**
 * No phone number reaches a log line whole: a seeded generator spells numbers every way the masking must catch
 * (separators of every kind, no-break spaces, en dashes, `/`, digits touching letters or `_`, `x42` extensions,
 * `tel:`/`sip:` URIs, JSON numbers of any length, inside lists and objects, as object keys), puts them in every
 * position of a callback, drives each through the real handler to every outcome (recorded, duplicate, parked,
 * quarantined, unauthorized), and asserts that no run of 7 of the number's digits survives in any line printed.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disconnectCallback, send } from '../../support/callbacks.ts';
import { captureLogs } from '../../support/captured-logs.ts';
import {
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  type TestStores,
} from '../../support/recorder.ts';
import { tableDown } from '../../support/replay.ts';

const USER = 'bandwidth';
const PASSWORD = 'masked-numbers';
const AUTH = { authorization: basicAuthorization(USER, PASSWORD) };

/** Seeded (mulberry32): a failure names the seed and the case, and reruns the same. */
function seeded(seed: number) {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const below = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
  return { next, below, pick };
}
type Random = ReturnType<typeof seeded>;

const SEPARATORS = [' ', '-', '.', '/', '\u00A0', '\u2013', '\u2014', '\u202F', ' - ', '. ', '\t', '\u2212'];

/** Digits grouped with one kind of separator, optionally the area code in parentheses and a leading +. */
function spelled(digits: string, random: Random): string {
  const separator = random.pick(SEPARATORS);
  const groups: string[] = [];
  let rest = digits;
  while (rest.length > 0) {
    const size = Math.min(rest.length, 1 + random.below(4));
    groups.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  if (groups.length > 2 && random.next() < 0.3) groups[1] = `(${groups[1]})`;
  return `${random.next() < 0.5 ? '+' : ''}${groups.join(random.next() < 0.2 ? '' : separator)}`;
}

/** A number in one of the shapes a callback may carry it, as a JSON text fragment. */
function shaped(digits: string, random: Random): string {
  const text = spelled(digits, random);
  const shapes = [
    () => JSON.stringify(text),
    () => JSON.stringify(`caller_${digits}`),
    () => JSON.stringify(`+${digits}ext7`),
    () => JSON.stringify(`${text}x42`),
    () => JSON.stringify(`tel:${text}`),
    () => JSON.stringify(`sip:${digits}@example.com`),
    () => JSON.stringify(`abc${digits}def`),
    () => digits,
    () => `${digits}${random.pick(['', '.5', '123456789012345678901234'])}`,
    () => `[${digits}]`,
    () => `[${JSON.stringify(text)}]`,
    () => `{"n":${digits}}`,
    () => `{${JSON.stringify(text)}:1}`,
    () => `{"a":[{"b":${JSON.stringify(text)}}]}`,
  ];
  return random.pick(shapes)();
}

const POSITIONS = ['from', 'to', 'callId', 'cause', 'direction', 'tag', 'eventType', 'errorMessage', 'extra'] as const;

/** The callback's JSON text with one field holding the number (a fragment of raw JSON). */
function carrying(position: (typeof POSITIONS)[number], fragment: string): { text: string; callId: string } {
  const callback = disconnectCallback();
  const placeholder = '\u0000NUMBER\u0000';
  const fields: Record<string, unknown> = { ...callback, [position]: placeholder };
  return { text: JSON.stringify(fields).replace(JSON.stringify(placeholder), () => fragment), callId: callback.callId };
}

/** A run of 7 of the number's digits, however separated (up to 3 separators between two), anywhere in `text`. */
function survivingRun(digits: string, text: string): string | undefined {
  const between = String.raw`(?:[\s\u00A0\u2000-\u200B\u202F\u2010-\u2015\u2212().\/_-]|\\[tnr]){0,3}`;
  for (let start = 0; start + 7 <= digits.length; start += 1) {
    const run = digits.slice(start, start + 7);
    if (new RegExp(run.split('').join(between)).test(text)) return run;
  }
  return undefined;
}

let stores: TestStores;
let recorder: Handler;
let parking: Handler;
let logs: ReturnType<typeof captureLogs> | undefined;

beforeAll(async () => {
  stores = await freshStores();
  const env = {
    BANDWIDTH_CALLBACK_USERNAME: USER,
    BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  parking = await tableDown(stores, env);
  recorder = await loadHandler(stores, env);
});

afterEach(() => logs?.restore());

describe('phone numbers in the log lines of every outcome', () => {
  it('no 7-digit run of any number survives, in 240 generated callbacks (seed 2222)', async () => {
    const random = seeded(2222);
    const seen = new Set<string>();
    for (let index = 0; index < 240; index += 1) {
      const digits = `${1 + random.below(9)}${Array.from({ length: 9 + random.below(6) }, () => random.below(10)).join('')}`;
      const position = POSITIONS[index % POSITIONS.length] ?? 'from';
      const fragment = shaped(digits, random);
      const { text } = carrying(position, fragment);
      const outcome = random.pick(['recorded', 'recorded', 'duplicate', 'parked', 'unauthorized'] as const);
      const headers = outcome === 'unauthorized' ? { authorization: basicAuthorization(USER, 'wrong') } : AUTH;
      logs = captureLogs();
      const answers = [await send(outcome === 'parked' ? parking : recorder, httpApiEvent({ body: text, headers }))];
      if (outcome === 'duplicate') answers.push(await send(recorder, httpApiEvent({ body: text, headers })));
      const printed = logs.text();
      logs.restore();
      logs = undefined;
      for (const answer of answers) seen.add(answer.headers['x-disconnect-outcome'] ?? String(answer.status));
      // Each answer printed its line: the assertion below has something to read.
      expect(printed.match(/"message":"disconnect callback"/g)).toHaveLength(answers.length);
      const run = survivingRun(digits, printed);
      expect(run, `case ${index}: ${position} = ${fragment} (${outcome})\n${printed}`).toBeUndefined();
    }
    // Every outcome was reached: recorded, duplicate, parked, quarantined (a 422 kept: its outcome header), unauthorized (401).
    expect([...seen].sort()).toEqual(['401', 'duplicate', 'parked', 'quarantined', 'recorded']);
  }, 60_000);

  it('no 7-digit run survives in 2,000 more generated values logged in every attribute position (seed 7)', async () => {
    const { logger } = await import('../../../lambda/log/logger.ts');
    const random = seeded(7);
    for (let index = 0; index < 2_000; index += 1) {
      const digits = `${1 + random.below(9)}${Array.from({ length: 9 + random.below(6) }, () => random.below(10)).join('')}`;
      const fragment = shaped(digits, random);
      const value: unknown = JSON.parse(fragment.length > 30 && /^\d+$/.test(fragment) ? `"${fragment}"` : fragment);
      logs = captureLogs();
      logger.warn(`call ${typeof value === 'string' ? value : digits} ended`, {
        callId: value,
        nested: { list: [value], [`k${digits}`]: value },
        error: new Error(`busy: ${JSON.stringify(value)}`),
      });
      const printed = logs.text();
      logs.restore();
      logs = undefined;
      expect(() => JSON.parse(printed), printed).not.toThrow();
      expect(survivingRun(digits, printed), `case ${index}: ${fragment}\n${printed}`).toBeUndefined();
    }
  });

  it('names stay readable and ids stay whole', async () => {
    logs = captureLogs();
    const callback = disconnectCallback({ from: 'Anonymous', to: 'Restricted' });
    await send(recorder, httpApiEvent({ body: JSON.stringify(callback), headers: AUTH }));
    const line = logs.lines().find((entry) => entry['message'] === 'disconnect callback');
    expect(line).toMatchObject({ from: 'Anonymous', to: 'Restricted', callId: callback.callId });
  });
});
