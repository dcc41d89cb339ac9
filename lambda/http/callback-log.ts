import type { MiddlewareObj, Request } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { logger, maskPhoneNumber } from '../log/logger.ts';
import { DOCUMENTED_CAUSES } from '../domain/callback/validate.ts';

export const OUTCOME_HEADER = 'X-Disconnect-Outcome';

const started = new WeakMap<object, number>();

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
  const log = ({ event, response, error }: Request<ApiGatewayEvent, ApiGatewayResult>) => {
    const status = response?.statusCode ?? 500;
    const callback = typeof event.body === 'object' && event.body !== null ? (event.body as Record<string, unknown>) : {};
    const cause = callback['cause'];
    const line = {
      outcome: outcomeOf(response, status),
      status,
      latencyMs: Math.round((performance.now() - (started.get(event) ?? performance.now())) * 1000) / 1000,
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
    before({ event }) {
      started.set(event, performance.now());
    },
    after: log,
    onError: log,
  };
}
