import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** The command's exit code with what it printed, whatever the code. */
async function invoke(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await run('npm', ['run', '--silent', 'invoke', '--', ...args], { env })) };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === 'number' ? failed.code : -1,
      stdout: failed.stdout ?? '',
      stderr: failed.stderr ?? '',
    };
  }
}

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

  it('shows the 4xx answer for an invalid sample, and exits 1 because the answer was not 2xx', async () => {
    const env = await isolatedEnv();
    const { code, stdout } = await invoke(['events/invalid-wrong-event-type.json'], env);
    expect(code).toBe(1);
    expect(stdout).toContain('HTTP 422');
    expect(stdout).toMatch(/eventType must be .*disconnect/);
    expect(stdout).toContain('Stored item for c-00000012-1a31c52e-b38f-4198-93c1-51633ec68f8d');
    expect(stdout).toContain('(none)');
  }, 120_000);

  it('answers --help with exit 0, and an unknown option, a missing file or one that is not JSON with exit 2 and one line', async () => {
    const env = await isolatedEnv();
    const help = await invoke(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run invoke');
    for (const [args, message] of [
      [['--event', 'events/disconnect-busy.json'], 'invoke: unknown option --event (npm run invoke -- --help)'],
      [
        ['events/no-such-event.json'],
        'invoke: cannot read events/no-such-event.json: ENOENT (npm run invoke -- --help)',
      ],
      [
        ['package-lock.json', 'README.md'],
        'invoke: one event file at a time, got also "README.md" (npm run invoke -- --help)',
      ],
      [
        ['README.md'],
        'invoke: README.md is not JSON: an API Gateway event is (see events/) (npm run invoke -- --help)',
      ],
    ] as const) {
      const answer = await invoke([...args], env);
      expect(answer.code, args.join(' ')).toBe(2);
      expect(answer.stderr.trim()).toBe(message);
    }
  }, 120_000);
});
