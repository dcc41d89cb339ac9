/**
 * The embedded local stores: dynalite (DynamoDB protocol) and s3rver (S3 protocol), started by the project
 * itself — for the local stage (local-stage.ts) and the tests.
 * The table is created from the very definition serverless.yml deploys.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'yaml';
import { LOCAL_STORE_CREDENTIALS } from '../../lambda/adapters/aws-clients.ts';

const require = createRequire(import.meta.url);
export const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Deploy-only settings dynalite does not implement; they do not change the table's keys or indexes. */
const DEPLOY_ONLY = [
  'TableName',
  'PointInTimeRecoverySpecification',
  'SSESpecification',
  'TimeToLiveSpecification',
  'DeletionProtectionEnabled',
  'Tags',
  'StreamSpecification',
  'ContributorInsightsSpecification',
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
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_STORE_CREDENTIALS });
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', credentials: LOCAL_STORE_CREDENTIALS, forcePathStyle: true });
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
  const S3rver = require('s3rver') as new (
    options: Record<string, unknown>,
  ) => {
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
