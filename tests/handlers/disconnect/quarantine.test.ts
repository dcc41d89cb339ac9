/**
 * A callback the recorder refuses after authentication (not JSON, fails the schema) still gets its 4xx (Bandwidth
 * sees the problem), but it is also kept, exactly as sent, in the fallback bucket's quarantine, so a schema mistake
 * never loses a record.
 */
import { describe, expect, it } from 'vitest';
import {
  disconnectCallback,
  queryParameters,
  SCHEDULING_SLACK_MS,
  send,
  timedAnswer,
} from '../../support/callbacks.ts';
import { closedPort } from '../../support/faulty-stores.ts';
import {
  allItems,
  basicAuthorization,
  freshStores,
  httpApiEvent,
  loadHandler,
  parkedObjects,
  type TestStores,
} from '../../support/recorder.ts';

const USER = 'bandwidth';
const PASSWORD = 'correct horse';
const credentials = { BANDWIDTH_CALLBACK_USERNAME: USER, BANDWIDTH_CALLBACK_PASSWORD: PASSWORD };
const authorized = { authorization: basicAuthorization(USER, PASSWORD) };

async function authenticatedRecorder(env: Record<string, string | undefined> = {}) {
  const stores = await freshStores();
  return { stores, handler: await loadHandler(stores, { ...credentials, ...env }) };
}

const quarantined = (stores: TestStores) => parkedObjects(stores, 'quarantine/');

/** `{"a":{"a":...1}}`: a number inside `maps` nested maps; as a field's value it sits at level maps + 1. */
function nestedMaps(maps: number): unknown {
  let value: unknown = 1;
  for (let map = 0; map < maps; map++) value = { a: value };
  return value;
}

describe('authenticated callbacks that are refused are kept in quarantine', () => {
  it('one that fails the schema is answered 422 and kept verbatim, with the reasons and when it came', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const callback = disconnectCallback({ eventType: 'Disconnect', receivedAt: '2026-11-20T15:58:05.000Z' });
    const body = JSON.stringify(callback);
    const event = httpApiEvent({ body, headers: authorized });

    const answer = await send(handler, event);

    expect(answer.status).toBe(422);
    expect(await quarantined(stores)).toEqual([
      expect.objectContaining({
        version: 1,
        kind: 'quarantined',
        callId: callback.callId,
        receivedAt: new Date(event.requestContext.timeEpoch).toISOString(),
        reason: 'the callback does not match the Disconnect schema',
        details: [
          'eventType must be one of "disconnect", "transferDisconnect"',
          'receivedAt is reserved for the recorder and cannot be sent',
        ],
        input: { form: 'json', body },
      }),
    ]);
    expect(await parkedObjects(stores, 'parked/')).toEqual([]);
    expect(await allItems(stores)).toEqual([]);
  });

  it('says so in its answer: X-Disconnect-Outcome quarantined, only once it is kept', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const event = () => httpApiEvent({ body: '{"callId":', headers: authorized });
    const kept = await send(handler, event());
    expect([kept.status, kept.headers['x-disconnect-outcome']]).toEqual([422, 'quarantined']);
    const nowhere = await send(
      await loadHandler(stores, { ...credentials, PARKED_CALLBACKS_BUCKET: undefined }),
      event(),
    );
    expect([nowhere.status, nowhere.headers['x-disconnect-outcome']]).toEqual([422, undefined]);
  });

  it('one whose callId is too long for the table is kept too, under a key of bounded length', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const callId = `c-${'é'.repeat(1_100)}`; // 2,202 bytes of UTF-8: over DynamoDB's key limit
    const body = JSON.stringify(disconnectCallback({ callId }));

    const answer = await send(handler, httpApiEvent({ body, headers: authorized }));

    expect(answer.status).toBe(422);
    expect(await quarantined(stores)).toMatchObject([{ callId, input: { form: 'json', body } }]);
  });

  it('a body that is not JSON is answered 4xx and kept as sent', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const body = '{"eventType":"disconnect","callId":"c-truncated';

    const answer = await send(handler, httpApiEvent({ body, headers: authorized }));

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect((await quarantined(stores)).map((envelope) => envelope.input)).toEqual([{ form: 'json', body }]);
  });

  it.each([
    ['not a JSON object (an array)', () => JSON.stringify([disconnectCallback()])],
    [
      'not storable in DynamoDB (a value 33 levels deep)',
      () => JSON.stringify(disconnectCallback({ extra: nestedMaps(32) })),
    ],
  ])('a body %s is answered 422 and kept as sent', async (_, body) => {
    const { stores, handler } = await authenticatedRecorder();
    const sent = body();

    const answer = await send(handler, httpApiEvent({ body: sent, headers: authorized }));

    expect(answer.status).toBe(422);
    expect((await quarantined(stores)).map((envelope) => envelope.input)).toEqual([{ form: 'json', body: sent }]);
    expect(await allItems(stores)).toEqual([]);
  });

  it('a base64-encoded body is kept decoded, as the text Bandwidth sent', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const body = JSON.stringify(disconnectCallback({ eventType: 'answer', tag: 'Zoë' }));

    await send(handler, httpApiEvent({ body, base64: true, headers: authorized }));

    expect((await quarantined(stores)).map((envelope) => envelope.input)).toEqual([{ form: 'json', body }]);
  });

  it.each([
    ['with its callId', queryParameters(disconnectCallback({ eventType: 'answer' }))],
    ['without a callId', { eventType: 'disconnect', cause: 'hangup' }],
  ])(
    'a GET-form callback that fails the schema (%s) is kept as its query parameters, with its form',
    async (_, query) => {
      const { stores, handler } = await authenticatedRecorder();

      const answer = await send(handler, httpApiEvent({ method: 'GET', query, headers: authorized }));

      expect(answer.status).toBe(422);
      const kept = await quarantined(stores);
      expect(kept).toHaveLength(1);
      expect(kept[0]?.input.form).toBe('query');
      expect(JSON.parse(kept[0]?.input.body ?? '')).toEqual(query);
    },
  );

  it('a request without valid credentials is answered 401 and nothing is kept', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const body = JSON.stringify(disconnectCallback({ eventType: 'answer' }));

    const challenged = await send(handler, httpApiEvent({ body }));
    const wrong = await send(
      handler,
      httpApiEvent({ body, headers: { authorization: basicAuthorization(USER, 'wrong') } }),
    );

    expect([challenged.status, wrong.status]).toEqual([401, 401]);
    expect(await quarantined(stores)).toEqual([]);
  });

  it('with the fallback bucket unreachable (closed port), the callback still gets its 4xx within the budget', async () => {
    const { stores, handler } = await authenticatedRecorder({
      ANSWER_BUDGET_MS: '2000',
      S3_ENDPOINT: await closedPort(),
    });
    const body = JSON.stringify(disconnectCallback({ eventType: 'answer' }));

    const answer = await timedAnswer(handler, httpApiEvent({ body, headers: authorized }));

    expect(answer.status).toBe(422);
    expect(answer.ms).toBeLessThan(2_000 + SCHEDULING_SLACK_MS);
    expect(await quarantined(stores)).toEqual([]);
  });
});
