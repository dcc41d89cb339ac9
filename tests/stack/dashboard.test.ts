/**
 * The dashboard of the prod stage as packaged (`serverless package --stage prod`, offline): its body parsed as
 * CloudWatch would, each of its metrics matched to what the code really emits (the EMF block of the callback and
 * replay lines, driven through the real code) or to a metric filter of the stack, and each alarm shown.
 */
import type { Request } from '@middy/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DOCUMENTED_CAUSES } from '../../lambda/domain/callback/validate.ts';
import type { ApiGatewayEvent, ApiGatewayResult } from '../../lambda/http/api-gateway.ts';
import { type PublishedMetric, publishedMetrics } from '../lambda/log/emf.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { freshStores } from '../support/recorder.ts';
import { loadReplayHandler, replayContext } from '../support/replay.ts';
import { packageStage } from './package-stage.ts';
import { effectiveTemplate, idsOfType, type Json, properties, type Template } from './template.ts';

const REGION = 'us-east-1';
let template: Template;

beforeAll(async () => {
  // With Bandwidth API credentials, so reconciliation's alarms and metrics are on the dashboard too.
  template = effectiveTemplate(
    (await packageStage('prod', { bandwidthAccountId: '9900000', bandwidthClientId: 'recorder-client' })).template,
  );
}, 180_000);

type WidgetMetric = [string, string, ...(string | Record<string, unknown>)[]];
interface Widget {
  type: string;
  properties: { title: string; alarms?: string[]; metrics?: WidgetMetric[]; region?: string };
}

/** The body as CloudFormation hands it to CloudWatch: Fn::Sub's references replaced, then parsed. */
function dashboardBody(): { widgets: Widget[] } {
  const body = properties(template, 'Dashboard')['DashboardBody'] as { 'Fn::Sub': string };
  const text = body['Fn::Sub'].replace(/\$\{([\w:]+)(?:\.Arn)?\}/g, (_whole, name: string) =>
    name === 'AWS::Region' ? REGION : `arn:aws:cloudwatch:${REGION}:123456789012:alarm:${name}`,
  );
  return JSON.parse(text) as { widgets: Widget[] };
}

const namespace = (): string =>
  (properties(template, 'DisconnectLambdaFunction')['Environment'] as { Variables: Record<string, Json> }).Variables[
    'METRICS_NAMESPACE'
  ] as string;

const key = (name: string, dimensions: Record<string, string>): string =>
  [
    name,
    ...Object.entries(dimensions)
      .sort()
      .map(([dimension, value]) => `${dimension}=${value}`),
  ].join(' ');

/** What the callback line publishes for each outcome and each cause, through the real log middleware. */
async function callbackMetrics(ns: string): Promise<PublishedMetric[]> {
  process.env['METRICS_NAMESPACE'] = ns;
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
  vi.resetModules();
  const { callbackLog, OUTCOME_HEADER } = await import('../../lambda/http/callback-log.ts');
  const answers: ApiGatewayResult[] = [
    ...['recorded', 'duplicate', 'parked', 'unverified'].map((outcome) => ({
      statusCode: 204,
      headers: { [OUTCOME_HEADER]: outcome },
    })),
    { statusCode: 401 },
    // A refused callback kept in quarantine/ is answered with the outcome header saying so; the 413 never is.
    { statusCode: 422, headers: { [OUTCOME_HEADER]: 'quarantined' } },
    { statusCode: 413 },
    { statusCode: 503 },
  ];
  const causes = [...DOCUMENTED_CAUSES, 'a-cause-bandwidth-adds-later'];
  const captured = captureLogs();
  try {
    for (const [index, response] of answers.entries()) {
      for (const cause of index === 0 ? causes : ['busy']) {
        const middleware = callbackLog();
        const request = {
          event: { body: { callId: 'c-1', cause } },
          context: {},
          response,
          error: null,
          internal: {},
        } as unknown as Request<ApiGatewayEvent, ApiGatewayResult>;
        void middleware.before?.(request);
        void middleware.after?.(request);
      }
    }
  } finally {
    captured.restore();
    process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  }
  return captured
    .lines()
    .filter((line) => line['message'] === 'disconnect callback')
    .flatMap(publishedMetrics);
}

/** What a replay run publishes for each kind, through the real replay handler against real stores. */
async function replayMetrics(ns: string): Promise<PublishedMetric[]> {
  const stores = await freshStores();
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
  const handler = await loadReplayHandler(stores, {
    METRICS_NAMESPACE: ns,
    BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
    BANDWIDTH_CALLBACK_PASSWORD: 'secret',
  });
  const captured = captureLogs();
  try {
    await handler(
      { quarantined: true },
      replayContext(() => 60_000),
    );
  } finally {
    captured.restore();
    process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  }
  return captured
    .lines()
    .filter((line) => line['message'] === 'replay')
    .flatMap(publishedMetrics);
}

describe('the dashboard', () => {
  it('is in the stack, and its URL is a stack output', () => {
    expect(idsOfType(template, 'AWS::CloudWatch::Dashboard')).toEqual(['Dashboard']);
    expect(properties(template, 'Dashboard')['DashboardName']).toBe('bandwidth-disconnect-recorder-prod');
    const url = template.Outputs?.['DashboardUrl']?.Value as { 'Fn::Sub': string };
    expect(url['Fn::Sub']).toBe(
      'https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}#dashboards:name=${Dashboard}',
    );
  });

  it('shows every alarm of the stack', () => {
    const shown = dashboardBody().widgets.flatMap((widget) => widget.properties.alarms ?? []);
    const alarms = idsOfType(template, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    expect(shown.map((arn) => arn.split(':').pop()).sort()).toEqual([...alarms].sort());
  });

  it('shows callbacks by every outcome and every documented cause, and the rest as other', () => {
    const widgets = dashboardBody().widgets;
    const dimensionValues = (title: string, dimension: string) =>
      (widgets.find((widget) => widget.properties.title.startsWith(title))?.properties.metrics ?? []).map((metric) => {
        expect(metric[2]).toBe(dimension);
        return metric[3];
      });
    expect(dimensionValues('Callbacks by outcome', 'outcome').sort()).toEqual([
      'duplicate',
      'failed',
      'parked',
      'quarantined',
      'recorded',
      'refused',
      'unauthorized',
      'unverified',
    ]);
    expect(dimensionValues('Callbacks by cause', 'causeDimension').sort()).toEqual(
      [...DOCUMENTED_CAUSES, 'other'].sort(),
    );
  });

  it('charts only metrics the code emits (EMF on its log lines) or the stack counts (metric filters), in its namespace', async () => {
    const ns = namespace();
    expect(ns).toBe('BandwidthDisconnectRecorder/prod');
    const emitted = new Set(
      [...(await callbackMetrics(ns)), ...(await replayMetrics(ns))].map((metric) =>
        key(metric.name, metric.dimensions),
      ),
    );
    const filtered = new Set(
      idsOfType(template, 'AWS::Logs::MetricFilter').flatMap((id) =>
        (properties(template, id)['MetricTransformations'] as { MetricName: string; MetricNamespace: string }[]).map(
          (transformation) => {
            expect(transformation.MetricNamespace).toBe(ns);
            return key(transformation.MetricName, {});
          },
        ),
      ),
    );
    const charted = dashboardBody().widgets.flatMap((widget) => widget.properties.metrics ?? []);
    expect(charted.length).toBeGreaterThan(20);
    for (const metric of charted) {
      const [metricNamespace, name, ...rest] = metric;
      expect(metricNamespace).toBe(ns);
      const dimensions: Record<string, string> = {};
      for (let at = 0; typeof rest[at] === 'string'; at += 2) dimensions[rest[at] as string] = rest[at + 1] as string;
      const charted = key(name, dimensions);
      expect(emitted.has(charted) || filtered.has(charted), `${charted} is neither emitted nor a metric filter`).toBe(
        true,
      );
    }
  }, 60_000);

  it('alarms on parked, quarantined and refused callbacks watch the callback line’s own metric', async () => {
    const emitted = new Set(
      (await callbackMetrics(namespace())).map(
        (metric) => `${metric.namespace} ${key(metric.name, metric.dimensions)}`,
      ),
    );
    for (const [alarm, outcome] of [
      ['ParkedCallbacksAlarm', 'parked'],
      ['RejectedCallbacksAlarm', 'quarantined'],
      ['RefusedCallbacksAlarm', 'refused'],
    ] as const) {
      const alarmProperties = properties(template, alarm);
      const dimensions = Object.fromEntries(
        (alarmProperties['Dimensions'] as { Name: string; Value: string }[]).map(({ Name, Value }) => [Name, Value]),
      );
      expect(dimensions).toEqual({ outcome });
      expect(
        emitted.has(
          `${alarmProperties['Namespace'] as string} ${key(alarmProperties['MetricName'] as string, dimensions)}`,
        ),
      ).toBe(true);
    }
  });
});

describe('the alarms on how calls end', () => {
  interface MetricQuery {
    Id: string;
    Expression?: string;
    ReturnData?: boolean;
    MetricStat?: {
      Stat: string;
      Period: number;
      Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
    };
  }
  const emittedByCallbackLine = async () =>
    new Set(
      (await callbackMetrics(namespace())).map(
        (metric) => `${metric.namespace} ${key(metric.name, metric.dimensions)}`,
      ),
    );

  it('FailingCallsAlarm sums the callback line’s own counts of the three causes over the window, at the default threshold', async () => {
    const alarm = properties(template, 'FailingCallsAlarm');
    expect(alarm['Threshold']).toBe(5);
    expect(alarm['ComparisonOperator']).toBe('GreaterThanOrEqualToThreshold');
    const queries = alarm['Metrics'] as unknown as MetricQuery[];
    const stats = queries.filter((query) => query.MetricStat !== undefined);
    const emitted = await emittedByCallbackLine();
    const causes = stats.map(({ MetricStat }) => {
      const metric = MetricStat?.Metric;
      const dimensions = Object.fromEntries((metric?.Dimensions ?? []).map(({ Name, Value }) => [Name, Value]));
      expect(MetricStat).toMatchObject({ Stat: 'Sum', Period: 300 });
      expect(emitted.has(`${metric?.Namespace} ${key(String(metric?.MetricName), dimensions)}`)).toBe(true);
      return dimensions['causeDimension'];
    });
    expect(causes.sort()).toEqual(['application-error', 'callback-error', 'invalid-bxml']);
    const [sum] = queries.filter((query) => query.ReturnData !== false);
    expect(queries.filter((query) => query.ReturnData !== false)).toHaveLength(1);
    for (const { Id } of stats) expect(sum?.Expression).toContain(`FILL(${Id}, 0)`);
  }, 60_000);

  it('UndocumentedCauseAlarm watches the count the callback line publishes for a cause Bandwidth never documented', async () => {
    const alarm = properties(template, 'UndocumentedCauseAlarm');
    const dimensions = Object.fromEntries(
      (alarm['Dimensions'] as { Name: string; Value: string }[]).map(({ Name, Value }) => [Name, Value]),
    );
    expect(dimensions).toEqual({ causeDimension: 'other' });
    expect(alarm['Threshold']).toBe(1);
    expect((await emittedByCallbackLine()).has(`${String(alarm['Namespace'])} ${key('callbacks', dimensions)}`)).toBe(
      true,
    );
  }, 60_000);

  it('MissingLegsAlarm counts the reconcile line’s missingLegs, and legs are not wired unless the stage says so', () => {
    const filter = properties(template, 'MissingLegsMetric');
    expect(filter['MetricTransformations']).toEqual([
      expect.objectContaining({ MetricName: 'MissingLegs', MetricValue: '$.missingLegs' }),
    ]);
    expect(properties(template, 'MissingLegsAlarm')).toMatchObject({ MetricName: 'MissingLegs', Threshold: 1 });
    expect(properties(template, 'BackfilledCallsMetric')['MetricTransformations']).toEqual([
      expect.objectContaining({ MetricName: 'BackfilledCalls', MetricValue: '$.backfilled' }),
    ]);
    const environment = properties(template, 'ReconcileLambdaFunction')['Environment'] as {
      Variables: Record<string, Json>;
    };
    expect(environment.Variables['TRANSFER_LEGS_WIRED']).toBe('false');
  });
});
