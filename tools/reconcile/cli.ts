/**
 * `npm run reconcile -- --from <time> --to <time>`: backfills the calls Bandwidth ended in that range whose
 * callback never reached the table (lambda/recording/reconcile.ts), and reports what it saw. Arguments and
 * settings are checked here before anything is sent; how it ends (exit codes, one line) is tools/cli's.
 */

import { CALL_LIMITS } from '../../lambda/adapters/aws-clients.ts';
import {
  type BandwidthAccountConfig,
  BandwidthConfigError,
  bandwidthCallList,
  readBandwidthAccount,
} from '../../lambda/adapters/bandwidth-account.ts';
import { DisconnectsTable } from '../../lambda/adapters/disconnects-table.ts';
import { type ReconcileReport, reconcile } from '../../lambda/recording/reconcile.ts';
import { awsProblem } from '../cli/aws-problems.ts';
import { CommandFailure, EXIT, parseCommandLine, positiveInteger, UsageError } from '../cli/command-line.ts';
import { parseTime } from '../records/time-range.ts';
import { resolveStage } from '../stage/resolve-stage.ts';

/** An operator's run has no function timeout; this bounds one that Bandwidth keeps throttling. */
const DEFAULT_TIME_LIMIT_S = 3_600;

export const RECONCILE_USAGE = `Usage: npm run reconcile -- --from <time> --to <time> [options]

Lists the Bandwidth account's calls that started in the range (Voice API, every page) and writes a record,
marked recordedFrom "call-list", for each ended call the table lacks. A callback's record is never replaced.

  --from <time>           start of the range (calls that started at or after it): 2026-11-20 (midnight UTC),
                          2026-11-20T13:00:00Z, now, today, yesterday, or an age like 3h or 7d (as npm run records)
  --to <time>             end of the range (calls that started at or before it), in the same forms
  --dry-run               report what would be backfilled; write nothing
  --json                  print the report as JSON
  --stage <name>          a deployed stage (its stack's table), or local; by default the handler's environment
                          when DISCONNECTS_TABLE is set, else the local stage
  --region <region>       for a deployed stage (else AWS_REGION, AWS_DEFAULT_REGION, the profile's)
  --profile <profile>     for a deployed stage (else AWS_PROFILE)
  --time-limit <seconds>  stop a run that has not finished after this long (default ${DEFAULT_TIME_LIMIT_S})
  -h, --help              this help

Environment: BW_ACCOUNT_ID, BW_CLIENT_ID, BW_CLIENT_SECRET (Bandwidth API credentials, as for npm run wire);
BANDWIDTH_VOICE_API_URL, BANDWIDTH_TOKEN_URL to move the APIs. DISCONNECTS_TABLE (with DYNAMODB_ENDPOINT,
AWS_REGION) when set chooses the table as the handler does.

Exit codes: 0 the run finished, 1 it could not finish (Bandwidth answered something unusable, or the time limit
came first; what was backfilled is kept whole, nothing is half-written), 2 bad option, value or setting (nothing
sent), 3 Bandwidth refused the API credentials, Bandwidth's API or the table unreachable, or region or AWS
credentials missing (see docs/commands.md).`;

export interface ReconcileRequest {
  from: Date;
  to: Date;
  dryRun: boolean;
  json: boolean;
  stage: string | undefined;
  region: string | undefined;
  profile: string | undefined;
  timeLimitS: number;
  account: BandwidthAccountConfig;
}

type Env = Readonly<Record<string, string | undefined>>;

/** One end of the range, in the forms `npm run records` takes (a local time without its zone is refused). */
function instant(option: string, text: string | undefined, now: Date): Date {
  if (text === undefined) throw new UsageError(`${option} is required`);
  return parseTime(text, now, option);
}

export function parseReconcileArguments(args: readonly string[], env: Env): ReconcileRequest {
  const { values } = parseCommandLine(args, {
    from: { type: 'string' },
    to: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    stage: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    'time-limit': { type: 'string' },
  });
  const now = new Date();
  const from = instant('--from', values.from, now);
  const to = instant('--to', values.to, now);
  if (to.getTime() < from.getTime()) throw new UsageError(`--to (${values.to}) is before --from (${values.from})`);
  if (values.stage === '') throw new UsageError('--stage needs a name');
  let account: BandwidthAccountConfig;
  try {
    // The command's own secret comes from the environment only (BW_CLIENT_SECRET_SECRET is the function's).
    account = readBandwidthAccount({ ...env, BW_CLIENT_SECRET_SECRET: undefined });
  } catch (error) {
    if (error instanceof BandwidthConfigError) throw new UsageError(error.message);
    throw error;
  }
  return {
    from,
    to,
    dryRun: values['dry-run'],
    json: values.json,
    stage: values.stage,
    region: values.region === '' ? undefined : values.region,
    profile: values.profile,
    timeLimitS: positiveInteger(values['time-limit'], '--time-limit', DEFAULT_TIME_LIMIT_S),
    account,
  };
}

export function reportText(report: ReconcileReport): string {
  const verb = report.dryRun ? 'would backfill' : 'backfilled';
  const lines = [
    `calls that started ${report.from} to ${report.to}: ${report.listed} listed, ${report.alreadyRecorded} already recorded, ` +
      `${report.backfilled} ${verb}, ${report.notEnded} not ended, ${report.settling} ended within the settle time`,
  ];
  if (report.backfilledCallIds.length > 0) lines.push(`${verb}: ${report.backfilledCallIds.join(' ')}`);
  if (report.backfilledLegs > 0) {
    lines.push(`transfer legs ${verb}: ${report.backfilledLegs}: ${report.backfilledLegIds.join(' ')}`);
  }
  return lines.join('\n');
}

export interface ReconcileOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs one reconciliation; answers the exit code, or throws what tools/cli words for the operator. */
export async function runReconcile(request: ReconcileRequest, env: Env, output: ReconcileOutput): Promise<number> {
  const stage = await resolveStage({ stage: request.stage, env, region: request.region, profile: request.profile });
  const stores = await stage.open();
  const table = new DisconnectsTable({
    tableName: stage.tableName,
    region: stage.region,
    endpoint: stores.dynamoEndpoint,
    limits: CALL_LIMITS.command.table,
  });
  const stopped = new CommandFailure(
    `stopped at its time limit (--time-limit ${request.timeLimitS}) before it finished: run it again, over a shorter ` +
      'range or with a longer limit (what it backfilled is kept whole; nothing is half-written)',
    EXIT.failed,
  );
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(stopped), request.timeLimitS * 1000);
  try {
    const long = request.to.getTime() - request.from.getTime() > 3_600_000;
    const report = await reconcile({
      calls: bandwidthCallList(request.account, stage.region),
      table,
      range: { from: request.from, to: request.to },
      dryRun: request.dryRun,
      retentionDays: stage.retentionDays,
      signal: deadline.signal,
      onProgress: long
        ? (progress) =>
            output.stderr.write(
              `reconcile: through ${progress.through}: ${progress.listed} listed, ${progress.backfilled} backfilled\n`,
            )
        : undefined,
    });
    output.stdout.write(`${request.json ? JSON.stringify(report, null, 2) : reportText(report)}\n`);
    return EXIT.ok;
  } catch (error) {
    // Whatever the deadline interrupted (a wait, a request, a write), the run stopped for lack of time.
    if (deadline.signal.aborted) throw stopped;
    throw awsProblem(error, `table ${stage.tableName} (${stage.description})`);
  } finally {
    clearTimeout(timer);
    table.destroy();
    await stores.close();
  }
}
