import type { MiddlewareObj } from '@middy/core';
import { MAX_NESTING } from '../domain/callback/storable.ts';
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

/** middy's HttpError and ours: a status meant for the answer (`expose`, as middy's http-error-handler reads it). */
function isExposed(error: unknown): error is ExposedError {
  if (typeof error !== 'object' || error === null) return false;
  const { statusCode, expose } = error as { statusCode?: unknown; expose?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 && expose === true;
}

const BODY_PARSER = '@middy/http-json-body-parser';

/** middy's body parser's `cause` in plain words; never the raw body or JSON.parse's message, which quotes it. */
function causeDetails(message: string, cause: unknown): string[] {
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
    return [`the body is nested too deeply to read (DynamoDB stores at most ${MAX_NESTING} levels)`];
  }
  return ['the body is not valid JSON'];
}

/**
 * The answer a refusal gets, when the error is one: ours as it is, the domain's as a 422 naming its problems,
 * middy's in plain words. Anything else (a failure, not a refusal) gives undefined.
 */
export function refusalOf(error: unknown): RequestRejected | undefined {
  if (error instanceof RequestRejected) return error;
  if (error instanceof CallbackRefused) return new RequestRejected(422, error.message, error.problems);
  if (!isExposed(error)) return undefined;
  const details = error.details ?? causeDetails(error.message, error.cause);
  return new RequestRejected(error.statusCode, error.message, details, error.headers);
}

/**
 * Every error becomes the JSON error contract, `{"error": "...", "details": [...]}` as `application/json`: a
 * refusal its own status, a record kept nowhere 503, anything else a logged 500 without its message or stack.
 */
export function errorResponses(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  return {
    onError(request) {
      const { error } = request;
      const refusal = refusalOf(error);
      let answer: { statusCode: number; error: string; details: readonly string[]; headers?: Record<string, string> };
      if (refusal !== undefined) {
        answer = { ...refusal, error: refusal.message };
      } else if (error instanceof RecordNotKept) {
        // Kept nowhere: the one 5xx the recorder gives on purpose (Bandwidth will not retry it).
        answer = { statusCode: 503, error: error.message, details: error.details };
      } else {
        logger.error('unexpected error', { error: error instanceof Error ? error : String(error) });
        answer = { statusCode: 500, error: 'internal error', details: [] };
      }
      request.response = {
        statusCode: answer.statusCode,
        headers: { ...answer.headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({ error: answer.error, details: answer.details }),
      };
    },
  };
}
