import { beforeAll, describe, expect, it } from 'vitest';
import { freshStores, httpApiEvent, lambdaContext, loadHandler, type TestStores } from '../../support/recorder.ts';
import { records, storeArguments } from './run-records.ts';

const SENT =
  '{"eventType":"disconnect","callId":"c-exact-1","cause":"hangup","endTime":"2026-12-04T10:00:00Z",' +
  '"extraNumber":3.141592653589793238462643383279,"extra":100000000000000000000,"small":0.25}';

let stores: TestStores;

beforeAll(async () => {
  stores = await freshStores();
  const handler = await loadHandler(stores);
  const answer = await handler(httpApiEvent({ body: SENT }), lambdaContext);
  expect(answer.statusCode).toBe(204);
});

describe('records shows numbers as Bandwidth sent them', () => {
  it('get --json prints a number a double cannot hold with every digit sent', async () => {
    const run = await records(['get', 'c-exact-1', '--json', ...storeArguments(stores)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"extraNumber": 3.141592653589793238462643383279');
    expect(run.stdout).toContain('"extra": 100000000000000000000');
    expect(run.stdout).toContain('"small": 0.25');
  });

  it('get prints them as sent in the text view too', async () => {
    const run = await records(['get', 'c-exact-1', ...storeArguments(stores)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/extraNumber +3\.141592653589793238462643383279\n/);
    expect(run.stdout).toMatch(/extra +100000000000000000000\n/);
  });
});
