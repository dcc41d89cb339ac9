import type { MiddlewareObj } from '@middy/core';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { logger } from '../log/logger.ts';

interface ExposedError {
  statusCode: number;
  message: string;
  details?: readonly string[];
  headers?: Readonly<Record<string, string>>;
  cause?: unknown;
}

function isExposed(error: unknown): error is ExposedError {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, expose } = error as { statusCode?: unknown; expose?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 && expose === true;
}

/** middy's body parser puts what it rejected (a parse error, a forbidden key) in `cause`. */
function causeDetails(cause: unknown): string[] {
  if (typeof cause !== 'object' || cause === null) return [];
  const { message, data } = cause as { message?: unknown; data?: unknown };
  if (typeof message === 'string') return [message];
  if (typeof data === 'string' && data.length <= 64) return [`forbidden key: ${data}`];
  return [];
}

/**
 * Every error becomes the JSON error contract: `{"error": "...", "details": [...]}` with
 * `Content-Type: application/json`. Unexpected errors are logged and answered 500 without their message or stack.
 */
export function errorResponses(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    onError(request) {
      const { error } = request;
      let statusCode = 500;
      let body: { error: string; details: readonly string[] } = { error: 'internal error', details: [] };
      let headers: Readonly<Record<string, string>> = {};
      if (isExposed(error)) {
        statusCode = error.statusCode;
        body = { error: error.message, details: error.details ?? causeDetails(error.cause) };
        headers = error.headers ?? {};
      } else {
        logger.error('unexpected error', { error: error instanceof Error ? error : String(error) });
      }
      request.response = {
        statusCode,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      };
    },
  };
}
