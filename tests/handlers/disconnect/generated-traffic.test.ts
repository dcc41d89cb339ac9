/**
 * Thousands of generated callbacks (tests/support/generated-*.ts: from the schema and Bandwidth's published field
 * list), through the real handler against dynalite and s3rver: both API Gateway payload formats, base64 bodies, the
 * GET form, Basic auth with and without the challenge first. Every accepted callback is stored verbatim (read back
 * as DynamoDB's raw attribute values, numbers as their exact text) with the derived attributes the test works out
 * from the instants it wrote; a second delivery changes nothing; every mutation class gets the contract's answer.
 * Seeded: GENERATED_TRAFFIC_SEED=<seed> replays a run; a failure names its seed.
 */

import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayEvent } from '../../../lambda/http/api-gateway.ts';
import { localDynamoClient, localS3Client } from '../../../tools/local-stage/stores.ts';
import { type Answer, send } from '../../support/callbacks.ts';
import { FIELD_RULES, fieldRule, generateCallback } from '../../support/generated-callbacks.ts';
import {
  type Attribute,
  attributeOf,
  JsonNumber,
  type JsonObject,
  jsonText,
  type Layout,
  Random,
} from '../../support/generated-json.ts';
import { type CaseRequest, MUTATION_CLASSES, type TrafficCase } from '../../support/generated-mutations.ts';
import { derivedAttributes } from '../../support/generated-times.ts';
import {
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  restApiEvent,
  type TestStores,
} from '../../support/recorder.ts';

// A new seed on every local run (more of the space over time); CI (.ci/run sets CI=true) replays one fixed seed, so
// its verdict depends on the commit alone.
const SEED = Number(
  process.env['GENERATED_TRAFFIC_SEED'] ?? (process.env['CI'] === 'true' ? 22 : Math.floor(Math.random() * 2 ** 32)),
);
const ACCEPTED = 2_000;
const PER_MUTATION_CLASS = 100;
const IN_FLIGHT = 24;
const USER = 'bandwidth';
const PASSWORD = 'generated-traffic';
/** dynalite shares two busy cores with other test files; the live budget would park its slowest writes (load.test.ts). */
const WIDE_BUDGET_MS = '30000';
const RERUN = `seed ${SEED} (rerun: GENERATED_TRAFFIC_SEED=${SEED} npx vitest run tests/handlers/disconnect/generated-traffic.test.ts)`;

interface Delivery {
  format: '1.0' | '2.0';
  auth: 'none' | 'basic' | 'challenge';
  layout: Layout;
  base64: boolean;
}

interface Sent {
  traffic: TrafficCase;
  delivery: Delivery;
  received: number;
  challenge?: Answer;
  first?: Answer;
  second?: Answer;
}

/** The GET form of a callback: every value as text, and the item that text must become (the schema types some). */
function getForm(fields: JsonObject): { query: Record<string, string>; stored: JsonObject } {
  const query: Record<string, string> = {};
  const stored: JsonObject = {};
  for (const [name, value] of Object.entries(fields)) {
    const text = value === null ? '' : value instanceof JsonNumber ? value.token : String(value);
    query[name] = text;
    const rule = fieldRule(name);
    if (rule === undefined || rule.types.includes('string')) stored[name] = text;
    else stored[name] = text === '' && rule.types.includes('null') ? null : new JsonNumber(text, String(Number(text)));
  }
  return { query, stored };
}

/**
 * The recorder's legOf: a parentCallId (an unknown field of a disconnect, sent with any value) copied only when it is
 * a string a DynamoDB key can hold, non-empty and at most 2,048 bytes of UTF-8.
 */
function linkedCall(parentCallId: unknown): { legOf?: Attribute } {
  const indexable =
    typeof parentCallId === 'string' && parentCallId !== '' && Buffer.byteLength(parentCallId, 'utf8') <= 2048;
  return indexable ? { legOf: { S: parentCallId } } : {};
}

function acceptedCase(random: Random, delivery: Delivery): TrafficCase {
  const get = random.chance(0.15);
  const callback = generateCallback(random, get);
  if (get) {
    const { query, stored } = getForm(callback.fields);
    const expected = { kind: 'stored', fields: stored, times: callback.times, deviations: [], notUtf8: false } as const;
    return { label: 'a GET callback', request: { method: 'GET', query }, expected };
  }
  const body = jsonText(callback.fields, delivery.layout);
  const expected = {
    kind: 'stored',
    fields: callback.fields,
    times: callback.times,
    deviations: [],
    notUtf8: false,
  } as const;
  return { label: 'a callback', request: { method: 'POST', body }, expected };
}

function event(request: CaseRequest, delivery: Delivery, received: number, withCredentials: boolean): ApiGatewayEvent {
  const authorization = basicAuthorization(USER, PASSWORD);
  const headers: Record<string, string> = withCredentials
    ? { [delivery.format === '2.0' ? 'authorization' : 'Authorization']: authorization }
    : {};
  const options = {
    method: request.method,
    headers,
    ...(request.query === undefined ? {} : { query: request.query }),
    ...(request.body === undefined ? {} : { body: request.body, base64: delivery.base64 }),
  };
  if (delivery.format === '2.0') {
    const built = httpApiEvent(options);
    built.requestContext.timeEpoch = received;
    if (request.bytes !== undefined)
      Object.assign(built, { body: request.bytes.toString('base64'), isBase64Encoded: true });
    return built;
  }
  const built = restApiEvent(options);
  built.requestContext.requestTimeEpoch = received;
  if (request.bytes !== undefined)
    Object.assign(built, { body: request.bytes.toString('base64'), isBase64Encoded: true });
  return built;
}

/** Runs `work` over `items`, `IN_FLIGHT` at a time. */
async function inFlight<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < items.length) {
        const item = items[next++];
        if (item !== undefined) await work(item);
      }
    }),
  );
}

async function rawItems(stores: TestStores): Promise<Map<string, Record<string, Attribute>>> {
  const client = localDynamoClient(stores.dynamoEndpoint);
  const items = new Map<string, Record<string, Attribute>>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: stores.tableName, ExclusiveStartKey: ExclusiveStartKey as never }),
    );
    for (const item of page.Items ?? []) {
      const key = item['callId']?.S;
      if (key !== undefined) items.set(key, item as Record<string, Attribute>);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  client.destroy();
  return items;
}

/** Every envelope under a prefix of the fallback bucket, read concurrently. */
async function envelopes(stores: TestStores, prefix: string): Promise<{ input: { form: string; body: string } }[]> {
  const s3 = localS3Client(stores.s3Endpoint);
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: stores.bucket, Prefix: prefix, ContinuationToken }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken !== undefined);
  const found: { input: { form: string; body: string } }[] = [];
  await inFlight(keys, async (Key) => {
    const object = await s3.send(new GetObjectCommand({ Bucket: stores.bucket, Key }));
    found.push(JSON.parse(await object.Body!.transformToString()) as { input: { form: string; body: string } });
  });
  s3.destroy();
  return found;
}

/** The JSON error contract, as a problem or undefined: application/json, `{"error", "details"}`, no stack trace. */
function errorBodyProblem(answer: Answer | undefined): string | undefined {
  if (answer?.headers['content-type'] !== 'application/json') return `content-type ${answer?.headers['content-type']}`;
  try {
    const body = JSON.parse(answer.body ?? '') as { error?: unknown; details?: unknown };
    if (typeof body.error !== 'string' || !Array.isArray(body.details)) return `body ${answer.body}`;
  } catch {
    return `body ${answer.body}`;
  }
  return /\n\s+at |\.ts:\d+|node_modules/.test(answer.body ?? '') ? 'a stack trace in the body' : undefined;
}

const sent: Sent[] = [];
let items = new Map<string, Record<string, Attribute>>();
let quarantined: { input: { form: string; body: string } }[] = [];
let parked: unknown[] = [];
let elapsedMs = 0;

beforeAll(async () => {
  const started = performance.now();
  const stores = await freshStores();
  const withAuth = await loadHandler(stores, {
    BANDWIDTH_CALLBACK_USERNAME: USER,
    BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
    ANSWER_BUDGET_MS: WIDE_BUDGET_MS,
  });
  const open = await loadHandler(stores, { ANSWER_BUDGET_MS: WIDE_BUDGET_MS });
  const random = new Random(SEED);
  const base = Date.UTC(2026, 10, 20);
  const delivery = (bodyOnly: boolean): Delivery => ({
    format: random.pick(['1.0', '2.0']),
    auth: bodyOnly ? 'basic' : random.pick(['none', 'basic', 'basic', 'challenge']),
    layout: random.pick(['compact', 'compact', 'spaced', 'tabs']),
    base64: random.chance(0.2),
  });
  for (let index = 0; index < ACCEPTED; index++) {
    const chosen = delivery(false);
    sent.push({ traffic: acceptedCase(random, chosen), delivery: chosen, received: base + index * 1_000 });
  }
  for (const make of Object.values(MUTATION_CLASSES)) {
    for (let index = 0; index < PER_MUTATION_CLASS; index++) {
      sent.push({ traffic: make(random), delivery: delivery(true), received: base + sent.length * 1_000 });
    }
  }
  const handlerOf = (entry: Sent): Handler => (entry.delivery.auth === 'none' ? open : withAuth);
  await inFlight(sent, async (entry) => {
    const { request } = entry.traffic;
    if (entry.delivery.auth === 'challenge')
      entry.challenge = await send(withAuth, event(request, entry.delivery, entry.received - 500, false));
    entry.first = await send(
      handlerOf(entry),
      event(request, entry.delivery, entry.received, entry.delivery.auth !== 'none'),
    );
  });
  // A retry or a replay of each accepted callback, later; now and then with a field changed: the first one wins.
  await inFlight(
    sent.filter((entry) => entry.traffic.expected.kind === 'stored'),
    async (entry) => {
      const { request } = entry.traffic;
      const again =
        request.body?.endsWith('}') && random.chance(0.1)
          ? { ...request, body: request.body.replace(/}\s*$/, ',"secondDelivery":true}') }
          : request;
      entry.second = await send(
        handlerOf(entry),
        event(again, entry.delivery, entry.received + 60_000, entry.delivery.auth !== 'none'),
      );
    },
  );
  items = await rawItems(stores);
  quarantined = await envelopes(stores, 'quarantine/');
  parked = await envelopes(stores, 'parked/');
  elapsedMs = performance.now() - started;
}, 180_000);

describe(`generated traffic (${RERUN})`, () => {
  it(`sends at least ${ACCEPTED} accepted callbacks and ${PER_MUTATION_CLASS} of each mutation class`, () => {
    expect(sent.length).toBeGreaterThanOrEqual(ACCEPTED + PER_MUTATION_CLASS * Object.keys(MUTATION_CLASSES).length);
    console.info(`generated traffic: ${sent.length} callbacks, ${Math.round(elapsedMs)} ms, ${RERUN}`);
  });

  it('covers what it claims: every optional field present, absent and null, parentCallId null, empty and a call id, every time form, every delivery', () => {
    const seen = new Set<string>();
    for (const entry of sent) {
      const { expected, request } = entry.traffic;
      seen.add(`${entry.delivery.format} ${request.method} ${entry.delivery.auth}`);
      if (request.bytes !== undefined || (entry.delivery.base64 && request.body !== undefined)) seen.add('base64');
      if (expected.kind !== 'stored' || expected.deviations.length > 0) continue;
      for (const rule of FIELD_RULES) {
        const value = expected.fields[rule.name];
        seen.add(
          `${rule.name} ${value === undefined ? 'absent' : value === null ? 'null' : value === '' ? 'empty' : 'present'}`,
        );
      }
      const parent = expected.fields['parentCallId'];
      if (parent !== undefined)
        seen.add(
          `parentCallId ${parent === null ? 'null' : parent === '' ? 'empty' : linkedCall(parent).legOf === undefined ? 'unlinked' : 'linked'}`,
        );
      for (const written of Object.values(expected.times)) {
        const text = written.text;
        if (/\dt\d/.test(text)) seen.add('time t');
        if (/\d \d/.test(text)) seen.add('time space');
        if (/z$/.test(text)) seen.add('time z');
        if (/[+-]\d\d:\d\d$/.test(text)) seen.add('time offset');
        if (/:60(\.|[zZ+-])/.test(text)) seen.add('time leap second');
        if (/^00\d\d-/.test(text)) seen.add('time year 0001-0099');
        if (/\.\d{4,}/.test(text)) seen.add('time fraction beyond ms');
      }
      const numbers = JSON.stringify(Object.values(expected.fields), (_, value: unknown) =>
        value instanceof JsonNumber
          ? value.held.replace(/[-.]/g, '').replace(/^0+/, '').length > 15
            ? 'EXACT'
            : 'NUMBER'
          : value,
      );
      if (numbers.includes('"EXACT"')) seen.add('a number a double cannot hold');
    }
    const wanted = [
      ...['1.0', '2.0'].flatMap((format) =>
        ['POST', 'GET'].flatMap((method) =>
          ['none', 'basic', 'challenge'].map((auth) => `${format} ${method} ${auth}`),
        ),
      ),
      'base64',
      ...FIELD_RULES.filter((rule) => !rule.required).flatMap((rule) => [
        `${rule.name} absent`,
        `${rule.name} present`,
        ...(rule.types.includes('null') ? [`${rule.name} null`] : []),
        ...(rule.mayBeEmpty ? [`${rule.name} empty`] : []),
      ]),
      ...['t', 'space', 'z', 'offset', 'leap second', 'year 0001-0099', 'fraction beyond ms'].map(
        (form) => `time ${form}`,
      ),
      'a number a double cannot hold',
      // A disconnect's unknown parentCallId: null and empty stored as sent, a call id also linked (legOf).
      ...['null', 'empty', 'linked'].map((kind) => `parentCallId ${kind}`),
    ];
    expect(
      wanted.filter((claim) => !seen.has(claim)),
      RERUN,
    ).toEqual([]);
  });

  it('stores every accepted callback verbatim, with the derived attributes its times give, once', () => {
    const problems: string[] = [];
    for (const entry of sent) {
      const { expected, label } = entry.traffic;
      if (expected.kind !== 'stored') continue;
      const say = (problem: string) =>
        problems.push(
          `${label} ${entry.traffic.request.body?.slice(0, 300) ?? JSON.stringify(entry.traffic.request.query)}: ${problem}`,
        );
      if (entry.challenge !== undefined) {
        if (
          entry.challenge.status !== 401 ||
          !/^Basic realm="[^"]+"/.test(entry.challenge.headers['www-authenticate'] ?? '')
        )
          say(`challenge answered ${entry.challenge.status}`);
      }
      if (entry.first?.status !== 204 || (entry.first.body ?? '') !== '')
        say(`answered ${entry.first?.status} ${entry.first?.body}`);
      if (entry.second?.status !== 204) say(`second delivery answered ${entry.second?.status} ${entry.second?.body}`);
      const callId = expected.fields['callId'];
      const item = typeof callId === 'string' ? items.get(callId) : undefined;
      if (item === undefined) {
        say('not in the table');
        continue;
      }
      const answerTime = expected.fields['answerTime'];
      const answered = answerTime !== undefined && answerTime !== null && answerTime !== '';
      const want: Record<string, Attribute> = {
        ...Object.fromEntries(Object.entries(expected.fields).map(([name, value]) => [name, attributeOf(value)])),
        receivedAt: { S: new Date(entry.received).toISOString() },
        ...derivedAttributes(expected.times, answered, entry.received),
        ...linkedCall(expected.fields['parentCallId']),
      };
      const { specDeviations, ...got } = item;
      try {
        expect(got).toEqual(want);
      } catch (error) {
        say(String(error).slice(0, 1_500));
      }
      const named =
        specDeviations === undefined
          ? []
          : 'L' in specDeviations
            ? specDeviations.L.map((d) => ('S' in d ? d.S : '?'))
            : ['?'];
      const expectedNames = expected.deviations.map((name) => `${name} `);
      const unexpected = named.filter(
        (d) => !expectedNames.some((name) => d.startsWith(name)) && !(expected.notUtf8 && d.includes('UTF-8')),
      );
      const unnamed = expectedNames.filter((name) => !named.some((d) => d.startsWith(name)));
      if (expected.notUtf8 && !named.some((d) => d.includes('UTF-8'))) unnamed.push('not UTF-8');
      if (unexpected.length > 0 || unnamed.length > 0)
        say(`specDeviations ${JSON.stringify(named)}, expected ${JSON.stringify(expected.deviations)}`);
    }
    const stored = sent.filter((entry) => entry.traffic.expected.kind === 'stored').length;
    if (items.size !== stored) problems.push(`${items.size} items for ${stored} accepted callbacks`);
    if (parked.length > 0) problems.push(`${parked.length} callbacks parked with the stores up`);
    expect(problems.slice(0, 10), `${problems.length} problems, ${RERUN}`).toEqual([]);
  });

  it('refuses every callback no record can be made of with a 4xx JSON body, and quarantines it as sent', () => {
    const problems: string[] = [];
    const kept = new Map<string, number>();
    for (const envelope of quarantined) {
      const key = `${envelope.input.form} ${envelope.input.body}`;
      kept.set(key, (kept.get(key) ?? 0) + 1);
    }
    for (const entry of sent) {
      const { expected, label, request } = entry.traffic;
      if (expected.kind === 'stored') continue;
      const say = (problem: string) => problems.push(`${label}: ${problem}`);
      const status = entry.first?.status ?? 0;
      const wanted =
        expected.kind === 'tooLarge'
          ? status === 413
          : status >= 400 && status < 500 && status !== 401 && status !== 413;
      if (!wanted) say(`answered ${status} ${entry.first?.body?.slice(0, 200)}`);
      const problem = errorBodyProblem(entry.first);
      if (problem !== undefined) say(problem);
      if (expected.kind === 'refused') {
        const key = `${expected.form} ${expected.quarantined}`;
        const count = kept.get(key) ?? 0;
        if (count === 0) say('not quarantined as sent');
        else kept.set(key, count - 1);
      }
      const text = request.body ?? (request.query === undefined ? undefined : JSON.stringify(request.query));
      try {
        const callId = (JSON.parse(text ?? '') as { callId?: unknown }).callId;
        if (typeof callId === 'string' && items.has(callId)) say('stored all the same');
      } catch {
        // Not JSON: no callId to look for.
      }
    }
    const extra = [...kept.values()].reduce((sum, count) => sum + count, 0);
    if (extra > 0) problems.push(`${extra} quarantined callbacks that no refused case sent`);
    expect(problems.slice(0, 10), `${problems.length} problems, ${RERUN}`).toEqual([]);
  });
});
