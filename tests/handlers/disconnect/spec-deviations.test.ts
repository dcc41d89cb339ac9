/**
 * The spec tier: a callback whose fields are off Bandwidth's spec (type or format) but that the record can be made
 * from is stored verbatim and answered 204, its deviations named in the record's specDeviations, a WARN line
 * logged and counted by the SpecDeviations metric filter. Bandwidth never resends a refused callback, so refusing
 * these would lose the call record.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { disconnectCallback, queryParameters, send } from '../../support/callbacks.ts';
import { type CapturedLogs, captureLogs } from '../../support/captured-logs.ts';
import {
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  restApiEvent,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';

const USER = 'bandwidth';
const PASSWORD = 'spec-deviations';
const AUTH = { authorization: basicAuthorization(USER, PASSWORD) };
const TIME =
  'must be an ISO 8601 date-time with seconds and a time zone, such as 2026-11-20T15:58:04.911Z (or null or empty)';

/** Each spec-tier deviation, sent as JSON, and the words the record names it with. */
const deviations: [name: string, fields: Record<string, unknown>, named: string[]][] = [
  [
    'enqueuedTime without seconds (python-sdk fixture)',
    { enqueuedTime: '2022-06-17T22:20Z' },
    [`enqueuedTime ${TIME}`],
  ],
  [
    'sipResponseCode as the string "486" (ruby-sdk fixture)',
    { sipResponseCode: '486' },
    ['sipResponseCode must be an integer or null'],
  ],
  ['an eventTime that is not a date', { eventTime: 'yesterday' }, [`eventTime ${TIME}`]],
  ['a startTime on a day that does not exist', { startTime: '2026-02-30T10:00:00.000Z' }, [`startTime ${TIME}`]],
  ['an endTime without a time zone', { endTime: '2026-11-20T15:58:04.911' }, [`endTime ${TIME}`]],
  ['an answerTime as epoch milliseconds', { answerTime: 1763654284911 }, ['answerTime must be a string or null']],
  ['a date-only enqueuedTime', { enqueuedTime: '2026-11-20' }, [`enqueuedTime ${TIME}`]],
  ['a fractional sipResponseCode', { sipResponseCode: 48.6 }, ['sipResponseCode must be an integer or null']],
  ['a sipResponseCode over 999', { sipResponseCode: 4860 }, ['sipResponseCode must be at most 999']],
  ['a negative sipResponseCode', { sipResponseCode: -1 }, ['sipResponseCode must be at least 0']],
  ['an accountId over 256 characters', { accountId: '5'.repeat(257) }, ['accountId must be at most 256 characters']],
  ['a cause over 256 characters', { cause: 'c'.repeat(257) }, ['cause must be at most 256 characters']],
  ['an undocumented direction', { direction: 'internal' }, ['direction must be one of "inbound", "outbound"']],
  ['a callUrl that is not a URI', { callUrl: 'calls/c-1' }, ['callUrl must be a URI']],
  ['from as a JSON number', { from: 15551112222 }, ['from must be a string']],
  ['to as a list', { to: ['+15553334444'] }, ['to must be a string']],
  ['applicationId null', { applicationId: null }, ['applicationId must be a string']],
  ['cause null', { cause: null }, ['cause must be a string']],
  ['tag as a number', { tag: 7 }, ['tag must be a string or null']],
  ['errorId as an object', { errorId: {} }, ['errorId must be a string or null']],
  ['sipCallId as a number', { sipCallId: 1 }, ['sipCallId must be a string or null']],
  ['sipResponseCode as true', { sipResponseCode: true }, ['sipResponseCode must be an integer or null']],
  [
    'several fields off the spec at once, named in schema order',
    { from: 15551112222, endTime: 'soon', tag: false },
    ['from must be a string', `endTime ${TIME}`, 'tag must be a string or null'],
  ],
];

const metricFilter = (): string => {
  const config = parse(readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8')) as {
    resources: { Resources: Record<string, { Properties: { FilterPattern?: string } }> };
  };
  return config.resources.Resources['SpecDeviationsMetric']?.Properties.FilterPattern ?? '';
};

describe("callbacks off Bandwidth's spec are stored, the deviations named", () => {
  let stores: TestStores;
  let handler: Handler;
  let logs: CapturedLogs;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: USER,
      BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it.each(deviations)('%s: 204, stored verbatim, specDeviations in the record', async (_, fields, named) => {
    const callback = disconnectCallback(fields);
    const answer = await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: AUTH }));
    expect(answer.status).toBe(204);

    const item = await storedItem(stores, String(callback['callId']));
    // Every field as sent, the deviations beside them; nothing quarantined.
    expect(item).toMatchObject({ ...callback, specDeviations: named });
    expect((await parkedObjects(stores, 'quarantine/')).filter((kept) => kept.callId === callback['callId'])).toEqual(
      [],
    );
  });

  it('logs one WARN line per deviating callback, with the callId and the deviations, that the metric filter counts', async () => {
    const callback = disconnectCallback({ enqueuedTime: '2022-06-17T22:20Z' });
    await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: AUTH }));
    const warned = logs.lines().filter((line) => line['specDeviations'] !== undefined);
    expect(warned).toEqual([
      expect.objectContaining({ level: 'WARN', callId: callback['callId'], specDeviations: [`enqueuedTime ${TIME}`] }),
    ]);
    // The filter is `{ $.message = "..." }`: the line's message is the one it names.
    expect(metricFilter()).toBe(`{ $.message = ${JSON.stringify(warned[0]?.['message'])} }`);
  });

  it('a callback on the spec carries no specDeviations and logs no WARN line', async () => {
    const callback = disconnectCallback();
    expect((await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: AUTH }))).status).toBe(204);
    expect(await storedItem(stores, String(callback['callId']))).not.toHaveProperty('specDeviations');
    expect(logs.lines().filter((line) => line['level'] === 'WARN')).toEqual([]);
  });

  it('the GET form with a non-numeric sipResponseCode is stored with the text as sent', async () => {
    const callback = disconnectCallback({ sipResponseCode: 'busy' });
    const answer = await send(
      handler,
      restApiEvent({ method: 'GET', headers: AUTH, query: queryParameters(callback) }),
    );
    expect(answer.status).toBe(204);
    expect(await storedItem(stores, String(callback['callId']))).toMatchObject({
      sipResponseCode: 'busy',
      specDeviations: ['sipResponseCode must be an integer or null'],
    });
  });
});
