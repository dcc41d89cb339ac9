/**
 * `npm run deploy` creates the stage's callback password before the first deploy and never replaces one, against a
 * stand-in SSM on loopback (the SDK's AWS_ENDPOINT_URL_SSM points at it; the serverless step is skipped).
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ensureCallbackPassword } from '../../../tools/deploy/callback-password.ts';

const run = promisify(execFile);
const parameters = new Map<string, { value: string; type: string }>();
const calls: string[] = [];
/** Names GetParameter reports missing once, as if another deploy wrote them just after: a race. */
const writtenJustAfterGet = new Set<string>();
let ssm: Server;
let endpoint: string;

beforeAll(async () => {
  ssm = createServer((request, response) => {
    void text(request).then((requestBody) => {
      const action = String(request.headers['x-amz-target']).replace('AmazonSSM.', '');
      calls.push(action);
      const body = JSON.parse(requestBody) as { Name: string; Value?: string; Type?: string; Overwrite?: boolean };
      const fail = (type: string) => {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: type, message: type }));
      };
      response.setHeader('Content-Type', 'application/x-amz-json-1.1');
      const existing = parameters.get(body.Name);
      if (action === 'GetParameter') {
        if (existing === undefined || writtenJustAfterGet.delete(body.Name)) return fail('ParameterNotFound');
        return response.end(JSON.stringify({ Parameter: { Name: body.Name, Type: existing.type, Version: 1 } }));
      }
      if (action === 'PutParameter') {
        if (existing !== undefined && body.Overwrite !== true) return fail('ParameterAlreadyExists');
        parameters.set(body.Name, { value: body.Value ?? '', type: body.Type ?? '' });
        return response.end(JSON.stringify({ Version: 1, Tier: 'Standard' }));
      }
      return fail('InvalidAction');
    });
  });
  await new Promise<void>((resolve) => ssm.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => ssm.close(() => resolve())));
beforeEach(() => {
  parameters.clear();
  calls.length = 0;
});

const env = () => ({
  ...process.env,
  AWS_ENDPOINT_URL_SSM: endpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
const deploy = (...args: string[]) => run('npm', ['run', '--silent', 'deploy', '--', ...args], { env: env() });

describe('npm run deploy', () => {
  it('creates a random SecureString password for a new stage, and leaves it alone on the next deploy', async () => {
    const first = await deploy('--stage', 'prod', '--skip-serverless');
    expect(first.stdout).toContain('created the callback password /bandwidth-disconnect-recorder/prod/callback-password');
    const created = parameters.get('/bandwidth-disconnect-recorder/prod/callback-password');
    expect(created?.type).toBe('SecureString');
    expect(Buffer.from(created?.value ?? '', 'base64')).toHaveLength(32);
    expect(first.stdout).not.toContain(created?.value);

    const second = await deploy('--stage', 'prod', '--skip-serverless');
    expect(second.stdout).toContain('already exists: left as it is');
    expect(parameters.get('/bandwidth-disconnect-recorder/prod/callback-password')).toEqual(created);
    expect(calls).toEqual(['GetParameter', 'PutParameter', 'GetParameter']);
  }, 60_000);

  it('refuses a missing or local stage before touching anything (exit 2)', async () => {
    for (const args of [['--skip-serverless'], ['--stage', 'local', '--skip-serverless'], ['--stage', 'a b']]) {
      await expect(deploy(...args)).rejects.toMatchObject({ code: 2 });
    }
    expect(calls).toEqual([]);
  }, 60_000);

  it('answers --help with exit 0, and an unknown option or bad stage with one line and exit 2', async () => {
    const help = await deploy('--help');
    expect(help.stdout).toContain('Usage: npm run deploy');
    for (const [args, line] of [
      [['--stage', 'prod', '--regoin', 'eu-west-1'], 'deploy: unknown option --regoin (npm run deploy -- --help)'],
      [['--stage', 'local'], 'deploy: --stage must name a deployed stage (letters, digits, -), not local (npm run deploy -- --help)'],
    ] as const) {
      await expect(deploy(...args)).rejects.toMatchObject({ code: 2, stderr: `${line}\n` });
    }
    expect(calls).toEqual([]);
  }, 60_000);

  it('names an SSM it cannot reach (exit 3) instead of the SDK\'s raw text', async () => {
    const unreachable = run('npm', ['run', '--silent', 'deploy', '--', '--stage', 'prod', '--skip-serverless'], {
      env: { ...env(), AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:9' },
    });
    await expect(unreachable).rejects.toMatchObject({
      code: 3,
      stderr: expect.stringMatching(/^deploy: cannot reach SSM parameter \/bandwidth-disconnect-recorder\/prod\/callback-password in us-east-1: .*ECONNREFUSED/),
    });
  }, 60_000);
});

describe('the callback password before a deploy', () => {
  it('another deploy creating it first is no error: the existing password stays', async () => {
    process.env['AWS_ENDPOINT_URL_SSM'] = endpoint;
    const client = new SSMClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    parameters.set('/race', { value: 'written-by-the-other-deploy', type: 'SecureString' });
    writtenJustAfterGet.add('/race');

    expect(await ensureCallbackPassword(client, '/race')).toBe('present');
    expect(calls).toEqual(['GetParameter', 'PutParameter']);
    expect(parameters.get('/race')?.value).toBe('written-by-the-other-deploy');
    client.destroy();
    delete process.env['AWS_ENDPOINT_URL_SSM'];
  });
});
