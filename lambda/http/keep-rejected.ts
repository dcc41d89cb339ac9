import type { MiddlewareObj } from '@middy/core';
import { type ApiGatewayEvent, type ApiGatewayResult, httpMethod } from './api-gateway.ts';
import type { CallbackInput, ParkedCallbacks } from '../adapters/parked-callbacks.ts';
import { logger } from '../log/logger.ts';
import { receivedAt } from './received-at.ts';

const inputs = new WeakMap<object, CallbackInput>();

/** The callback as it was sent (decoded body text, or the GET form's parameters as JSON), captured before parsing. */
export function sentInput(event: ApiGatewayEvent): CallbackInput | undefined {
  return inputs.get(event);
}

function details(error: unknown): readonly string[] {
  const value = (error as { details?: unknown }).details;
  return Array.isArray(value) ? value.map(String) : [];
}

/**
 * An authenticated callback that fails parsing or validation still gets its 4xx, but it is also kept, as
 * sent, in the fallback bucket's quarantine, so a schema mistake never loses a record (replay can retry it).
 * Placed after auth and the body limit: only authenticated, bounded bodies are kept.
 */
export function keepRejected(
  parked: ParkedCallbacks | undefined,
  budgetMs: number,
): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    before({ event }) {
      // Text already: body-text.ts decoded a base64 body.
      inputs.set(event, { form: httpMethod(event) === 'GET' ? 'query' : 'json', body: event.body ?? '' });
    },
    async onError({ event, error }) {
      const input = inputs.get(event);
      const status = (error as { statusCode?: unknown } | null)?.statusCode;
      if (parked === undefined || input === undefined || typeof status !== 'number' || status < 400 || status >= 500) {
        return;
      }
      const callId = (event.body as unknown as { callId?: unknown } | null)?.callId;
      try {
        await parked.park(
          {
            version: 1,
            kind: 'quarantined',
            reason: error instanceof Error ? error.message : String(error),
            details: details(error),
            receivedAt: receivedAt(event).toISOString(),
            callId: typeof callId === 'string' ? callId : undefined,
            input,
          },
          AbortSignal.timeout(budgetMs / 2),
        );
      } catch (parkError) {
        logger.error('could not quarantine a rejected callback', {
          reason: parkError instanceof Error ? parkError.message : String(parkError),
        });
      }
    },
  };
}
