import type { MiddlewareObj } from '@middy/core';
import { HttpError } from '@middy/util';
import { withinDeadline } from '../adapters/deadline.ts';
import type { ParkedCallbacks } from '../adapters/parked-callbacks.ts';
import { logger } from '../log/logger.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { callbackRequestOf } from './callback-request.ts';
import { RequestRejected } from './request-rejected.ts';

/** A refusal the answer names as the callback's fault (4xx): ours, or middy's body parser's. */
function refusal(error: unknown): { status: number; details: readonly string[] } | undefined {
  if (error instanceof RequestRejected) return { status: error.statusCode, details: error.details };
  if (error instanceof HttpError) return { status: error.statusCode, details: [] };
  return undefined;
}

/**
 * An authenticated callback that fails parsing or validation still gets its 4xx, but it is also kept, as
 * sent, in the fallback bucket's quarantine, so a schema mistake never loses a record (replay can retry it).
 * Placed after auth and the body limit: only authenticated, bounded bodies are captured, and only those are kept
 * (an unverified one is kept by the handler, not quarantined before its credentials are checked).
 */
export function keepRejected(parked: ParkedCallbacks | undefined): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    before(request) {
      // Text already: body-text.ts decoded a base64 body.
      const state = callbackRequestOf(request);
      state.input = { form: state.form, body: request.event.body ?? '' };
    },
    async onError(request) {
      const state = callbackRequestOf(request);
      const rejected = refusal(request.error);
      const { input } = state;
      if (parked === undefined || input === undefined || state.unverified !== undefined) return;
      if (rejected === undefined || rejected.status < 400 || rejected.status >= 500) return;
      const callId = (request.event.body as unknown as { callId?: unknown } | null)?.callId;
      try {
        await withinDeadline(state.budget.fallbackMs(), 'quarantining the callback', (signal) =>
          parked.park(
            {
              kind: 'quarantined',
              reason: request.error instanceof Error ? request.error.message : String(request.error),
              details: rejected.details,
              receivedAt: state.receivedAt,
              callId: typeof callId === 'string' ? callId : undefined,
              input,
            },
            signal,
          ),
        );
        state.quarantined = true;
      } catch (parkError) {
        logger.error('could not quarantine a rejected callback', {
          reason: parkError instanceof Error ? parkError.message : String(parkError),
        });
      }
    },
  };
}
