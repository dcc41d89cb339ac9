/** Disconnect callbacks as Bandwidth sends them, each with its own callId, and timed answers from the handler. */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { OUTCOME_HEADER } from '../../lambda/http/callback-log.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../lambda/http/api-gateway.ts';
import { type Handler, httpApiEvent, lambdaContext } from './recorder.ts';

export function disconnectCallback(fields: Record<string, unknown> = {}): Record<string, unknown> & { callId: string } {
  const callId = `c-${randomUUID()}`;
  return {
    eventType: 'disconnect',
    eventTime: '2026-11-20T15:56:11.554Z',
    accountId: '55555555',
    applicationId: '7fc9698a-b04a-468b-9e8f-91238c0d0086',
    from: '+15551112222',
    to: '+15553334444',
    direction: 'outbound',
    callId,
    callUrl: `https://voice.bandwidth.com/api/v2/accounts/55555555/calls/${callId}`,
    startTime: '2026-11-20T15:54:22.234Z',
    answerTime: '2026-11-20T15:54:30.001Z',
    endTime: '2026-11-20T15:55:54.123Z',
    cause: 'hangup',
    tag: 'nothing-lost',
    ...fields,
  };
}

/** The callback POSTed through an HTTP API, received by API Gateway at `receivedAt`. */
export function postedCallback(callback: Record<string, unknown>, receivedAt = new Date()): APIGatewayProxyEventV2 {
  const event = httpApiEvent({ body: JSON.stringify(callback) });
  event.requestContext.timeEpoch = receivedAt.getTime();
  return event;
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
  const result: ApiGatewayResult = await handler(event, lambdaContext);
  const ms = performance.now() - started;
  const headers = result.headers ?? {};
  const outcome = headers[OUTCOME_HEADER];
  const contentType = headers['Content-Type'];
  return {
    status: result.statusCode,
    outcome: typeof outcome === 'string' ? outcome : undefined,
    body: result.body,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    ms,
  };
}

/**
 * Slack over a budget for a shared, busy test machine (other test files run at the same time). A store that
 * hangs would otherwise keep the answer waiting until the test times out, so the bound still means something.
 */
export const SCHEDULING_SLACK_MS = 750;
