import type { DisconnectRecord } from '../domain/stored-record/disconnect-record.ts';
import { RequestRejected } from '../http/request-rejected.ts';
import { logger } from '../log/logger.ts';
import { withinDeadline } from '../adapters/deadline.ts';
import type { DisconnectsTable, PutOutcome } from '../adapters/disconnects-table.ts';
import type { CallbackInput, ParkedCallbacks } from '../adapters/parked-callbacks.ts';

export type KeepOutcome = PutOutcome | 'parked';

export interface KeepOptions {
  table: DisconnectsTable;
  /** The fallback store; without it a failed write is a 503. */
  parked: ParkedCallbacks | undefined;
  /** The whole answer, from API Gateway's receipt, must come within this (ANSWER_BUDGET_MS). */
  budgetMs: number;
}

/** Time kept back for answering (and logging) after the fallback gives up. */
const ANSWER_MARGIN_MS = 250;
/**
 * Time already gone when the record is ready (a cold start, an auth secret fetched) is taken from the budget,
 * but never more than this share of it: a skewed clock or an old `timeEpoch` must not starve the stores.
 */
const MAX_SPENT_SHARE = 0.4;
/** The fallback always gets this long, even late: a slightly late answer beats a record certainly lost. */
const MIN_FALLBACK_MS = 100;

export interface StoreWindows {
  /** How long the table put may take, retries included. */
  tableMs: number;
  /** How long the table and then the fallback may take together. */
  storesMs: number;
}

/**
 * How a budget is shared: what was spent before the stores (bounded), then a margin for the answer, and the
 * rest half to the table, half to the fallback — the fallback is a different service, its own time is not
 * given to retrying a table that is already failing.
 */
export function storeWindows(budgetMs: number, spentMs: number): StoreWindows {
  const spent = Math.min(Math.max(spentMs, 0), budgetMs * MAX_SPENT_SHARE);
  const margin = Math.min(ANSWER_MARGIN_MS, budgetMs / 10);
  const storesMs = budgetMs - spent - margin;
  return { tableMs: storesMs / 2, storesMs };
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}

/**
 * Keeps a record somewhere durable within the time budget: the table first (first delivery wins), else the
 * fallback bucket. Only when both fail is the answer a 5xx — Bandwidth never retries one, so it is the last resort.
 */
export function recordKeeper({ table, parked, budgetMs }: KeepOptions) {
  return async function keepRecord(record: DisconnectRecord, input: CallbackInput): Promise<KeepOutcome> {
    const started = Date.now();
    const received = Date.parse(record.receivedAt);
    const windows = storeWindows(budgetMs, Number.isNaN(received) ? 0 : started - received);
    let storeError: unknown;
    try {
      return await withinDeadline(windows.tableMs, 'the table write', (signal) => table.putFirst(record, signal));
    } catch (error) {
      storeError = error;
    }
    const reason = reasonOf(storeError);
    if (parked === undefined) {
      logger.error('table write failed and no fallback store is configured: the record is lost', { callId: record.callId, reason });
      throw new RequestRejected(503, 'the record could not be stored', ['the table is unavailable and no fallback store is configured']);
    }
    const fallbackMs = Math.max(started + windows.storesMs - Date.now(), MIN_FALLBACK_MS);
    try {
      const key = await withinDeadline(fallbackMs, 'parking the callback', (signal) =>
        parked.park(
          { version: 1, kind: 'parked', reason, details: [], receivedAt: record.receivedAt, callId: record.callId, input },
          signal,
        ),
      );
      logger.warn('table write failed, callback parked for replay', { callId: record.callId, reason, key });
      return 'parked';
    } catch (parkError) {
      logger.error('table write and fallback both failed: the record is lost', {
        callId: record.callId,
        reason,
        fallbackReason: reasonOf(parkError),
      });
      throw new RequestRejected(503, 'the record could not be stored', ['the table and the fallback store are both unavailable']);
    }
  };
}
