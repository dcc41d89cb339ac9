import type { MiddlewareObj, Request } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { logger, maskPhoneNumber } from '../log/logger.ts';
import { DOCUMENTED_CAUSES } from '../domain/callback/validate.ts';

/**
 * The handler names what became of the callback in this answer header (`recorded`, `duplicate`, `parked`,
 * `unverified`); the log line reports it as the outcome.
 */
export const OUTCOME_HEADER = 'X-Disconnect-Outcome';

/** Where the log step keeps, on middy's `request.internal`, when it first saw the request. */
const STARTED = 'callbackLogStartedAt';

function outcomeOf(response: ApiGatewayResult | null | undefined, status: number): string {
  const outcome = response?.headers?.[OUTCOME_HEADER];
  if (typeof outcome === 'string') return outcome;
  if (status === 401) return 'unauthorized';
  return status < 500 ? 'rejected' : 'failed';
}

/**
 * One JSON line per callback: callId, cause, direction, masked numbers, outcome, status and latency. Never the
 * Authorization header, the password or the raw body.
 */
export function callbackLog(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  const log = ({ event, response, error, internal }: Request<ApiGatewayEvent, ApiGatewayResult>) => {
    const started = (internal as Record<string, unknown>)[STARTED];
    const status = response?.statusCode ?? 500;
    const callback = typeof event.body === 'object' && event.body !== null ? (event.body as Record<string, unknown>) : {};
    const cause = callback['cause'];
    const line = {
      outcome: outcomeOf(response, status),
      status,
      latencyMs: typeof started === 'number' ? Math.round((performance.now() - started) * 1000) / 1000 : undefined,
      callId: callback['callId'],
      cause,
      direction: callback['direction'],
      from: maskPhoneNumber(callback['from']),
      to: maskPhoneNumber(callback['to']),
      ...(error instanceof Error ? { error: error.message } : {}),
    };
    if (status >= 500) logger.error('disconnect callback', line);
    else if (status >= 400) logger.warn('disconnect callback', line);
    else logger.info('disconnect callback', line);
    if (typeof cause === 'string' && status < 300 && !DOCUMENTED_CAUSES.has(cause)) {
      logger.warn('undocumented disconnect cause', { callId: callback['callId'], cause });
    }
  };
  return {
    before({ internal }) {
      (internal as Record<string, unknown>)[STARTED] = performance.now();
    },
    after: log,
    onError: log,
  };
}
