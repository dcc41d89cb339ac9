import { type AnswerBudget, withinDeadline } from '../adapters/deadline.ts';
import type { CallbackInput, ParkedCallbacks } from '../adapters/parked-callbacks.ts';
import { logger } from '../log/logger.ts';
import { reasonOf } from '../log/reason.ts';
import { OUTCOME_HEADER } from './callback-log.ts';
import { refusalOf } from './error-responses.ts';
import { RequestRejected } from './request-rejected.ts';

/** A refused callback, as sent, and what is known of it. */
export interface RefusedCallback {
  sent: CallbackInput;
  /** The parsed body's callId, when the body parsed. */
  callId: unknown;
  receivedAt: Date;
  budget: AnswerBudget;
}

/**
 * An authenticated callback refused on its content (a 4xx) is kept as sent in the fallback bucket's quarantine
 * before it is answered, so a schema mistake never loses a record (replay retries it). Returns what to throw: the
 * refusal, naming `quarantined` in the outcome header once kept; any other error as it came.
 */
export function refusalKeeper(parked: ParkedCallbacks | undefined) {
  return async function quarantineRefusal(error: unknown, refused: RefusedCallback): Promise<unknown> {
    const refusal = refusalOf(error);
    if (refusal === undefined || refusal.statusCode >= 500 || parked === undefined) return error;
    const { sent, callId, receivedAt, budget } = refused;
    try {
      await withinDeadline(budget.fallbackMs(), 'quarantining the callback', (signal) =>
        parked.park(
          {
            kind: 'quarantined',
            reason: refusal.message,
            details: refusal.details,
            receivedAt,
            callId: typeof callId === 'string' ? callId : undefined,
            input: sent,
          },
          signal,
        ),
      );
    } catch (parkError) {
      logger.error('could not quarantine a rejected callback', { reason: reasonOf(parkError) });
      return refusal;
    }
    const { statusCode, message, details, headers } = refusal;
    return new RequestRejected(statusCode, message, details, { ...headers, [OUTCOME_HEADER]: 'quarantined' });
  };
}
