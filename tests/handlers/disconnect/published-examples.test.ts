/**
 * Held out: Bandwidth's own published Disconnect examples, through the real handler and table. Each is recorded
 * verbatim (every field under its own name, value unchanged); an example off the spec is stored with its
 * deviations named; one the record cannot be made from is refused and quarantined as sent.
 */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../support/callbacks.ts';
import {
  basicAuthorization,
  documentClient,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  storedItem,
  type TestStores,
} from '../../support/recorder.ts';
import { PUBLISHED_EXAMPLES, PYTHON_SDK_FIXTURE } from './fixtures/bandwidth-published-examples.ts';

const AUTH = { authorization: basicAuthorization('bandwidth', 'published-examples') };
const TIME =
  'must be an ISO 8601 date-time with seconds and a time zone, such as 2026-11-20T15:58:04.911Z (or null or empty)';

describe("Bandwidth's published Disconnect examples", () => {
  let stores: TestStores;
  let handler: Handler;
  const written: string[] = [];

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores, {
      BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
      BANDWIDTH_CALLBACK_PASSWORD: 'published-examples',
    });
  });
  // Two examples share a callId: each starts from a table without it (the first delivery would win).
  afterEach(async () => {
    const client = documentClient(stores);
    for (const callId of written.splice(0))
      await client.send(new DeleteCommand({ TableName: stores.tableName, Key: { callId } }));
    client.destroy();
  });

  const deliver = async (body: string) => {
    const callId = String((JSON.parse(body) as { callId: unknown }).callId);
    written.push(callId);
    const answer = await send(handler, httpApiEvent({ body, headers: AUTH }));
    return { answer, callId, item: await storedItem(stores, callId) };
  };

  it.each(PUBLISHED_EXAMPLES.map((example) => [example.source, example] as const))(
    '%s: recorded verbatim',
    async (_, example) => {
      const { answer, item } = await deliver(example.body);
      expect(answer.status).toBe(204);
      const sent = JSON.parse(example.body) as Record<string, unknown>;
      expect(item).toMatchObject(sent);
      expect(item).not.toHaveProperty('specDeviations');
      expect(item?.['endedAt']).toBe(sent['endTime']);
    },
  );

  it('the python-sdk fixture as published (eventType "bridgeComplete") is refused and quarantined as sent', async () => {
    const body = JSON.stringify(PYTHON_SDK_FIXTURE);
    const { answer, callId, item } = await deliver(body);
    expect(answer.status).toBe(422);
    expect(item).toBeUndefined();
    const kept = (await parkedObjects(stores, 'quarantine/')).filter((parked) => parked.callId === callId);
    expect(kept).toEqual([
      expect.objectContaining({
        details: ['eventType must be one of "disconnect", "transferDisconnect"'],
        input: { form: 'json', body },
      }),
    ]);
  });

  it('the python-sdk fixture as a disconnect is stored, its times without seconds named and still read', async () => {
    const sent = { ...PYTHON_SDK_FIXTURE, eventType: 'disconnect', callId: 'c-python-sdk-as-disconnect' };
    const { answer, item } = await deliver(JSON.stringify(sent));
    expect(answer.status).toBe(204);
    expect(item).toMatchObject({
      ...sent,
      specDeviations: [`enqueuedTime ${TIME}`, `answerTime ${TIME}`, `endTime ${TIME}`],
      endedAt: '2022-06-17T22:20:00.000Z',
      endedDay: '2022-06-17',
      answered: true,
      durationSeconds: 0,
    });
  });

  it.each([
    ['a leap second', '2016-12-31T23:59:50Z', '2016-12-31T23:59:60Z', '2016-12-31', 10],
    ['an hour-only offset', '2019-06-21T04:54:22.234+05', '2019-06-21T04:55:54.123+05', '2019-06-20', 91.889],
    ['an offset without a colon', '2019-06-20T21:24:22.234+0530', '2019-06-20T21:25:54.123+0530', '2019-06-20', 91.889],
  ])(
    'an endTime with %s is filed under the UTC day the call ended, with its duration',
    async (_, answerTime, endTime, day, seconds) => {
      const sent = {
        ...(JSON.parse(PUBLISHED_EXAMPLES[2]?.body ?? '{}') as Record<string, unknown>),
        callId: `c-${day}-${seconds}`,
        answerTime,
        endTime,
      };
      const { answer, item } = await deliver(JSON.stringify(sent));
      expect(answer.status).toBe(204);
      expect(item).toMatchObject({ ...sent, endedDay: day, durationSeconds: seconds });
      expect(item).not.toHaveProperty('specDeviations');
    },
  );
});
