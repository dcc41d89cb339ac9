/** A busy hour compressed: many distinct callbacks at once, every one recorded, none answered anything but 204. */
import { expect, it } from 'vitest';
import { disconnectCallback, postedCallback, timedAnswer } from '../../support/callbacks.ts';
import { allItems, freshStores, loadHandler } from '../../support/recorder.ts';

const CALLBACKS = 2_000;
const IN_FLIGHT = 64;
/**
 * dynalite (one JavaScript process, shared with the other test files on a busy 2-core runner) takes up to seconds
 * per write under 64 concurrent ones, where DynamoDB takes milliseconds. With the live 5 s budget its slowest
 * writes would be parked (and, retried after a timeout, reported as duplicates): right for an outage, not what
 * this test is about. The budget is tested in store-faults.test.ts; here it is widened so only concurrency is.
 */
const WIDE_BUDGET_MS = '30000';

it(`${CALLBACKS} distinct callbacks, ${IN_FLIGHT} in flight, are ${CALLBACKS} items, all answered 204`, async () => {
  const stores = await freshStores();
  const handler = await loadHandler(stores, { ANSWER_BUDGET_MS: WIDE_BUDGET_MS });
  const callbacks = Array.from({ length: CALLBACKS }, () => disconnectCallback());
  const answers: string[] = [];
  let next = 0;
  let inFlight = 0;
  let mostInFlight = 0;

  // 64 senders, each taking the next callback as soon as its previous one is answered.
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < callbacks.length) {
        const callback = callbacks[next++];
        if (callback === undefined) return;
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const answer = await timedAnswer(handler, postedCallback(callback));
        inFlight -= 1;
        answers.push(`${answer.status} ${answer.outcome ?? ''}`);
      }
    }),
  );

  expect(mostInFlight).toBe(IN_FLIGHT);
  expect(answers).toEqual(Array(CALLBACKS).fill('204 recorded'));
  const items = await allItems(stores);
  expect(items).toHaveLength(CALLBACKS);
  expect(new Set(items.map((item) => item['callId']))).toEqual(new Set(callbacks.map((callback) => callback.callId)));
}, 120_000);
