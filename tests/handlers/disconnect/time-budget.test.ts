/**
 * The budget counts from API Gateway's receipt of the request, so time spent before the record is ready (a cold
 * start, an auth secret fetched) is taken from it — but only up to a share, so an old or skewed receipt time can
 * never leave the stores no time at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWER_BUDGET_MS } from '../../../lambda/config.ts';
import { storeWindows } from '../../../lambda/recording/keep-record.ts';
import { freshStores, loadHandler } from '../../support/recorder.ts';
import { type FaultyStore, hangingStore } from '../../support/faulty-stores.ts';
import { disconnectCallback, postedCallback, SCHEDULING_SLACK_MS, timedAnswer } from '../../support/callbacks.ts';

describe('how the budget is shared', () => {
  it('the table gets half of what is left after the margin, the fallback the rest', () => {
    expect(storeWindows(5_000, 0)).toEqual({ tableMs: 2_375, storesMs: 4_750 });
  });

  it('time already spent comes out of it, at most 40 % of it', () => {
    expect(storeWindows(5_000, 1_000)).toEqual({ tableMs: 1_875, storesMs: 3_750 });
    expect(storeWindows(5_000, 3 * 86_400_000)).toEqual({ tableMs: 1_375, storesMs: 2_750 });
  });

  it('a receipt time in the future (clock skew) takes nothing', () => {
    expect(storeWindows(5_000, -800)).toEqual(storeWindows(5_000, 0));
  });

  it('a small budget keeps a margin of a tenth', () => {
    expect(storeWindows(1_000, 0)).toEqual({ tableMs: 450, storesMs: 900 });
  });
});

describe('with the table hanging, the answer comes within the budget counted from API Gateway’s receipt', () => {
  let table: FaultyStore | undefined;
  afterEach(async () => table?.close());

  it('a callback that waited 2 s before the handler saw it (a cold start) is parked in the 3 s left', async () => {
    const stores = await freshStores();
    table = await hangingStore();
    const handler = await loadHandler(stores, { ANSWER_BUDGET_MS: undefined, DYNAMODB_ENDPOINT: table.endpoint });
    const waited = 2_000;

    const answer = await timedAnswer(handler, postedCallback(disconnectCallback(), new Date(Date.now() - waited)));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    // Without the deduction the stores would take ~4.75 s here.
    expect(waited + answer.ms).toBeLessThan(DEFAULT_ANSWER_BUDGET_MS + SCHEDULING_SLACK_MS);
  });

  it('a receipt time days old still leaves the stores 60 % of the budget: parked, not refused', async () => {
    const stores = await freshStores();
    table = await hangingStore();
    const handler = await loadHandler(stores, { ANSWER_BUDGET_MS: undefined, DYNAMODB_ENDPOINT: table.endpoint });

    const answer = await timedAnswer(handler, postedCallback(disconnectCallback(), new Date(Date.now() - 3 * 86_400_000)));

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeGreaterThan(1_375); // the table had its (reduced) share before the fallback
    expect(answer.ms).toBeLessThan(2_750 + SCHEDULING_SLACK_MS);
  });
});
