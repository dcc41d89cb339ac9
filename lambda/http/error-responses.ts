import type { MiddlewareObj } from '@middy/core';
import { CallbackRefused } from '../domain/callback/validate.ts';
import { logger } from '../log/logger.ts';
import { RecordNotKept } from '../recording/keep-record.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';
import { RequestRejected } from './request-rejected.ts';

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

const BODY_PARSER = '@middy/http-json-body-parser';

/**
 * middy's body parser says what it rejected in `cause` (its package, the raw body or the forbidden key, the
 * JSON.parse message). Turned into plain words here; never the raw body or JSON.parse's message, which quotes it.
 */
function causeDetails(message: string, cause: unknown, maxNesting: number | undefined): string[] {
  if (typeof cause !== 'object' || cause === null) return [];
  const {
    package: from,
    data,
    message: parseError,
  } = cause as { package?: unknown; data?: unknown; message?: unknown };
  if (from !== BODY_PARSER) return [];
  if (message === 'Forbidden key in JSON body') {
    return [`the field name ${JSON.stringify(String(data)).slice(0, 64)} is not allowed`];
  }
  if (message === 'Unsupported Media Type') {
    return [`the Content-Type ${JSON.stringify(String(data ?? '')).slice(0, 128)} is not JSON`];
  }
  if (data === undefined || data === null || (typeof data === 'string' && data.trim() === ''))
    return ['the body is empty'];
  // Valid JSON nested a few thousand levels deep overflows JSON.parse's reviver (middy's prototype guard).
  if (typeof parseError === 'string' && parseError.includes('call stack')) {
    const limit = maxNesting === undefined ? '' : ` (DynamoDB stores at most ${maxNesting} levels)`;
    return [`the body is nested too deeply to read${limit}`];
  }
  return ['the body is not valid JSON'];
}

/**
 * A callback the domain refused is a 422 naming its problems. Placed innermost, so every step that answers or keeps
 * a rejected callback (keep-rejected.ts, errorResponses) sees the HTTP answer, not the domain's error.
 */
export function callbackRefusals(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    onError(request) {
      const { error } = request;
      if (error instanceof CallbackRefused) {
        request.error = new RequestRejected(422, error.message, error.problems);
      }
    },
  };
}

/**
 * Every error becomes the JSON error contract: `{"error": "...", "details": [...]}` with
 * `Content-Type: application/json`. A record kept nowhere (RecordNotKept) is a 503. `maxNesting`, the store's nesting
 * limit, is named when a body is too deep to read (passed in by the entry point, which knows the domain's limit).
 * Unexpected errors are logged and answered 500 without their message or stack.
 */
export function errorResponses({
  maxNesting,
}: {
  maxNesting?: number;
} = {}): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    onError(request) {
      const { error } = request;
      let statusCode = 500;
      let body: { error: string; details: readonly string[] } = { error: 'internal error', details: [] };
      let headers: Readonly<Record<string, string>> = {};
      if (error instanceof RecordNotKept) {
        // Kept nowhere: the one 5xx the recorder gives on purpose (Bandwidth will not retry it).
        statusCode = 503;
        body = { error: error.message, details: error.details };
      } else if (isExposed(error)) {
        statusCode = error.statusCode;
        body = { error: error.message, details: error.details ?? causeDetails(error.message, error.cause, maxNesting) };
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
