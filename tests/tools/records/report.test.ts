import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../../tools/records/report.ts';
import { freshStores, type TestStores } from '../../support/recorder.ts';
import { records, recordsJson, storeArguments } from './run-records.ts';
import { seed } from './seeded-disconnects.ts';

let stores: TestStores;

beforeAll(async () => {
  stores = await freshStores();
  await seed(stores);
});

describe('records report', () => {
  it('counts three days of calls by cause, direction and answer, with durations, errors and the replay backlog', async () => {
    const report = await recordsJson<Report>(stores, ['report', '--from', '2024-05-01', '--to', '2024-05-04']);
    expect(report).toEqual({
      from: '2024-05-01T00:00:00.000Z',
      to: '2024-05-04T00:00:00.000Z',
      records: 360,
      byCause: [
        { name: 'hangup', count: 195 },
        { name: 'busy', count: 60 },
        { name: 'timeout', count: 39 },
        { name: 'cancel', count: 30 },
        { name: 'rejected', count: 15 },
        { name: 'error', count: 12 },
        { name: 'application-error', count: 6 },
        { name: 'sip-timeout', count: 2 },
        { name: '(none)', count: 1 },
      ],
      byDirection: [
        { name: 'outbound', count: 212 },
        { name: 'inbound', count: 147 },
        { name: '(none)', count: 1 },
      ],
      answered: 201,
      neverAnswered: 159,
      // Answered calls last 1 … 201 s: mean 101; nearest rank p50 is the 101st value, p95 the 191st.
      duration: { calls: 201, averageSeconds: 101, p50Seconds: 101, p95Seconds: 191, maxSeconds: 201 },
      topErrorMessages: [
        { name: 'Callee is busy', count: 60 },
        { name: 'Call rejected', count: 15 },
        { name: 'Internal server error', count: 9 },
        { name: 'Application error: BXML fetch failed with HTTP 500', count: 6 },
        { name: 'SIP 503 Service Unavailable', count: 3 },
      ],
      recordedFrom: { callback: 360, callList: 0 },
      legs: { records: 0, byCause: [], answered: 0, neverAnswered: 0, recordedFrom: { callback: 0, callList: 0 } },
      waiting: { bucket: stores.bucket, parked: 3, quarantined: 2, unverified: 1 },
    });
  });

  it('reports one day on its own', async () => {
    const report = await recordsJson<Report>(stores, ['report', '--from', '2024-05-02', '--to', '2024-05-03']);
    expect(report.records).toBe(120);
    expect(report.byCause).toEqual([
      { name: 'hangup', count: 65 },
      { name: 'busy', count: 20 },
      { name: 'timeout', count: 13 },
      { name: 'cancel', count: 10 },
      { name: 'rejected', count: 5 },
      { name: 'error', count: 4 },
      { name: 'application-error', count: 2 },
      { name: '(none)', count: 1 },
    ]);
    expect(report.byDirection).toEqual([
      { name: 'outbound', count: 70 },
      { name: 'inbound', count: 49 },
      { name: '(none)', count: 1 },
    ]);
    expect([report.answered, report.neverAnswered]).toEqual([67, 53]);
    // That day's answered calls last 68 … 134 s: the 34th is 101, the 64th 131.
    expect(report.duration).toEqual({
      calls: 67,
      averageSeconds: 101,
      p50Seconds: 101,
      p95Seconds: 131,
      maxSeconds: 134,
    });
    expect(report.topErrorMessages).toEqual([
      { name: 'Callee is busy', count: 20 },
      { name: 'Call rejected', count: 5 },
      { name: 'Internal server error', count: 3 },
      { name: 'Application error: BXML fetch failed with HTTP 500', count: 2 },
      { name: 'SIP 503 Service Unavailable', count: 1 },
    ]);
  });

  it('takes in the calls either side of the three days when the range does', async () => {
    const report = await recordsJson<Report>(stores, [
      'report',
      '--from',
      '2024-04-30',
      '--to',
      '2024-05-05',
      '--top',
      '1',
    ]);
    expect(report.records).toBe(380);
    expect(report.byCause.slice(0, 2)).toEqual([
      { name: 'hangup', count: 205 },
      { name: 'busy', count: 70 },
    ]);
    expect([report.answered, report.neverAnswered]).toEqual([211, 169]);
    // 1 … 201 s and ten calls of 1000 s: (20301 + 10000) / 211 = 143.6066…; the 106th value; the 201st.
    expect(report.duration).toEqual({
      calls: 211,
      averageSeconds: 143.607,
      p50Seconds: 106,
      p95Seconds: 201,
      maxSeconds: 1000,
    });
    expect(report.topErrorMessages).toEqual([{ name: 'Callee is busy', count: 70 }]);
  });

  it('counts nothing for a range without calls, and says so', async () => {
    const report = await recordsJson<Report>(stores, ['report', '--from', '2024-06-01', '--to', '2024-06-08']);
    expect(report).toMatchObject({
      records: 0,
      byCause: [],
      byDirection: [],
      answered: 0,
      neverAnswered: 0,
      topErrorMessages: [],
    });
    expect(report.duration).toBeUndefined();
    const run = await records(['report', '--from', '2024-06-01', '--to', '2024-06-08', ...storeArguments(stores)]);
    expect(run.stdout).toContain('to 2024-06-08T00:00:00.000Z: 0\n');
  });

  it('prints the report as aligned tables with a bar per cause', async () => {
    const run = await records(['report', '--from', '2024-05-01', '--to', '2024-05-04', ...storeArguments(stores)]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Disconnects that ended from 2024-05-01T00:00:00.000Z to 2024-05-04T00:00:00.000Z: 360');
    // The largest cause gets the full 30-cell bar, the others in proportion (60/195 of 30 cells = 9 and 1/4).
    expect(lines.slice(2, 5)).toEqual([
      'CAUSE              COUNT      %',
      `hangup               195  54.2%  ${'█'.repeat(30)}`,
      `busy                  60  16.7%  ${'█'.repeat(9)}▎`,
    ]);
    expect(lines).toContain('(none)                 1   0.3%  ▏');
    expect(lines).toContain('never answered    159  44.2%');
    expect(lines).toContain('DURATION OF 201 ANSWERED CALLS');
    expect(lines).toContain('p95      3m 11s');
    expect(lines).toContain('Callee is busy                                         60');
    expect(lines).toContain('quarantined (failed validation)                       2');
    expect(lines.some((line) => /^unverified \(password unreadable when it came\)\s+1$/.test(line))).toBe(true);
  });
});
