import { type AnswerBudget, DeadlineExceeded, withinDeadline } from '../adapters/deadline.ts';
import type { DisconnectsTable, PutOutcome } from '../adapters/disconnects-table.ts';
import type { CallbackInput, ParkedCallbacks, PresentedCredentials } from '../adapters/parked-callbacks.ts';
import type { DisconnectRecord } from '../domain/stored-record/disconnect-record.ts';
import { logger } from '../log/logger.ts';
import { embeddedMetrics, metricDirective } from '../log/metrics.ts';
import { reasonOf } from '../log/reason.ts';

export type KeepOutcome = PutOutcome | 'parked' | 'unverified';

/**
 * Writes still under way when the answer had to go: a write cut off by its deadline may still land (the table's
 * is not aborted; an aborted S3 PUT whose body was sent may still be stored), so the 503 is not yet a lost record.
 */
export interface WritesInFlight {
  tableWriteInFlight: boolean;
  fallbackWriteInFlight: boolean;
}

const NONE_IN_FLIGHT: WritesInFlight = { tableWriteInFlight: false, fallbackWriteInFlight: false };

/**
 * A callback that could not be kept in its time: the table and the fallback store both failed, did not finish, or
 * there is none. `inFlight` says whether a copy may still land (then replay, or the table, may yet hold it).
 */
export class RecordNotKept extends Error {
  constructor(
    readonly details: readonly string[],
    readonly inFlight: WritesInFlight = NONE_IN_FLIGHT,
  ) {
    super('the record could not be stored');
    this.name = 'RecordNotKept';
  }

  /** Whether a copy may still land in the table or the fallback bucket. */
  get mayStillLand(): boolean {
    return this.inFlight.tableWriteInFlight || this.inFlight.fallbackWriteInFlight;
  }
}

/**
 * Counted once per 503 whose record may still land: `failed` minus `unsettled503` is what is certainly lost, and
 * replay later stores (or the table already holds) the ones that did land (docs/failures.md).
 */
const UNSETTLED = metricDirective([[]], { unsettled503: 'Count' });

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
      const inFlight = { ...NONE_IN_FLIGHT, tableWriteInFlight: storeError instanceof DeadlineExceeded };
      logger.error(
        inFlight.tableWriteInFlight
          ? 'table write unfinished in time and no fallback store is configured: answered 503, it may still land'
          : 'table write failed and no fallback store is configured: answered 503, the record is lost',
        {
          callId: record.callId,
          reason,
          ...inFlight,
          ...(inFlight.tableWriteInFlight ? { unsettled503: 1, ...embeddedMetrics([UNSETTLED]) } : {}),
        },
      );
      throw new RecordNotKept(['the table is unavailable and no fallback store is configured'], inFlight);
    }
    try {
      const key = await withinDeadline(budget.fallbackMs(), 'parking the callback', (signal) =>
        parked.park({ kind: 'parked', reason, receivedAt: record.receivedAt, callId: record.callId, input }, signal),
      );
      logger.warn('table write failed, callback parked for replay', { callId: record.callId, reason, key });
      return 'parked';
    } catch (parkError) {
      const inFlight = {
        tableWriteInFlight: storeError instanceof DeadlineExceeded,
        fallbackWriteInFlight: parkError instanceof DeadlineExceeded,
      };
      const fields = {
        callId: record.callId,
        receivedAt: record.receivedAt,
        reason,
        fallbackReason: reasonOf(parkError),
      };
      if (!inFlight.tableWriteInFlight && !inFlight.fallbackWriteInFlight) {
        logger.error('table write and fallback both failed: answered 503, the record is lost', {
          ...fields,
          ...inFlight,
        });
        throw new RecordNotKept(['the table and the fallback store are both unavailable']);
      }
      logger.error('table write and fallback unfinished in time: answered 503, a copy may still land', {
        ...fields,
        ...inFlight,
        unsettled503: 1,
        ...embeddedMetrics([UNSETTLED]),
      });
      throw new RecordNotKept(['the table and the fallback store did not finish in time'], inFlight);
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
