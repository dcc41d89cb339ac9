/**
 * The log lines operators read, exactly as printed: one JSON line per callback with callId, cause, direction,
 * outcome, status and latency; phone numbers masked; never the Authorization header, the password or the raw body.
 */

import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disconnectCallback, send } from '../../support/callbacks.ts';
import { type CapturedLogs, captureLogs } from '../../support/captured-logs.ts';
import {
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  lambdaContext,
  loadHandler,
  type TestStores,
} from '../../support/recorder.ts';
import { publishedMetrics } from '../log/emf.ts';

const USER = 'bandwidth';
const PASSWORD = 'S3cr3t:pässword';
const AUTHORIZATION = basicAuthorization(USER, PASSWORD);
/** A value only the raw body carries: it must never reach a log line. */
const BODY_MARKER = 'body-marker-7f3a9c';
const NAMESPACE = 'BandwidthDisconnectRecorder/test';

describe('callback log lines', () => {
  let stores: TestStores;
  let handler: Handler;
  let logs: CapturedLogs;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores, {
      POWERTOOLS_LOG_LEVEL: 'INFO',
      METRICS_NAMESPACE: NAMESPACE,
      BANDWIDTH_CALLBACK_USERNAME: USER,
      BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
    });
  });
  afterAll(() => {
    process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
    delete process.env['METRICS_NAMESPACE'];
  });
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => {
    logs.restore();
  });

  const callbackLines = () => logs.lines().filter((line) => line['message'] === 'disconnect callback');

  /** Whatever happened, the printed text holds none of the secrets or the raw body. */
  const expectNothingSecret = (body: string) => {
    const text = logs.text();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(AUTHORIZATION.slice('Basic '.length));
    expect(text.toLowerCase()).not.toContain('authorization');
    expect(text).not.toContain(BODY_MARKER);
    expect(text).not.toContain(body);
    expect(text).not.toContain('15551112222');
    expect(text).not.toContain('15553334444');
  };

  it('prints one line for a recorded callback: callId, cause, direction, masked numbers, outcome, status, latency', async () => {
    const callback = disconnectCallback({ cause: 'hangup', direction: 'inbound', marker: BODY_MARKER });
    const body = JSON.stringify(callback);
    const answer = await send(handler, httpApiEvent({ body, headers: { authorization: AUTHORIZATION } }));
    expect(answer.status).toBe(204);

    const lines = callbackLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      service: 'bandwidth-disconnect-recorder',
      outcome: 'recorded',
      status: 204,
      callId: callback['callId'],
      cause: 'hangup',
      direction: 'inbound',
      from: '+1555***2222',
      to: '+1555***4444',
    });
    expect(lines[0]?.['latencyMs']).toEqual(expect.any(Number));
    expect(lines[0]?.['latencyMs']).toBeGreaterThanOrEqual(0);
    expect(lines[0]?.['latencyMs']).toBeLessThan(10_000);
    expect(logs.lines()).toHaveLength(1);
    expectNothingSecret(body);
  });

  it('logs a duplicate delivery as duplicate', async () => {
    const callback = disconnectCallback();
    const event = () => httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } });
    await send(handler, event());
    await send(handler, event());
    expect(callbackLines().map((line) => line['outcome'])).toEqual(['recorded', 'duplicate']);
  });

  it('masks numbers inside SIP URIs and leaves names such as Anonymous as they are', async () => {
    const callback = disconnectCallback({ from: 'Anonymous', to: 'sip:+15553334444@sip.example.com' });
    await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } }));
    expect(callbackLines()[0]).toMatchObject({ from: 'Anonymous', to: 'sip:+1555***4444@sip.example.com' });
  });

  it('masks numbers sent as JSON numbers and numbers after a line break in the text', async () => {
    const callback = disconnectCallback({ from: 15551112222, to: 'line\n+15553334444' });
    await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } }));
    expect(callbackLines()[0]).toMatchObject({ from: '1555***2222', to: 'line\n+1555***4444' });
    expectNothingSecret(JSON.stringify(callback));
  });

  it('adds a warning naming an undocumented cause, and still records the callback', async () => {
    const callback = disconnectCallback({ cause: 'carrier-congestion' });
    const answer = await send(
      handler,
      httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } }),
    );
    expect(answer.status).toBe(204);
    expect(callbackLines()[0]).toMatchObject({ outcome: 'recorded', cause: 'carrier-congestion' });
    const warnings = logs.lines().filter((line) => line['message'] === 'undocumented disconnect cause');
    expect(warnings).toEqual([
      expect.objectContaining({ level: 'WARN', callId: callback['callId'], cause: 'carrier-congestion' }),
    ]);
  });

  it('does not warn about documented causes', async () => {
    for (const cause of ['hangup', 'busy', 'node-capacity-exceeded', 'unknown']) {
      const callback = disconnectCallback({ cause });
      await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } }));
    }
    expect(logs.lines().filter((line) => line['message'] === 'undocumented disconnect cause')).toEqual([]);
  });

  it('logs the challenge (401) as unauthorized, without credentials', async () => {
    const body = JSON.stringify(disconnectCallback({ marker: BODY_MARKER }));
    await send(handler, httpApiEvent({ body }));
    await send(
      handler,
      httpApiEvent({ body, headers: { authorization: basicAuthorization(USER, 'wrong-guess-123') } }),
    );
    const lines = callbackLines();
    expect(lines.map((line) => [line['level'], line['outcome'], line['status']])).toEqual([
      ['WARN', 'unauthorized', 401],
      ['WARN', 'unauthorized', 401],
    ]);
    expect(logs.text()).not.toContain('wrong-guess-123');
    expectNothingSecret(body);
  });

  it('logs a rejected callback as a warning with its callId and what was wrong, never its body', async () => {
    const callback = disconnectCallback({ eventType: 'answer', marker: BODY_MARKER });
    const body = JSON.stringify(callback);
    const answer = await send(handler, httpApiEvent({ body, headers: { authorization: AUTHORIZATION } }));
    expect(answer.status).toBe(422);
    expect(callbackLines()).toEqual([
      expect.objectContaining({
        level: 'WARN',
        outcome: 'quarantined',
        status: 422,
        callId: callback['callId'],
        error: 'the callback does not match the Disconnect schema',
        from: '+1555***2222',
      }),
    ]);
    expectNothingSecret(body);
  });

  it('logs malformed JSON without quoting it', async () => {
    const body = `{"from":"+15551112222","marker":"${BODY_MARKER}",`;
    await send(handler, httpApiEvent({ body, headers: { authorization: AUTHORIZATION } }));
    expect(callbackLines()).toEqual([expect.objectContaining({ outcome: 'quarantined', status: 422 })]);
    expectNothingSecret(body);
  });

  /** The metrics CloudWatch would publish from the line, as `name dimension=value` (checked against the EMF spec). */
  const metricsOf = (line: Record<string, unknown> | undefined) => {
    if (line === undefined) throw new Error('no callback line');
    return publishedMetrics(line).map((metric) => {
      expect(metric.namespace).toBe(NAMESPACE);
      return `${metric.name} ${Object.entries(metric.dimensions)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')} ${metric.unit ?? ''}`;
    });
  };

  it('publishes from the callback line itself (CloudWatch EMF): callbacks and latency by outcome, callbacks by cause', async () => {
    const callback = disconnectCallback({ cause: 'busy' });
    await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } }));
    expect(logs.lines()).toHaveLength(1);
    const [line] = callbackLines();
    expect(metricsOf(line).sort()).toEqual([
      'callbacks causeDimension=busy Count',
      'callbacks outcome=recorded Count',
      'latencyMs outcome=recorded Milliseconds',
    ]);
    expect(line).toMatchObject({ callbacks: 1, latencyMs: expect.any(Number) });
  });

  it('counts an undocumented cause as other in the metrics, the line keeping the cause as sent', async () => {
    const callback = disconnectCallback({ cause: 'carrier-congestion' });
    await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } }));
    const [line] = callbackLines();
    expect(line).toMatchObject({ cause: 'carrier-congestion', causeDimension: 'other' });
    expect(metricsOf(line)).toContain('callbacks causeDimension=other Count');
  });

  it('publishes the challenge (401) and a quarantined callback by outcome', async () => {
    const body = JSON.stringify(disconnectCallback({ eventType: 'answer' }));
    await send(handler, httpApiEvent({ body }));
    await send(handler, httpApiEvent({ body: '{"broken"', headers: { authorization: AUTHORIZATION } }));
    const [challenge, rejected] = callbackLines();
    expect(metricsOf(challenge).sort()).toEqual([
      'callbacks outcome=unauthorized Count',
      'latencyMs outcome=unauthorized Milliseconds',
    ]);
    expect(metricsOf(rejected).sort()).toEqual([
      'callbacks outcome=quarantined Count',
      'latencyMs outcome=quarantined Milliseconds',
    ]);
  });

  it('puts the Lambda and API Gateway request ids and the cold-start flag on every line of an invocation', async () => {
    const fresh = await loadHandler(stores, {
      POWERTOOLS_LOG_LEVEL: 'INFO',
      METRICS_NAMESPACE: NAMESPACE,
      BANDWIDTH_CALLBACK_USERNAME: USER,
      BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
    });
    // Off spec and an undocumented cause: three lines from one invocation.
    const callback = disconnectCallback({ cause: 'carrier-congestion', sipResponseCode: '486' });
    const first = httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } });
    await fresh(first, { ...lambdaContext, awsRequestId: 'lambda-request-1' } as Context);
    const second = httpApiEvent({
      body: JSON.stringify(disconnectCallback()),
      headers: { authorization: AUTHORIZATION },
    });
    await fresh(second, { ...lambdaContext, awsRequestId: 'lambda-request-2' } as Context);

    const lines = logs.lines();
    expect(lines.map((line) => line['message'])).toEqual([
      'disconnect callback off spec',
      'disconnect callback',
      'undocumented disconnect cause',
      'disconnect callback',
    ]);
    const ids = (line: Record<string, unknown>) => [line['awsRequestId'], line['apiRequestId'], line['coldStart']];
    expect(lines.map(ids)).toEqual([
      ['lambda-request-1', first.requestContext.requestId, true],
      ['lambda-request-1', first.requestContext.requestId, true],
      ['lambda-request-1', first.requestContext.requestId, true],
      ['lambda-request-2', second.requestContext.requestId, false],
    ]);
  });

  it('keeps the request ids of concurrent invocations apart', async () => {
    const events = Array.from({ length: 6 }, (_, index) =>
      httpApiEvent({
        body: JSON.stringify(disconnectCallback({ cause: index % 2 === 0 ? 'hangup' : 'carrier-congestion' })),
        headers: { authorization: AUTHORIZATION },
      }),
    );
    await Promise.all(
      events.map((event, index) => handler(event, { ...lambdaContext, awsRequestId: `lambda-${index}` } as Context)),
    );
    const lambdaIdOf = new Map(events.map((event, index) => [event.requestContext.requestId, `lambda-${index}`]));
    const lines = logs.lines();
    expect(lines.length).toBe(9);
    for (const line of lines) {
      expect(line['awsRequestId']).toBe(lambdaIdOf.get(line['apiRequestId'] as string));
    }
    expect(new Set(lines.map((line) => line['awsRequestId'])).size).toBe(6);
  });

  it('logs a callback refused without being kept (too large for the quarantine) as refused', async () => {
    const body = JSON.stringify(disconnectCallback({ tag: 'x'.repeat(2 * 1024 * 1024) }));
    const answer = await send(handler, httpApiEvent({ body, headers: { authorization: AUTHORIZATION } }));
    expect(answer.status).toBe(413);
    const [line] = callbackLines();
    expect(line).toMatchObject({ level: 'WARN', outcome: 'refused', status: 413 });
    expect(metricsOf(line)).toContain('callbacks outcome=refused Count');
  });
});
