import { UsageProblem } from './problems.ts';

/** A half-open range of end times: records that ended at or after `from` and before `to`. */
export interface TimeRange {
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;
const RELATIVE = /^(\d+)(m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
// An instant must say its offset: a bare local time would silently mean the machine's zone.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * One end of a range, as people type it: `2024-05-01` (midnight UTC), `2024-05-01T13:00:00Z` (an instant with
 * its offset), `now`, `today` or `yesterday` (midnight UTC), or an age such as `90m`, `24h`, `7d`, `2w` (that long before now).
 */
export function parseTime(text: string, now: Date, option: string): Date {
  const value = text.trim();
  if (value === 'now') return new Date(now);
  if (value === 'today' || value === 'yesterday') {
    const midnight = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
    return new Date(value === 'today' ? midnight : midnight - DAY_MS);
  }
  const relative = RELATIVE.exec(value);
  if (relative !== null) {
    return new Date(now.getTime() - Number(relative[1]) * (UNIT_MS[relative[2] ?? ''] ?? 0));
  }
  const iso = DATE_ONLY.test(value) ? `${value}T00:00:00Z` : INSTANT.test(value) ? value : undefined;
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  // Date.parse rolls 2024-02-30 over to March; a date that does not survive the round trip is a typo.
  if (Number.isNaN(ms) || (DATE_ONLY.test(value) && new Date(ms).toISOString().slice(0, 10) !== value)) {
    throw new UsageProblem(
      `${option} ${JSON.stringify(text)} is not a time: use 2024-05-01, 2024-05-01T13:00:00Z, now, today, yesterday, or an age like 24h or 7d`,
    );
  }
  return new Date(ms);
}

/** The range from the options; `--to` defaults to now and `--from` to 24 hours before `--to`. */
export function parseRange(from: string | undefined, to: string | undefined, now: Date): TimeRange {
  const end = to === undefined ? new Date(now) : parseTime(to, now, '--to');
  const start = from === undefined ? new Date(end.getTime() - DAY_MS) : parseTime(from, now, '--from');
  if (start.getTime() >= end.getTime()) {
    throw new UsageProblem(`--from (${start.toISOString()}) must be before --to (${end.toISOString()})`);
  }
  return { from: start, to: end };
}

/** The UTC days (YYYY-MM-DD, the byDay index's partitions) the range touches, newest first. */
export function daysNewestFirst(range: TimeRange): string[] {
  const days: string[] = [];
  const first = Math.floor(range.from.getTime() / DAY_MS);
  const last = Math.floor((range.to.getTime() - 1) / DAY_MS);
  for (let day = last; day >= first; day -= 1) days.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
  return days;
}

/** The range as the index's sort key sees it: endedAt strings, both ends inclusive, to the millisecond. */
export function endedAtBounds(range: TimeRange): { first: string; last: string } {
  return { first: range.from.toISOString(), last: new Date(range.to.getTime() - 1).toISOString() };
}
