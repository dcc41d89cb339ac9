/**
 * What a sender sees when the stores fail, against real local servers: dynalite and s3rver, behind loopback
 * ports that are closed, hang, are slow, or answer DynamoDB's throttling and 5xx errors (an error-injecting
 * HTTP proxy — no SDK mocks). The answer always comes within ANSWER_BUDGET_MS; only when both stores fail is it 5xx.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_BUDGET_MS } from '../../../lambda/config.ts';
import { disconnectCallback, postedCallback, SCHEDULING_SLACK_MS, timedAnswer } from '../../support/callbacks.ts';
import {
  closedPort,
  delayingProxy,
  errorInjectingProxy,
  type FaultyStore,
  hangingStore,
  INTERNAL_SERVER_ERROR,
  SERVICE_UNAVAILABLE,
  THROTTLING,
  THROUGHPUT_EXCEEDED,
} from '../../support/faulty-stores.ts';
import { freshStores, loadHandler, parkedObjects, storedItem, type TestStores } from '../../support/recorder.ts';

const BUDGET_MS = 2_000;
const budget = { ANSWER_BUDGET_MS: String(BUDGET_MS) };
/**
 * The SDK backs off up to 1 s (jittered) after a throttling error, so tests that must see a retry after one use the
 * default budget, where the table's share (~2.4 s) always has room for it.
 */
const DEFAULT_BUDGET_MS = DEFAULT_ANSWER_BUDGET_MS;
const defaultBudget = { ANSWER_BUDGET_MS: undefined };

const opened: FaultyStore[] = [];
async function faulty<T extends FaultyStore>(store: Promise<T>): Promise<T> {
  const started = await store;
  opened.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

/** `landed`: a write the store took but answered too late may be in the table as well; replay then finds it present. */
async function expectParked(stores: TestStores, callId: string, reason: RegExp, landed = false) {
  if (!landed) expect(await storedItem(stores, callId)).toBeUndefined();
  const parked = (await parkedObjects(stores, 'parked/')).filter((envelope) => envelope.callId === callId);
  expect(parked).toHaveLength(1);
  expect(parked[0]?.reason).toMatch(reason);
  return parked[0];
}

describe('when the table cannot take the record, the callback is parked and answered 204 within the budget', () => {
  it('the table is unreachable (closed port)', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, { ...budget, DYNAMODB_ENDPOINT: await closedPort() });
    const callback = disconnectCallback();
    const receivedAt = new Date();

    const event = postedCallback(callback, receivedAt);
    // Bandwidth's own spacing: the parked copy must be byte for byte what was sent.
    event.body = JSON.stringify(callback, null, 1);

    const answer = await timedAnswer(handler, event);

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(BUDGET_MS + SCHEDULING_SLACK_MS);
    const parked = await expectParked(stores, callback.callId, /ECONNREFUSED/);
    // Everything replay needs: the callback as sent, its form, and when it was first received.
    expect(parked).toMatchObject({
      version: 1,
      kind: 'parked',
      receivedAt: receivedAt.toISOString(),
      input: { form: 'json' },
    });
    expect(parked?.input.body).toBe(JSON.stringify(callback, null, 1));
  });

  it('the table hangs (accepts connections, never answers)', async () => {
    const stores = await freshStores();
    const table = await faulty(hangingStore());
    const handler = await loadHandler(stores, { ...budget, DYNAMODB_ENDPOINT: table.endpoint });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(BUDGET_MS + SCHEDULING_SLACK_MS);
    await expectParked(stores, callback.callId, /Timeout|DeadlineExceeded|abort/i);
  });

  it('the table is far slower than the budget (delaying proxy, 10 s); its late write may land too', async () => {
    const stores = await freshStores();
    const table = await faulty(delayingProxy(stores.dynamoEndpoint, 10_000));
    const handler = await loadHandler(stores, { ...budget, DYNAMODB_ENDPOINT: table.endpoint });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(BUDGET_MS + SCHEDULING_SLACK_MS);
    await expectParked(stores, callback.callId, /Timeout|DeadlineExceeded|abort/i, true);
  });

  it('with the default 5 s budget too, when the table hangs', async () => {
    const stores = await freshStores();
    const table = await faulty(hangingStore());
    const handler = await loadHandler(stores, { ...defaultBudget, DYNAMODB_ENDPOINT: table.endpoint });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(DEFAULT_BUDGET_MS + SCHEDULING_SLACK_MS);
    // The table got its share of the budget before the fallback was used, not a fraction of it.
    expect(answer.ms).toBeGreaterThan(1_500);
    await expectParked(stores, callback.callId, /Timeout|DeadlineExceeded|abort/i);
  });

  it('the table keeps throttling (error-injecting proxy): retried, then parked', async () => {
    const stores = await freshStores();
    const table = await faulty(errorInjectingProxy(stores.dynamoEndpoint, () => THROTTLING));
    const handler = await loadHandler(stores, { ...defaultBudget, DYNAMODB_ENDPOINT: table.endpoint });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(DEFAULT_BUDGET_MS + SCHEDULING_SLACK_MS);
    expect(table.puts).toBeGreaterThanOrEqual(2);
    await expectParked(stores, callback.callId, /ThrottlingException|DeadlineExceeded/);
  });

  it.each([
    ['500 InternalServerError', INTERNAL_SERVER_ERROR],
    ['503 ServiceUnavailable', SERVICE_UNAVAILABLE],
  ])('the table answers %s every time (error-injecting proxy): retried, then parked', async (_name, error) => {
    const stores = await freshStores();
    const table = await faulty(errorInjectingProxy(stores.dynamoEndpoint, () => error));
    const handler = await loadHandler(stores, { ...budget, DYNAMODB_ENDPOINT: table.endpoint });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(BUDGET_MS + SCHEDULING_SLACK_MS);
    expect(table.puts).toBe(3); // every attempt the table client is allowed
    await expectParked(stores, callback.callId, new RegExp(error.type));
  });
});

describe('a table that is only briefly unwell still records the callback', () => {
  it('slow but within the budget (delaying proxy, 150 ms): recorded', async () => {
    const stores = await freshStores();
    const table = await faulty(delayingProxy(stores.dynamoEndpoint, 150));
    const handler = await loadHandler(stores, { ...budget, DYNAMODB_ENDPOINT: table.endpoint });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'recorded' });
    expect(answer.ms).toBeLessThan(BUDGET_MS + SCHEDULING_SLACK_MS);
    expect(await storedItem(stores, callback.callId)).toMatchObject({ callId: callback.callId });
    expect(await parkedObjects(stores, 'parked/')).toEqual([]);
  });

  it.each([
    ['throttled once', THROTTLING],
    ['over its provisioned throughput once', THROUGHPUT_EXCEEDED],
    ['failing with a 500 once', INTERNAL_SERVER_ERROR],
  ])('%s (error-injecting proxy): retried and recorded', async (_name, error) => {
    const stores = await freshStores();
    const table = await faulty(errorInjectingProxy(stores.dynamoEndpoint, (put) => (put === 1 ? error : undefined)));
    const handler = await loadHandler(stores, { ...defaultBudget, DYNAMODB_ENDPOINT: table.endpoint });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'recorded' });
    expect(table.puts).toBe(2);
    expect(await storedItem(stores, callback.callId)).toMatchObject({ callId: callback.callId });
    expect(await parkedObjects(stores, 'parked/')).toEqual([]);
  });

  it('with the fallback slow too (delaying proxy, 200 ms), a table outage still ends parked within the budget', async () => {
    const stores = await freshStores();
    const bucket = await faulty(delayingProxy(stores.s3Endpoint, 200));
    const handler = await loadHandler(stores, {
      ...budget,
      DYNAMODB_ENDPOINT: await closedPort(),
      S3_ENDPOINT: bucket.endpoint,
    });
    const callback = disconnectCallback();

    const answer = await timedAnswer(handler, postedCallback(callback));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeLessThan(BUDGET_MS + SCHEDULING_SLACK_MS);
    await expectParked(stores, callback.callId, /ECONNREFUSED/);
  });
});

describe('only when the record cannot be kept anywhere is the answer 5xx, within the budget', () => {
  function expectUnavailable(answer: Awaited<ReturnType<typeof timedAnswer>>) {
    expect(answer.status).toBe(503);
    expect(answer.contentType).toBe('application/json');
    expect(JSON.parse(answer.body ?? '')).toMatchObject({ error: 'the record could not be stored' });
    expect(answer.ms).toBeLessThan(BUDGET_MS + SCHEDULING_SLACK_MS);
  }

  it('both stores unreachable (closed ports)', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, {
      ...budget,
      DYNAMODB_ENDPOINT: await closedPort(),
      S3_ENDPOINT: await closedPort(),
    });
    expectUnavailable(await timedAnswer(handler, postedCallback(disconnectCallback())));
  });

  it('both stores hanging', async () => {
    const stores = await freshStores();
    const [table, bucket] = await Promise.all([faulty(hangingStore()), faulty(hangingStore())]);
    const handler = await loadHandler(stores, {
      ...budget,
      DYNAMODB_ENDPOINT: table.endpoint,
      S3_ENDPOINT: bucket.endpoint,
    });
    expectUnavailable(await timedAnswer(handler, postedCallback(disconnectCallback())));
  });

  it('the table unreachable and no fallback bucket configured', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, {
      ...budget,
      DYNAMODB_ENDPOINT: await closedPort(),
      PARKED_CALLBACKS_BUCKET: undefined,
    });
    expectUnavailable(await timedAnswer(handler, postedCallback(disconnectCallback())));
  });
});
