/** What the records commands print by default: aligned text for people (`--json` is for scripts). */
import { isTransferLeg } from '../../lambda/domain/callback/validate.ts';
import { RECORDER_ATTRIBUTES } from '../../lambda/domain/stored-record/disconnect-record.ts';
import type { Listing } from './listing.ts';
import type { CallTree, StoredRecord } from './recorded-disconnects.ts';
import { type Count, NONE, type Report } from './report.ts';
import { bar, printable, renderTable, truncate } from './text-table.ts';
import type { TimeRange } from './time-range.ts';

/** The callback's fields in the order a person reads a call: who, what happened, when, then the rest. */
const CALLBACK_ORDER = [
  'callId',
  'eventType',
  'parentCallId',
  'direction',
  'from',
  'to',
  'transferCallerId',
  'transferTo',
  'cause',
  'errorMessage',
  'errorId',
  'startTime',
  'answerTime',
  'endTime',
  'enqueuedTime',
  'eventTime',
  'tag',
  'accountId',
  'applicationId',
  'callUrl',
  'sipCallId',
  'sipResponseCode',
];
const RECORDER: ReadonlySet<string> = new Set(RECORDER_ATTRIBUTES);

const count = (value: number): string => value.toLocaleString('en-US');

function percent(part: number, whole: number): string {
  return whole === 0 ? '' : `${((part / whole) * 100).toFixed(1)}%`;
}

/** 12.3s, 1m 41s, 2h 03m 09s: seconds for short calls, minutes and hours when they help. */
export function formatSeconds(seconds: number): string {
  // Decided on the rounded value, so 59.96 s reads 1m 00s and not 60.0s.
  if (Math.round(seconds * 10) < 600) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${s}s` : `${m}m ${s}s`;
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return printable(value);
  return printable(JSON.stringify(value) ?? String(value));
}

function duration(record: StoredRecord): string {
  if (typeof record['durationSeconds'] === 'number') return formatSeconds(record['durationSeconds']);
  return record['answered'] === true ? '?' : '-';
}

/** The call a leg belongs to, and a call's transfer legs, one line each. */
function treeLines(tree: Pick<CallTree, 'parent' | 'legs'>): string[] {
  const lines: string[] = [];
  if (tree.parent !== undefined) {
    const { callId, record } = tree.parent;
    lines.push(
      '',
      record === undefined
        ? `Transfer leg of call ${printable(callId)}, which has no record (yet).`
        : `Transfer leg of call ${printable(callId)}: ${cell(record['cause']) || NONE}, ended ${cell(record['endedAt'])}.`,
    );
  }
  if (tree.legs.length > 0) {
    const rows = tree.legs.map((leg) => [
      cell(leg['endedAt']),
      cell(leg['cause']) || NONE,
      duration(leg),
      truncate(cell(leg['transferTo']), 32),
      cell(leg['callId']),
      leg['recordedFrom'] === 'call-list' ? 'call list' : 'callback',
    ]);
    lines.push(
      '',
      `TRANSFER LEGS (${count(tree.legs.length)})`,
      ...renderTable(
        [['ENDED AT', 'CAUSE', 'DURATION', 'TRANSFER TO', 'CALL ID', 'RECORDED FROM'], ...rows],
        ['left', 'left', 'right'],
      ),
    );
  }
  return lines;
}

/** `get`: every stored field, the callback's first, then what the recorder added; then its call or its legs. */
export function viewRecord(
  record: StoredRecord,
  tree: Pick<CallTree, 'parent' | 'legs'> = { parent: undefined, legs: [] },
): string {
  const names = Object.keys(record);
  const known = CALLBACK_ORDER.filter((name) => name in record);
  const unknown = names.filter((name) => !CALLBACK_ORDER.includes(name) && !RECORDER.has(name)).sort();
  const recorder = RECORDER_ATTRIBUTES.filter((name) => name in record);
  const rows = [...known, ...unknown].map((name) => [name, cell(record[name])]);
  const lines = renderTable([...rows, ['', ''], ...recorder.map((name) => [name, cell(record[name])])]);
  lines.push(
    '',
    record['recordedFrom'] === 'call-list'
      ? "Recorded from Bandwidth's call list by reconciliation: no callback came (docs/records.md says what it lacks)."
      : 'Recorded from the callback.',
    ...treeLines(tree),
  );
  return `${lines.join('\n')}\n`;
}

function describeRange(range: TimeRange): string {
  return `${range.from.toISOString()} to ${range.to.toISOString()}`;
}

/** `list`: one line per call, newest first, and how to get the next page. */
export function viewListing(listing: Listing, range: TimeRange): string {
  if (listing.records.length === 0) return `No records ended from ${describeRange(range)}.\n`;
  // Transfer legs say whose: a column only when the page has any.
  const withLegs = listing.records.some((record) => record['legOf'] !== undefined || isTransferLeg(record));
  const rows = listing.records.map((record) => [
    cell(record['endedAt']),
    cell(record['direction']) || NONE,
    cell(record['cause']) || NONE,
    duration(record),
    truncate(cell(record['from']), 32),
    truncate(cell(record['to']), 32),
    cell(record['callId']),
    // legOf: the call the table links it to (a leg whose parentCallId is null or empty links to none).
    ...(withLegs ? [cell(record['legOf'])] : []),
  ]);
  const lines = renderTable(
    [
      ['ENDED AT', 'DIRECTION', 'CAUSE', 'DURATION', 'FROM', 'TO', 'CALL ID', ...(withLegs ? ['LEG OF CALL'] : [])],
      ...rows,
    ],
    ['left', 'left', 'left', 'right'],
  );
  const noun = listing.records.length === 1 ? 'record' : 'records';
  lines.push('', `${count(listing.records.length)} ${noun}, newest first, ended from ${describeRange(range)}.`);
  if (listing.next !== undefined) lines.push(`More records: add --cursor ${listing.next}`);
  return `${lines.join('\n')}\n`;
}

function counted(title: string, counts: readonly Count[], total: number, withBars: boolean): string[] {
  const max = Math.max(0, ...counts.map((entry) => entry.count));
  return renderTable(
    [
      [title, 'COUNT', '%', ...(withBars ? [''] : [])],
      ...counts.map((entry) => [
        printable(entry.name),
        count(entry.count),
        percent(entry.count, total),
        ...(withBars ? [bar(entry.count, max)] : []),
      ]),
    ],
    ['left', 'right', 'right'],
  );
}

/** `report`: the range at a glance. */
export function viewReport(report: Report): string {
  const lines = [`Disconnects that ended from ${report.from} to ${report.to}: ${count(report.records)}`];
  if (report.legs.records > 0) lines.push(`Transfer legs (counted apart, below): ${count(report.legs.records)}`);
  if (report.records > 0) {
    lines.push('', ...counted('CAUSE', report.byCause, report.records, true));
    lines.push('', ...counted('DIRECTION', report.byDirection, report.records, false));
    lines.push(
      '',
      ...renderTable(
        [
          ['ANSWERED', 'COUNT', '%'],
          ['answered', count(report.answered), percent(report.answered, report.records)],
          ['never answered', count(report.neverAnswered), percent(report.neverAnswered, report.records)],
        ],
        ['left', 'right', 'right'],
      ),
    );
    if (report.duration !== undefined) {
      const { calls, averageSeconds, p50Seconds, p95Seconds, maxSeconds } = report.duration;
      lines.push(
        '',
        `DURATION OF ${count(calls)} ANSWERED ${calls === 1 ? 'CALL' : 'CALLS'}`,
        ...renderTable(
          [
            ['average', formatSeconds(averageSeconds)],
            ['p50', formatSeconds(p50Seconds)],
            ['p95', formatSeconds(p95Seconds)],
            ['longest', formatSeconds(maxSeconds)],
          ],
          ['left', 'right'],
        ),
      );
    }
    lines.push(
      '',
      ...renderTable(
        [
          ['RECORDED FROM', 'COUNT', '%'],
          ['callback', count(report.recordedFrom.callback), percent(report.recordedFrom.callback, report.records)],
          [
            'call list (backfilled)',
            count(report.recordedFrom.callList),
            percent(report.recordedFrom.callList, report.records),
          ],
        ],
        ['left', 'right', 'right'],
      ),
    );
    if (report.topErrorMessages.length > 0) {
      lines.push(
        '',
        ...renderTable(
          [
            ['TOP ERROR MESSAGES', 'COUNT'],
            ...report.topErrorMessages.map((entry) => [truncate(printable(entry.name), 80), count(entry.count)]),
          ],
          ['left', 'right'],
        ),
      );
    }
  }
  if (report.legs.records > 0) lines.push('', ...legLines(report));
  lines.push('');
  const waiting = report.waiting;
  if ('unavailable' in waiting) {
    lines.push(`WAITING FOR REPLAY: unknown (${printable(waiting.unavailable)})`);
  } else {
    lines.push(
      ...renderTable(
        [
          [`WAITING FOR REPLAY (bucket ${printable(waiting.bucket)}, now)`, 'COUNT'],
          ['parked (table was unavailable)', count(waiting.parked)],
          ['quarantined (failed validation)', count(waiting.quarantined)],
          ['unverified (password unreadable when it came)', count(waiting.unverified)],
        ],
        ['left', 'right'],
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The transfer legs of the range: by cause, answered, and how many reconciliation backfilled. */
function legLines({ legs }: Report): string[] {
  return [
    ...counted('TRANSFER LEG CAUSE', legs.byCause, legs.records, true),
    '',
    ...renderTable(
      [
        ['TRANSFER LEGS', 'COUNT', '%'],
        ['answered', count(legs.answered), percent(legs.answered, legs.records)],
        ['never answered', count(legs.neverAnswered), percent(legs.neverAnswered, legs.records)],
        [
          'call list (backfilled)',
          count(legs.recordedFrom.callList),
          percent(legs.recordedFrom.callList, legs.records),
        ],
      ],
      ['left', 'right', 'right'],
    ),
  ];
}

/**
 * A cell as RFC 4180 has it: quoted when it holds a comma, quote or line break, quotes doubled. A text a
 * spreadsheet would run as a formula (leading =, @, tab or CR, or + / - not followed by a plain number) gets a
 * leading ' so it stays text; phone numbers such as +15551234567 stay as they are.
 */
export function csvCell(value: unknown): string {
  let text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  if (/^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-]\d+(\.\d+)?$/.test(text))) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `list --csv`: a header row naming every field the listed records have (read order, as `get`), a row per record. */
export function csvListing(listing: Listing): string {
  const names = new Set(listing.records.flatMap((record) => Object.keys(record)));
  const known = CALLBACK_ORDER.filter((name) => names.has(name));
  const unknown = [...names].filter((name) => !CALLBACK_ORDER.includes(name) && !RECORDER.has(name)).sort();
  const recorder = RECORDER_ATTRIBUTES.filter((name) => names.has(name));
  // No records: the usual fields still name the columns.
  const header = names.size === 0 ? [...CALLBACK_ORDER, ...RECORDER_ATTRIBUTES] : [...known, ...unknown, ...recorder];
  const rows = [header.map(csvCell), ...listing.records.map((record) => header.map((name) => csvCell(record[name])))];
  return rows.map((row) => `${row.join(',')}\r\n`).join('');
}
