/**
 * The scheduled replay: re-drives callbacks parked in the fallback bucket into the table (see lambda/recording/replay-parked.ts).
 * A schedule's input (or a manual invoke) may pass `{"quarantined": true}` to retry quarantined ones too,
 * after a schema fix. Answers the reports, one per kind, and logs them.
 */
import type { Context } from 'aws-lambda';
import { readConfig } from '../lambda/config.ts';
import { logger } from '../lambda/log/logger.ts';
import { replayParked, type ReplayReport } from '../lambda/recording/replay-parked.ts';
import { DisconnectsTable } from '../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks, type ParkedKind } from '../lambda/adapters/parked-callbacks.ts';

// Built once per container. No answer is waiting, so the calls get more time and attempts than the live path.
const config = readConfig();
if (config.parkedBucket === undefined) throw new Error('PARKED_CALLBACKS_BUCKET must name the bucket to replay from');
const table = new DisconnectsTable({
  tableName: config.tableName,
  region: config.region,
  endpoint: config.dynamoEndpoint,
  requestTimeoutMs: 3_000,
  maxAttempts: 4,
});
const parked = new ParkedCallbacks({
  bucket: config.parkedBucket,
  region: config.region,
  endpoint: config.s3Endpoint,
  requestTimeoutMs: 5_000,
  maxAttempts: 3,
});

/** The run stops taking new callbacks when less than this is left (a third of the timeout, at most 30 s). */
const STOP_MARGIN_MAX_MS = 30_000;

function kindsAsked(event: unknown): ParkedKind[] {
  const quarantined = typeof event === 'object' && event !== null && (event as { quarantined?: unknown }).quarantined === true;
  return quarantined ? ['parked', 'quarantined'] : ['parked'];
}

export async function handler(event: unknown, context: Context): Promise<ReplayReport[]> {
  const margin = Math.min(STOP_MARGIN_MAX_MS, context.getRemainingTimeInMillis() / 3);
  const reports: ReplayReport[] = [];
  for (const kind of kindsAsked(event)) {
    const report = await replayParked({
      table,
      parked,
      kind,
      retentionDays: config.retentionDays,
      canContinue: () => context.getRemainingTimeInMillis() > margin,
    });
    reports.push(report);
    const log = report.stillFailing > 0 || report.stopped !== undefined ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('replay', { ...report });
  }
  // A store still down fails the invocation, so the function's error metric shows it; running out of time does not.
  const unavailable = reports.flatMap((report) => (report.stopped !== undefined && report.stopped.because !== 'time' ? [report.stopped.detail] : []));
  if (unavailable.length > 0) throw new Error(`replay stopped: ${unavailable.join('; ')}`);
  return reports;
}
