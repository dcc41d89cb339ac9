import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('npm run invoke', () => {
  const dataDir = mkdtempSync(`${tmpdir()}/recorder-invoke-`);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Its own data folder and ports, so the test runs beside a developer's `npm run offline`; logs on. */
  const isolatedEnv = async () => ({
    ...process.env,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    LOCAL_DATA_DIR: dataDir,
    LOCAL_DYNAMODB_PORT: String(await freePort()),
    LOCAL_S3_PORT: String(await freePort()),
  });

  it('records a sample callback in the embedded store, prints the answer and the item, and keeps it between runs', async () => {
    const env = await isolatedEnv();
    const first = await run('npm', ['run', '--silent', 'invoke', '--', 'events/disconnect-busy.json'], { env });
    expect(first.stdout).toContain('HTTP 204');
    expect(first.stdout).toContain('X-Disconnect-Outcome: recorded');
    expect(first.stdout).toContain('"errorMessage": "Callee is busy"');
    expect(first.stdout).toContain('"receivedAt": "2019-06-20T15:56:11.560Z"');
    // The log line masks the numbers.
    expect(first.stdout).toContain('"from":"+1555***2222"');

    const second = await run('npm', ['run', '--silent', 'invoke', '--', 'events/disconnect-busy.json'], { env });
    expect(second.stdout).toContain('X-Disconnect-Outcome: duplicate');
    expect(second.stdout).toContain('"callId": "c-95ac8d6e-1a31c52e-b38f-4198-93c1-51633ec68f8d"');
  }, 120_000);

  it('shows the 4xx answer for an invalid sample', async () => {
    const env = await isolatedEnv();
    const { stdout } = await run('npm', ['run', '--silent', 'invoke', '--', 'events/invalid-wrong-event-type.json'], { env });
    expect(stdout).toContain('HTTP 422');
    expect(stdout).toMatch(/eventType must be .*disconnect/);
    expect(stdout).toContain('Stored item for c-00000012-1a31c52e-b38f-4198-93c1-51633ec68f8d');
    expect(stdout).toContain('(none)');
  }, 120_000);
});
