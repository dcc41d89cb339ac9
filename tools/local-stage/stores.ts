/**
 * The embedded local stores: dynalite (DynamoDB protocol) and s3rver (S3 protocol), started by the project
 * itself — for `npm run invoke`, `serverless invoke local` / `offline` on the local stage, and the tests.
 * The table is created from the very definition serverless.yml deploys.
 */
import { readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, connect } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';

const require = createRequire(import.meta.url);
export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where `npm run invoke` and the local serverless stage keep their data between runs (git-ignored), and the ports
 * serverless.yml's local stage points at. The environment may move them (the tests do, to run beside a developer).
 */
export const LOCAL_DATA_DIR = process.env['LOCAL_DATA_DIR'] ?? `${projectRoot}.local`;
export const LOCAL_TABLE = 'bandwidth-disconnect-recorder-local-disconnects';
export const LOCAL_BUCKET = 'parked-callbacks';
export const LOCAL_DYNAMODB_PORT = Number(process.env['LOCAL_DYNAMODB_PORT'] ?? 4567);
export const LOCAL_S3_PORT = Number(process.env['LOCAL_S3_PORT'] ?? 4569);

const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
/** Deploy-only settings dynalite does not implement; they do not change the table's keys or indexes. */
const DEPLOY_ONLY = [
  'TableName', 'PointInTimeRecoverySpecification', 'SSESpecification', 'TimeToLiveSpecification',
  'DeletionProtectionEnabled', 'Tags', 'StreamSpecification', 'ContributorInsightsSpecification',
] as const;

/** The table's keys, attributes, indexes and billing mode, read from serverless.yml's DisconnectsTable. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const config = parse(readFileSync(`${projectRoot}serverless.yml`, 'utf8')) as {
    resources: { Resources: { DisconnectsTable: { Properties: Record<string, unknown> } } };
  };
  const properties = { ...config.resources.Resources.DisconnectsTable.Properties };
  for (const name of DEPLOY_ONLY) delete properties[name];
  return { ...(properties as Omit<CreateTableCommandInput, 'TableName'>), TableName: tableName };
}

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
}

export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localDynamoClient(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } finally {
    client.destroy();
  }
}

export async function ensureBucket(endpoint: string, bucket: string): Promise<void> {
  const client = localS3Client(endpoint);
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}

export interface LocalStores {
  dynamoEndpoint: string;
  s3Endpoint: string;
  close(): Promise<void>;
}

export interface LocalStoresOptions {
  /** Persist to this folder; in memory (and a temporary folder for S3) when absent. */
  dataDir?: string;
  dynamoPort?: number;
  s3Port?: number;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startLocalStores(options: LocalStoresOptions = {}): Promise<LocalStores> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  };
  let s3Dir: string;
  if (options.dataDir === undefined) {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    s3Dir = mkdtempSync(`${tmpdir()}/recorder-s3-`);
  } else {
    s3Dir = `${options.dataDir}/s3`;
    mkdirSync(`${options.dataDir}/dynamodb`, { recursive: true });
  }
  mkdirSync(s3Dir, { recursive: true });

  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir === undefined ? {} : { path: `${options.dataDir}/dynamodb` }),
  });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(options.dynamoPort ?? 0, '127.0.0.1', () => resolve());
  });
  const s3 = new S3rver({ address: '127.0.0.1', port: options.s3Port ?? 0, directory: s3Dir, silent: true });
  let s3Address: AddressInfo;
  try {
    s3Address = await s3.run();
  } catch (error) {
    await closeServer(dynamo);
    throw error;
  }
  const dynamoPort = (dynamo.address() as AddressInfo).port;
  return {
    dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    async close() {
      await Promise.all([closeServer(dynamo), s3.close()]);
      if (options.dataDir === undefined) {
        const { rmSync } = await import('node:fs');
        rmSync(s3Dir, { recursive: true, force: true });
      }
    },
  };
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

/** Where a local stage keeps its data and listens (the tests put it elsewhere). */
export interface LocalStage {
  dataDir: string;
  dynamoPort: number;
  s3Port: number;
}

export const LOCAL_STAGE: LocalStage = { dataDir: LOCAL_DATA_DIR, dynamoPort: LOCAL_DYNAMODB_PORT, s3Port: LOCAL_S3_PORT };

/**
 * A local stage's stores: the running ones when something (say `npm run offline` in another terminal) holds its
 * ports — used and left running —, else its persisted data, opened here; `close()` stops only what was started.
 */
export async function openLocalStage(stage: LocalStage = LOCAL_STAGE): Promise<LocalStores> {
  const [dynamoUp, s3Up] = await Promise.all([listening(stage.dynamoPort), listening(stage.s3Port)]);
  if (dynamoUp !== s3Up) {
    throw new Error(
      `only one of the local stores answers (DynamoDB port ${stage.dynamoPort}: ${dynamoUp ? 'up' : 'down'}, ` +
        `S3 port ${stage.s3Port}: ${s3Up ? 'up' : 'down'}); stop what holds the other port or start both`,
    );
  }
  if (dynamoUp) {
    return {
      dynamoEndpoint: `http://127.0.0.1:${stage.dynamoPort}`,
      s3Endpoint: `http://127.0.0.1:${stage.s3Port}`,
      close: async () => {},
    };
  }
  return startLocalStores({ dataDir: stage.dataDir, dynamoPort: stage.dynamoPort, s3Port: stage.s3Port });
}

/** The local stage's stores with the table and bucket in place, ready for the recorder. */
export async function startPersistedLocalStores(stage: LocalStage = LOCAL_STAGE): Promise<LocalStores> {
  const stores = await openLocalStage(stage);
  try {
    await ensureTable(stores.dynamoEndpoint, LOCAL_TABLE);
    await ensureBucket(stores.s3Endpoint, LOCAL_BUCKET);
  } catch (error) {
    await stores.close();
    throw error;
  }
  return stores;
}
