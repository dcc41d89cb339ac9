import type { DisconnectRecord } from '../record/disconnect-record.ts';
import { RequestRejected } from '../http/request-rejected.ts';
import { logger } from '../log/logger.ts';
import type { DisconnectsTable, PutOutcome } from './disconnects-table.ts';
import type { CallbackInput, ParkedCallbacks } from './parked-callbacks.ts';

export type KeepOutcome = PutOutcome | 'parked';

export interface KeepOptions {
  table: DisconnectsTable;
  /** The fallback store; without it a failed write is a 503. */
  parked: ParkedCallbacks | undefined;
  /** The whole answer must come within this; the table gets half, the fallback what is left. */
  budgetMs: number;
}

/** Time kept back for answering after the fallback gives up. */
const ANSWER_MARGIN_MS = 250;

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
    const started = performance.now();
    let storeError: unknown;
    try {
      return await table.putFirst(record, AbortSignal.timeout(budgetMs / 2));
    } catch (error) {
      storeError = error;
    }
    logger.warn('table write failed, parking the callback', { callId: record.callId, reason: reasonOf(storeError) });
    if (parked === undefined) {
      throw new RequestRejected(503, 'the record could not be stored', ['the table is unavailable and no fallback store is configured']);
    }
    const remaining = budgetMs - (performance.now() - started) - ANSWER_MARGIN_MS;
    try {
      await parked.park(
        {
          version: 1,
          kind: 'parked',
          reason: reasonOf(storeError),
          details: [],
          receivedAt: record.receivedAt,
          callId: record.callId,
          input,
        },
        AbortSignal.timeout(Math.max(remaining, 50)),
      );
      return 'parked';
    } catch (parkError) {
      logger.error('fallback store failed too: the record is lost', { callId: record.callId, reason: reasonOf(parkError) });
      throw new RequestRejected(503, 'the record could not be stored', ['the table and the fallback store are both unavailable']);
    }
  };
}
