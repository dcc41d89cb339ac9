/**
 * The log lines operators read, exactly as printed: one JSON line per callback with callId, cause, direction,
 * outcome, status and latency; phone numbers masked; never the Authorization header, the password or the raw body.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  basicAuthorization,
  freshStores,
  type Handler,
  httpApiEvent,
  loadHandler,
  type TestStores,
} from '../../support/recorder.ts';
import { type CapturedLogs, captureLogs, disconnectCallback, send } from '../../handlers/disconnect/support/intake.ts';

const USER = 'bandwidth';
const PASSWORD = 'S3cr3t:pässword';
const AUTHORIZATION = basicAuthorization(USER, PASSWORD);
/** A value only the raw body carries: it must never reach a log line. */
const BODY_MARKER = 'body-marker-7f3a9c';

describe('callback log lines', () => {
  let stores: TestStores;
  let handler: Handler;
  let logs: CapturedLogs;

  beforeAll(async () => {
    stores = await freshStores();
    handler = await loadHandler(stores, {
      POWERTOOLS_LOG_LEVEL: 'INFO',
      BANDWIDTH_CALLBACK_USERNAME: USER,
      BANDWIDTH_CALLBACK_PASSWORD: PASSWORD,
    });
  });
  afterAll(() => {
    process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
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

  it('adds a warning naming an undocumented cause, and still records the callback', async () => {
    const callback = disconnectCallback({ cause: 'carrier-congestion' });
    const answer = await send(handler, httpApiEvent({ body: JSON.stringify(callback), headers: { authorization: AUTHORIZATION } }));
    expect(answer.status).toBe(204);
    expect(callbackLines()[0]).toMatchObject({ outcome: 'recorded', cause: 'carrier-congestion' });
    const warnings = logs.lines().filter((line) => line['message'] === 'undocumented disconnect cause');
    expect(warnings).toEqual([expect.objectContaining({ level: 'WARN', callId: callback['callId'], cause: 'carrier-congestion' })]);
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
    await send(handler, httpApiEvent({ body, headers: { authorization: basicAuthorization(USER, 'wrong-guess-123') } }));
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
        outcome: 'rejected',
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
    expect(callbackLines()).toEqual([expect.objectContaining({ outcome: 'rejected', status: 422 })]);
    expectNothingSecret(body);
  });
});
