/** `npm run reconcile` takes its range in the forms `npm run records` does (tools/records/time-range.ts). */
import { describe, expect, it } from 'vitest';
import { parseReconcileArguments } from '../../../tools/reconcile/cli.ts';

const ACCOUNT = { BW_ACCOUNT_ID: '9900000', BW_CLIENT_ID: 'client', BW_CLIENT_SECRET: 'secret' };
const DAY_MS = 86_400_000;

describe('the range of npm run reconcile', () => {
  it('takes a date (midnight UTC) and today', () => {
    const request = parseReconcileArguments(['--from', '2026-11-20', '--to', 'today'], ACCOUNT);
    expect(request.from.toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(request.to.getTime()).toBe(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  });

  it('takes yesterday, ages like 7d and now', () => {
    const before = Date.now();
    const request = parseReconcileArguments(['--from', '7d', '--to', 'now'], ACCOUNT);
    expect(request.to.getTime() - request.from.getTime()).toBe(7 * DAY_MS);
    expect(request.to.getTime()).toBeGreaterThanOrEqual(before);
    const yesterday = parseReconcileArguments(['--from', 'yesterday', '--to', 'today'], ACCOUNT);
    expect(yesterday.to.getTime() - yesterday.from.getTime()).toBe(DAY_MS);
  });

  it('still takes an instant with its zone, and refuses a local time without one', () => {
    const request = parseReconcileArguments(['--from', '2026-11-20T10:00:00+01:00', '--to', 'now'], ACCOUNT);
    expect(request.from.toISOString()).toBe('2026-11-20T09:00:00.000Z');
    expect(() => parseReconcileArguments(['--from', '2026-11-20T10:00', '--to', 'now'], ACCOUNT)).toThrow(
      /--from "2026-11-20T10:00" is not a time/,
    );
  });
});
