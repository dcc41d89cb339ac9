/**
 * The scheduled reconciliation (lambda/recording/reconcile.ts) over the window its schedule passes (docs/deploying.md);
 * it logs and answers the report (calls and transfer legs backfilled, counted apart), and throws when it cannot
 * finish, so the function's error alarm shows it.
 */
import type { Context } from 'aws-lambda';
import { CALL_LIMITS } from '../lambda/adapters/aws-clients.ts';
import { bandwidthCallList, readBandwidthAccount } from '../lambda/adapters/bandwidth-account.ts';
import { DisconnectsTable } from '../lambda/adapters/disconnects-table.ts';
import { readConfig } from '../lambda/config.ts';
import { inInvocation, logger } from '../lambda/log/logger.ts';
import { type ReconcileReport, reconcile } from '../lambda/recording/reconcile.ts';

// Built once per container; a missing Bandwidth setting stops it here, naming the variable.
const config = readConfig();
const calls = bandwidthCallList(readBandwidthAccount(process.env), config.region);
const transferLegsWired = readTransferLegsWired(process.env['TRANSFER_LEGS_WIRED']);
const table = new DisconnectsTable({
  tableName: config.tableName,
  region: config.region,
  endpoint: config.dynamoEndpoint,
  limits: CALL_LIMITS.scheduled.table,
});

/** The stage's transferLegsWired parameter: whether a backfilled leg means its callback went missing. */
function readTransferLegsWired(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new Error(`TRANSFER_LEGS_WIRED must be true or false, got ${JSON.stringify(value)}`);
}

export interface ReconcileWindow {
  /** Calls that started this long before now, up to now. */
  lookbackMinutes: number;
  /** Calls that ended this recently are left to their callback for now. */
  settleMinutes: number;
}

const WEEK_MINUTES = 7 * 24 * 60;
const DEFAULT_SETTLE_MINUTES = 15;
/** The run ends this long before the function's timeout, so its report is logged rather than cut off. */
const STOP_MARGIN_MS = 10_000;
/** The log line lists this many backfilled callIds; the count covers them all. */
const LOGGED_CALL_IDS = 100;

function minutes(event: Record<string, unknown>, name: string, fallback: number | undefined, max: number): number {
  const value = event[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(
      `the event's ${name} must be a whole number of minutes from 0 to ${max}, got ${JSON.stringify(event[name])}`,
    );
  }
  return value;
}

export function windowOf(event: unknown): ReconcileWindow {
  const fields = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  return {
    lookbackMinutes: minutes(fields, 'lookbackMinutes', undefined, WEEK_MINUTES),
    settleMinutes: minutes(fields, 'settleMinutes', DEFAULT_SETTLE_MINUTES, WEEK_MINUTES),
  };
}

export function handler(event: unknown, context: Context): Promise<ReconcileReport> {
  return inInvocation({ awsRequestId: context.awsRequestId }, () => reconcileWindow(event, context));
}

async function reconcileWindow(event: unknown, context: Context): Promise<ReconcileReport> {
  const window = windowOf(event);
  const now = Date.now();
  const report = await reconcile({
    calls,
    table,
    range: { from: new Date(now - window.lookbackMinutes * 60_000), to: new Date(now) },
    settledBefore: new Date(now - window.settleMinutes * 60_000),
    retentionDays: config.retentionDays,
    transferLegsWired,
    signal: AbortSignal.timeout(Math.max(1_000, context.getRemainingTimeInMillis() - STOP_MARGIN_MS)),
  });
  const line = {
    ...report,
    backfilledCallIds: report.backfilledCallIds.slice(0, LOGGED_CALL_IDS),
    backfilledLegIds: report.backfilledLegIds.slice(0, LOGGED_CALL_IDS),
  };
  // Backfilled calls (and legs, where legs are wired) mean callbacks went missing: a warning, and the alarms' metrics.
  if (report.backfilled > 0 || report.missingLegs > 0) logger.warn('reconcile', line);
  else logger.info('reconcile', line);
  return report;
}
