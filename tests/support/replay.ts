/**
 * Replay wired to a test's stores: the use case directly, the scheduled Lambda handler, and the npm script; and
 * callbacks parked the way an outage parks them (the recorder answering with its table down).
 */
import { execFile } from 'node:child_process';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { CALL_LIMITS } from '../../lambda/adapters/aws-clients.ts';
import { DisconnectsTable } from '../../lambda/adapters/disconnects-table.ts';
import { ParkedCallbacks } from '../../lambda/adapters/parked-callbacks.ts';
import { type ReplayOptions, type ReplayReport, replayParked } from '../../lambda/recording/replay-parked.ts';
import { localS3Client, projectRoot } from '../../tools/local-stage/stores.ts';
import { postedCallback, timedAnswer } from './callbacks.ts';
import { closedPort } from './faulty-stores.ts';
import { type Handler, loadHandler, type TestStores } from './recorder.ts';

/** The recorder with its table down (closed port): every callback it gets is parked. */
export async function tableDown(stores: TestStores, env: Record<string, string> = {}): Promise<Handler> {
  return loadHandler(stores, { ...env, DYNAMODB_ENDPOINT: await closedPort() });
}

/** Delivers the callbacks at once; each answer as `<status> <outcome>`. */
export async function deliver(
  handler: Handler,
  callbacks: Record<string, unknown>[],
  receivedAt?: Date,
): Promise<string[]> {
  const answers = await Promise.all(
    callbacks.map((callback) => timedAnswer(handler, postedCallback(callback, receivedAt))),
  );
  return answers.map((answer) => `${answer.status} ${answer.outcome ?? ''}`);
}

export function storesOf(stores: TestStores, dynamoEndpoint = stores.dynamoEndpoint) {
  return {
    table: new DisconnectsTable({
      tableName: stores.tableName,
      endpoint: dynamoEndpoint,
      limits: CALL_LIMITS.scheduled.table,
    }),
    parked: new ParkedCallbacks({
      bucket: stores.bucket,
      endpoint: stores.s3Endpoint,
      limits: CALL_LIMITS.scheduled.fallback,
    }),
  };
}

export async function replay(
  stores: TestStores,
  options: Partial<ReplayOptions> & { dynamoEndpoint?: string } = {},
): Promise<ReplayReport> {
  const { table, parked } = storesOf(stores, options.dynamoEndpoint);
  try {
    return await replayParked({ table, parked, kind: 'parked', ...options });
  } finally {
    table.destroy();
    await parked.destroy();
  }
}

/** Puts an object in the fallback bucket the way something other than the recorder might. */
export async function putObject(stores: TestStores, key: string, body: string): Promise<void> {
  const s3 = localS3Client(stores.s3Endpoint);
  await s3.send(new PutObjectCommand({ Bucket: stores.bucket, Key: key, Body: body }));
  s3.destroy();
}

type ReplayHandler = (event: unknown, context: Context) => Promise<ReplayReport[]>;

/** handlers/replay.ts loaded anew with the environment its function gets. */
export async function loadReplayHandler(stores: TestStores, env: Record<string, string> = {}): Promise<ReplayHandler> {
  vi.resetModules();
  // Callback auth only when the test asks for it (another test's handler may have set it).
  for (const name of [
    'BANDWIDTH_CALLBACK_USERNAME',
    'BANDWIDTH_CALLBACK_PASSWORD',
    'BANDWIDTH_CALLBACK_PASSWORD_SECRET',
    'BANDWIDTH_CALLBACK_PASSWORD_PARAMETER',
  ]) {
    delete process.env[name];
  }
  Object.assign(process.env, {
    DISCONNECTS_TABLE: stores.tableName,
    DYNAMODB_ENDPOINT: stores.dynamoEndpoint,
    PARKED_CALLBACKS_BUCKET: stores.bucket,
    S3_ENDPOINT: stores.s3Endpoint,
    AWS_REGION: 'us-east-1',
    ...env,
  });
  const module = (await import('../../handlers/replay.ts')) as { handler: ReplayHandler };
  return module.handler;
}

/** A Lambda context whose remaining time is whatever `remaining` says at each look. */
export function replayContext(remaining: () => number): Context {
  return {
    functionName: 'replay',
    awsRequestId: 'test-replay',
    getRemainingTimeInMillis: remaining,
  } as unknown as Context;
}

export interface ScriptRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** `npm run replay -- <args>` (the same `tsx tools/bin/replay.ts`), against the test's stores through the environment. */
export function runReplayScript(stores: TestStores, args: string[]): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'tools/bin/replay.ts', ...args],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          DYNAMODB_ENDPOINT: stores.dynamoEndpoint,
          S3_ENDPOINT: stores.s3Endpoint,
          DISCONNECTS_TABLE: stores.tableName,
          PARKED_CALLBACKS_BUCKET: stores.bucket,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ status, stdout, stderr });
      },
    );
  });
}
