/**
 * The budget counts from API Gateway's receipt of the request, so time spent before the record is ready (a cold
 * start, an auth secret fetched) is taken from it — but only up to a share, so an old or skewed receipt time can
 * never leave the stores no time at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AnswerBudget } from '../../../lambda/adapters/deadline.ts';
import { DEFAULT_ANSWER_BUDGET_MS } from '../../../lambda/config.ts';
import { disconnectCallback, postedCallback, SCHEDULING_SLACK_MS, timedAnswer } from '../../support/callbacks.ts';
import { type FaultyStore, hangingStore } from '../../support/faulty-stores.ts';
import { freshStores, loadHandler } from '../../support/recorder.ts';

describe('how the budget is shared', () => {
  const at = 1_000_000;

  it('the table gets half of what is left after the margin, the fallback all the rest', () => {
    const budget = new AnswerBudget(5_000, at, at);
    expect(budget.tableMs(at)).toBe(2_375);
    expect(budget.fallbackMs(at)).toBe(4_750);
    // What the table did not use goes to the fallback.
    expect(budget.fallbackMs(at + 300)).toBe(4_450);
  });

  it('the password read gets at most 40 % of the budget, leaving the rest to keep the callback', () => {
    const budget = new AnswerBudget(5_000, at, at);
    expect(budget.credentialsMs(at)).toBe(2_000);
    expect(budget.fallbackMs(at + 2_000)).toBe(2_750);
  });

  it('time already spent comes out of it, at most 40 % of it', () => {
    expect(new AnswerBudget(5_000, at - 1_000, at).fallbackMs(at)).toBe(3_750);
    expect(new AnswerBudget(5_000, at - 3 * 86_400_000, at).fallbackMs(at)).toBe(2_750);
  });

  it('a receipt time in the future (clock skew) takes nothing', () => {
    expect(new AnswerBudget(5_000, at + 800, at).fallbackMs(at)).toBe(4_750);
  });

  it('a small budget keeps a margin of a tenth, and a late fallback still gets its minimum', () => {
    const budget = new AnswerBudget(1_000, at, at);
    expect(budget.fallbackMs(at)).toBe(900);
    expect(budget.fallbackMs(at + 5_000)).toBe(100);
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

    const answer = await timedAnswer(
      handler,
      postedCallback(disconnectCallback(), new Date(Date.now() - 3 * 86_400_000)),
    );

    expect(answer).toMatchObject({ status: 204, outcome: 'parked' });
    expect(answer.ms).toBeGreaterThan(1_375); // the table had its (reduced) share before the fallback
    expect(answer.ms).toBeLessThan(2_750 + SCHEDULING_SLACK_MS);
  });
});
