/**
 * `npm run replay [-- options]`: re-drives parked callbacks into the table (see lambda/recording/replay-parked.ts).
 *
 *   --stage local        (default) the local stage: DYNAMODB_ENDPOINT / S3_ENDPOINT from the environment when set,
 *                        else the running local stores, else the ones persisted under .local/ (started for the run)
 *   --stage <name>       a deployed stage: the table and bucket are read from its CloudFormation stack
 *   --region, --profile  for a deployed stage (else AWS_REGION / AWS_PROFILE, as usual)
 *   --table, --bucket    use these names instead
 *   --quarantined        retry quarantined callbacks too (after a schema fix)
 *                        Unverified callbacks (kept while the password was unreadable) are checked against the
 *                        password BANDWIDTH_CALLBACK_USERNAME and BANDWIDTH_CALLBACK_PASSWORD(_SECRET|_PARAMETER) name
 *   --retention-days N   as the stage's RETENTION_DAYS (read from the stack when deployed)
 *   --concurrency N      callbacks replayed at once (default 8)
 *   --json               print the reports as JSON
 *
 * Exit status: 0 when everything waiting was stored, 2 when some callbacks are still failing or the run stopped
 * early, 1 on any other error.
 */
import { parseArgs } from 'node:util';
import { replayParked, type ReplayReport } from '../../lambda/recording/replay-parked.ts';
import { stackOfStage } from '../stage/stage-names.ts';
import { DisconnectsTable } from '../../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks, type ParkedKind } from '../../lambda/adapters/parked-callbacks.ts';
import { CALL_LIMITS } from '../../lambda/adapters/aws-clients.ts';
import { callbackCredentials } from '../../lambda/adapters/callback-credentials.ts';
import { readCallbackAuth } from '../../lambda/config.ts';

// A command-line tool, not a Lambda: the SDK's Node-version notice is noise here (serverless.yml sets the same).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

interface Target {
  description: string;
  tableName: string;
  bucket: string;
  region: string | undefined;
  dynamoEndpoint: string | undefined;
  s3Endpoint: string | undefined;
  retentionDays: number | undefined;
  close(): Promise<void>;
}

const { values: options } = parseArgs({
  options: {
    stage: { type: 'string', default: 'local' },
    region: { type: 'string' },
    profile: { type: 'string' },
    table: { type: 'string' },
    bucket: { type: 'string' },
    quarantined: { type: 'boolean', default: false },
    'retention-days': { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
  strict: true,
});

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${text}`);
  return value;
}

const env = (name: string): string | undefined => (process.env[name] === '' ? undefined : process.env[name]);

async function localTarget(): Promise<Target> {
  const local = await import('../local-stage/stores.ts');
  const retentionDays = positive('--retention-days', options['retention-days'] ?? env('RETENTION_DAYS'));
  const dynamoEndpoint = env('DYNAMODB_ENDPOINT');
  if (dynamoEndpoint !== undefined) {
    const s3Endpoint = env('S3_ENDPOINT');
    if (s3Endpoint === undefined) throw new Error('DYNAMODB_ENDPOINT is set but S3_ENDPOINT is not: set both, or neither');
    return {
      description: `local stores at ${dynamoEndpoint} and ${s3Endpoint}`,
      tableName: options.table ?? env('DISCONNECTS_TABLE') ?? local.LOCAL_TABLE,
      bucket: options.bucket ?? env('PARKED_CALLBACKS_BUCKET') ?? local.LOCAL_BUCKET,
      region: env('AWS_REGION'),
      dynamoEndpoint,
      s3Endpoint,
      retentionDays,
      close: async () => {},
    };
  }
  const stores = await local.startPersistedLocalStores();
  return {
    description: `the local stage's stores (${stores.dynamoEndpoint}, ${stores.s3Endpoint})`,
    tableName: options.table ?? local.LOCAL_TABLE,
    bucket: options.bucket ?? local.LOCAL_BUCKET,
    region: 'us-east-1',
    dynamoEndpoint: stores.dynamoEndpoint,
    s3Endpoint: stores.s3Endpoint,
    retentionDays,
    close: () => stores.close(),
  };
}

/** A deployed stage: its stack (named as the Serverless Framework names it) says where the table and bucket are. */
async function deployedTarget(stage: string): Promise<Target> {
  if (options.profile !== undefined) process.env['AWS_PROFILE'] = options.profile;
  const region = options.region ?? env('AWS_REGION') ?? env('AWS_DEFAULT_REGION');
  const { CloudFormationClient, DescribeStackResourcesCommand, GetTemplateCommand } = await import(
    '@aws-sdk/client-cloudformation'
  );
  const stackName = stackOfStage(stage);
  const cloudFormation = new CloudFormationClient(region === undefined ? {} : { region });
  try {
    const { StackResources = [] } = await cloudFormation.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const physical = (logicalId: string): string => {
      const id = StackResources.find((resource) => resource.LogicalResourceId === logicalId)?.PhysicalResourceId;
      if (id === undefined) throw new Error(`stack ${stackName} has no ${logicalId}`);
      return id;
    };
    // The live function's RETENTION_DAYS, so replayed records expire as live ones do.
    const { TemplateBody = '{}' } = await cloudFormation.send(
      new GetTemplateCommand({ StackName: stackName, TemplateStage: 'Processed' }),
    );
    let deployed: unknown;
    try {
      const template = JSON.parse(TemplateBody) as {
        Resources?: Record<string, { Properties?: { Environment?: { Variables?: Record<string, unknown> } } }>;
      };
      deployed = template.Resources?.['DisconnectLambdaFunction']?.Properties?.Environment?.Variables?.['RETENTION_DAYS'];
    } catch {
      console.warn(`stack ${stackName}: template not readable as JSON; pass --retention-days if the stage sets RETENTION_DAYS`);
    }
    return {
      description: `stack ${stackName}${region === undefined ? '' : ` in ${region}`}`,
      tableName: options.table ?? physical('DisconnectsTable'),
      bucket: options.bucket ?? physical('ParkedCallbacksBucket'),
      region,
      dynamoEndpoint: undefined,
      s3Endpoint: undefined,
      retentionDays: positive('--retention-days', options['retention-days'] ?? (typeof deployed === 'string' ? deployed : undefined)),
      close: async () => {},
    };
  } finally {
    cloudFormation.destroy();
  }
}

function summary(report: ReplayReport): string {
  const lines = [
    `${report.kind}: ${report.replayed} replayed, ${report.alreadyPresent} already present, ` +
      (report.discarded === undefined ? '' : `${report.discarded} discarded (wrong credentials), ${report.quarantined ?? 0} quarantined, `) +
      `${report.stillFailing} still failing`,
    ...report.failures.map((failure) => `  ${failure.key}: ${failure.reason}`),
  ];
  if (report.stopped !== undefined) lines.push(`  stopped early: ${report.stopped.detail}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const target = options.stage === 'local' ? await localTarget() : await deployedTarget(options.stage);
  // No answer is waiting: an operator command's generous per-call limits, and the run continues past a slow call.
  const limits = CALL_LIMITS.command;
  const table = new DisconnectsTable({ tableName: target.tableName, region: target.region, endpoint: target.dynamoEndpoint, limits: limits.table });
  const parked = new ParkedCallbacks({ bucket: target.bucket, region: target.region, endpoint: target.s3Endpoint, limits: limits.fallback });
  try {
    if (!options.json) console.log(`replaying into ${target.tableName} from ${target.bucket}: ${target.description}`);
    // Unverified callbacks are checked against the password the environment names, as the handler's is.
    const auth = readCallbackAuth();
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
          retentionDays: target.retentionDays,
          credentials,
          credentialsTimeLimitMs: limits.credentials.attemptTimeoutMs * limits.credentials.maxAttempts,
          concurrency: positive('--concurrency', options.concurrency) ?? 8,
        }),
      );
    }
    console.log(options.json ? JSON.stringify(reports, null, 2) : reports.map(summary).join('\n'));
    return reports.some((report) => report.stillFailing > 0 || report.stopped !== undefined) ? 2 : 0;
  } finally {
    table.destroy();
    await parked.destroy();
    await target.close();
  }
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
