/**
 * When the answer budget runs out with a write still under way, the 503 says what is known: whether a copy may
 * still land, on the callback's line and on the error line (with the `unsettled503` metric an operator subtracts
 * from `failed`), and a copy that does land later is found where the line says it may be. A record kept nowhere
 * for certain says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { disconnectCallback, postedCallback, timedAnswer } from '../../support/callbacks.ts';
import { type CapturedLogs, captureLogs } from '../../support/captured-logs.ts';
import { closedPort, delayingProxy, type FaultyStore } from '../../support/faulty-stores.ts';
import { freshStores, loadHandler, parkedObjects } from '../../support/recorder.ts';

const BUDGET_MS = 1_500;
const env = { ANSWER_BUDGET_MS: String(BUDGET_MS), POWERTOOLS_LOG_LEVEL: 'INFO', METRICS_NAMESPACE: 'Test' };
const opened: FaultyStore[] = [];
let logs: CapturedLogs | undefined;

afterEach(async () => {
  logs?.restore();
  logs = undefined;
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const lineOf = (message: RegExp) => logs?.lines().find((line) => message.test(String(line['message'])));

describe('a 503 tells whether a copy may still land', () => {
  it('the fallback write still under way at the deadline: failed, fallbackWriteInFlight, and the copy lands', async () => {
    const stores = await freshStores();
    // The bucket stores each PUT at once but answers only after the budget: the answer cannot wait for it.
    const slowBucket = await delayingProxy(stores.s3Endpoint, BUDGET_MS + 500);
    opened.push(slowBucket);
    const handler = await loadHandler(stores, {
      ...env,
      DYNAMODB_ENDPOINT: await closedPort(),
      S3_ENDPOINT: slowBucket.endpoint,
    });
    const callback = disconnectCallback();
    logs = captureLogs();
    const answer = await timedAnswer(handler, postedCallback(callback));
    expect(answer.status).toBe(503);
    expect(lineOf(/^disconnect callback$/)).toMatchObject({
      outcome: 'failed',
      status: 503,
      callId: callback.callId,
      fallbackWriteInFlight: true,
      tableWriteInFlight: false,
    });
    const error = lineOf(/a copy may still land/);
    expect(error).toMatchObject({
      level: 'ERROR',
      callId: callback.callId,
      fallbackWriteInFlight: true,
      unsettled503: 1,
    });
    expect(JSON.stringify(error?.['_aws'])).toContain('"unsettled503"');
    expect(logs.text()).not.toContain('the record is lost');
    // What the line said may happen, happened: the copy is in parked/, for replay to store.
    await expect
      .poll(async () => (await parkedObjects(stores, 'parked/')).some((parked) => parked.callId === callback.callId), {
        timeout: 5_000,
        interval: 200,
      })
      .toBe(true);
  });

  it('both stores refusing at once (closed ports): failed, nothing in flight, and the line says lost', async () => {
    const stores = await freshStores();
    const handler = await loadHandler(stores, {
      ...env,
      DYNAMODB_ENDPOINT: await closedPort(),
      S3_ENDPOINT: await closedPort(),
    });
    const callback = disconnectCallback();
    logs = captureLogs();
    const answer = await timedAnswer(handler, postedCallback(callback));
    expect(answer.status).toBe(503);
    expect(lineOf(/^disconnect callback$/)).toMatchObject({
      outcome: 'failed',
      fallbackWriteInFlight: false,
      tableWriteInFlight: false,
    });
    expect(lineOf(/the record is lost/)).toMatchObject({ level: 'ERROR', callId: callback.callId });
    expect(logs.text()).not.toContain('unsettled503');
  });
});
