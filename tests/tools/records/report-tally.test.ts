import { describe, expect, it } from 'vitest';
import { percentile, ReportTally } from '../../../tools/records/report.ts';

const RANGE = { from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-05-02T00:00:00Z') };
const NO_BUCKET = { bucket: undefined, unavailable: 'no fallback bucket configured' };

describe('percentiles (nearest rank)', () => {
  const oneToTwenty = Array.from({ length: 20 }, (_, index) => index + 1);
  it('is a value that occurred: the smallest with p% of values at or below it', () => {
    expect(percentile(oneToTwenty, 50)).toBe(10);
    expect(percentile(oneToTwenty, 95)).toBe(19);
    expect(percentile(oneToTwenty, 100)).toBe(20);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([7.25], 95)).toBe(7.25);
  });
  it('is undefined without values', () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('a report tally', () => {
  it('counts records by how they were recorded: by their callback, or backfilled from the call list', () => {
    const tally = new ReportTally();
    tally.add({ callId: 'a', cause: 'hangup' });
    tally.add({ callId: 'b', cause: 'hangup', recordedFrom: 'call-list' });
    tally.add({ callId: 'c', cause: 'busy' });
    expect(tally.report(RANGE, NO_BUCKET, 10).recordedFrom).toEqual({ callback: 2, callList: 1 });
  });

  it('counts records without cause or direction, or with empty ones, under (none)', () => {
    const tally = new ReportTally();
    tally.add({ callId: 'a' });
    tally.add({ callId: 'b', cause: '', direction: '' });
    tally.add({ callId: 'c', cause: 'busy', direction: 'outbound' });
    const report = tally.report(RANGE, NO_BUCKET, 10);
    expect(report.byCause).toEqual([
      { name: '(none)', count: 2 },
      { name: 'busy', count: 1 },
    ]);
    expect(report.byDirection).toEqual([
      { name: '(none)', count: 2 },
      { name: 'outbound', count: 1 },
    ]);
  });

  it('times answered calls only, and counts an answered call without a duration as answered', () => {
    const tally = new ReportTally();
    tally.add({ callId: 'a', answered: true, durationSeconds: 10 });
    tally.add({ callId: 'b', answered: true, durationSeconds: 20.5 });
    tally.add({ callId: 'c', answered: true });
    tally.add({ callId: 'd', answered: false, durationSeconds: 999 });
    const report = tally.report(RANGE, NO_BUCKET, 10);
    expect([report.answered, report.neverAnswered]).toEqual([3, 1]);
    expect(report.duration).toEqual({
      calls: 2,
      averageSeconds: 15.25,
      p50Seconds: 10,
      p95Seconds: 20.5,
      maxSeconds: 20.5,
    });
  });

  it('ranks error messages by count, ties by name, ignoring blank ones, keeping the top n', () => {
    const tally = new ReportTally();
    for (const errorMessage of ['b', 'a', 'c', 'c', ' ', '', null, 'b ']) tally.add({ callId: 'x', errorMessage });
    expect(tally.report(RANGE, NO_BUCKET, 2).topErrorMessages).toEqual([
      { name: 'b', count: 2 },
      { name: 'c', count: 2 },
    ]);
  });
});
