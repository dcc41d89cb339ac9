/**
 * The scheduled reconcile function, loaded as Lambda loads it, against the fake Bandwidth and a real table: the
 * trailing window and the weekly one its two schedules pass, the settle time, and the log line the alarm counts.
 */

import { readFileSync } from 'node:fs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { ReconcileReport } from '../../../lambda/recording/reconcile.ts';
import {
  CLIENT_SECRET,
  type FakeBandwidthVoice,
  fakeBandwidthVoice,
  listedCall,
} from '../../support/fake-bandwidth-voice.ts';
import { allItems, freshStores, type TestStores } from '../../support/recorder.ts';
import { fakeAws } from '../../tools/wire/fakes.ts';

type ReconcileHandler = (event: unknown, context: Context) => Promise<ReconcileReport>;

let bandwidth: FakeBandwidthVoice;
let stores: TestStores;
beforeAll(async () => {
  bandwidth = await fakeBandwidthVoice();
});
afterAll(() => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  return bandwidth.close();
});
beforeEach(async () => {
  stores = await freshStores();
  bandwidth.listRequests = [];
});

async function loadReconcileHandler(env: Record<string, string | undefined> = {}): Promise<ReconcileHandler> {
  vi.resetModules();
  const all = {
    DISCONNECTS_TABLE: stores.tableName,
    DYNAMODB_ENDPOINT: stores.dynamoEndpoint,
    AWS_REGION: 'us-east-1',
    BW_CLIENT_SECRET_SECRET: undefined,
    TRANSFER_LEGS_WIRED: undefined,
    ...bandwidth.env,
    ...env,
  };
  for (const [name, value] of Object.entries(all)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return ((await import('../../../handlers/reconcile.ts')) as { handler: ReconcileHandler }).handler;
}

const context = {
  functionName: 'reconcile',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 290_000,
} as unknown as Context;
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe('the scheduled reconciliation', () => {
  it('every 15 minutes: the trailing hours, leaving calls that just ended to their callback', async () => {
    bandwidth.calls = [
      listedCall('c-ended-an-hour-ago', ago(62), { endTime: ago(60) }),
      listedCall('c-ended-just-now', ago(8), { endTime: ago(5) }),
      listedCall('c-started-a-day-ago', ago(24 * 60), { endTime: ago(24 * 60 - 1) }),
    ];
    const handler = await loadReconcileHandler();
    const report = await handler({ lookbackMinutes: 360, settleMinutes: 15 }, context);
    expect(report).toMatchObject({ listed: 2, backfilled: 1, settling: 1, backfilledCallIds: ['c-ended-an-hour-ago'] });
    const asked = bandwidth.listRequests.map((request) =>
      Date.parse(request.url.searchParams.get('minStartTime') ?? ''),
    );
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(Date.now() - 361 * 60_000);
    expect((await allItems(stores)).map((item) => item['callId'])).toEqual(['c-ended-an-hour-ago']);
  });

  it('daily: the whole 7 days Bandwidth keeps', async () => {
    bandwidth.calls = [
      listedCall('c-three-days-ago', ago(3 * 24 * 60)),
      listedCall('c-six-days-ago', ago(6 * 24 * 60)),
    ];
    const handler = await loadReconcileHandler();
    const report = await handler({ lookbackMinutes: 10_080 }, context);
    expect(report).toMatchObject({ listed: 2, backfilled: 2 });
  });

  it('logs one reconcile line with the count of backfilled calls, as a warning when there were some', async () => {
    bandwidth.calls = [listedCall('c-missing', ago(120))];
    const handler = await loadReconcileHandler({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
    try {
      await handler({ lookbackMinutes: 360 }, context);
    } finally {
      vi.restoreAllMocks();
    }
    const line = lines
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['message'] === 'reconcile');
    expect(line).toMatchObject({
      level: 'WARN',
      message: 'reconcile',
      backfilled: 1,
      backfilledCallIds: ['c-missing'],
    });
  });

  describe('transfer legs: the metrics the alarms count, from the reconcile line as logged', () => {
    const resources = (
      parse(readFileSync(new URL('../../../serverless.yml', import.meta.url), 'utf8')) as {
        resources: { Resources: Record<string, { Properties: Record<string, unknown> }> };
      }
    ).resources.Resources;
    /** The value a metric filter of serverless.yml takes from the line (`$.field`), as CloudWatch would. */
    const metricValue = (filter: string, line: Record<string, unknown>): unknown => {
      const transformations = resources[filter]?.Properties['MetricTransformations'] as
        | { MetricValue: string }[]
        | undefined;
      const transformation = transformations?.[0];
      return line[String(transformation?.MetricValue).replace(/^\$\./, '')];
    };
    const reconcileLine = async (env: Record<string, string | undefined>) => {
      bandwidth.calls = [
        listedCall('c-call', ago(120)),
        listedCall('c-leg-1', ago(119), { parentCallId: 'c-call' }),
        listedCall('c-leg-2', ago(118), { parentCallId: 'c-call' }),
      ];
      const handler = await loadReconcileHandler({ POWERTOOLS_LOG_LEVEL: 'INFO', ...env });
      const lines: string[] = [];
      const capture = (chunk: string | Uint8Array) => lines.push(String(chunk)) > 0;
      vi.spyOn(process.stdout, 'write').mockImplementation(capture);
      vi.spyOn(process.stderr, 'write').mockImplementation(capture);
      try {
        await handler({ lookbackMinutes: 360 }, context);
      } finally {
        vi.restoreAllMocks();
      }
      return lines
        .join('')
        .split('\n')
        .filter((text) => text.startsWith('{'))
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry['message'] === 'reconcile') as Record<string, unknown>;
    };

    it('legs not wired (the default): BackfilledCalls counts the call only, MissingLegs nothing', async () => {
      const line = await reconcileLine({ TRANSFER_LEGS_WIRED: undefined });
      expect(metricValue('BackfilledCallsMetric', line)).toBe(1);
      expect(metricValue('BackfilledLegsMetric', line)).toBe(2);
      expect(metricValue('MissingLegsMetric', line)).toBe(0);
      expect(line).toMatchObject({ backfilledCallIds: ['c-call'], backfilledLegIds: ['c-leg-1', 'c-leg-2'] });
      expect((await allItems(stores)).filter((item) => item['eventType'] === 'transferDisconnect')).toHaveLength(2);
    });

    it('legs wired: the missing legs are counted for their alarm, still apart from calls', async () => {
      const line = await reconcileLine({ TRANSFER_LEGS_WIRED: 'true' });
      expect(metricValue('BackfilledCallsMetric', line)).toBe(1);
      expect(metricValue('MissingLegsMetric', line)).toBe(2);
      expect(line['level']).toBe('WARN');
    });

    it('refuses to start on a TRANSFER_LEGS_WIRED that is neither true nor false', async () => {
      await expect(loadReconcileHandler({ TRANSFER_LEGS_WIRED: 'yes' })).rejects.toThrow(
        'TRANSFER_LEGS_WIRED must be true or false, got "yes"',
      );
    });
  });

  it('reads the Bandwidth client secret from its Secrets Manager secret at run time (a fake Secrets Manager on loopback)', async () => {
    const aws = await fakeAws();
    try {
      const secretName = 'bandwidth-disconnect-recorder/test/bandwidth-client-secret';
      aws.secrets[secretName] = CLIENT_SECRET;
      bandwidth.calls = [listedCall('c-from-secret-run', ago(120))];
      const handler = await loadReconcileHandler({
        BW_CLIENT_SECRET: undefined,
        BW_CLIENT_SECRET_SECRET: secretName,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: aws.url,
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'fake-secret-key',
      });
      expect(aws.requests).toHaveLength(0);
      expect(await handler({ lookbackMinutes: 360 }, context)).toMatchObject({ backfilled: 1 });
      expect(aws.requests.map((request) => JSON.parse(request.body) as unknown)).toEqual([{ SecretId: secretName }]);
    } finally {
      for (const name of [
        'AWS_ENDPOINT_URL_SECRETS_MANAGER',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'BW_CLIENT_SECRET_SECRET',
      ])
        delete process.env[name];
      await aws.close();
    }
  });

  it('fails the run on an event without a window, and refuses to start without its Bandwidth settings', async () => {
    const handler = await loadReconcileHandler();
    await expect(handler({}, context)).rejects.toThrow("the event's lookbackMinutes must be a whole number of minutes");
    await expect(loadReconcileHandler({ BW_ACCOUNT_ID: undefined })).rejects.toThrow('BW_ACCOUNT_ID must be set');
  });
});
