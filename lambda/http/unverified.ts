import type { MiddlewareObj } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { callbackRequestOf } from './callback-request.ts';

/**
 * A step skipped for a callback kept unverified: its body is kept as sent, and parsed (or refused) only by replay,
 * once its credentials are checked; an unauthenticated body is never answered 4xx or quarantined on its content.
 */
export function unlessUnverified(
  step: MiddlewareObj<ApiGatewayEvent, ApiGatewayResult>,
): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  const { before } = step;
  if (before === undefined) throw new Error('unlessUnverified() wraps a step that has a before');
  return {
    before(request) {
      if (callbackRequestOf(request).unverified !== undefined) return;
      return before(request);
    },
  };
}
