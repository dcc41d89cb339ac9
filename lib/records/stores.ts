/**
 * Which stores a records command reads: the local stage's (default), any DynamoDB-compatible endpoint, or a
 * deployed stage's table and fallback bucket in AWS.
 */
import { connect } from 'node:net';
import {
  LOCAL_BUCKET,
  LOCAL_DATA_DIR,
  LOCAL_DYNAMODB_PORT,
  LOCAL_S3_PORT,
  LOCAL_TABLE,
  startLocalStores,
} from '../../local/stores.ts';
import { ParkedCallbacks } from '../store/parked-callbacks.ts';
import { StoreUnavailable, UsageProblem } from './problems.ts';
import { RecordedDisconnects } from './recorded-disconnects.ts';
import type { WaitingForReplay } from './report.ts';
import { waitingForReplay } from './waiting.ts';

/** The service name in serverless.yml: stacks and tables are named after it and the stage. */
export const SERVICE = 'bandwidth-disconnect-recorder';

export const tableOfStage = (stage: string): string => `${SERVICE}-${stage}-disconnects`;
export const stackOfStage = (stage: string): string => `${SERVICE}-${stage}`;

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

/** Where the local stage keeps its data and listens; the tests put it elsewhere. */
export interface LocalStage {
  dataDir: string;
  dynamoPort: number;
  s3Port: number;
  tableName: string;
  bucket: string;
}

export const LOCAL_STAGE: LocalStage = {
  dataDir: LOCAL_DATA_DIR,
  dynamoPort: LOCAL_DYNAMODB_PORT,
  s3Port: LOCAL_S3_PORT,
  tableName: LOCAL_TABLE,
  bucket: LOCAL_BUCKET,
};

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

/** Whether something accepts connections on a local port (500 ms at most: a closed port answers at once). */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The local stage's stores: the running ones when `npm run offline` (or another records command) holds the
 * ports, else the persisted data under .local/, opened here and closed again when the command ends.
 */
async function openLocal(local: LocalStage): Promise<OpenStores> {
  const [dynamoUp, s3Up] = await Promise.all([listening(local.dynamoPort), listening(local.s3Port)]);
  if (dynamoUp !== s3Up) {
    throw new StoreUnavailable(
      `only one of the local stores answers (DynamoDB port ${local.dynamoPort}: ${dynamoUp ? 'up' : 'down'}, ` +
        `S3 port ${local.s3Port}: ${s3Up ? 'up' : 'down'}); stop what holds the other port or start both`,
    );
  }
  let endpoints: { dynamoEndpoint: string; s3Endpoint: string; close(): Promise<void> };
  if (dynamoUp) {
    endpoints = {
      dynamoEndpoint: `http://127.0.0.1:${local.dynamoPort}`,
      s3Endpoint: `http://127.0.0.1:${local.s3Port}`,
      close: async () => {},
    };
  } else {
    try {
      endpoints = await startLocalStores({ dataDir: local.dataDir, dynamoPort: local.dynamoPort, s3Port: local.s3Port });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailable(`cannot open the local stores in ${local.dataDir}: ${reason}`);
    }
  }
  const table = new RecordedDisconnects({
    tableName: local.tableName,
    endpoint: endpoints.dynamoEndpoint,
    description: `the local table ${local.tableName} (${endpoints.dynamoEndpoint})`,
    whenMissing: 'nothing has been recorded locally yet: `npm run invoke` records a sample callback',
    // An AWS_PROFILE exported for real work must not stop a developer reading the local stage.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const parked = new ParkedCallbacks({ bucket: local.bucket, endpoint: endpoints.s3Endpoint, requestTimeoutMs: 5_000 });
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
      : new ParkedCallbacks({ bucket: options.bucket, region: options.region, endpoint: s3Endpoint, requestTimeoutMs: 5_000 });

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
      return waitingForReplay(new ParkedCallbacks({ bucket, region: options.region, requestTimeoutMs: 5_000 }));
    },
    close: async () => table.destroy(),
  };
}
