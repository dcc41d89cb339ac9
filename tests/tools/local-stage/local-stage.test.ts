/**
 * The local stage's stores, as commands open them: each data folder gets its own on free ports, a second command
 * joins the first's only after verifying them as its folder's, and nothing answering on a port is ever taken on
 * trust. Real dynalite and s3rver in temporary folders.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type LocalStage,
  listening,
  openLocalStage,
  startPersistedLocalStores,
} from '../../../tools/local-stage/local-stage.ts';
import { localDynamoClient } from '../../../tools/local-stage/stores.ts';
import { LOCAL_TABLE } from '../../../tools/stage/stage-names.ts';
import { freePort } from '../../support/faulty-stores.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function freeStage(): LocalStage {
  const dataDir = mkdtempSync(`${tmpdir()}/local-stage-`);
  folders.push(dataDir);
  return { dataDir, dynamoPort: undefined, s3Port: undefined };
}

const portOf = (endpoint: string) => Number(new URL(endpoint).port);

async function callIdIn(endpoint: string, callId: string): Promise<boolean> {
  const client = DynamoDBDocumentClient.from(localDynamoClient(endpoint));
  const { Item } = await client.send(new GetCommand({ TableName: LOCAL_TABLE, Key: { callId } }));
  client.destroy();
  return Item !== undefined;
}

describe('the local stores', () => {
  it('of two checkouts (two data folders) run side by side on their own ports and never share a record', async () => {
    const [first, second] = await Promise.all([
      startPersistedLocalStores(freeStage()),
      startPersistedLocalStores(freeStage()),
    ]);
    try {
      expect(first.dynamoEndpoint).not.toBe(second.dynamoEndpoint);
      expect(first.s3Endpoint).not.toBe(second.s3Endpoint);
      const client = DynamoDBDocumentClient.from(localDynamoClient(first.dynamoEndpoint));
      await client.send(new PutCommand({ TableName: LOCAL_TABLE, Item: { callId: 'c-first-checkout' } }));
      client.destroy();
      expect(await callIdIn(first.dynamoEndpoint, 'c-first-checkout')).toBe(true);
      expect(await callIdIn(second.dynamoEndpoint, 'c-first-checkout')).toBe(false);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('opened by a second command of the same folder are joined, and stay up until that command is done with them', async () => {
    const stage = freeStage();
    const owner = await startPersistedLocalStores(stage);
    const user = await openLocalStage(stage);
    expect(user.dynamoEndpoint).toBe(owner.dynamoEndpoint);
    expect(user.s3Endpoint).toBe(owner.s3Endpoint);

    let ownerClosed = false;
    const closing = owner.close().then(() => (ownerClosed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ownerClosed).toBe(false);
    expect(await listening(portOf(owner.dynamoEndpoint))).toBe(true);

    await user.close();
    await closing;
    expect(await listening(portOf(owner.dynamoEndpoint))).toBe(false);
    expect(await listening(portOf(owner.s3Endpoint))).toBe(false);
    expect(existsSync(`${stage.dataDir}/stores.json`)).toBe(false);
  });

  it('opened while their owner is stopping them are started afresh once it is done, never half-stopped ones', async () => {
    const stage = freeStage();
    const owner = await startPersistedLocalStores(stage);
    const user = await openLocalStage(stage);
    const ownerClosing = owner.close();
    const newcomer = openLocalStage(stage);
    await user.close();
    await ownerClosing;
    const fresh = await newcomer;
    try {
      expect(fresh.dynamoEndpoint).not.toBe(owner.dynamoEndpoint);
      expect(await listening(portOf(fresh.dynamoEndpoint))).toBe(true);
      expect(await callIdIn(fresh.dynamoEndpoint, 'c-any')).toBe(false);
    } finally {
      await fresh.close();
    }
  });

  it('left behind by a killed command (stores.json naming a dead process) are started afresh', async () => {
    const stage = freeStage();
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', 'console.log(process.pid)']);
    const deadPid = Number(stdout.trim());
    writeFileSync(
      `${stage.dataDir}/stores.json`,
      JSON.stringify({
        pid: deadPid,
        checkout: '/elsewhere/',
        token: 'stale',
        dynamoEndpoint: 'http://127.0.0.1:1',
        s3Endpoint: 'http://127.0.0.1:1',
      }),
    );
    const stores = await openLocalStage(stage);
    try {
      expect(await listening(portOf(stores.dynamoEndpoint))).toBe(true);
      expect(stores.dynamoEndpoint).not.toBe('http://127.0.0.1:1');
    } finally {
      await stores.close();
    }
  });

  it("named in stores.json but answering with another folder's token are refused, not used", async () => {
    const stage = freeStage();
    const other = await openLocalStage(freeStage());
    try {
      // A live process (this one) and stores that answer, but they are another folder's.
      writeFileSync(
        `${stage.dataDir}/stores.json`,
        JSON.stringify({
          pid: process.pid,
          checkout: '/elsewhere/',
          token: 'not-theirs',
          dynamoEndpoint: other.dynamoEndpoint,
          s3Endpoint: other.s3Endpoint,
        }),
      );
      await expect(openLocalStage(stage)).rejects.toThrow(
        `${stage.dataDir}/stores.json names process ${process.pid}, whose stores do not answer as this folder's`,
      );
    } finally {
      await other.close();
    }
  });

  it("on pinned ports are refused when another checkout's stores hold them, naming the variables", async () => {
    const ports = { dynamoPort: await freePort(), s3Port: await freePort() };
    const other = await openLocalStage({ ...freeStage(), ...ports });
    try {
      await expect(openLocalStage({ ...freeStage(), ...ports })).rejects.toThrow(
        `DynamoDB port ${ports.dynamoPort} (LOCAL_DYNAMODB_PORT) and S3 port ${ports.s3Port} (LOCAL_S3_PORT) answered, but not as ` +
          'the stores of',
      );
    } finally {
      await other.close();
    }
  });

  it("on pinned ports are joined when they are this folder's own", async () => {
    const stage = { ...freeStage(), dynamoPort: await freePort(), s3Port: await freePort() };
    const owner = await openLocalStage(stage);
    const user = await openLocalStage(stage);
    expect(user.dynamoEndpoint).toBe(`http://127.0.0.1:${stage.dynamoPort}`);
    await user.close();
    await owner.close();
  });
});
