/**
 * Which stores a records command reads: the local stage's (default), any DynamoDB-compatible endpoint, the
 * handler's environment, or a deployed stage's table and fallback bucket in AWS — the stage resolved by
 * tools/stage/resolve-stage.ts, as every command resolves it.
 */

import { LOCAL_STORE_CREDENTIALS } from '../../lambda/adapters/aws-clients.ts';
import { ParkedCallbacks } from '../../lambda/adapters/parked-callbacks.ts';
import { reasonOf } from '../cli/aws-problems.ts';
import type { LocalStage } from '../local-stage/local-stage.ts';
import { noBucket, type ResolvedStage, resolveStage, StageUnavailable } from '../stage/resolve-stage.ts';
import { tableOfStage } from '../stage/stage-names.ts';
import { StoreUnavailable, UsageProblem } from './problems.ts';
import { RecordedDisconnects } from './recorded-disconnects.ts';
import type { WaitingForReplay } from './report.ts';
import { waitingForReplay } from './waiting.ts';

export type { LocalStage };

export interface StoreOptions {
  /** A deployed stage; absent or `local` means the local stage's stores (or the handler's environment, when set). */
  stage?: string | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  /** A DynamoDB-compatible endpoint (dynalite, DynamoDB Local, LocalStack) instead of AWS. */
  endpoint?: string | undefined;
  /** Overrides the table name the stage gives. */
  table?: string | undefined;
  /** Overrides the fallback bucket the stage gives. */
  bucket?: string | undefined;
  s3Endpoint?: string | undefined;
}

export interface OpenStores {
  table: RecordedDisconnects;
  /** The fallback bucket's waiting callbacks; looked up only when a report asks. */
  waiting(): Promise<WaitingForReplay>;
  close(): Promise<void>;
}

const STAGE_NAME = /^[A-Za-z0-9-]{1,64}$/;

function endpointUrl(text: string, option: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageProblem(`${option} ${JSON.stringify(text)} is not a URL (e.g. http://127.0.0.1:8000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageProblem(`${option} must be an http or https URL, got ${JSON.stringify(text)}`);
  }
  return text;
}

async function resolved(options: StoreOptions, local: LocalStage | undefined): Promise<ResolvedStage> {
  try {
    return await resolveStage({
      stage: options.stage,
      env: process.env,
      region: options.region,
      profile: options.profile,
      local,
    });
  } catch (error) {
    if (error instanceof StageUnavailable) throw new StoreUnavailable(error.message);
    throw error;
  }
}

/**
 * The local stage's stores: the running ones when `npm run offline` (or another command) runs them for this data
 * folder, else its persisted data, opened here and closed again when the command ends. Nothing is created.
 */
async function openLocal(stage: ResolvedStage): Promise<OpenStores> {
  let endpoints;
  try {
    endpoints = await stage.open({ readOnly: true });
  } catch (error) {
    throw new StoreUnavailable(`cannot open ${stage.description}: ${reasonOf(error)}`);
  }
  const dynamoEndpoint = endpoints.dynamoEndpoint ?? '';
  const table = new RecordedDisconnects({
    tableName: stage.tableName,
    endpoint: dynamoEndpoint,
    description: `the local table ${stage.tableName} (${dynamoEndpoint})`,
    whenMissing: 'nothing has been recorded locally yet: `npm run invoke` records a sample callback',
    // An AWS_PROFILE exported for real work must not stop a developer reading the local stage.
    credentials: LOCAL_STORE_CREDENTIALS,
  });
  const parked = new ParkedCallbacks({ bucket: stage.bucket ?? '', endpoint: endpoints.s3Endpoint });
  return {
    table,
    waiting: () => waitingForReplay(parked),
    async close() {
      table.destroy();
      await endpoints.close();
    },
  };
}

export async function openStores(options: StoreOptions, local?: LocalStage): Promise<OpenStores> {
  const stage = options.stage;
  if (stage !== undefined && !STAGE_NAME.test(stage)) {
    throw new UsageProblem(`--stage ${JSON.stringify(stage)} is not a stage name (letters, digits and dashes)`);
  }
  if (options.s3Endpoint !== undefined && options.bucket === undefined) {
    throw new UsageProblem('--s3-endpoint needs --bucket');
  }
  const s3Endpoint = options.s3Endpoint === undefined ? undefined : endpointUrl(options.s3Endpoint, '--s3-endpoint');
  const explicitBucket =
    options.bucket === undefined
      ? undefined
      : new ParkedCallbacks({ bucket: options.bucket, region: options.region, endpoint: s3Endpoint });

  if (options.endpoint !== undefined) {
    const endpoint = endpointUrl(options.endpoint, '--endpoint');
    const tableName = options.table ?? tableOfStage(stage ?? 'local');
    const table = new RecordedDisconnects({
      tableName,
      endpoint,
      region: options.region,
      description: `table ${tableName} at ${endpoint}`,
      whenMissing: 'pass the table name with --table',
    });
    return {
      table,
      waiting: () => waitingForReplay(explicitBucket, 'no fallback bucket given (--bucket, --s3-endpoint)'),
      close: async () => table.destroy(),
    };
  }

  const deployed = stage !== undefined && stage !== 'local';
  if (!deployed && (options.table !== undefined || options.bucket !== undefined)) {
    throw new UsageProblem('--table and --bucket need --endpoint or a deployed --stage');
  }
  if (deployed && options.table !== undefined && explicitBucket !== undefined) {
    // Both names given: nothing to ask of the stack.
    const table = new RecordedDisconnects({
      tableName: options.table,
      region: options.region,
      description: `table ${options.table} (stage ${stage})`,
      whenMissing: 'is the stage deployed in this region and account? (--stage, --region, --profile)',
    });
    return { table, waiting: () => waitingForReplay(explicitBucket), close: async () => table.destroy() };
  }
  const target = await resolved(options, local);
  if (target.source === 'local') return openLocal(target);

  const tableName = options.table ?? target.tableName;
  const endpoints = await target.open();
  const table = new RecordedDisconnects({
    tableName,
    region: target.region,
    endpoint: endpoints.dynamoEndpoint,
    description: `table ${tableName} (${target.description})`,
    whenMissing: 'is the stage deployed in this region and account? (--stage, --region, --profile)',
  });
  const bucket =
    explicitBucket ??
    (target.bucket === undefined
      ? undefined
      : new ParkedCallbacks({ bucket: target.bucket, region: target.region, endpoint: endpoints.s3Endpoint }));
  return {
    table,
    waiting: () => waitingForReplay(bucket, noBucket(target)),
    async close() {
      table.destroy();
      await endpoints.close();
    },
  };
}
