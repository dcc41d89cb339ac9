/**
 * `npm run deploy` creates the stage's callback password before the first deploy and never replaces one, against
 * stand-ins for Secrets Manager and SSM on loopback (the SDK's AWS_ENDPOINT_URL_SECRETS_MANAGER and
 * AWS_ENDPOINT_URL_SSM point at one server speaking both JSON protocols). `serverless deploy` itself needs an AWS
 * account: where a test must see what deploy would run, `npx` on its PATH is a recorder of its arguments.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureCallbackPassword, ensureCallbackSecret } from '../../../tools/deploy/callback-password.ts';
import { docSample, sampleRuns } from '../doc-samples.ts';
import { type FakeCloudFormation, fakeCloudFormation } from '../stage/fake-cloudformation.ts';

const run = promisify(execFile);
const parameters = new Map<string, { value: string; type: string }>();
const secrets = new Map<string, { value: string; kmsKeyId?: string | undefined; deleted?: boolean }>();
const calls: string[] = [];
/** Names a lookup reports missing once, as if another deploy wrote them just after: a race. */
const writtenJustAfterGet = new Set<string>();
let stores: Server;
let endpoint: string;
let recorderDir: string;
/** The stack `serverless deploy` would have left: what deploy reads back to print the callback URL. */
let cloudFormation: FakeCloudFormation;
const CALLBACK_URL = 'https://abc123def4.execute-api.us-east-1.amazonaws.com/bandwidth/disconnect';

const SECRET = 'bandwidth-disconnect-recorder/prod/callback-password';
const PARAMETER = '/bandwidth-disconnect-recorder/prod/callback-password';

beforeAll(async () => {
  cloudFormation = await fakeCloudFormation();
  cloudFormation.stacks.set('bandwidth-disconnect-recorder-prod', {
    DisconnectCallbackUrl: CALLBACK_URL,
    StageRegion: 'us-east-1',
  });
  stores = createServer((request, response) => {
    void text(request).then((requestBody) => {
      const action = String(request.headers['x-amz-target'])
        .replace('AmazonSSM.', 'ssm.')
        .replace('secretsmanager.', 'secrets.');
      calls.push(action);
      const body = JSON.parse(requestBody) as {
        Name: string;
        SecretId: string;
        Value?: string;
        Type?: string;
        Overwrite?: boolean;
        SecretString?: string;
        KmsKeyId?: string;
        WithDecryption?: boolean;
      };
      const fail = (type: string) => {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: type, message: type }));
      };
      response.setHeader('Content-Type', 'application/x-amz-json-1.1');
      if (action === 'ssm.GetParameter') {
        const existing = parameters.get(body.Name);
        if (existing === undefined || writtenJustAfterGet.delete(body.Name)) return fail('ParameterNotFound');
        const value = body.WithDecryption === true ? { Value: existing.value } : {};
        return response.end(
          JSON.stringify({ Parameter: { Name: body.Name, Type: existing.type, Version: 1, ...value } }),
        );
      }
      if (action === 'ssm.PutParameter') {
        if (parameters.has(body.Name) && body.Overwrite !== true) return fail('ParameterAlreadyExists');
        parameters.set(body.Name, { value: body.Value ?? '', type: body.Type ?? '' });
        return response.end(JSON.stringify({ Version: 1, Tier: 'Standard' }));
      }
      if (action === 'secrets.DescribeSecret') {
        const existing = secrets.get(body.SecretId);
        if (existing === undefined || writtenJustAfterGet.delete(body.SecretId))
          return fail('ResourceNotFoundException');
        // The JSON protocol's timestamps are epoch seconds.
        return response.end(
          JSON.stringify({ Name: body.SecretId, ...(existing.deleted === true ? { DeletedDate: 1_780_000_000 } : {}) }),
        );
      }
      if (action === 'secrets.GetSecretValue') {
        const existing = secrets.get(body.SecretId);
        if (existing === undefined) return fail('ResourceNotFoundException');
        return response.end(JSON.stringify({ Name: body.SecretId, SecretString: existing.value }));
      }
      if (action === 'secrets.CreateSecret') {
        if (secrets.has(body.Name)) return fail('ResourceExistsException');
        secrets.set(body.Name, { value: body.SecretString ?? '', kmsKeyId: body.KmsKeyId });
        return response.end(
          JSON.stringify({
            ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${body.Name}-AbCdEf`,
            Name: body.Name,
            VersionId: 'v1',
          }),
        );
      }
      return fail('InvalidAction');
    });
  });
  await new Promise<void>((resolve) => stores.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(stores.address() as AddressInfo).port}`;
  // Records the arguments serverless would have got, one per line, and succeeds.
  recorderDir = mkdtempSync(join(tmpdir(), 'deploy-npx-'));
  writeFileSync(join(recorderDir, 'npx'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(recorderDir, 'args')}"\n`);
  chmodSync(join(recorderDir, 'npx'), 0o755);
});

afterAll(async () => {
  await cloudFormation.close();
  rmSync(recorderDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => stores.close(() => resolve()));
});
beforeEach(() => {
  parameters.clear();
  secrets.clear();
  calls.length = 0;
  rmSync(join(recorderDir, 'args'), { force: true });
});

/** The test's own AWS settings only: its region, no profile, no config file, no Bandwidth credentials. */
const env = () => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(AWS_|BW_)/.test(name))),
  AWS_REGION: 'us-east-1',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_ENDPOINT_URL_CLOUDFORMATION: cloudFormation.url,
  AWS_ENDPOINT_URL_SSM: endpoint,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
const deploy = (...args: string[]) => run('npm', ['run', '--silent', 'deploy', '--', ...args], { env: env() });
/** Deploy with serverless replaced by the recorder: what it would have run. */
async function deployRecorded(...args: string[]) {
  const result = await run('npm', ['run', '--silent', 'deploy', '--', ...args], {
    env: { ...env(), PATH: `${recorderDir}:${process.env['PATH'] ?? ''}` },
  });
  return { ...result, serverless: readFileSync(join(recorderDir, 'args'), 'utf8').trim().split('\n') };
}

describe('npm run deploy, the callback password', () => {
  it('creates a random password in a Secrets Manager secret for a new stage, and leaves it alone on the next deploy', async () => {
    const first = await deployRecorded('--stage', 'prod');
    expect(first.stdout).toContain(`created the callback password in the Secrets Manager secret ${SECRET}`);
    const created = secrets.get(SECRET);
    expect(Buffer.from(created?.value ?? '', 'base64')).toHaveLength(32);
    expect(first.stdout).not.toContain(created?.value);
    // The default store and name: serverless.yml's defaults, nothing to override.
    expect(first.serverless).toEqual(['serverless', 'deploy', '--stage', 'prod', '--region', 'us-east-1']);
    // A new stage never gets an SSM parameter.
    expect(parameters.size).toBe(0);

    const second = await deploy('--stage', 'prod', '--skip-serverless');
    expect(second.stdout).toContain('already exists: left as it is');
    expect(secrets.get(SECRET)).toEqual(created);
    expect(calls).toEqual([
      'secrets.DescribeSecret',
      'ssm.GetParameter',
      'secrets.DescribeSecret',
      'secrets.CreateSecret',
      'secrets.DescribeSecret',
      // An existing password is read once, to refuse an empty one; never printed.
      'secrets.GetSecretValue',
    ]);
  }, 60_000);

  it('keeps a stage deployed with the SSM parameter on it: nothing created, and serverless told to read the parameter', async () => {
    parameters.set(PARAMETER, { value: 'what-bandwidth-already-sends', type: 'SecureString' });
    const kept = await deployRecorded('--stage', 'prod');
    expect(kept.stdout).toContain(`callback password in the SSM parameter ${PARAMETER} already exists: left as it is`);
    expect(kept.stdout).toContain('docs/deploying.md');
    expect(secrets.size).toBe(0);
    expect(parameters.get(PARAMETER)?.value).toBe('what-bandwidth-already-sends');
    expect(kept.serverless).toEqual([
      'serverless',
      'deploy',
      '--stage',
      'prod',
      '--region',
      'us-east-1',
      '--param=callbackPasswordStore=parameter',
    ]);
  }, 60_000);

  it('moves a stage to the secret once the operator has copied the password into it: the secret wins over the parameter', async () => {
    parameters.set(PARAMETER, { value: 'same-password', type: 'SecureString' });
    secrets.set(SECRET, { value: 'same-password' });
    const moved = await deployRecorded('--stage', 'prod');
    expect(moved.stdout).toContain(
      `callback password in the Secrets Manager secret ${SECRET} already exists: left as it is`,
    );
    expect(moved.serverless).toEqual(['serverless', 'deploy', '--stage', 'prod', '--region', 'us-east-1']);
    // The parameter is not even looked at; the secret's value is read only to refuse an empty one.
    expect(calls).toEqual(['secrets.DescribeSecret', 'secrets.GetSecretValue']);
  }, 60_000);

  it('creates a named secret, encrypted with the given key, and tells serverless its name', async () => {
    const named = await deployRecorded(
      '--stage',
      'prod',
      '--password-secret',
      'team/recorder-password',
      '--password-key-id',
      'alias/recorder',
      '--',
      '--verbose',
    );
    expect(secrets.get('team/recorder-password')?.kmsKeyId).toBe('alias/recorder');
    expect(named.serverless).toEqual([
      'serverless',
      'deploy',
      '--stage',
      'prod',
      '--region',
      'us-east-1',
      '--param=callbackPasswordSecret=team/recorder-password',
      '--verbose',
    ]);
  }, 60_000);

  it('still creates an SSM SecureString when asked for a parameter', async () => {
    const ssmStage = await deployRecorded('--stage', 'prod', '--password-parameter', '/team/recorder-password');
    expect(ssmStage.stdout).toContain('created the callback password in the SSM parameter /team/recorder-password');
    expect(parameters.get('/team/recorder-password')?.type).toBe('SecureString');
    expect(secrets.size).toBe(0);
    expect(ssmStage.serverless).toEqual([
      'serverless',
      'deploy',
      '--stage',
      'prod',
      '--region',
      'us-east-1',
      '--param=callbackPasswordStore=parameter',
      '--param=callbackPasswordParameter=/team/recorder-password',
    ]);
  }, 60_000);

  it('refuses a secret scheduled for deletion, naming how to restore it, and creates nothing (exit 1)', async () => {
    secrets.set(SECRET, { value: 'old', deleted: true });
    await expect(deploy('--stage', 'prod', '--skip-serverless')).rejects.toMatchObject({
      code: 1,
      stderr: `deploy: secret ${SECRET} is scheduled for deletion: restore it (aws secretsmanager restore-secret --secret-id ${SECRET}), or name another with --password-secret\n`,
    });
    expect(calls).toEqual(['secrets.DescribeSecret']);
  }, 60_000);
});

describe('npm run deploy', () => {
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
      [
        ['--stage', 'local'],
        'deploy: --stage must name a deployed stage (letters, digits, -), not local (npm run deploy -- --help)',
      ],
      [
        ['--stage', 'prod', '--password-secret', 'a', '--password-parameter', '/b'],
        'deploy: give --password-secret or --password-parameter, not both (npm run deploy -- --help)',
      ],
      [
        ['--stage', 'prod', '--password-parameter', 'b'],
        'deploy: --password-parameter must start with "/" (the IAM policy builds its ARN from it), got "b" (npm run deploy -- --help)',
      ],
    ] as const) {
      await expect(deploy(...args)).rejects.toMatchObject({ code: 2, stderr: `${line}\n` });
    }
    expect(calls).toEqual([]);
  }, 60_000);

  it("names a password store it cannot reach (exit 3) instead of the SDK's raw text", async () => {
    const unreachable = (...args: string[]) =>
      run('npm', ['run', '--silent', 'deploy', '--', '--stage', 'prod', '--skip-serverless', ...args], {
        env: {
          ...env(),
          AWS_ENDPOINT_URL_SSM: 'http://127.0.0.1:9',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
        },
      });
    await expect(unreachable()).rejects.toMatchObject({
      code: 3,
      stderr: expect.stringMatching(
        /^deploy: cannot reach the callback password of stage prod \(Secrets Manager, or SSM for an older stage\) in us-east-1: .*ECONNREFUSED/,
      ),
    });
    await expect(unreachable('--password-parameter', PARAMETER)).rejects.toMatchObject({
      code: 3,
      stderr: expect.stringMatching(
        /^deploy: cannot reach SSM parameter \/bandwidth-disconnect-recorder\/prod\/callback-password in us-east-1: .*ECONNREFUSED/,
      ),
    });
  }, 60_000);
});

describe('npm run deploy, region, reconciliation and callback auth', () => {
  const CLIENT_SECRET = 'bandwidth-disconnect-recorder/prod/bandwidth-client-secret';
  const withEnv = (extra: Record<string, string>, ...args: string[]) =>
    run('npm', ['run', '--silent', 'deploy', '--', ...args], {
      env: { ...env(), PATH: `${recorderDir}:${process.env['PATH'] ?? ''}`, ...extra },
    });
  const serverlessArgs = () => readFileSync(join(recorderDir, 'args'), 'utf8').trim().split('\n');

  it('prints for a new stage what docs/deploying.md shows', async () => {
    const [sample] = sampleRuns(docSample('docs/deploying.md', 'deploy'));
    expect(sample?.command).toBe('deploy');
    const { stdout } = await withEnv({ AWS_REGION: '' }, ...(sample?.args ?? []));
    const shown = (sample?.output ?? []).filter((line) => !line.startsWith('…'));
    expect(stdout.trimEnd().split('\n')).toEqual(shown);
  }, 30_000);

  it('says the region it deploys to and where that came from, and deploys there', async () => {
    const { stdout } = await withEnv({ AWS_REGION: '', AWS_DEFAULT_REGION: 'eu-west-1' }, '--stage', 'prod');
    expect(stdout).toContain('deploying stage prod to eu-west-1 (region from AWS_DEFAULT_REGION)');
    expect(serverlessArgs().slice(0, 6)).toEqual(['serverless', 'deploy', '--stage', 'prod', '--region', 'eu-west-1']);
  }, 30_000);

  it('without Bandwidth credentials: says in one line that reconciliation is off and how to turn it on, and suggests verify', async () => {
    const { stdout } = await withEnv({}, '--stage', 'prod');
    expect(stdout).toContain(
      'reconciliation is off (no Bandwidth API credentials); to turn it on: BW_ACCOUNT_ID=<account> BW_CLIENT_ID=<client id> BW_CLIENT_SECRET=<secret> npm run deploy -- --stage <stage>',
    );
    expect(serverlessArgs().join(' ')).not.toContain('bandwidthAccountId');
    expect(stdout.trim().split('\n').at(-1)).toBe(
      'check it from the outside: npm run verify -- --stage prod --region us-east-1',
    );
  }, 30_000);

  it('with Bandwidth credentials: keeps the client secret in Secrets Manager and turns reconciliation on', async () => {
    const credentials = { BW_ACCOUNT_ID: '9900000', BW_CLIENT_ID: 'recorder-client', BW_CLIENT_SECRET: 'the-secret' };
    const { stdout } = await withEnv(credentials, '--stage', 'prod');
    expect(stdout).toContain(
      `reconciliation is on for Bandwidth account 9900000, its client secret stored in the Secrets Manager secret ${CLIENT_SECRET}`,
    );
    expect(stdout).not.toContain('the-secret');
    expect(secrets.get(CLIENT_SECRET)?.value).toBe('the-secret');
    expect(serverlessArgs()).toEqual(
      expect.arrayContaining(['--param=bandwidthAccountId=9900000', '--param=bandwidthClientId=recorder-client']),
    );
    // Later deploys need only the ids: the secret stays as it is.
    const again = await withEnv({ BW_ACCOUNT_ID: '9900000', BW_CLIENT_ID: 'recorder-client' }, '--stage', 'prod');
    expect(again.stdout).toContain('its client secret already in the Secrets Manager secret');
    expect(secrets.get(CLIENT_SECRET)?.value).toBe('the-secret');
  }, 30_000);

  it("moves an older stage's client secret from its SSM parameter into the secret", async () => {
    parameters.set(`/${CLIENT_SECRET}`, { value: 'kept-in-ssm', type: 'SecureString' });
    const { stdout } = await withEnv({ BW_ACCOUNT_ID: '9900000', BW_CLIENT_ID: 'recorder-client' }, '--stage', 'prod');
    expect(stdout).toContain('its client secret copied from the SSM parameter into the Secrets Manager secret');
    expect(secrets.get(CLIENT_SECRET)?.value).toBe('kept-in-ssm');
  }, 30_000);

  it('refuses half the credentials, or ids without any client secret, with one line (exit 2)', async () => {
    await expect(withEnv({ BW_ACCOUNT_ID: '9900000' }, '--stage', 'prod')).rejects.toMatchObject({
      code: 2,
      stderr:
        'deploy: set both BW_ACCOUNT_ID and BW_CLIENT_ID for reconciliation, or neither (it is then off) (npm run deploy -- --help)\n',
    });
    expect(calls).toEqual([]);
    await expect(
      withEnv({ BW_ACCOUNT_ID: '9900000', BW_CLIENT_ID: 'recorder-client' }, '--stage', 'prod'),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('set BW_CLIENT_SECRET to create it') });
  }, 30_000);

  it('refuses a stage whose existing password is empty or a quoted empty string (exit 2), naming the fix', async () => {
    for (const value of ["''", '""', '  ']) {
      secrets.set(SECRET, { value });
      await expect(withEnv({}, '--stage', 'prod', '--skip-serverless')).rejects.toMatchObject({
        code: 2,
        stderr: expect.stringMatching(
          /^deploy: the callback password in the Secrets Manager secret .* is empty or a quoted empty string: put a real one there/,
        ),
      });
    }
    secrets.clear();
    parameters.set(PARAMETER, { value: "''", type: 'SecureString' });
    await expect(withEnv({}, '--stage', 'prod', '--skip-serverless')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`the callback password in the SSM parameter ${PARAMETER} is empty`),
    });
  }, 30_000);

  it('turns callback auth off with --callback-auth off: no password created, serverless told so', async () => {
    const { stdout } = await withEnv({}, '--stage', 'prod', '--callback-auth', 'off');
    expect(stdout).toContain('callback auth is off');
    expect(secrets.size + parameters.size).toBe(0);
    expect(serverlessArgs()).toContain('--param=callbackAuth=off');
  }, 30_000);
});

describe('the callback password before a deploy', () => {
  it('another deploy creating the secret first is no error: the existing password stays', async () => {
    process.env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] = endpoint;
    const client = new SecretsManagerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    secrets.set('race', { value: 'written-by-the-other-deploy' });
    writtenJustAfterGet.add('race');

    expect(await ensureCallbackSecret(client, 'race')).toBe('present');
    expect(calls).toEqual(['secrets.DescribeSecret', 'secrets.CreateSecret']);
    expect(secrets.get('race')?.value).toBe('written-by-the-other-deploy');
    client.destroy();
    delete process.env['AWS_ENDPOINT_URL_SECRETS_MANAGER'];
  });

  it('another deploy creating the parameter first is no error: the existing password stays', async () => {
    process.env['AWS_ENDPOINT_URL_SSM'] = endpoint;
    const client = new SSMClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    parameters.set('/race', { value: 'written-by-the-other-deploy', type: 'SecureString' });
    writtenJustAfterGet.add('/race');

    expect(await ensureCallbackPassword(client, '/race')).toBe('present');
    expect(calls).toEqual(['ssm.GetParameter', 'ssm.PutParameter']);
    expect(parameters.get('/race')?.value).toBe('written-by-the-other-deploy');
    client.destroy();
    delete process.env['AWS_ENDPOINT_URL_SSM'];
  });
});
