/**
 * Reconciliation: Bandwidth's own list of the account's calls against the table. Every call Bandwidth ended that
 * the table does not hold gets a backfilled item (recordedFrom: call-list) through a conditional write, so two
 * runs, or a run racing the callback, never overwrite a callback's record. Calls still live are left for a later
 * run. The range is listed in slices, each one query; a query that reaches Bandwidth's cap of 10,000 calls is
 * split in two and listed again, so no call is cut off. A slice is listed in full before anything of it is written.
 * A listed call with a `parentCallId` is a transfer leg, covered by its `transferDisconnect` record and backfilled as
 * one; missing legs are counted apart from missing calls (whether they alarm is the stage's choice: docs/records.md).
 */

import { type BandwidthCallList, MAX_CALLS_PER_QUERY, type StartTimeRange } from '../adapters/bandwidth-calls.ts';
import type { DisconnectsTable } from '../adapters/disconnects-table.ts';
import { hasEnded, type ListedCall, parentOf, toBackfilledRecord } from '../domain/stored-record/backfilled-record.ts';

export interface ReconcileOptions {
  calls: Pick<BandwidthCallList, 'query'>;
  table: Pick<DisconnectsTable, 'has' | 'putBackfilled'>;
  /** The calls that started in this range. */
  range: StartTimeRange;
  /** Calls that ended after this are left alone this time: their callback may still be on its way. */
  settledBefore?: Date | undefined;
  /** As the live recorder's RETENTION_DAYS, so a backfilled record expires as a callback's would. */
  retentionDays?: number | undefined;
  /**
   * Whether the stage's <Transfer> verbs send transferDisconnect to the recorder: then a backfilled leg is a
   * callback gone missing (counted in missingLegs); otherwise nothing ever sent it, and it is only filled in.
   */
  transferLegsWired?: boolean;
  /** Report what would be backfilled, write nothing. */
  dryRun?: boolean;
  /** Table calls at once. */
  concurrency?: number;
  /** The range is listed in slices of at most this long (one query each, before any splitting). */
  sliceMs?: number;
  /** Bandwidth's cap per query; lowered only by tests. */
  maxCallsPerQuery?: number;
  /** Bounds the whole run: listing, back-off waits and writes. */
  signal?: AbortSignal | undefined;
  now?: () => Date;
  /** After each slice, for progress lines on long runs. */
  onProgress?: (progress: ReconcileProgress) => void;
}

export interface ReconcileProgress {
  /** Start times up to here are done. */
  through: string;
  listed: number;
  backfilled: number;
  backfilledLegs: number;
}

export interface ReconcileReport {
  from: string;
  to: string;
  dryRun: boolean;
  /** Calls Bandwidth listed (each counted once). */
  listed: number;
  /** Ended calls the table already held (from a callback, or an earlier run). */
  alreadyRecorded: number;
  /** Ended calls (not legs) written by this run (with --dry-run: that would have been): the BackfilledCalls metric. */
  backfilled: number;
  /** Ended transfer legs written by this run (with --dry-run: that would have been): the BackfilledLegs metric. */
  backfilledLegs: number;
  /** Backfilled legs whose callback should have come (the stage wires legs to the recorder), else 0: the MissingLegs metric. */
  missingLegs: number;
  /** Calls not yet ended (initiated or answered). */
  notEnded: number;
  /** Ended calls left for the next run because they ended within the settle time. */
  settling: number;
  backfilledCallIds: string[];
  backfilledLegIds: string[];
  /** Requests to the Voice API, retries included. */
  apiRequests: number;
}

/** An hour of calls: at 1M calls a month ~1,400, well under the cap, so splitting stays the exception. */
export const DEFAULT_SLICE_MS = 3_600_000;

function slices(range: StartTimeRange, sliceMs: number): StartTimeRange[] {
  const result: StartTimeRange[] = [];
  const to = range.to.getTime();
  // Bandwidth's bounds are inclusive: each slice starts one millisecond after the one before ends.
  for (let start = range.from.getTime(); ; ) {
    const end = Math.min(start + sliceMs, to);
    result.push({ from: new Date(start), to: new Date(end) });
    if (end >= to) return result;
    start = end + 1;
  }
}

async function eachAtOnce<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

function endedAfter(call: ListedCall, instant: Date | undefined): boolean {
  if (instant === undefined || typeof call['endTime'] !== 'string') return false;
  const end = Date.parse(call['endTime']);
  return !Number.isNaN(end) && end > instant.getTime();
}

// Over 60 lines: list and settle are closures that count into one report; apart, each would pass it around.
export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const { range, signal } = options;
  if (!(range.from.getTime() <= range.to.getTime())) throw new RangeError('the range ends before it starts');
  const cap = options.maxCallsPerQuery ?? MAX_CALLS_PER_QUERY;
  const now = options.now ?? (() => new Date());
  const report: ReconcileReport = {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    dryRun: options.dryRun === true,
    listed: 0,
    alreadyRecorded: 0,
    backfilled: 0,
    backfilledLegs: 0,
    missingLegs: 0,
    notEnded: 0,
    settling: 0,
    backfilledCallIds: [],
    backfilledLegIds: [],
    apiRequests: 0,
  };
  const seen = new Set<string>();

  /** Every call of the range, splitting it while a query comes back full (it may have been cut off). */
  const list = async (part: StartTimeRange): Promise<ListedCall[]> => {
    const { calls, requests } = await options.calls.query(part, signal);
    report.apiRequests += requests;
    if (calls.length < cap) return calls;
    const from = part.from.getTime();
    const to = part.to.getTime();
    if (to - from < 1)
      throw new Error(
        `Bandwidth lists ${calls.length} calls that started at ${part.from.toISOString()}: more than one query can return`,
      );
    const middle = from + Math.floor((to - from) / 2);
    return [
      ...(await list({ from: part.from, to: new Date(middle) })),
      ...(await list({ from: new Date(middle + 1), to: part.to })),
    ];
  };

  const settle = async (call: ListedCall): Promise<void> => {
    if (!hasEnded(call)) {
      report.notEnded += 1;
      return;
    }
    if (endedAfter(call, options.settledBefore)) {
      report.settling += 1;
      return;
    }
    if (await options.table.has(call.callId, signal)) {
      report.alreadyRecorded += 1;
      return;
    }
    if (!report.dryRun) {
      const outcome = await options.table.putBackfilled(toBackfilledRecord(call, now(), options.retentionDays), signal);
      // Written between the read and the write: by the callback, or by another run.
      if (outcome === 'duplicate') {
        report.alreadyRecorded += 1;
        return;
      }
    }
    if (parentOf(call) === undefined) {
      report.backfilled += 1;
      report.backfilledCallIds.push(call.callId);
    } else {
      report.backfilledLegs += 1;
      report.backfilledLegIds.push(call.callId);
      if (options.transferLegsWired === true) report.missingLegs += 1;
    }
  };

  for (const slice of slices(range, options.sliceMs ?? DEFAULT_SLICE_MS)) {
    const fresh = (await list(slice)).filter((call) => !seen.has(call.callId) && seen.add(call.callId));
    report.listed += fresh.length;
    await eachAtOnce(fresh, options.concurrency ?? 8, settle);
    options.onProgress?.({
      through: slice.to.toISOString(),
      listed: report.listed,
      backfilled: report.backfilled,
      backfilledLegs: report.backfilledLegs,
    });
  }
  return report;
}
