/**
 * The local stage as commands use it, run as a developer runs them (`npm run ...`), each test in its own data
 * folder with the stores on free ports: commands at once never clash, and `npm run offline` stopped by its PID
 * takes its server and its stores with it.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { listening } from '../../../tools/local-stage/local-stage.ts';
import { freePort } from '../../support/faulty-stores.ts';

const run = promisify(execFile);
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function dataDir(): string {
  const folder = mkdtempSync(`${tmpdir()}/local-commands-`);
  folders.push(folder);
  return folder;
}

/** No pinned ports: whatever a developer's shell exports must not leak into the test. */
function envFor(folder: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_DATA_DIR: folder };
  for (const name of ['LOCAL_DYNAMODB_PORT', 'LOCAL_S3_PORT', 'DISCONNECTS_TABLE', 'DYNAMODB_ENDPOINT', 'S3_ENDPOINT'])
    delete env[name];
  return env;
}

describe('local commands at the same time', () => {
  it('two `npm run invoke` at once on one data folder both record their callback', async () => {
    const env = envFor(dataDir());
    const [busy, error] = await Promise.all(
      ['events/disconnect-busy.json', 'events/disconnect-error.json'].map((file) =>
        run('npm', ['run', '--silent', 'invoke', '--', file], { env }),
      ),
    );
    expect(busy?.stdout).toContain('X-Disconnect-Outcome: recorded');
    expect(error?.stdout).toContain('X-Disconnect-Outcome: recorded');
    // Both into the same table: the later run's listing shows both callbacks' stored items (never "(none)").
    expect(`${busy?.stdout}${error?.stdout}`).not.toContain('(none)');
  }, 120_000);
});

describe('npm run offline', () => {
  it('records into its own stores on free ports, and stopped by its PID stops the server and the stores', async () => {
    const folder = dataDir();
    const httpPort = await freePort();
    const lambdaPort = await freePort();
    const offline = spawn(
      'npm',
      ['run', 'offline', '--', '--httpPort', String(httpPort), '--lambdaPort', String(lambdaPort)],
      {
        env: envFor(folder),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const exited = new Promise<void>((resolve) => offline.once('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        const look = (chunk: Buffer) => {
          output += chunk.toString('utf8');
          if (output.includes('Server ready')) resolve();
        };
        offline.stdout.on('data', look);
        offline.stderr.on('data', look);
        offline.once('exit', () => reject(new Error(`npm run offline ended before it was ready:\n${output}`)));
      });
      const running = JSON.parse(readFileSync(`${folder}/stores.json`, 'utf8')) as {
        dynamoEndpoint: string;
        s3Endpoint: string;
      };
      const event = JSON.parse(readFileSync('events/disconnect-busy.json', 'utf8')) as { body: string };
      const answer = await fetch(`http://127.0.0.1:${httpPort}/bandwidth/disconnect`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: event.body,
      });
      expect(answer.status).toBe(204);
      expect(answer.headers.get('x-disconnect-outcome')).toBe('recorded');

      offline.kill('SIGTERM');
      await exited;
      expect(await listening(httpPort)).toBe(false);
      expect(await listening(Number(new URL(running.dynamoEndpoint).port))).toBe(false);
      expect(await listening(Number(new URL(running.s3Endpoint).port))).toBe(false);
      expect(existsSync(`${folder}/stores.json`)).toBe(false);
    } finally {
      if (offline.exitCode === null) offline.kill('SIGKILL');
    }
  }, 180_000);
});
