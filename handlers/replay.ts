/**
 * The scheduled replay of the fallback bucket into the table (lambda/recording/replay-parked.ts; inputs in
 * docs/failures.md); a run that leaves anything waiting fails, so the alarm on the function's errors fires.
 */
import type { Context } from 'aws-lambda';
import { CALL_LIMITS } from '../lambda/adapters/aws-clients.ts';
import { callbackCredentials } from '../lambda/adapters/callback-credentials.ts';
import { DisconnectsTable } from '../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks, type ParkedKind } from '../lambda/adapters/parked-callbacks.ts';
import { readConfig } from '../lambda/config.ts';
import { inInvocation, logger } from '../lambda/log/logger.ts';
import { embeddedMetrics, metricDirective } from '../lambda/log/metrics.ts';
import { type ReplayReport, replayParked } from '../lambda/recording/replay-parked.ts';

// Built once per container. No answer is waiting, so the calls get more time and attempts than the live path.
const config = readConfig();
if (config.parkedBucket === undefined) throw new Error('PARKED_CALLBACKS_BUCKET must name the bucket to replay from');
const limits = CALL_LIMITS.scheduled;
const table = new DisconnectsTable({
  tableName: config.tableName,
  region: config.region,
  endpoint: config.dynamoEndpoint,
  limits: limits.table,
});
const parked = new ParkedCallbacks({
  bucket: config.parkedBucket,
  region: config.region,
  endpoint: config.s3Endpoint,
  limits: limits.fallback,
});
// Unverified callbacks are checked against the same password as the live recorder's.
const credentials = config.auth === undefined ? undefined : callbackCredentials(config.auth, limits.credentials);
const CREDENTIALS_TIME_LIMIT_MS = limits.credentials.attemptTimeoutMs * limits.credentials.maxAttempts;

/** The run stops taking new callbacks when less than this is left (a third of the timeout, at most 30 s). */
const STOP_MARGIN_MAX_MS = 30_000;

function kindsAsked(event: unknown): ParkedKind[] {
  const quarantined =
    typeof event === 'object' && event !== null && (event as { quarantined?: unknown }).quarantined === true;
  // Callbacks are only kept unverified when auth is on, so without it there are none to check.
  const kinds: ParkedKind[] = ['parked'];
  if (credentials !== undefined) kinds.push('unverified');
  if (quarantined) kinds.push('quarantined');
  return kinds;
}

/** Each run's results by kind (CloudWatch EMF on the report's line); `stillFailing` is what still waits. */
const REPLAY_METRICS = metricDirective([['kind']], {
  replayed: 'Count',
  alreadyPresent: 'Count',
  stillFailing: 'Count',
});
const UNVERIFIED_METRICS = metricDirective([['kind']], { discarded: 'Count', quarantined: 'Count' });

export function handler(event: unknown, context: Context): Promise<ReplayReport[]> {
  return inInvocation({ awsRequestId: context.awsRequestId }, () => replay(event, context));
}

async function replay(event: unknown, context: Context): Promise<ReplayReport[]> {
  const margin = Math.min(STOP_MARGIN_MAX_MS, context.getRemainingTimeInMillis() / 3);
  const reports: ReplayReport[] = [];
  for (const kind of kindsAsked(event)) {
    const report = await replayParked({
      table,
      parked,
      kind,
      retentionDays: config.retentionDays,
      credentials,
      credentialsTimeLimitMs: CREDENTIALS_TIME_LIMIT_MS,
      canContinue: () => context.getRemainingTimeInMillis() > margin,
    });
    reports.push(report);
    const log =
      report.stillFailing > 0 || report.stopped !== undefined ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('replay', {
      ...report,
      ...embeddedMetrics([REPLAY_METRICS, kind === 'unverified' ? UNVERIFIED_METRICS : undefined]),
    });
  }
  // Anything left waiting fails the invocation, so the function's Errors metric (ReplayErrorsAlarm) shows it.
  const waiting = reports.flatMap((report) => [
    ...(report.stillFailing > 0 ? [`${report.kind}: ${report.stillFailing} still failing`] : []),
    ...(report.stopped !== undefined ? [`${report.kind}: stopped early: ${report.stopped.detail}`] : []),
  ]);
  if (waiting.length > 0) throw new Error(`replay left callbacks waiting: ${waiting.join('; ')}`);
  return reports;
}
