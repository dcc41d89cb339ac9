/**
 * The alarms on parked and rejected callbacks watch the metrics of the callback's own log line (CloudWatch EMF); the
 * one on throttled requests counts access-log lines with a metric filter. These tests hold the alarms and filters in
 * serverless.yml against the lines the recorder really writes (its callback-log middleware through its logger) and
 * against the API's access-log format, so a change on either side that would silence an alarm fails here.
 */
import { readFileSync } from 'node:fs';
import type { Request } from '@middy/core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../lambda/http/api-gateway.ts';
import type { KeepOutcome } from '../../lambda/recording/keep-record.ts';
import { publishedMetrics } from '../lambda/log/emf.ts';

interface AlarmProperties {
  Namespace: string;
  MetricName: string;
  Dimensions: { Name: string; Value: string }[];
}

/** What custom.metricsNamespace becomes for a stage (the functions' METRICS_NAMESPACE). */
const NAMESPACE = 'BandwidthDisconnectRecorder/test';

interface ServerlessConfig {
  provider: { logs: { httpApi: { format: string } } };
  resources: { Resources: Record<string, { Properties: { FilterPattern?: string } }> };
}

const config = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')) as ServerlessConfig;
const filterPattern = (id: string): string => {
  const pattern = config.resources.Resources[id]?.Properties.FilterPattern;
  if (pattern === undefined) throw new Error(`serverless.yml has no metric filter ${id}`);
  return pattern;
};

/**
 * CloudWatch's JSON filter syntax, the part these filters use: `{ $.a = "text" }`, `{ $.n = 429 }`, terms joined by
 * `&&`, each optionally in parentheses. A string matches only a string, a number only a number.
 */
function matches(pattern: string, event: Record<string, unknown>): boolean {
  const body = /^\{\s*(.+?)\s*\}$/.exec(pattern)?.[1];
  if (body === undefined) throw new Error(`not a JSON filter pattern: ${pattern}`);
  return body.split('&&').every((term) => {
    const parts = /^\(?\s*\$\.(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|-?\d+)\s*\)?$/.exec(term.trim());
    if (parts?.[1] === undefined || parts[2] === undefined) throw new Error(`unsupported filter term: ${term}`);
    return event[parts[1]] === JSON.parse(parts[2]);
  });
}

type Log = (result: ApiGatewayResult | undefined, error?: Error, quarantined?: true) => Record<string, unknown>;
let logCallback: Log;
let outcomeHeader: string;

beforeAll(async () => {
  // The logger reads its level when it loads; the test run sets SILENT.
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
  process.env['METRICS_NAMESPACE'] = NAMESPACE;
  const { callbackLog, OUTCOME_HEADER } = await import('../../lambda/http/callback-log.ts');
  outcomeHeader = OUTCOME_HEADER;
  logCallback = (response, error, quarantined) => {
    const lines: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    const middleware = callbackLog();
    const request = {
      event: { body: { callId: 'c-1', cause: 'busy', direction: 'inbound' } } as unknown as ApiGatewayEvent,
      context: {},
      // A refused callback kept in quarantine/ is answered with the outcome header saying so.
      response:
        response === undefined || quarantined === undefined
          ? (response ?? null)
          : { ...response, headers: { ...response.headers, [outcomeHeader]: 'quarantined' } },
      error: error ?? null,
      internal: {},
    } as unknown as Request<ApiGatewayEvent, ApiGatewayResult>;
    void middleware.before?.(request);
    void (error === undefined ? middleware.after?.(request) : middleware.onError?.(request));
    vi.restoreAllMocks();
    const [line] = lines.filter((text) => text.includes('"disconnect callback"'));
    if (line === undefined) throw new Error(`no callback line logged, got ${JSON.stringify(lines)}`);
    return JSON.parse(line) as Record<string, unknown>;
  };
});

afterEach(() => {
  vi.restoreAllMocks();
});

const answered = (outcome: KeepOutcome): ApiGatewayResult => ({
  statusCode: 204,
  headers: { [outcomeHeader]: outcome },
});

/** Whether the line publishes the metric an alarm watches (CloudWatch EMF: namespace, name, dimensions). */
function publishesAlarmMetric(alarmId: string, line: Record<string, unknown>): boolean {
  const alarm = config.resources.Resources[alarmId]?.Properties as unknown as AlarmProperties | undefined;
  if (alarm === undefined) throw new Error(`serverless.yml has no alarm ${alarmId}`);
  const wanted = Object.fromEntries(alarm.Dimensions.map(({ Name, Value }) => [Name, Value]));
  const namespace = alarm.Namespace.replace('${self:custom.metricsNamespace}', NAMESPACE);
  return publishedMetrics(line).some(
    (metric) =>
      metric.namespace === namespace &&
      metric.name === alarm.MetricName &&
      JSON.stringify(metric.dimensions) === JSON.stringify(wanted),
  );
}

describe('the parked-callbacks alarm', () => {
  it('watches the metric the recorder publishes when it parks a callback', () => {
    expect(publishesAlarmMetric('ParkedCallbacksAlarm', logCallback(answered('parked')))).toBe(true);
  });

  it('does not count recorded or duplicate callbacks', () => {
    expect(publishesAlarmMetric('ParkedCallbacksAlarm', logCallback(answered('recorded')))).toBe(false);
    expect(publishesAlarmMetric('ParkedCallbacksAlarm', logCallback(answered('duplicate')))).toBe(false);
  });
});

describe('the rejected-callbacks alarm', () => {
  it('counts a callback answered 4xx after auth and kept in quarantine', () => {
    const line = logCallback({ statusCode: 422, headers: {}, body: '{"error":"invalid"}' }, undefined, true);
    expect(publishesAlarmMetric('RejectedCallbacksAlarm', line)).toBe(true);
  });

  it('does not count the 401 of the auth challenge (every callback gets one first), nor stored callbacks', () => {
    expect(
      publishesAlarmMetric('RejectedCallbacksAlarm', logCallback({ statusCode: 401, headers: {}, body: '{}' })),
    ).toBe(false);
    expect(publishesAlarmMetric('RejectedCallbacksAlarm', logCallback(answered('parked')))).toBe(false);
    expect(publishesAlarmMetric('RejectedCallbacksAlarm', logCallback(answered('recorded')))).toBe(false);
  });
});

describe('the refused-callbacks alarm', () => {
  it('counts a callback answered 4xx after auth that could not be kept (too large, or the quarantine failed)', () => {
    const line = logCallback({ statusCode: 413, headers: {}, body: '{"error":"too large"}' });
    expect(publishesAlarmMetric('RefusedCallbacksAlarm', line)).toBe(true);
    expect(publishesAlarmMetric('RejectedCallbacksAlarm', line)).toBe(false);
  });

  it('does not count a quarantined one', () => {
    const line = logCallback({ statusCode: 422, headers: {}, body: '{}' }, undefined, true);
    expect(publishesAlarmMetric('RefusedCallbacksAlarm', line)).toBe(false);
  });
});

describe('the API-throttled metric filter', () => {
  const accessLogLine = (status: number): Record<string, unknown> =>
    JSON.parse(
      config.provider.logs.httpApi.format
        .replace(/\$context\.status/g, String(status))
        .replace(/\$context\.[\w.]+/g, 'sample'),
    ) as Record<string, unknown>;

  it('counts a request API Gateway throttled (429)', () => {
    expect(matches(filterPattern('ApiThrottledMetric'), accessLogLine(429))).toBe(true);
  });

  it('does not count any other answer', () => {
    for (const status of [204, 401, 422, 500, 503]) {
      expect(matches(filterPattern('ApiThrottledMetric'), accessLogLine(status))).toBe(false);
    }
  });
});
