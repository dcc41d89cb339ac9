/**
 * The bad-input matrix, through the whole handler with Basic auth configured and the real table: every case gets
 * its exact status and JSON error body, and the table stays empty.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayEvent } from '../../../lambda/http/api-gateway.ts';
import { disconnectCallback, errorBody, queryParameters, send } from '../../support/callbacks.ts';
import {
  allItems,
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  restApiEvent,
  type TestStores,
} from '../../support/recorder.ts';

const USER = 'bandwidth';
const PASSWORD = 'p@ss:wörd';
const AUTH = { authorization: basicAuthorization(USER, PASSWORD) };
const CHALLENGE = /^Basic realm="[^"]+"/;

const NOT_JSON = 'Invalid or malformed JSON was provided';
const NOT_OBJECT = 'the body is not a JSON object';
const SCHEMA = 'the callback does not match the Disconnect schema';
const UNSTORABLE = 'the callback cannot be stored in DynamoDB';

/** A POST (HTTP API 2.0) with valid credentials and this body text. */
const post = (body: string | undefined, headers: Record<string, string> = AUTH): ApiGatewayEvent =>
  httpApiEvent({ ...(body === undefined ? {} : { body }), headers });
/** The documented callback with some fields replaced, as a POST. */
const postCallback = (fields: Record<string, unknown>): ApiGatewayEvent =>
  post(JSON.stringify(disconnectCallback(fields)));

/** `{"a":{"a":...1}}`: a number inside `maps` nested maps; as an unknown field's value it sits at level maps + 1. */
function nested(maps: number): unknown {
  let value: unknown = 1;
  for (let map = 0; map < maps; map++) value = { a: value };
  return value;
}

interface Case {
  name: string;
  event: () => ApiGatewayEvent;
  status: number;
  error: string;
  details: string[];
}

const authFailures: Case[] = [
  {
    name: 'no Authorization header',
    event: () => post('{}', {}),
    status: 401,
    error: 'authentication required',
    details: ['send HTTP Basic credentials'],
  },
  {
    name: 'a wrong user',
    event: () => post('{}', { authorization: basicAuthorization('admin', PASSWORD) }),
    status: 401,
    error: 'invalid credentials',
    details: [],
  },
  {
    name: 'a wrong password',
    event: () => post('{}', { authorization: basicAuthorization(USER, 'p@ss:word') }),
    status: 401,
    error: 'invalid credentials',
    details: [],
  },
  {
    name: 'the Bearer scheme',
    event: () => post('{}', { authorization: 'Bearer abc.def.ghi' }),
    status: 401,
    error: 'authentication required',
    details: ['send HTTP Basic credentials'],
  },
  {
    name: 'undecodable Basic credentials',
    event: () => post('{}', { authorization: 'Basic %%%%' }),
    status: 401,
    error: 'authentication required',
    details: ['send HTTP Basic credentials'],
  },
  {
    name: 'Basic credentials without a colon',
    event: () => post('{}', { authorization: `Basic ${Buffer.from(USER).toString('base64')}` }),
    status: 401,
    error: 'authentication required',
    details: ['send HTTP Basic credentials'],
  },
  // Auth comes before the body limit: an unauthenticated giant body is a 401, not a 413.
  {
    name: 'no credentials and a giant body',
    event: () => post('x'.repeat(200_000), {}),
    status: 401,
    error: 'authentication required',
    details: ['send HTTP Basic credentials'],
  },
  // ... and before parsing: unauthenticated malformed JSON is a 401, not a 422.
  {
    name: 'no credentials and malformed JSON',
    event: () => post('{"eventType":', {}),
    status: 401,
    error: 'authentication required',
    details: ['send HTTP Basic credentials'],
  },
];

const bodyFailures: Case[] = [
  {
    name: 'malformed JSON',
    event: () => post('{"eventType":"disconnect",'),
    status: 422,
    error: NOT_JSON,
    details: ['the body is not valid JSON'],
  },
  {
    name: 'JSON with a trailing comma',
    event: () => post('{"eventType":"disconnect","callId":"c-1",}'),
    status: 422,
    error: NOT_JSON,
    details: ['the body is not valid JSON'],
  },
  {
    name: 'a form-encoded POST body',
    event: () => post('eventType=disconnect&callId=c-1'),
    status: 422,
    error: NOT_JSON,
    details: ['the body is not valid JSON'],
  },
  {
    name: 'base64 that is not JSON',
    event: () => httpApiEvent({ body: '\u0000\u0001binary', base64: true, headers: AUTH }),
    status: 422,
    error: NOT_JSON,
    details: ['the body is not valid JSON'],
  },
  { name: 'an empty body', event: () => post(''), status: 422, error: NOT_JSON, details: ['the body is empty'] },
  {
    name: 'a missing body (HTTP API)',
    event: () => post(undefined),
    status: 422,
    error: NOT_JSON,
    details: ['the body is empty'],
  },
  {
    name: 'a null body (REST API)',
    event: () => restApiEvent({ headers: AUTH }),
    status: 422,
    error: NOT_OBJECT,
    details: ['the body must be a JSON object, not null'],
  },
  {
    name: 'the JSON null',
    event: () => post('null'),
    status: 422,
    error: NOT_OBJECT,
    details: ['the body must be a JSON object, not null'],
  },
  {
    name: 'a JSON array of callbacks',
    event: () => post(JSON.stringify([disconnectCallback()])),
    status: 422,
    error: NOT_OBJECT,
    details: ['the body must be a JSON object, not an array'],
  },
  {
    name: 'a JSON number',
    event: () => post('42'),
    status: 422,
    error: NOT_OBJECT,
    details: ['the body must be a JSON object, not a number'],
  },
  {
    name: 'a JSON string',
    event: () => post('"disconnect"'),
    status: 422,
    error: NOT_OBJECT,
    details: ['the body must be a JSON object, not a string'],
  },
  {
    name: 'a JSON boolean',
    event: () => post('true'),
    status: 422,
    error: NOT_OBJECT,
    details: ['the body must be a JSON object, not true or false'],
  },
  {
    name: 'an empty object',
    event: () => post('{}'),
    status: 422,
    error: SCHEMA,
    details: ['eventType is required', 'callId is required'],
  },
  {
    name: 'a giant body (1 byte over 64 KiB)',
    event: () => post(`{"pad":"${'x'.repeat(64 * 1024 - 9)}"}`),
    status: 413,
    error: 'body too large',
    details: ['the body is 65537 bytes; the limit is 65536'],
  },
  {
    name: 'a giant base64-encoded body',
    event: () => httpApiEvent({ body: 'y'.repeat(100_000), base64: true, headers: AUTH }),
    status: 413,
    error: 'body too large',
    details: ['the body is 100000 bytes; the limit is 65536'],
  },
  {
    name: 'a __proto__ key',
    event: () => post('{"__proto__":{"admin":true},"eventType":"disconnect","callId":"c-1"}'),
    status: 422,
    error: 'Forbidden key in JSON body',
    details: ['the field name "__proto__" is not allowed'],
  },
  {
    name: 'a __proto__ key inside an unknown field',
    event: () => post('{"eventType":"disconnect","callId":"c-1","extra":{"__proto__":{}}}'),
    status: 422,
    error: 'Forbidden key in JSON body',
    details: ['the field name "__proto__" is not allowed'],
  },
  {
    name: 'a constructor.prototype key',
    event: () => post('{"constructor":{"prototype":{"polluted":true}},"eventType":"disconnect","callId":"c-1"}'),
    status: 422,
    error: 'Forbidden key in JSON body',
    details: ['the field name "constructor" is not allowed'],
  },
  {
    name: 'deep nesting (a value at level 33)',
    event: () => postCallback({ extra: nested(32) }),
    status: 422,
    error: UNSTORABLE,
    details: [`extra${'.a'.repeat(32)} is nested more than 32 levels deep`],
  },
  {
    name: 'nesting 1,000 levels deep',
    event: () => post(`{"eventType":"disconnect","callId":"c-1","extra":${'['.repeat(1_000)}${']'.repeat(1_000)}}`),
    status: 422,
    error: UNSTORABLE,
    details: [`extra${'[0]'.repeat(32)} is nested more than 32 levels deep`],
  },
  // Deeper still, JSON.parse itself runs out of stack: still a 422 that says why, never a 5xx.
  {
    name: 'nesting 20,000 levels deep',
    event: () => post(`{"eventType":"disconnect","callId":"c-1","extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`),
    status: 422,
    error: UNSTORABLE,
    details: [`extra${'[0]'.repeat(32)} is nested more than 32 levels deep`],
  },
  // A body that may hold a forbidden key is read by middy's parser, whose guard (a reviver) cannot go that deep.
  {
    name: 'nesting 20,000 levels deep beside a "constructor" field',
    event: () =>
      post(
        `{"eventType":"disconnect","callId":"c-1","constructor":"x","extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      ),
    status: 422,
    error: NOT_JSON,
    details: ['the body is nested too deeply to read (DynamoDB stores at most 32 levels)'],
  },
  {
    name: 'an empty field name',
    event: () => postCallback({ '': 'x' }),
    status: 422,
    error: UNSTORABLE,
    details: ['the body has an empty field name'],
  },
  {
    name: 'a number of more significant digits than DynamoDB holds (38)',
    event: () => post(`{"eventType":"disconnect","callId":"c-1","count":${'1'.repeat(39)}}`),
    status: 422,
    error: UNSTORABLE,
    details: ['count is a number DynamoDB cannot store exactly: it has more than 38 significant digits'],
  },
  {
    name: "a number out of DynamoDB's range",
    event: () => post('{"eventType":"disconnect","callId":"c-1","big":1e400}'),
    status: 422,
    error: UNSTORABLE,
    details: ['big is a number DynamoDB cannot store exactly: it is too large in magnitude'],
  },
  {
    name: 'a number too small for DynamoDB (1e-400, which a double reads as 0)',
    event: () => post('{"eventType":"disconnect","callId":"c-1","small":[1e-400]}'),
    status: 422,
    error: UNSTORABLE,
    details: ['small[0] is a number DynamoDB cannot store exactly: it is too small in magnitude'],
  },
];

/** The record tier: what a record cannot do without. Fields off Bandwidth's spec are stored (spec-deviations.test.ts). */
const fieldFailures: Case[] = [
  {
    name: 'eventType missing',
    event: () => postCallback({ eventType: undefined }),
    status: 422,
    error: SCHEMA,
    details: ['eventType is required'],
  },
  {
    name: 'callId missing',
    event: () => postCallback({ callId: undefined }),
    status: 422,
    error: SCHEMA,
    details: ['callId is required'],
  },
  {
    name: 'a wrong eventType',
    event: () => postCallback({ eventType: 'answer' }),
    status: 422,
    error: SCHEMA,
    details: ['eventType must be one of "disconnect", "transferDisconnect"'],
  },
  {
    name: 'eventType in another case',
    event: () => postCallback({ eventType: 'Disconnect' }),
    status: 422,
    error: SCHEMA,
    details: ['eventType must be one of "disconnect", "transferDisconnect"'],
  },
  {
    name: 'eventType as a number',
    event: () => postCallback({ eventType: 1 }),
    status: 422,
    error: SCHEMA,
    details: ['eventType must be one of "disconnect", "transferDisconnect"'],
  },
  {
    name: 'an empty callId',
    event: () => postCallback({ callId: '' }),
    status: 422,
    error: SCHEMA,
    details: ['callId must not be empty'],
  },
  {
    name: 'a callId that is a number',
    event: () => postCallback({ callId: 12345 }),
    status: 422,
    error: SCHEMA,
    details: ['callId must be a string'],
  },
  {
    name: 'a callId over 2,048 bytes of UTF-8 (683 characters)',
    event: () => postCallback({ callId: '€'.repeat(683) }),
    status: 422,
    error: SCHEMA,
    details: ['callId must be at most 2048 bytes of UTF-8'],
  },
  {
    name: 'a recorder attribute name (receivedAt)',
    event: () => postCallback({ receivedAt: '2026-11-20T15:58:05.000Z' }),
    status: 422,
    error: SCHEMA,
    details: ['receivedAt is reserved for the recorder and cannot be sent'],
  },
  {
    name: "the recorder's deviation list (specDeviations)",
    event: () => postCallback({ specDeviations: [] }),
    status: 422,
    error: SCHEMA,
    details: ['specDeviations is reserved for the recorder and cannot be sent'],
  },
  {
    // Spec-tier fields are not named when the record tier refuses: the 422 says what stops the record.
    name: 'a wrong eventType beside fields off the spec',
    event: () => postCallback({ eventType: 'answer', from: 15551112222, endTime: 'soon', tag: false }),
    status: 422,
    error: SCHEMA,
    details: ['eventType must be one of "disconnect", "transferDisconnect"'],
  },
  {
    name: 'the GET form without a callId',
    event: () =>
      httpApiEvent({ method: 'GET', headers: AUTH, query: queryParameters(disconnectCallback({ callId: undefined })) }),
    status: 422,
    error: SCHEMA,
    details: ['callId is required'],
  },
  {
    name: 'the GET form without any parameter',
    event: () => httpApiEvent({ method: 'GET', headers: AUTH }),
    status: 422,
    error: SCHEMA,
    details: ['eventType is required', 'callId is required'],
  },
];

describe('bad input: exact answer, nothing written', () => {
  let stores: TestStores;
  let handler: Handler;

  beforeAll(async () => {
    stores = await freshStores();
    // No fallback bucket: only the table is asked about here (quarantine has its own test, quarantine.test.ts).
    handler = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: USER,
      BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
      PARKED_CALLBACKS_BUCKET: undefined,
    });
  });

  const matrix = [...authFailures, ...bodyFailures, ...fieldFailures];

  it.each(matrix.map((entry) => [entry.name, entry] as const))('%s', async (_, entry) => {
    const answer = await send(handler, entry.event());
    expect(answer.status).toBe(entry.status);
    expect(errorBody(answer)).toEqual({ error: entry.error, details: entry.details });
    if (entry.status === 401) expect(answer.headers['www-authenticate']).toMatch(CHALLENGE);
    else expect(answer.headers['www-authenticate']).toBeUndefined();
    expect(await allItems(stores)).toEqual([]);
  });
});
