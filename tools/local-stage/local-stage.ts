/**
 * The local stage: the embedded stores serving one data folder, started by whichever command needs them first and
 * shared by the others. `<data dir>/stores.json` names the process running them, their endpoints and a token the
 * running S3 store holds, so a command reuses only stores it has verified as this folder's — never whatever answers
 * on a port, such as another checkout's. Ports are free ones unless LOCAL_DYNAMODB_PORT / LOCAL_S3_PORT pin them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ensureBucket, ensureTable, type LocalStores, localS3Client, projectRoot, startLocalStores } from './stores.ts';

/**
 * The local stage's table and fallback bucket (serverless.yml: `custom.tableName` for stage local,
 * `params.local.parkedBucket`). Named here, not in tools/stage, so that the local stage depends on nothing above it.
 */
export const LOCAL_TABLE = 'bandwidth-disconnect-recorder-local-disconnects';
export const LOCAL_BUCKET = 'parked-callbacks';

/** Where a local stage keeps its data, and the ports it must use (free ones when undefined). */
export interface LocalStage {
  dataDir: string;
  dynamoPort: number | undefined;
  s3Port: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function pinnedPort(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`${name} must be a port number (1-65535), got ${text}`);
  return port;
}

/** The local stage the environment describes: data under the checkout's .local/ unless LOCAL_DATA_DIR moves it. */
export function localStageOf(env: Env): LocalStage {
  return {
    dataDir: env['LOCAL_DATA_DIR'] || `${projectRoot}.local`,
    dynamoPort: pinnedPort(env, 'LOCAL_DYNAMODB_PORT'),
    s3Port: pinnedPort(env, 'LOCAL_S3_PORT'),
  };
}

/** What stores.json says. */
interface RunningStores {
  pid: number;
  /** The checkout whose command started them, for the humans reading the file. */
  checkout: string;
  token: string;
  dynamoEndpoint: string;
  s3Endpoint: string;
}

/** Holds the owner's token: a store answering with it is this folder's. Its own bucket, so replay never sees it. */
const MARKER = { bucket: 'local-stage', key: 'owner' };
/** How long an owner waits for its users before stopping the stores anyway. */
const WAIT_MS = 30_000;

const storesFile = (dataDir: string) => `${dataDir}/stores.json`;
const leasesDir = (dataDir: string) => `${dataDir}/users`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Created exclusively with only the owner's pid, completed once its stores run, marked `stopping` while the owner
 * waits for its users before stopping them (newcomers wait for it to finish, then start their own).
 */
type StoresFile = (RunningStores & { stopping?: true }) | { pid: number; token?: undefined; stopping?: undefined };

function readStoresFile(dataDir: string): StoresFile | undefined {
  try {
    return JSON.parse(readFileSync(storesFile(dataDir), 'utf8')) as StoresFile;
  } catch {
    return undefined;
  }
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

/** The running S3 store holds the token stores.json names (its process alive holds the DynamoDB port it wrote). */
async function verified(running: RunningStores): Promise<boolean> {
  if (!alive(running.pid)) return false;
  try {
    const answer = await fetch(`${running.s3Endpoint}/${MARKER.bucket}/${MARKER.key}`, {
      signal: AbortSignal.timeout(2_000),
    });
    return answer.ok && (await answer.text()) === running.token;
  } catch {
    return false;
  }
}

/** Registers this process as a user of running stores, so their owner waits for it before stopping them. */
function lease(dataDir: string, running: RunningStores): LocalStores {
  mkdirSync(leasesDir(dataDir), { recursive: true });
  const file = `${leasesDir(dataDir)}/${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(file, '');
  return {
    dynamoEndpoint: running.dynamoEndpoint,
    s3Endpoint: running.s3Endpoint,
    close: async () => rmSync(file, { force: true }),
  };
}

async function leasesEnded(dataDir: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    let names: string[];
    try {
      names = readdirSync(leasesDir(dataDir));
    } catch {
      return;
    }
    const live = names.filter((name) => {
      if (alive(Number(name.split('-')[0]))) return true;
      rmSync(`${leasesDir(dataDir)}/${name}`, { force: true });
      return false;
    });
    if (live.length === 0 || Date.now() > deadline) return;
    await sleep(100);
  }
}

/** Before pinned ports are bound: a precise refusal instead of a bare EADDRINUSE, and never someone else's store. */
async function checkPinnedPorts(stage: LocalStage): Promise<void> {
  const pinned = [
    { name: 'DynamoDB', variable: 'LOCAL_DYNAMODB_PORT', port: stage.dynamoPort },
    { name: 'S3', variable: 'LOCAL_S3_PORT', port: stage.s3Port },
  ].filter((entry): entry is typeof entry & { port: number } => entry.port !== undefined);
  const up = await Promise.all(pinned.map((entry) => listening(entry.port)));
  if (pinned.length === 2 && up[0] !== up[1]) {
    throw new Error(
      `only one of the local stores answers (DynamoDB port ${stage.dynamoPort}: ${up[0] ? 'up' : 'down'}, ` +
        `S3 port ${stage.s3Port}: ${up[1] ? 'up' : 'down'}); stop what holds the other port or start both`,
    );
  }
  const taken = pinned.filter((_, index) => up[index]);
  if (taken.length > 0) {
    throw new Error(
      `${taken.map((entry) => `${entry.name} port ${entry.port} (${entry.variable})`).join(' and ')} ` +
        `answered, but not as the stores of ${stage.dataDir} (another checkout's, or another program): ` +
        `stop it, or unset ${taken.map((entry) => entry.variable).join(' / ')} to use free ports`,
    );
  }
}

/** Replaced whole (a reader sees the old file or the new one, never half of one). */
function writeStoresFile(file: string, content: StoresFile): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(content, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Starts this folder's stores (this process owns them); stores.json is created exclusively first. */
async function startOwned(stage: LocalStage): Promise<LocalStores> {
  const file = storesFile(stage.dataDir);
  let stores: LocalStores;
  try {
    await checkPinnedPorts(stage);
    stores = await startLocalStores({ dataDir: stage.dataDir, dynamoPort: stage.dynamoPort, s3Port: stage.s3Port });
  } catch (error) {
    rmSync(file, { force: true });
    throw error;
  }
  const running: RunningStores = {
    pid: process.pid,
    checkout: projectRoot,
    token: randomBytes(16).toString('hex'),
    dynamoEndpoint: stores.dynamoEndpoint,
    s3Endpoint: stores.s3Endpoint,
  };
  const s3 = localS3Client(stores.s3Endpoint);
  try {
    await ensureBucket(stores.s3Endpoint, MARKER.bucket);
    await s3.send(new PutObjectCommand({ Bucket: MARKER.bucket, Key: MARKER.key, Body: running.token }));
    writeStoresFile(file, running);
  } catch (error) {
    rmSync(file, { force: true });
    await stores.close();
    throw error;
  } finally {
    s3.destroy();
  }
  return {
    dynamoEndpoint: running.dynamoEndpoint,
    s3Endpoint: running.s3Endpoint,
    async close() {
      // No new user from here on (a newcomer checks this after taking its lease); those already in finish first.
      writeStoresFile(file, { ...running, stopping: true });
      await leasesEnded(stage.dataDir);
      await stores.close();
      rmSync(file, { force: true });
    },
  };
}

/**
 * This folder's stores: the running ones when another command (say `npm run offline`) runs them and they verify
 * as this folder's — used, and left running —, else started here; `close()` stops only what was started here,
 * after the commands using them are done.
 */
export async function openLocalStage(stage: LocalStage): Promise<LocalStores> {
  // Long enough for another command to start its stores, or to stop them once its users are done.
  const deadline = Date.now() + 2 * WAIT_MS;
  for (;;) {
    const found = readStoresFile(stage.dataDir);
    if (found === undefined) {
      mkdirSync(stage.dataDir, { recursive: true });
      try {
        writeFileSync(storesFile(stage.dataDir), JSON.stringify({ pid: process.pid }), { flag: 'wx' });
      } catch (error) {
        // Another command got there first (or wrote half a file, read too early): look again.
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      return startOwned(stage);
    }
    if (found.token !== undefined && found.stopping === undefined && (await verified(found))) {
      const leased = lease(stage.dataDir, found);
      if (readStoresFile(stage.dataDir)?.stopping === undefined) return leased;
      // Their owner began stopping them meanwhile, without seeing this lease: wait, then start afresh.
      await leased.close();
      continue;
    }
    if (!alive(found.pid)) {
      // Left by a process that ended without closing (killed): nothing runs for it any more.
      rmSync(storesFile(stage.dataDir), { force: true });
      continue;
    }
    // Alive: still starting or stopping its stores, or not the process that wrote the file.
    if ((found.token !== undefined && found.stopping === undefined) || Date.now() > deadline) {
      throw new Error(
        `${storesFile(stage.dataDir)} names process ${found.pid}, whose stores do not answer as this folder's: ` +
          'stop that process, or delete the file if it is not a recorder command',
      );
    }
    await sleep(100);
  }
}

/** The local stage's stores with the table and bucket in place, ready for the recorder. */
export async function startPersistedLocalStores(stage: LocalStage): Promise<LocalStores> {
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
