import { beforeAll, describe, expect, it } from 'vitest';
import type { DisconnectRecord } from '../../../lambda/domain/stored-record/disconnect-record.ts';
import { freshStores, type TestStores } from '../../support/recorder.ts';
import { records, recordsJson, storeArguments } from './run-records.ts';
import { seed } from './seeded-disconnects.ts';

interface ListOutput {
  from: string;
  to: string;
  filter: { causes: string[]; direction: string | null };
  count: number;
  records: DisconnectRecord[];
  next: string | null;
}

let stores: TestStores;
const THREE_DAYS = ['--from', '2024-05-01', '--to', '2024-05-04'];

beforeAll(async () => {
  stores = await freshStores();
  await seed(stores);
});

function callIds(listing: ListOutput): string[] {
  return listing.records.map((record) => record.callId);
}

/** Follows the cursors to the end, as a script would. */
async function everyPage(args: string[]): Promise<ListOutput[]> {
  const pages: ListOutput[] = [];
  let cursor: string | null = null;
  do {
    const page: ListOutput = await recordsJson<ListOutput>(stores, [
      ...args,
      ...(cursor === null ? [] : ['--cursor', cursor]),
    ]);
    pages.push(page);
    cursor = page.next;
  } while (cursor !== null && pages.length < 20);
  return pages;
}

describe('records list', () => {
  it('lists every call of a range newest first, and none outside it', async () => {
    const listing = await recordsJson<ListOutput>(stores, ['list', ...THREE_DAYS, '--all']);
    expect(listing.count).toBe(360);
    expect(listing.records).toHaveLength(360);
    expect(listing.next).toBeNull();
    expect(listing.records[0]).toMatchObject({ callId: 'c-20240503-119', endedAt: '2024-05-03T21:49:00.000Z' });
    expect(listing.records.at(-1)).toMatchObject({ callId: 'c-20240501-000', endedAt: '2024-05-01T00:00:00.000Z' });
    const ends = listing.records.map((record) => record.endedAt);
    expect(ends).toEqual([...ends].sort().reverse());
    expect(new Set(callIds(listing)).size).toBe(360);
    expect(new Set(listing.records.map((record) => record.endedDay))).toEqual(
      new Set(['2024-05-01', '2024-05-02', '2024-05-03']),
    );
  });

  it('gives back each record as stored, every field included', async () => {
    const listing = await recordsJson<ListOutput>(stores, [
      'list',
      '--from',
      '2024-05-02T01:17:00Z',
      '--to',
      '2024-05-02T01:17:00.001Z',
    ]);
    expect(listing.records).toEqual([
      expect.objectContaining({
        callId: 'c-20240502-007',
        eventType: 'disconnect',
        cause: 'hangup',
        direction: 'inbound',
        errorMessage: null,
        answered: true,
        durationSeconds: 69,
        ringSeconds: 5,
        endedAt: '2024-05-02T01:17:00.000Z',
        endedDay: '2024-05-02',
        receivedAt: '2024-05-02T01:17:00.400Z',
      }),
    ]);
  });

  it('filters by cause and direction', async () => {
    const busyOutbound = await recordsJson<ListOutput>(stores, [
      'list',
      ...THREE_DAYS,
      '--all',
      '--cause',
      'busy',
      '--direction',
      'outbound',
    ]);
    expect(busyOutbound.count).toBe(60);
    expect(busyOutbound.records.every((record) => record.cause === 'busy' && record.direction === 'outbound')).toBe(
      true,
    );

    const rejectedOrCancelled = await recordsJson<ListOutput>(stores, [
      'list',
      ...THREE_DAYS,
      '--all',
      '--cause',
      'rejected',
      '--cause',
      'cancel',
    ]);
    expect(rejectedOrCancelled.count).toBe(45);
    expect(rejectedOrCancelled.filter).toEqual({ causes: ['rejected', 'cancel'], direction: null });

    const inbound = await recordsJson<ListOutput>(stores, ['list', ...THREE_DAYS, '--all', '--direction', 'inbound']);
    expect(inbound.count).toBe(147);

    const cancelledInbound = await recordsJson<ListOutput>(stores, [
      'list',
      ...THREE_DAYS,
      '--all',
      '--cause',
      'cancel',
      '--direction',
      'inbound',
    ]);
    expect(cancelledInbound.count).toBe(12);

    const unheardOf = await recordsJson<ListOutput>(stores, ['list', ...THREE_DAYS, '--all', '--cause', 'sip-timeout']);
    expect(callIds(unheardOf)).toHaveLength(2);
  });

  it('says so on stderr when a --cause Bandwidth does not document matches nothing (likely a typo), and still exits 0', async () => {
    const typo = await records([
      'list',
      ...THREE_DAYS,
      '--all',
      '--json',
      '--cause',
      'hangupp',
      ...storeArguments(stores),
    ]);
    expect(typo.code).toBe(0);
    expect((JSON.parse(typo.stdout) as ListOutput).count).toBe(0);
    expect(typo.stderr).toContain(
      'records: note: no record listed has cause "hangupp", which Bandwidth does not document (hangup, busy,',
    );

    const seen = await records([
      'list',
      ...THREE_DAYS,
      '--all',
      '--json',
      '--cause',
      'sip-timeout',
      '--cause',
      'account-limit',
      ...storeArguments(stores),
    ]);
    expect(seen.code).toBe(0);
    expect(seen.stderr).toBe('');
  });

  it('pages through a range with cursors, each record once, in the same order as a single listing', async () => {
    const whole = await recordsJson<ListOutput>(stores, ['list', ...THREE_DAYS, '--all']);
    const pages = await everyPage(['list', ...THREE_DAYS, '--limit', '100']);
    expect(pages.map((page) => page.count)).toEqual([100, 100, 100, 60]);
    expect(pages.flatMap(callIds)).toEqual(callIds(whole));
  });

  it('pages through a filtered listing, and stops exactly when no record is left', async () => {
    const pages = await everyPage(['list', ...THREE_DAYS, '--cause', 'busy', '--limit', '25']);
    expect(pages.map((page) => page.count)).toEqual([25, 25, 10]);
    const exact = await everyPage(['list', ...THREE_DAYS, '--cause', 'busy', '--limit', '20']);
    expect(exact.map((page) => page.count)).toEqual([20, 20, 20]);
    expect(new Set(exact.flatMap(callIds)).size).toBe(60);
  });

  it('shows 100 records a page unless told otherwise', async () => {
    const listing = await recordsJson<ListOutput>(stores, ['list', ...THREE_DAYS]);
    expect(listing.count).toBe(100);
    expect(listing.next).not.toBeNull();
  });

  it('includes a call ending at --from and excludes one ending at --to, to the millisecond', async () => {
    const around = await recordsJson<ListOutput>(stores, [
      'list',
      '--from',
      '2024-04-30T23:59:59.999Z',
      '--to',
      '2024-05-04T00:00:00.000Z',
      '--all',
    ]);
    expect(around.count).toBe(361);
    expect(around.records.at(-1)?.endedAt).toBe('2024-04-30T23:59:59.999Z');
    expect(around.records[0]?.endedAt).toBe('2024-05-03T21:49:00.000Z');

    // Within a day as well: the call ending at 01:06 is in, the one ending at 01:17 is not.
    const edges = await recordsJson<ListOutput>(stores, [
      'list',
      '--from',
      '2024-05-02T01:06:00Z',
      '--to',
      '2024-05-02T01:17:00Z',
    ]);
    expect(callIds(edges)).toEqual(['c-20240502-006']);

    // 01:00 to 02:00 holds the calls at 66, 77, 88, 99 and 110 minutes past midnight.
    const hour = await recordsJson<ListOutput>(stores, [
      'list',
      '--from',
      '2024-05-02T01:00:00Z',
      '--to',
      '2024-05-02T02:00:00Z',
    ]);
    expect(callIds(hour)).toEqual([
      'c-20240502-010',
      'c-20240502-009',
      'c-20240502-008',
      'c-20240502-007',
      'c-20240502-006',
    ]);

    // The same hour, said in another time zone.
    const offset = await recordsJson<ListOutput>(stores, [
      'list',
      '--from',
      '2024-05-02T03:00:00+02:00',
      '--to',
      '2024-05-02T04:00:00+02:00',
    ]);
    expect(callIds(offset)).toEqual(callIds(hour));
  });

  it('prints an aligned table with the next page to ask for', async () => {
    const run = await records(['list', ...THREE_DAYS, '--limit', '3', ...storeArguments(stores)]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'ENDED AT                  DIRECTION  CAUSE   DURATION  FROM          TO            CALL ID',
      '2024-05-03T21:49:00.000Z  inbound    hangup    2m 32s  +19195550100  +19195550199  c-20240503-119',
      '2024-05-03T21:38:00.000Z  inbound    hangup    2m 49s  +19195550100  +19195550199  c-20240503-118',
      '2024-05-03T21:27:00.000Z  outbound   hangup    3m 06s  +19195550199  +19195550100  c-20240503-117',
    ]);
    expect(lines[5]).toBe('3 records, newest first, ended from 2024-05-01T00:00:00.000Z to 2024-05-04T00:00:00.000Z.');
    const cursor = /^More records: add --cursor (\S+)$/.exec(lines[6] ?? '')?.[1];
    expect(cursor).toBeDefined();
    const next = await records([
      'list',
      ...THREE_DAYS,
      '--limit',
      '2',
      '--cursor',
      cursor ?? '',
      ...storeArguments(stores),
    ]);
    expect(next.stdout).toContain('c-20240503-116');
    expect(next.stdout).toContain('c-20240503-115');
    expect(next.stdout).not.toContain('c-20240503-117');
  });

  it('says so when nothing ended in the range', async () => {
    const run = await records(['list', '--from', '2024-06-01', '--to', '2024-06-02', ...storeArguments(stores)]);
    expect(run).toEqual({
      code: 0,
      stdout: 'No records ended from 2024-06-01T00:00:00.000Z to 2024-06-02T00:00:00.000Z.\n',
      stderr: '',
    });
  });
});
