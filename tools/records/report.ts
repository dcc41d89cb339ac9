import { isTransferLeg } from '../../lambda/domain/callback/validate.ts';
import type { StoredRecord } from './recorded-disconnects.ts';
import type { TimeRange } from './time-range.ts';

/** The attributes a report reads; the Query asks for these only. */
export const REPORT_ATTRIBUTES = [
  'eventType',
  'cause',
  'direction',
  'answered',
  'durationSeconds',
  'errorMessage',
  'recordedFrom',
] as const;

/** Shown for records without a cause or direction (Bandwidth marks no field as required). */
export const NONE = '(none)';

export interface Count {
  name: string;
  count: number;
}

export interface DurationSummary {
  /** Answered calls with a known duration. */
  calls: number;
  averageSeconds: number;
  p50Seconds: number;
  p95Seconds: number;
  maxSeconds: number;
}

/** Callbacks in the fallback bucket waiting for replay, now (whatever day they came in). */
export type WaitingForReplay =
  | { bucket: string; parked: number; quarantined: number; unverified: number }
  | { bucket: string | undefined; unavailable: string };

/** Transfer legs, counted apart from calls (a leg is part of a call, not a call of its own). */
export interface LegsReport {
  records: number;
  byCause: Count[];
  answered: number;
  neverAnswered: number;
  recordedFrom: { callback: number; callList: number };
}

/** The calls of the range (every count but `legs` is of calls), and their transfer legs apart. */
export interface Report {
  from: string;
  to: string;
  /** Calls (disconnect records); transfer legs are counted in `legs`. */
  records: number;
  byCause: Count[];
  byDirection: Count[];
  answered: number;
  neverAnswered: number;
  /** Absent when no answered call has a duration. */
  duration?: DurationSummary;
  topErrorMessages: Count[];
  /** How the records were written: by the callback, or backfilled by reconciliation from Bandwidth's call list. */
  recordedFrom: { callback: number; callList: number };
  legs: LegsReport;
  waiting: WaitingForReplay;
}

/**
 * The nearest-rank percentile: the smallest recorded value with at least p% of values at or below it. Always a
 * value that occurred, so a p95 of 191 s means a real call lasted 191 s.
 */
export function percentile(sortedAscending: readonly number[], p: number): number | undefined {
  if (sortedAscending.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1];
}

/** Most first; ties in name order, so the same data always reads the same. */
function ranked(counts: Map<string, number>): Count[] {
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function increment(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
}

function label(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : NONE;
}

/** Transfer legs: how many, how they ended, answered or not, and where the record came from. */
class LegTally {
  private records = 0;
  private answered = 0;
  private backfilled = 0;
  private readonly causes = new Map<string, number>();

  add(record: StoredRecord): void {
    this.records += 1;
    if (record['recordedFrom'] === 'call-list') this.backfilled += 1;
    if (record['answered'] === true) this.answered += 1;
    increment(this.causes, label(record['cause']));
  }

  report(): LegsReport {
    return {
      records: this.records,
      byCause: ranked(this.causes),
      answered: this.answered,
      neverAnswered: this.records - this.answered,
      recordedFrom: { callback: this.records - this.backfilled, callList: this.backfilled },
    };
  }
}

/**
 * Counts records one by one as the Query pages arrive, so a report never needs them all in memory. Calls and
 * transfer legs apart: a call's numbers are not swollen by its legs.
 */
export class ReportTally {
  private readonly legs = new LegTally();
  private records = 0;
  private answered = 0;
  private backfilled = 0;
  private readonly causes = new Map<string, number>();
  private readonly directions = new Map<string, number>();
  private readonly errorMessages = new Map<string, number>();
  private readonly durations: number[] = [];

  add(record: StoredRecord): void {
    if (isTransferLeg(record)) {
      this.legs.add(record);
      return;
    }
    this.records += 1;
    if (record['recordedFrom'] === 'call-list') this.backfilled += 1;
    increment(this.causes, label(record['cause']));
    increment(this.directions, label(record['direction']));
    if (record['answered'] === true) {
      this.answered += 1;
      const duration = record['durationSeconds'];
      if (typeof duration === 'number' && Number.isFinite(duration)) this.durations.push(duration);
    }
    const message = record['errorMessage'];
    if (typeof message === 'string' && message.trim() !== '') increment(this.errorMessages, message.trim());
  }

  report(range: TimeRange, waiting: WaitingForReplay, topErrors: number): Report {
    const duration = this.duration();
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      records: this.records,
      byCause: ranked(this.causes),
      byDirection: ranked(this.directions),
      answered: this.answered,
      neverAnswered: this.records - this.answered,
      ...(duration === undefined ? {} : { duration }),
      topErrorMessages: ranked(this.errorMessages).slice(0, topErrors),
      recordedFrom: { callback: this.records - this.backfilled, callList: this.backfilled },
      legs: this.legs.report(),
      waiting,
    };
  }

  private duration(): DurationSummary | undefined {
    const sorted = [...this.durations].sort((a, b) => a - b);
    if (sorted.length === 0) return undefined;
    const total = sorted.reduce((sum, seconds) => sum + seconds, 0);
    return {
      calls: sorted.length,
      // Durations are recorded to the millisecond; more digits would be noise.
      averageSeconds: Math.round((total / sorted.length) * 1000) / 1000,
      p50Seconds: percentile(sorted, 50) ?? 0,
      p95Seconds: percentile(sorted, 95) ?? 0,
      maxSeconds: sorted.at(-1) ?? 0,
    };
  }
}
