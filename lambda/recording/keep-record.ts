import { type AnswerBudget, withinDeadline } from '../adapters/deadline.ts';
import type { DisconnectsTable, PutOutcome } from '../adapters/disconnects-table.ts';
import type { CallbackInput, ParkedCallbacks, PresentedCredentials } from '../adapters/parked-callbacks.ts';
import type { DisconnectRecord } from '../domain/stored-record/disconnect-record.ts';
import { logger } from '../log/logger.ts';
import { reasonOf } from '../log/reason.ts';

export type KeepOutcome = PutOutcome | 'parked' | 'unverified';

/** A callback that could be kept nowhere in its time: the table and the fallback store both failed (or there is none). */
export class RecordNotKept extends Error {
  constructor(readonly details: readonly string[]) {
    super('the record could not be stored');
    this.name = 'RecordNotKept';
  }
}

export interface KeepOptions {
  table: DisconnectsTable;
  /** The fallback store; without it a failed write cannot be kept. */
  parked: ParkedCallbacks | undefined;
}

/**
 * Keeps a record somewhere durable within the answer's budget: the table first (first delivery wins), else the
 * fallback bucket, which gets all the time the table left. Only when both fail does it throw RecordNotKept.
 */
export function recordKeeper({ table, parked }: KeepOptions) {
  return async function keepRecord(
    record: DisconnectRecord,
    input: CallbackInput,
    budget: AnswerBudget,
  ): Promise<KeepOutcome> {
    let storeError: unknown;
    try {
      // The deadline bounds the answer; the SDK is not handed its signal. A write still under way when the deadline
      // passes ends by the table client's own per-attempt limits (answerCallLimits), in the background, and can only
      // add the record the parked copy also holds (replay then finds it present). Handing the SDK an AbortSignal costs
      // every answer its listeners: same write with this client and deadline measured ~5% more CPU per answer with the
      // signal than without (npm run ab, 30 rounds).
      return await withinDeadline(budget.tableMs(), 'the table write', () => table.putFirst(record));
    } catch (error) {
      storeError = error;
    }
    const reason = reasonOf(storeError);
    if (parked === undefined) {
      logger.error('table write failed and no fallback store is configured: the record is lost', {
        callId: record.callId,
        reason,
      });
      throw new RecordNotKept(['the table is unavailable and no fallback store is configured']);
    }
    try {
      const key = await withinDeadline(budget.fallbackMs(), 'parking the callback', (signal) =>
        parked.park({ kind: 'parked', reason, receivedAt: record.receivedAt, callId: record.callId, input }, signal),
      );
      logger.warn('table write failed, callback parked for replay', { callId: record.callId, reason, key });
      return 'parked';
    } catch (parkError) {
      logger.error('table write and fallback both failed: the record is lost', {
        callId: record.callId,
        reason,
        fallbackReason: reasonOf(parkError),
      });
      throw new RecordNotKept(['the table and the fallback store are both unavailable']);
    }
  };
}

/**
 * Keeps a callback whose credentials could not be checked (the password unreadable in time) in the fallback
 * bucket's `unverified/` prefix, as sent, with the credentials presented in a form replay can check but nobody can
 * read. It never reaches the table before replay has verified it.
 */
export function unverifiedKeeper(parked: ParkedCallbacks | undefined) {
  return async function keepUnverified(
    input: CallbackInput,
    credentials: PresentedCredentials,
    receivedAt: Date,
    budget: AnswerBudget,
  ): Promise<KeepOutcome> {
    if (parked === undefined) {
      logger.error('the callback password could not be read and no fallback store is configured: the record is lost');
      throw new RecordNotKept(['the callback password cannot be read and no fallback store is configured']);
    }
    try {
      const key = await withinDeadline(budget.fallbackMs(), 'keeping the unverified callback', (signal) =>
        parked.park(
          {
            kind: 'unverified',
            reason: 'the callback password could not be read in time',
            receivedAt,
            input,
            credentials,
          },
          signal,
        ),
      );
      logger.warn('callback password unreadable, callback kept unverified for replay', { key });
      return 'unverified';
    } catch (error) {
      logger.error('the callback password could not be read and the fallback failed: the record is lost', {
        fallbackReason: reasonOf(error),
      });
      throw new RecordNotKept(['the callback password cannot be read and the fallback store is unavailable']);
    }
  };
}
