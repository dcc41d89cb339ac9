/**
 * Disconnect callbacks as Bandwidth sends them, each with its own callId, and the handler's answers read the way
 * Bandwidth reads them (status, headers, the JSON error body), timed where a test bounds the answer.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { expect } from 'vitest';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../lambda/http/api-gateway.ts';
import { OUTCOME_HEADER } from '../../lambda/http/callback-log.ts';
import { type Handler, httpApiEvent, lambdaContext } from './recorder.ts';

/** Bandwidth's documented Disconnect example (a busy outbound call), with a callId of its own per use. */
export function disconnectCallback(fields: Record<string, unknown> = {}): Record<string, unknown> & { callId: string } {
  const callId = `c-${randomUUID()}`;
  return {
    eventType: 'disconnect',
    eventTime: '2026-11-20T15:58:04.911Z',
    accountId: '55555555',
    applicationId: '7fc9698a-b04a-468b-9e8f-91238c0d0086',
    from: '+15551112222',
    to: '+15553334444',
    direction: 'outbound',
    callId,
    callUrl: `https://voice.bandwidth.com/api/v2/accounts/55555555/calls/${callId}`,
    enqueuedTime: '2026-11-20T15:54:21.432Z',
    startTime: '2026-11-20T15:54:22.234Z',
    endTime: '2026-11-20T15:58:04.911Z',
    cause: 'busy',
    errorMessage: 'Callee is busy',
    errorId: '4642074b-7b58-478b-96e4-3a60955c6765',
    tag: 'exampleTag',
    ...fields,
  };
}

/** Bandwidth's documented transferDisconnect example (an answered leg), a leg of `parentCallId` with its own callId. */
export function transferDisconnectCallback(
  parentCallId: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> & { callId: string } {
  const callId = `c-${randomUUID()}`;
  return {
    eventType: 'transferDisconnect',
    eventTime: '2026-11-20T15:58:04.911Z',
    from: '+15551112222',
    to: '+15553334444',
    direction: 'outbound',
    callId,
    parentCallId,
    callUrl: `https://voice.bandwidth.com/api/v2/accounts/55555555/calls/${callId}`,
    transferCallerId: '+15551115555',
    transferTo: '+15556667777',
    startTime: '2026-11-20T15:55:20.721Z',
    answerTime: '2026-11-20T15:55:23.320Z',
    endTime: '2026-11-20T15:58:04.900Z',
    cause: 'hangup',
    ...fields,
  };
}

/** The callback POSTed through an HTTP API, received by API Gateway at `receivedAt`. */
export function postedCallback(callback: Record<string, unknown>, receivedAt = new Date()): APIGatewayProxyEventV2 {
  const event = httpApiEvent({ body: JSON.stringify(callback) });
  event.requestContext.timeEpoch = receivedAt.getTime();
  return event;
}

/** The callback as the GET form carries it: every value a string (as API Gateway hands query parameters over). */
export function queryParameters(callback: Record<string, unknown>): Record<string, string> {
  const parameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(callback)) {
    if (value !== undefined && value !== null) parameters[name] = String(value);
  }
  return parameters;
}

export interface Answer {
  status: number;
  /** Header names lower-cased, as an HTTP client sees them. */
  headers: Record<string, string>;
  body: string | undefined;
}

export async function send(handler: Handler, event: ApiGatewayEvent): Promise<Answer> {
  const result: ApiGatewayResult = await handler(event, lambdaContext);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  return { status: result.statusCode, headers, body: result.body };
}

export interface TimedAnswer {
  status: number;
  outcome: string | undefined;
  body: string | undefined;
  contentType: string | undefined;
  ms: number;
}

export async function timedAnswer(handler: Handler, event: ApiGatewayEvent): Promise<TimedAnswer> {
  const started = performance.now();
  const answer = await send(handler, event);
  const ms = performance.now() - started;
  return {
    status: answer.status,
    outcome: answer.headers[OUTCOME_HEADER.toLowerCase()],
    body: answer.body,
    contentType: answer.headers['content-type'],
    ms,
  };
}

/**
 * Slack over a budget for a shared, busy test machine (other test files run at the same time). A store that
 * hangs would otherwise keep the answer waiting until the test times out, so the bound still means something.
 */
export const SCHEDULING_SLACK_MS = 750;

export interface ErrorBody {
  error: string;
  details: string[];
}

/** The JSON error contract: `application/json`, `{"error": "...", "details": [...]}` and nothing else. */
export function errorBody(answer: Answer): ErrorBody {
  expect(answer.headers['content-type']).toBe('application/json');
  const parsed = JSON.parse(answer.body ?? '') as unknown;
  expect(parsed).toEqual({ error: expect.any(String), details: expect.any(Array) });
  const body = parsed as ErrorBody;
  for (const detail of body.details) expect(typeof detail).toBe('string');
  // Never a stack trace.
  expect(answer.body).not.toMatch(/\n\s+at |\.ts:\d+|node_modules/);
  return body;
}
