import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { DOCUMENTED_CAUSES } from '../domain/callback/validate.ts';
import { inInvocation, logger, maskPhoneNumber } from '../log/logger.ts';
import { embeddedMetrics, metricDirective, metricSet } from '../log/metrics.ts';
import { RecordNotKept } from '../recording/keep-record.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from './api-gateway.ts';

/**
 * What became of the callback, named in this answer header (`recorded`, `duplicate`, `parked`, `unverified`,
 * `quarantined`); the log line reports it as the outcome, else `unauthorized`, `refused` or `failed`.
 */
export const OUTCOME_HEADER = 'X-Disconnect-Outcome';

/** Where the log step keeps, on middy's `request.internal`, when it first saw the request. */
const STARTED = 'callbackLogStartedAt';

/**
 * The line's metrics (CloudWatch EMF, lambda/log/metrics.ts): `callbacks` and `latencyMs` by outcome, `callbacks`
 * by cause. Causes are open-ended (Bandwidth adds new ones), and every distinct dimension value is a metric paid
 * for: documented causes count under their name, any other under "other" (the line keeps the cause as sent).
 */
const BY_OUTCOME = metricDirective([['outcome']], { callbacks: 'Count', latencyMs: 'Milliseconds' });
const BY_OUTCOME_UNTIMED = metricDirective([['outcome']], { callbacks: 'Count' });
const BY_CAUSE = metricDirective([['causeDimension']], { callbacks: 'Count' });
/** The four kinds of callback line, by whether it is timed and has a cause. */
const METRIC_SETS = {
  timed: { cause: metricSet([BY_OUTCOME, BY_CAUSE]), none: metricSet([BY_OUTCOME]) },
  untimed: { cause: metricSet([BY_OUTCOME_UNTIMED, BY_CAUSE]), none: metricSet([BY_OUTCOME_UNTIMED]) },
};
const OTHER_CAUSE = 'other';

/**
 * Runs each invocation with its ids on every line it logs: Lambda's awsRequestId (the REPORT line's @requestId)
 * and API Gateway's requestId (the access log's requestId).
 */
export function withRequestIds<C extends Context, Rest extends unknown[]>(
  handler: (event: ApiGatewayEvent, context: C, ...rest: Rest) => Promise<ApiGatewayResult>,
): (event: ApiGatewayEvent, context: C, ...rest: Rest) => Promise<ApiGatewayResult> {
  return (event, context, ...rest) =>
    inInvocation({ awsRequestId: context.awsRequestId, apiRequestId: event.requestContext?.requestId }, () =>
      handler(event, context, ...rest),
    );
}

function maskNumber(value: unknown): unknown {
  return typeof value === 'string' ? value : maskPhoneNumber(value);
}

function outcomeOf(request: Request<ApiGatewayEvent, ApiGatewayResult>, status: number): string {
  const outcome = request.response?.headers?.[OUTCOME_HEADER];
  if (typeof outcome === 'string') return outcome;
  if (status === 401) return 'unauthorized';
  return status >= 500 ? 'failed' : 'refused';
}

/**
 * One JSON line per callback: callId, cause, direction, masked numbers (from the parsed body, when it parsed),
 * outcome, status and latency, and the metrics they make. Never the Authorization header, the password or the raw body.
 */
export function callbackLog(): MiddlewareObj<ApiGatewayEvent, ApiGatewayResult> {
  const log = (request: Request<ApiGatewayEvent, ApiGatewayResult>) => {
    const { event, response, error, internal } = request;
    const started = (internal as Record<string, unknown>)[STARTED];
    const status = response?.statusCode ?? 500;
    const callback =
      typeof event.body === 'object' && event.body !== null ? (event.body as Record<string, unknown>) : {};
    const cause = callback['cause'];
    const latencyMs = typeof started === 'number' ? Math.round((performance.now() - started) * 1000) / 1000 : undefined;
    const causeDimension = typeof cause === 'string' ? (DOCUMENTED_CAUSES.has(cause) ? cause : OTHER_CAUSE) : undefined;
    const line = {
      outcome: outcomeOf(request, status),
      status,
      latencyMs,
      callId: callback['callId'],
      cause,
      direction: callback['direction'],
      // Text is masked with the whole line as it is written; a number sent as a JSON number is not, so it is here.
      from: maskNumber(callback['from']),
      to: maskNumber(callback['to']),
      // A transfer leg's link to its call and its own numbers (absent from a disconnect's line).
      parentCallId: callback['parentCallId'],
      transferCallerId: maskNumber(callback['transferCallerId']),
      transferTo: maskNumber(callback['transferTo']),
      ...(error instanceof Error ? { error: error.message } : {}),
      // A 503 whose record may still land says so (lambda/recording/keep-record.ts).
      ...(error instanceof RecordNotKept ? error.inFlight : {}),
      callbacks: 1,
      causeDimension,
      ...embeddedMetrics(
        METRIC_SETS[latencyMs === undefined ? 'untimed' : 'timed'][causeDimension === undefined ? 'none' : 'cause'],
      ),
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
