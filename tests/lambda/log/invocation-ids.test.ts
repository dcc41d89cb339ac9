/**
 * The scheduled functions' lines carry their invocation's Lambda request id and the cold-start flag, as the
 * recorder's do, so a run's lines join its REPORT line; the replay report's line carries its metrics (EMF).
 * Each handler runs for real against the test's stores (and the fake Bandwidth API on loopback).
 */
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeBandwidthVoice, fakeBandwidthVoice, listedCall } from '../../support/fake-bandwidth-voice.ts';
import { freshStores, type TestStores } from '../../support/recorder.ts';
import { loadReplayHandler, replayContext } from '../../support/replay.ts';
import { publishedMetrics } from './emf.ts';

const NAMESPACE = 'BandwidthDisconnectRecorder/test';
let stores: TestStores;
let bandwidth: FakeBandwidthVoice;

beforeAll(async () => {
  stores = await freshStores();
  bandwidth = await fakeBandwidthVoice();
  process.env['POWERTOOLS_LOG_LEVEL'] = 'INFO';
});
afterAll(async () => {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  delete process.env['METRICS_NAMESPACE'];
  await bandwidth.close();
});

async function logsOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const capture = (chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0;
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    await run().catch(() => undefined);
  } finally {
    vi.restoreAllMocks();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const ids = (line: Record<string, unknown>) => [line['message'], line['awsRequestId'], line['coldStart']];

describe('the replay function', () => {
  it('logs each report with its invocation id, cold only on the first, and its results as metrics by kind', async () => {
    const handler = await loadReplayHandler(stores, {
      METRICS_NAMESPACE: NAMESPACE,
      BANDWIDTH_CALLBACK_USERNAME: 'bandwidth',
      BANDWIDTH_CALLBACK_PASSWORD: 'secret',
    });
    const context = (id: string): Context => ({ ...replayContext(() => 60_000), awsRequestId: id }) as Context;
    const lines = await logsOf(async () => {
      await handler({}, context('replay-run-1'));
      await handler({ quarantined: true }, context('replay-run-2'));
    });
    expect(lines.map(ids)).toEqual([
      ['replay', 'replay-run-1', true],
      ['replay', 'replay-run-1', true],
      ['replay', 'replay-run-2', false],
      ['replay', 'replay-run-2', false],
      ['replay', 'replay-run-2', false],
    ]);
    const metrics = lines
      .flatMap(publishedMetrics)
      .map((metric) => `${metric.name} kind=${metric.dimensions['kind'] ?? ''} ${metric.value}`);
    expect(new Set(metrics)).toEqual(
      new Set([
        ...['parked', 'unverified', 'quarantined'].flatMap((kind) => [
          `replayed kind=${kind} 0`,
          `alreadyPresent kind=${kind} 0`,
          `stillFailing kind=${kind} 0`,
        ]),
        'discarded kind=unverified 0',
        'quarantined kind=unverified 0',
      ]),
    );
  });
});

describe('the reconcile function', () => {
  it('logs its report with its invocation id and the cold-start flag', async () => {
    vi.resetModules();
    Object.assign(process.env, {
      DISCONNECTS_TABLE: stores.tableName,
      DYNAMODB_ENDPOINT: stores.dynamoEndpoint,
      AWS_REGION: 'us-east-1',
      ...bandwidth.env,
    });
    delete process.env['BW_CLIENT_SECRET_SECRET'];
    bandwidth.calls = [listedCall('c-never-called-back', new Date(Date.now() - 120 * 60_000).toISOString())];
    const { handler } = (await import('../../../handlers/reconcile.ts')) as {
      handler: (event: unknown, context: Context) => Promise<unknown>;
    };
    const context = (id: string) =>
      ({ functionName: 'reconcile', awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;
    const lines = await logsOf(async () => {
      await handler({ lookbackMinutes: 360 }, context('reconcile-run-1'));
      await handler({ lookbackMinutes: 360 }, context('reconcile-run-2'));
    });
    expect(lines.filter((line) => line['message'] === 'reconcile').map(ids)).toEqual([
      ['reconcile', 'reconcile-run-1', true],
      ['reconcile', 'reconcile-run-2', false],
    ]);
    expect(lines.every((line) => typeof line['awsRequestId'] === 'string')).toBe(true);
  });
});
