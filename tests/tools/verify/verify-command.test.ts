/**
 * `npm run verify -- --stage local` against the real local stage: `npm run offline` (serverless-offline running the
 * bundled handler on its embedded stores) with callback auth on, started from a shell that sets
 * BANDWIDTH_CALLBACK_USERNAME / BANDWIDTH_CALLBACK_PASSWORD; Bandwidth's account API is the loopback fake `wire` uses.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/faulty-stores.ts';
import { docSample, sampleRuns } from '../doc-samples.ts';
import { type FakeBandwidth, fakeBandwidth } from '../wire/fakes.ts';

const run = promisify(execFile);
const USERNAME = 'bandwidth-check';
const PASSWORD = 'the-local-password';
let folder: string;
let url: string;
let offline: ReturnType<typeof spawn>;
let bandwidth: FakeBandwidth;

/** The shell of a developer on this checkout: only the local stage's settings. */
function envFor(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([name]) => !/^(AWS_|BW_|BANDWIDTH_|LOCAL_|DISCONNECTS_TABLE|DYNAMODB_ENDPOINT|S3_ENDPOINT)/.test(name),
  );
  return { ...Object.fromEntries(kept), LOCAL_DATA_DIR: folder, ...extra };
}

beforeAll(async () => {
  folder = mkdtempSync(`${tmpdir()}/verify-local-`);
  bandwidth = await fakeBandwidth();
  const httpPort = await freePort();
  url = `http://127.0.0.1:${httpPort}/bandwidth/disconnect`;
  offline = spawn(
    'npm',
    ['run', 'offline', '--', '--httpPort', String(httpPort), '--lambdaPort', String(await freePort())],
    {
      env: envFor({ BANDWIDTH_CALLBACK_USERNAME: USERNAME, BANDWIDTH_CALLBACK_PASSWORD: PASSWORD }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Server ready')) resolve();
    };
    offline.stdout?.on('data', look);
    offline.stderr?.on('data', look);
    offline.once('exit', () => reject(new Error(`npm run offline ended before it was ready:\n${output}`)));
  });
}, 180_000);

afterAll(async () => {
  const exited = new Promise((resolve) => offline.once('exit', resolve));
  offline.kill('SIGTERM');
  await exited;
  await bandwidth.close();
  rmSync(folder, { recursive: true, force: true });
});

async function verify(args: string[], extra: Record<string, string> = {}) {
  try {
    const { stdout } = await run('npm', ['run', '--silent', 'verify', '--', ...args], { env: envFor(extra) });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

const LOCAL = ['--stage', 'local', '--url'];
const CREDENTIALS = { BANDWIDTH_CALLBACK_USERNAME: USERNAME, BANDWIDTH_CALLBACK_PASSWORD: PASSWORD };

/** What the check left in the local table: nothing, once verify has removed its record. */
async function checkRecordsLeft(): Promise<unknown[]> {
  const { openLocalStage, localStageOf } = await import('../../../tools/local-stage/local-stage.ts');
  const { localDynamoClient } = await import('../../../tools/local-stage/stores.ts');
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const stores = await openLocalStage(localStageOf({ LOCAL_DATA_DIR: folder }));
  const client = DynamoDBDocumentClient.from(localDynamoClient(stores.dynamoEndpoint));
  try {
    const { Items = [] } = await client.send(
      new ScanCommand({ TableName: 'bandwidth-disconnect-recorder-local-disconnects' }),
    );
    return Items.filter((item) => String(item['callId']).startsWith('verify-'));
  } finally {
    client.destroy();
    await stores.close();
  }
}

describe('npm run verify -- --stage local', () => {
  it('passes every step it can take locally, one line each, removes its check record, and exits 0', async () => {
    const { code, stdout } = await verify([...LOCAL, url], CREDENTIALS);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`verifying the local stage (${folder}): ${url}`);
    expect(lines.slice(1).map((line) => line.replace(/verify-[\w-]+/g, 'verify-…'))).toEqual([
      `passed  challenge: ${url} answers an unauthenticated callback 401 with Basic realm="Bandwidth disconnect recorder", charset="UTF-8"`,
      'passed  callback: the check callback verify-… was answered 204',
      'passed  record: verify-… was read back from table bandwidth-disconnect-recorder-local-disconnects',
      'passed  cleanup: the check record verify-… was removed',
      'skipped alarms: the local stage has none',
      'skipped application: no Bandwidth API credentials (BW_ACCOUNT_ID, BW_VOICE_APPLICATION_ID, BW_CLIENT_ID, BW_CLIENT_SECRET)',
      'verified: every step passed',
    ]);
    expect(await checkRecordsLeft()).toEqual([]);
    // docs/deploying.md shows this run: the same lines, but for the check's callId, the data folder and the port.
    const [sample] = sampleRuns(docSample('docs/deploying.md', 'verify-local'));
    const docUrl = sample?.args.at(-1) ?? '';
    const same = (text: string) =>
      text
        .replace(/verify-\d{8}T\d{9}Z-[0-9a-f]{8}/g, 'verify-…')
        .replaceAll(url, docUrl)
        .replace(/the local stage \([^)]*\)/, 'the local stage (…)');
    expect(lines.map(same)).toEqual(sample?.output.map(same));
  }, 60_000);

  it('with the wrong password: the callback step fails on the 401, and it exits 1', async () => {
    const { code, stdout } = await verify([...LOCAL, url], { ...CREDENTIALS, BANDWIDTH_CALLBACK_PASSWORD: 'wrong' });
    expect(code).toBe(1);
    expect(stdout).toContain('passed  challenge:');
    expect(stdout).toMatch(/failed {2}callback: expected 204, got HTTP 401 \(the password Bandwidth is given/);
    expect(stdout).not.toContain('record:');
    expect(stdout.trim().split('\n').at(-1)).toBe('1 step(s) failed');
  }, 60_000);

  it('believing auth is off where it is on: the callback step fails, exit 1', async () => {
    const { code, stdout } = await verify([...LOCAL, url]);
    expect(code).toBe(1);
    expect(stdout).toContain('skipped challenge: callback auth is off on this stage');
    expect(stdout).toContain('failed  callback: expected 204, got HTTP 401');
  }, 60_000);

  it("checks the Voice application's status callback URL with Bandwidth API credentials: this stage's passes, another fails", async () => {
    const api = [...LOCAL, url, '--api', `${bandwidth.url}/api`, '--token-url', `${bandwidth.url}/api/v1/oauth2/token`];
    const account = {
      ...CREDENTIALS,
      BW_ACCOUNT_ID: '9900000',
      BW_VOICE_APPLICATION_ID: 'app-1',
      BW_CLIENT_ID: 'client',
      BW_CLIENT_SECRET: 'secret',
    };
    bandwidth.statusCallbackUrl = url;
    const wired = await verify(api, account);
    expect(wired.code).toBe(0);
    expect(wired.stdout).toContain(`passed  application: application app-1 sends its status callbacks to ${url}`);
    bandwidth.statusCallbackUrl = 'https://elsewhere.example.com/disconnect';
    const elsewhere = await verify(api, account);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toContain(
      `failed  application: application app-1 sends its status callbacks to https://elsewhere.example.com/disconnect, not ${url} (npm run wire)`,
    );
  }, 60_000);

  it('when nothing answers at the URL: the challenge and callback steps fail, exit 1', async () => {
    const nothing = `http://127.0.0.1:${await freePort()}/bandwidth/disconnect`;
    const { code, stdout } = await verify([...LOCAL, nothing], CREDENTIALS);
    expect(code).toBe(1);
    expect(stdout).toMatch(/failed {2}challenge: .* did not answer: fetch failed: .*ECONNREFUSED/);
    expect(stdout).toContain('2 step(s) failed');
  }, 60_000);

  it('answers --help with exit 0, and a bad option or stage with one line and exit 2', async () => {
    const help = await verify(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run verify -- --stage <stage>');
    expect(await verify(['--stage', 'no/such'])).toMatchObject({
      code: 2,
      stderr: 'verify: --stage must name a deployed stage (letters, digits, -) or local (npm run verify -- --help)\n',
    });
    expect(await verify(['--stage', 'local', '--colour'])).toMatchObject({ code: 2 });
  }, 60_000);
});
