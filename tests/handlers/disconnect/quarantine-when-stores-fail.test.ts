/**
 * An authenticated callback the recorder rejects (not JSON, fails the schema) still gets its 4xx — but it is
 * kept, as sent, in the fallback bucket's quarantine, so a schema mistake never loses a record.
 */
import { describe, expect, it } from 'vitest';
import { basicAuthorization, freshStores, httpApiEvent, loadHandler, parkedObjects, type TestStores } from '../../support/recorder.ts';
import { closedPort } from '../../support/faulty-stores.ts';
import { disconnectCallback, SCHEDULING_SLACK_MS, timedAnswer } from '../../support/callbacks.ts';

const credentials = { BANDWIDTH_CALLBACK_USERNAME: 'bandwidth', BANDWIDTH_CALLBACK_PASSWORD: 'correct horse' };
const authorized = { authorization: basicAuthorization('bandwidth', 'correct horse') };

async function authenticatedRecorder(env: Record<string, string | undefined> = {}) {
  const stores = await freshStores();
  return { stores, handler: await loadHandler(stores, { ...credentials, ...env }) };
}

const quarantined = (stores: TestStores) => parkedObjects(stores, 'quarantine/');

describe('authenticated callbacks that are rejected are kept in quarantine', () => {
  it('one that fails the schema is answered 422 and kept as sent, with the reasons and when it came', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const callback = disconnectCallback({ eventType: 'answer' });
    const body = JSON.stringify(callback);
    const event = httpApiEvent({ body, headers: authorized });

    const answer = await timedAnswer(handler, event);

    expect(answer.status).toBe(422);
    const kept = await quarantined(stores);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      kind: 'quarantined',
      callId: callback.callId,
      receivedAt: new Date(event.requestContext.timeEpoch).toISOString(),
      input: { form: 'json', body },
    });
    expect(kept[0]?.details.join(' ')).toMatch(/eventType/);
    expect(await parkedObjects(stores, 'parked/')).toEqual([]);
  });

  it('one whose callId is too long for the table is kept too, under a key of bounded length', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const callId = `c-${'é'.repeat(1_100)}`; // 2,202 bytes of UTF-8: over DynamoDB's key limit
    const body = JSON.stringify(disconnectCallback({ callId }));

    const answer = await timedAnswer(handler, httpApiEvent({ body, headers: authorized }));

    expect(answer.status).toBe(422);
    expect(await quarantined(stores)).toMatchObject([{ callId, input: { form: 'json', body } }]);
  });

  it('a body that is not JSON is answered 4xx and kept as sent', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const body = '{"eventType":"disconnect","callId":"c-truncated';

    const answer = await timedAnswer(handler, httpApiEvent({ body, headers: authorized }));

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect((await quarantined(stores)).map((envelope) => envelope.input)).toEqual([{ form: 'json', body }]);
  });

  it('a GET-form callback that fails the schema is kept with its form', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const query = { eventType: 'disconnect', cause: 'hangup' }; // no callId

    const answer = await timedAnswer(handler, httpApiEvent({ method: 'GET', query, headers: authorized }));

    expect(answer.status).toBe(422);
    const kept = await quarantined(stores);
    expect(kept).toHaveLength(1);
    expect(kept[0]?.input.form).toBe('query');
    expect(JSON.parse(kept[0]?.input.body ?? '')).toEqual(query);
  });

  it('a request without valid credentials is answered 401 and nothing is kept', async () => {
    const { stores, handler } = await authenticatedRecorder();
    const body = JSON.stringify(disconnectCallback({ eventType: 'answer' }));

    const challenged = await timedAnswer(handler, httpApiEvent({ body }));
    const wrong = await timedAnswer(
      handler,
      httpApiEvent({ body, headers: { authorization: basicAuthorization('bandwidth', 'wrong') } }),
    );

    expect([challenged.status, wrong.status]).toEqual([401, 401]);
    expect(await quarantined(stores)).toEqual([]);
  });

  it('with the fallback bucket unreachable (closed port), the callback still gets its 4xx within the budget', async () => {
    const { stores, handler } = await authenticatedRecorder({ ANSWER_BUDGET_MS: '2000', S3_ENDPOINT: await closedPort() });
    const body = JSON.stringify(disconnectCallback({ eventType: 'answer' }));

    const answer = await timedAnswer(handler, httpApiEvent({ body, headers: authorized }));

    expect(answer.status).toBe(422);
    expect(answer.ms).toBeLessThan(2_000 + SCHEDULING_SLACK_MS);
    expect(await quarantined(stores)).toEqual([]);
  });
});
