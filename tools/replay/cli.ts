/** `npm run replay [-- options]`: re-drives parked callbacks into the table (see lambda/recording/replay-parked.ts). */

import { CALL_LIMITS } from '../../lambda/adapters/aws-clients.ts';
import { callbackCredentials } from '../../lambda/adapters/callback-credentials.ts';
import { DisconnectsTable } from '../../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks, type ParkedKind } from '../../lambda/adapters/parked-callbacks.ts';
import { type CallbackAuthConfig, readCallbackAuth } from '../../lambda/config.ts';
import { type ReplayReport, replayParked } from '../../lambda/recording/replay-parked.ts';
import { EXIT, parseCommandLine, positiveInteger } from '../cli/command-line.ts';
import { noBucket, type ResolvedStage, resolveStage } from '../stage/resolve-stage.ts';

export const REPLAY_USAGE = `Usage: npm run replay [-- options]

Re-drives parked callbacks into the table, removing only what it stored.

  (no --stage)           the handler's environment (DISCONNECTS_TABLE, DYNAMODB_ENDPOINT, PARKED_CALLBACKS_BUCKET,
                         S3_ENDPOINT, AWS_REGION) when DISCONNECTS_TABLE is set, else the local stage
  --stage <name>         a deployed stage (the table, bucket and retention from its stack's outputs), or local
  --region <region>      for a deployed stage (else AWS_REGION)
  --profile <profile>    for a deployed stage (else AWS_PROFILE)
  --table <name>         this table instead
  --bucket <name>        this fallback bucket instead
  --quarantined          retry quarantined callbacks too (after a schema fix); what can never be stored:
                         npm run quarantine -- discard
  --retention-days <n>   as the stage's RETENTION_DAYS (the stack's RetentionDays output when deployed)
  --concurrency <n>      callbacks replayed at once (default 8)
  --json                 print the reports as JSON
  -h, --help             this help

Unverified callbacks (kept while the password could not be read) are checked against the password that
BANDWIDTH_CALLBACK_USERNAME and BANDWIDTH_CALLBACK_PASSWORD(_SECRET|_PARAMETER) name, else the deployed stage's own.

Exit codes: 0 everything waiting was stored, 1 some callbacks still waiting (failing, or the run stopped early),
2 bad option or value, 3 store or stack unreachable, or region or credentials missing (see docs/commands.md).`;

const parse = (argv: readonly string[]) =>
  parseCommandLine(argv, {
    stage: { type: 'string' },
    region: { type: 'string' },
    profile: { type: 'string' },
    table: { type: 'string' },
    bucket: { type: 'string' },
    quarantined: { type: 'boolean', default: false },
    'retention-days': { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  });
let options: ReturnType<typeof parse>['values'];

function positive(name: string, text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : positiveInteger(text, name);
}

function summary(report: ReplayReport): string {
  const lines = [
    `${report.kind}: ${report.replayed} replayed, ${report.alreadyPresent} already present, ` +
      (report.discarded === undefined
        ? ''
        : `${report.discarded} discarded (wrong credentials), ${report.quarantined ?? 0} quarantined, `) +
      `${report.stillFailing} still failing`,
    ...report.failures.map((failure) => `  ${failure.key}: ${failure.reason}`),
  ];
  if (report.stopped !== undefined) lines.push(`  stopped early: ${report.stopped.detail}`);
  return lines.join('\n');
}

/** A deployed stage's own callback credentials, as its stack's outputs name them: its secret, or an older stage's parameter. */
function stageAuth(stage: ResolvedStage): CallbackAuthConfig | undefined {
  const username = stage.callbackUsername;
  if (username === undefined) return undefined;
  if (stage.callbackPasswordSecret !== undefined) return { username, passwordSecret: stage.callbackPasswordSecret };
  if (stage.callbackPasswordParameter !== undefined)
    return { username, passwordParameter: stage.callbackPasswordParameter };
  return undefined;
}

export async function runReplay(argv: readonly string[]): Promise<number> {
  options = parse(argv).values;
  // Every bad value is refused before a store is opened.
  const concurrency = positive('--concurrency', options.concurrency) ?? 8;
  if (options.profile !== undefined) process.env['AWS_PROFILE'] = options.profile;
  const stage = await resolveStage({
    stage: options.stage,
    env: process.env,
    region: options.region,
    profile: options.profile,
  });
  const bucket = options.bucket ?? stage.bucket;
  if (bucket === undefined) throw new Error(noBucket(stage));
  const tableName = options.table ?? stage.tableName;
  const retentionDays = positive('--retention-days', options['retention-days']) ?? stage.retentionDays;
  const stores = await stage.open();
  // No answer is waiting: an operator command's generous per-call limits, and the run continues past a slow call.
  const limits = CALL_LIMITS.command;
  const table = new DisconnectsTable({
    tableName,
    region: stage.region,
    endpoint: stores.dynamoEndpoint,
    limits: limits.table,
  });
  const parked = new ParkedCallbacks({
    bucket,
    region: stage.region,
    endpoint: stores.s3Endpoint,
    limits: limits.fallback,
  });
  try {
    if (!options.json) console.log(`replaying into ${tableName} from ${bucket}: ${stage.description}`);
    // Unverified callbacks are checked against the password the environment names, as the handler's is, else
    // against the deployed stage's own (its stack's outputs name the username and the password's secret or parameter).
    const auth = readCallbackAuth() ?? stageAuth(stage);
    const credentials = auth === undefined ? undefined : callbackCredentials(auth, limits.credentials);
    const kinds: ParkedKind[] = ['parked'];
    if (credentials !== undefined) kinds.push('unverified');
    if (options.quarantined) kinds.push('quarantined');
    const reports: ReplayReport[] = [];
    for (const kind of kinds) {
      reports.push(
        await replayParked({
          table,
          parked,
          kind,
          retentionDays,
          credentials,
          credentialsTimeLimitMs: limits.credentials.attemptTimeoutMs * limits.credentials.maxAttempts,
          concurrency,
        }),
      );
    }
    console.log(options.json ? JSON.stringify(reports, null, 2) : reports.map(summary).join('\n'));
    return reports.some((report) => report.stillFailing > 0 || report.stopped !== undefined) ? EXIT.failed : EXIT.ok;
  } finally {
    table.destroy();
    await parked.destroy();
    await stores.close();
  }
}
