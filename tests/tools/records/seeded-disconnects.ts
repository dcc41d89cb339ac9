/**
 * The data set the records tests read: 360 calls over 2024-05-01..03 (120 a day, the same mix each day) and 20
 * just outside (2024-04-30, 2024-05-04), written as the recorder writes them. The tests state the numbers they
 * expect as literals, worked out by hand from the mix below, so a wrong count in the code cannot agree with itself.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ParkedCallbacks } from '../../../lambda/adapters/parked-callbacks.ts';
import type { DisconnectCallback } from '../../../lambda/domain/callback/validate.ts';
import {
  type DisconnectRecord,
  RECORDER_ATTRIBUTES,
  toDisconnectRecord,
} from '../../../lambda/domain/stored-record/disconnect-record.ts';
import { documentClient, type TestStores } from '../../support/recorder.ts';

interface Group {
  cause?: string;
  direction?: string;
  count: number;
  answered?: boolean;
  errorMessage?: string | null;
}

/** Every day in range: 119 calls, plus one that differs by day (EXTRA). */
const DAILY_MIX: Group[] = [
  { cause: 'hangup', direction: 'inbound', count: 40, answered: true, errorMessage: null },
  { cause: 'hangup', direction: 'outbound', count: 25, answered: true },
  {
    cause: 'application-error',
    direction: 'outbound',
    count: 2,
    answered: true,
    errorMessage: 'Application error: BXML fetch failed with HTTP 500',
  },
  { cause: 'busy', direction: 'outbound', count: 20, errorMessage: 'Callee is busy' },
  { cause: 'timeout', direction: 'outbound', count: 13, errorMessage: null },
  { cause: 'cancel', direction: 'inbound', count: 4 },
  { cause: 'cancel', direction: 'outbound', count: 6 },
  { cause: 'rejected', direction: 'inbound', count: 5, errorMessage: 'Call rejected' },
  { cause: 'error', direction: 'outbound', count: 3, errorMessage: 'Internal server error' },
  { cause: 'error', direction: 'outbound', count: 1, errorMessage: 'SIP 503 Service Unavailable' },
];

const EXTRA: Record<string, Group> = {
  // A cause Bandwidth does not document (its list is not exhaustive), with an empty error message.
  '2024-05-01': { cause: 'sip-timeout', direction: 'outbound', count: 1, errorMessage: '' },
  // Bandwidth marks no field as required: a callback without cause or direction is still a record.
  '2024-05-02': { count: 1 },
  '2024-05-03': { cause: 'sip-timeout', direction: 'outbound', count: 1 },
};

export const SEEDED_DAYS = ['2024-05-01', '2024-05-02', '2024-05-03'] as const;
const MINUTE = 60_000;

function callback(
  callId: string,
  group: Group,
  end: Date,
  answeredFor: number | undefined,
  variant: number,
): DisconnectCallback {
  const fields: Record<string, unknown> = {
    eventType: 'disconnect',
    eventTime: new Date(end.getTime() + 150).toISOString(),
    accountId: '9900000',
    applicationId: '04e88489-df02-4e34-a0ee-27a91849555f',
    from: group.direction === 'inbound' ? '+19195550100' : '+19195550199',
    to: group.direction === 'inbound' ? '+19195550199' : '+19195550100',
    callId,
    callUrl: `https://voice.bandwidth.com/api/v2/accounts/9900000/calls/${callId}`,
    endTime: end.toISOString(),
  };
  if (group.cause !== undefined) fields['cause'] = group.cause;
  if (group.direction !== undefined) fields['direction'] = group.direction;
  if (group.errorMessage !== undefined) fields['errorMessage'] = group.errorMessage;
  if (answeredFor !== undefined) {
    const answer = end.getTime() - answeredFor * 1000;
    fields['answerTime'] = new Date(answer).toISOString();
    fields['startTime'] = new Date(answer - 5_000).toISOString();
  } else {
    fields['startTime'] = new Date(end.getTime() - 20_000).toISOString();
    // Never-answered calls come with answerTime absent, null or empty, as Bandwidth sends them.
    if (variant % 3 === 1) fields['answerTime'] = null;
    if (variant % 3 === 2) fields['answerTime'] = '';
  }
  return fields as DisconnectCallback;
}

/**
 * A day's calls at 11-minute steps from midnight, the groups interleaved (position = 7k mod n) so causes and
 * directions are spread over the day. Answered calls last `nextDuration()` seconds.
 */
function day(date: string, groups: Group[], nextDuration: () => number): DisconnectRecord[] {
  const calls = groups.flatMap((group) => Array.from({ length: group.count }, () => group));
  const midnight = Date.parse(`${date}T00:00:00Z`);
  return calls.map((group, k) => {
    const position = (k * 7) % calls.length;
    const end = new Date(midnight + position * 11 * MINUTE);
    const callId = `c-${date.replaceAll('-', '')}-${String(position).padStart(3, '0')}`;
    const seconds = group.answered === true ? nextDuration() : undefined;
    return toDisconnectRecord(callback(callId, group, end, seconds, k), new Date(end.getTime() + 400));
  });
}

/** The 380 records: answered calls in range last 1, 2, … 201 seconds in day order; those outside last 1000 s. */
export function seededRecords(): DisconnectRecord[] {
  let duration = 0;
  const inRange = SEEDED_DAYS.flatMap((date) =>
    day(date, [...DAILY_MIX, EXTRA[date] ?? { count: 0 }], () => ++duration),
  );
  // Outside the range, up to the millisecond: 2024-04-30T23:59:59.999Z and 2024-05-04T00:00:00.000Z.
  const before = day(
    '2024-04-30',
    [{ cause: 'hangup', direction: 'inbound', count: 10, answered: true }],
    () => 1000,
  ).map((record, index) => (index === 9 ? endingAt(record, '2024-04-30T23:59:59.999Z') : record));
  const after = day(
    '2024-05-04',
    [{ cause: 'busy', direction: 'outbound', count: 10, errorMessage: 'Callee is busy' }],
    () => 0,
  );
  return [...before, ...inRange, ...after];
}

/** The same call moved in time so that it ends at `endTime`: every instant shifts, its durations stay. */
function endingAt(record: DisconnectRecord, endTime: string): DisconnectRecord {
  const shift = Date.parse(endTime) - Date.parse(String(record.endTime));
  const moved: Record<string, unknown> = { ...record };
  for (const name of ['startTime', 'answerTime', 'endTime', 'eventTime']) {
    const value = moved[name];
    if (typeof value === 'string' && value !== '') moved[name] = new Date(Date.parse(value) + shift).toISOString();
  }
  for (const name of RECORDER_ATTRIBUTES) delete moved[name];
  return toDisconnectRecord(moved as DisconnectCallback, new Date(Date.parse(endTime) + 400));
}

/** Writes the data set, and 3 parked, 2 quarantined and 1 unverified callbacks waiting in the fallback bucket. */
export async function seed(stores: TestStores): Promise<DisconnectRecord[]> {
  const records = seededRecords();
  const client = documentClient(stores);
  for (let start = 0; start < records.length; start += 25) {
    const batch = records.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    let unprocessed: Record<string, typeof batch> | undefined = { [stores.tableName]: batch };
    while (unprocessed !== undefined && Object.keys(unprocessed).length > 0) {
      const result = await client.send(new BatchWriteCommand({ RequestItems: unprocessed }));
      unprocessed = result.UnprocessedItems as Record<string, typeof batch> | undefined;
    }
  }
  client.destroy();

  const parked = new ParkedCallbacks({ bucket: stores.bucket, endpoint: stores.s3Endpoint });
  const waiting: Array<'parked' | 'quarantined' | 'unverified'> = [
    'parked',
    'parked',
    'parked',
    'quarantined',
    'quarantined',
    'unverified',
  ];
  for (const [index, kind] of waiting.entries()) {
    await parked.park({
      version: 1,
      kind,
      reason: kind === 'parked' ? 'TimeoutError: table unavailable' : 'callId is required',
      details: [],
      receivedAt: `2024-05-02T10:0${index}:00.000Z`,
      callId: `c-parked-${index}`,
      input: { form: 'json', body: '{"eventType":"disconnect"}' },
      ...(kind === 'unverified'
        ? { credentials: { username: 'bandwidth', salt: 'c2FsdA==', passwordHash: 'aGFzaA==' } }
        : {}),
    });
  }
  return records;
}
