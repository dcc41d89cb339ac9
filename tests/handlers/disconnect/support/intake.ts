/**
 * Intake test support: a Disconnect callback shaped like Bandwidth's documented example, answers read the way
 * Bandwidth reads them, and the recorder's log lines captured as printed.
 */
import { randomUUID } from 'node:crypto';
import { expect, vi } from 'vitest';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../../../lambda/http/api-gateway.ts';
import { type Handler, lambdaContext } from '../../../support/recorder.ts';

/** Bandwidth's documented Disconnect example (a busy outbound call), with a callId of its own per use. */
export function disconnectCallback(fields: Record<string, unknown> = {}): Record<string, unknown> {
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

export interface CapturedLogs {
  /** Everything the recorder printed, exactly as printed. */
  text(): string;
  /** Each printed line, parsed (Powertools prints one JSON object per line). */
  lines(): Record<string, unknown>[];
  restore(): void;
}

/**
 * Captures what the logger prints. Powertools Logger writes to process.stdout / process.stderr through its own
 * Console, so the capture sees the real output lines, not calls to a mock.
 */
export function captureLogs(): CapturedLogs {
  const chunks: string[] = [];
  const capture = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore() {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
