/**
 * Which stores a records command reads: the local stage's (default), any DynamoDB-compatible endpoint, or a
 * deployed stage's table and fallback bucket in AWS.
 */
import {
  LOCAL_BUCKET,
  LOCAL_STAGE as LOCAL_STORES,
  LOCAL_TABLE,
  type LocalStage as LocalStores,
  type LocalStores as OpenedLocalStores,
  openLocalStage,
} from '../local-stage/stores.ts';
import { ParkedCallbacks } from '../../lambda/adapters/parked-callbacks.ts';
import { stackOfStage, tableOfStage } from '../stage/stage-names.ts';
import { StoreUnavailable, UsageProblem } from './problems.ts';
import { RecordedDisconnects } from './recorded-disconnects.ts';
import type { WaitingForReplay } from './report.ts';
import { waitingForReplay } from './waiting.ts';


export interface StoreOptions {
  /** A deployed stage; absent or `local` means the local stage's stores. */
  stage?: string | undefined;
  region?: string | undefined;
  /** A DynamoDB-compatible endpoint (dynalite, DynamoDB Local, LocalStack) instead of AWS. */
  endpoint?: string | undefined;
  /** Overrides the table name derived from the stage. */
  table?: string | undefined;
  /** Overrides the fallback bucket (found from the stage's CloudFormation stack otherwise). */
  bucket?: string | undefined;
  s3Endpoint?: string | undefined;
}

/** Where the local stage keeps its data and listens, and its table and bucket; the tests put it elsewhere. */
export interface LocalStage extends LocalStores {
  tableName: string;
  bucket: string;
}

export const LOCAL_STAGE: LocalStage = { ...LOCAL_STORES, tableName: LOCAL_TABLE, bucket: LOCAL_BUCKET };

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

/**
 * The local stage's stores: the running ones when `npm run offline` (or another records command) holds the
 * ports, else the persisted data under .local/, opened here and closed again when the command ends.
 */
async function openLocal(local: LocalStage): Promise<OpenStores> {
  let endpoints: OpenedLocalStores;
  try {
    endpoints = await openLocalStage(local);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreUnavailable(`cannot open the local stores in ${local.dataDir}: ${reason}`);
  }
  const table = new RecordedDisconnects({
    tableName: local.tableName,
    endpoint: endpoints.dynamoEndpoint,
    description: `the local table ${local.tableName} (${endpoints.dynamoEndpoint})`,
    whenMissing: 'nothing has been recorded locally yet: `npm run invoke` records a sample callback',
    // An AWS_PROFILE exported for real work must not stop a developer reading the local stage.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const parked = new ParkedCallbacks({ bucket: local.bucket, endpoint: endpoints.s3Endpoint });
  return {
    table,
    waiting: () => waitingForReplay(parked),
    async close() {
      table.destroy();
      await endpoints.close();
    },
  };
}

/** The stage's fallback bucket: a name CloudFormation generated, so it is asked of the stack. */
async function stageBucket(stage: string, region: string | undefined): Promise<string> {
  const { CloudFormationClient, DescribeStackResourceCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({
    ...(region === undefined ? {} : { region }),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
  });
  try {
    const { StackResourceDetail } = await client.send(
      new DescribeStackResourceCommand({ StackName: stackOfStage(stage), LogicalResourceId: 'ParkedCallbacksBucket' }),
    );
    const bucket = StackResourceDetail?.PhysicalResourceId;
    if (bucket === undefined) throw new Error(`stack ${stackOfStage(stage)} has no ParkedCallbacksBucket`);
    return bucket;
  } finally {
    client.destroy();
  }
}

export async function openStores(options: StoreOptions, local: LocalStage = LOCAL_STAGE): Promise<OpenStores> {
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

  if (stage === undefined || stage === 'local') {
    if (options.table !== undefined || options.bucket !== undefined) {
      throw new UsageProblem('--table and --bucket need --endpoint or a deployed --stage');
    }
    return openLocal(local);
  }

  const tableName = options.table ?? tableOfStage(stage);
  const where = options.region === undefined ? `stage ${stage}` : `stage ${stage}, ${options.region}`;
  const table = new RecordedDisconnects({
    tableName,
    region: options.region,
    description: `table ${tableName} (${where})`,
    whenMissing: 'is the stage deployed in this region and account? (--stage, --region, --profile)',
  });
  return {
    table,
    async waiting() {
      if (explicitBucket !== undefined) return waitingForReplay(explicitBucket);
      let bucket: string;
      try {
        bucket = await stageBucket(stage, options.region);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { bucket: undefined, unavailable: `cannot find the stage's fallback bucket (pass --bucket): ${reason}` };
      }
      return waitingForReplay(new ParkedCallbacks({ bucket, region: options.region }));
    },
    close: async () => table.destroy(),
  };
}
