/**
 * `npm run reconcile -- --from <time> --to <time>`: backfills the calls Bandwidth ended in that range whose
 * callback never reached the table (lambda/recording/reconcile.ts), and reports what it saw.
 */
import { parseArgs } from 'node:util';
import { reconcile, type ReconcileReport } from '../../lambda/recording/reconcile.ts';
import { CALL_LIMITS } from '../../lambda/adapters/aws-clients.ts';
import { DisconnectsTable } from '../../lambda/adapters/disconnects-table.ts';
import { bandwidthCallList, BandwidthConfigError, readBandwidthAccount } from '../../lambda/adapters/bandwidth-account.ts';
import { resolveStage } from '../stage/resolve-stage.ts';

export const RECONCILE_USAGE = `usage: npm run reconcile -- --from <ISO 8601 time> --to <ISO 8601 time> [options]

Lists the Bandwidth account's calls that started in the range (Voice API, every page) and writes a record,
marked recordedFrom "call-list", for each ended call the table lacks. A callback's record is never replaced.

  --from <time>      start of the range (calls that started at or after it), e.g. 2026-11-20T00:00:00Z
  --to <time>        end of the range (calls that started at or before it)
  --dry-run          report what would be backfilled; write nothing
  --json             print the report as JSON
  --stage <name>     a deployed stage (its stack's table, in --region or AWS_REGION), or local; by default the
                     handler's environment when DISCONNECTS_TABLE is set, else the local stage
  --region <region>  for a deployed stage
  --help             this text

Environment: BW_ACCOUNT_ID, BW_CLIENT_ID, BW_CLIENT_SECRET (Bandwidth API credentials, as for npm run wire);
BANDWIDTH_VOICE_API_URL, BANDWIDTH_TOKEN_URL to move the APIs. DISCONNECTS_TABLE (with DYNAMODB_ENDPOINT,
AWS_REGION) when set chooses the table as the handler does.

Exit status: 0 when the run finished, 2 for a mistake in the arguments or environment (nothing sent),
1 when it could not finish (Bandwidth refused the credentials or is unreachable, the table failed).`;

export class ReconcileUsageError extends Error {
  override name = 'ReconcileUsageError';
}

export interface ReconcileRequest {
  from: Date;
  to: Date;
  dryRun: boolean;
  json: boolean;
  stage: string | undefined;
  region: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** An ISO 8601 date-time with its zone (a bare date or local time would depend on the operator's machine). */
function instant(option: string, text: string | undefined): Date {
  if (text === undefined) throw new ReconcileUsageError(`${option} is required`);
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(ms)) {
    throw new ReconcileUsageError(`${option} must be an ISO 8601 time with a zone, e.g. 2026-11-20T00:00:00Z; got ${text}`);
  }
  return new Date(ms);
}

export function parseReconcileArguments(args: readonly string[]): ReconcileRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        stage: { type: 'string' },
        region: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // Node's message names the option ("Unknown option '--frm'"); its hint about '--' is noise here.
    throw new ReconcileUsageError((error as Error).message.split('. To specify')[0] ?? String(error));
  }
  const from = instant('--from', values.from);
  const to = instant('--to', values.to);
  if (to.getTime() < from.getTime()) throw new ReconcileUsageError(`--to (${values.to}) is before --from (${values.from})`);
  if (values.stage === '') throw new ReconcileUsageError('--stage needs a name');
  return { from, to, dryRun: values['dry-run'], json: values.json, stage: values.stage, region: values.region };
}

interface Target {
  description: string;
  tableName: string;
  region: string | undefined;
  endpoint: string | undefined;
  retentionDays: number | undefined;
  close(): Promise<void>;
}

const setting = (env: Env, name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

/** Which table: the shared stage resolver's answer (the handler's environment, the local stage, or a deployed stack). */
async function targetOf(request: ReconcileRequest, env: Env): Promise<Target> {
  const stage = await resolveStage({ stage: request.stage, env, region: request.region });
  const stores = await stage.open();
  return {
    description: stage.description,
    tableName: stage.tableName,
    region: stage.region,
    endpoint: stores.dynamoEndpoint,
    retentionDays: stage.retentionDays,
    close: () => stores.close(),
  };
}

export function reportText(report: ReconcileReport): string {
  const verb = report.dryRun ? 'would backfill' : 'backfilled';
  const lines = [
    `calls that started ${report.from} to ${report.to}: ${report.listed} listed, ${report.alreadyRecorded} already recorded, ` +
      `${report.backfilled} ${verb}, ${report.notEnded} not ended, ${report.settling} ended within the settle time`,
  ];
  if (report.backfilledCallIds.length > 0) lines.push(`${verb}: ${report.backfilledCallIds.join(' ')}`);
  return lines.join('\n');
}

export interface ReconcileOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Runs the command; answers its exit status. */
export async function runReconcile(args: readonly string[], env: Env, output: ReconcileOutput): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    output.stdout.write(`${RECONCILE_USAGE}\n`);
    return 0;
  }
  let request: ReconcileRequest;
  let calls: ReturnType<typeof bandwidthCallList>;
  try {
    request = parseReconcileArguments(args);
    // The command's own secret comes from the environment only (BW_CLIENT_SECRET_PARAMETER is the function's).
    calls = bandwidthCallList(readBandwidthAccount({ ...env, BW_CLIENT_SECRET_PARAMETER: undefined }));
  } catch (error) {
    if (error instanceof ReconcileUsageError || error instanceof BandwidthConfigError) {
      output.stderr.write(`reconcile: ${error.message} (see --help)\n`);
      return 2;
    }
    throw error;
  }
  let target: Target | undefined;
  try {
    target = await targetOf(request, env);
    const table = new DisconnectsTable({ tableName: target.tableName, region: target.region, endpoint: target.endpoint, limits: CALL_LIMITS.command.table });
    try {
      const long = request.to.getTime() - request.from.getTime() > 3_600_000;
      const report = await reconcile({
        calls,
        table,
        range: { from: request.from, to: request.to },
        dryRun: request.dryRun,
        retentionDays: target.retentionDays,
        // An operator's run has no function timeout; an hour bounds one that Bandwidth keeps throttling.
        signal: AbortSignal.timeout(3_600_000),
        onProgress: long
          ? (progress) => output.stderr.write(`reconcile: through ${progress.through}: ${progress.listed} listed, ${progress.backfilled} backfilled\n`)
          : undefined,
      });
      output.stdout.write(`${request.json ? JSON.stringify(report, null, 2) : reportText(report)}\n`);
      return 0;
    } finally {
      table.destroy();
    }
  } catch (error) {
    if (error instanceof ReconcileUsageError) {
      output.stderr.write(`reconcile: ${error.message}\n`);
      return 2;
    }
    output.stderr.write(`reconcile: ${describeFailure(error)}\n`);
    return 1;
  } finally {
    await target?.close();
  }
}


function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'CredentialsProviderError') return `${error.message}; set AWS credentials (AWS_PROFILE or keys) for the stage's table`;
  return error.message;
}
