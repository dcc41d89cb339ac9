/**
 * `npm run wire -- ...` run as an operator runs it, against a fake Bandwidth (token endpoint and account API) and a
 * fake AWS (CloudFormation, SSM; Secrets Manager from tests/support/fake-secret-stores.ts) on loopback: the
 * requests Bandwidth receives are asserted byte for byte.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSecretStore, fakeSecretStore } from '../../support/fake-secret-stores.ts';
import { FAKE_ACCESS_TOKEN, type FakeAws, type FakeBandwidth, fakeAws, fakeBandwidth } from './fakes.ts';

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
const noAwsConfig = join(mkdtempSync(join(tmpdir(), 'wire-test-')), 'none');

const ACCOUNT = '9900000';
const APPLICATION = 'd775585a-ed5b-4a49-8b96-f68c0a993ebe';
const STACK_URL = 'https://k3x9q2.execute-api.us-east-1.amazonaws.com/bandwidth/disconnect';
const PARAMETER = '/bandwidth-disconnect-recorder/prod/callback-password';
const SECRET = 'bandwidth-disconnect-recorder/prod/callback-password';
const CLIENT_ID = 'client-id-1';
const CLIENT_SECRET = 'client-secret-1';

let bandwidth: FakeBandwidth;
let aws: FakeAws;
let secrets: FakeSecretStore;

beforeAll(async () => {
  [bandwidth, aws, secrets] = await Promise.all([
    fakeBandwidth(),
    fakeAws(),
    fakeSecretStore('correct-horse-battery-staple'),
  ]);
});

afterAll(async () => {
  await Promise.all([bandwidth.close(), aws.close(), secrets.close()]);
});

beforeEach(() => {
  bandwidth.requests.length = 0;
  bandwidth.refuseWith = undefined;
  aws.requests.length = 0;
  secrets.requests.length = 0;
  // A stage as `npm run deploy` makes one today: the password in Secrets Manager.
  aws.stackOutputs = {
    DisconnectCallbackUrl: STACK_URL,
    CallbackUsername: 'bandwidth',
    CallbackPasswordSecret: SECRET,
    AlarmTopicArn: 'arn:aws:sns:us-east-1:111122223333:bandwidth-disconnect-recorder-prod-alarms',
  };
  aws.parameters = { [PARAMETER]: 'correct-horse-battery-staple' };
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run wire -- args` with made-up AWS keys and every AWS call sent to the fake; Bandwidth is the fake too. */
function wire(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    AWS_ACCESS_KEY_ID: 'AKIAWIRETEST',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: noAwsConfig,
    AWS_SHARED_CREDENTIALS_FILE: noAwsConfig,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_CLOUDFORMATION: aws.url,
    AWS_ENDPOINT_URL_SSM: aws.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    BW_CLIENT_ID: CLIENT_ID,
    BW_CLIENT_SECRET: CLIENT_SECRET,
    ...env,
  };
  const bandwidthApi = ['--api', `${bandwidth.url}/api`, '--token-url', `${bandwidth.url}/api/v1/oauth2/token`];
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'wire', '--', ...bandwidthApi, ...args], {
      cwd: projectRoot,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

const application = ['--account-id', ACCOUNT, '--application-id', APPLICATION];
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const tokenRequest = {
  method: 'POST',
  path: '/api/v1/oauth2/token',
  headers: {
    authorization: basic(CLIENT_ID, CLIENT_SECRET),
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
    'x-amz-target': undefined,
  },
  body: 'grant_type=client_credentials',
};

function patchRequest(body: string, authorization = `Bearer ${FAKE_ACCESS_TOKEN}`) {
  return {
    method: 'PATCH',
    path: `/api/accounts/${ACCOUNT}/applications/${APPLICATION}`,
    headers: {
      authorization,
      'content-type': 'application/xml; charset=utf-8',
      accept: 'application/xml',
      'x-amz-target': undefined,
    },
    body,
  };
}

describe('npm run wire', () => {
  it('points the application at the stage: URL and username from the stack outputs, password from its secret, one PATCH', async () => {
    const run = await wire([...application, '--stage', 'prod']);

    expect(run.code, run.stderr).toBe(0);
    expect(bandwidth.requests).toEqual([
      tokenRequest,
      patchRequest(
        [
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<Application>',
          `  <CallStatusCallbackUrl>${STACK_URL}</CallStatusCallbackUrl>`,
          '  <CallStatusMethod>POST</CallStatusMethod>',
          '  <CallbackCreds>',
          '    <UserId>bandwidth</UserId>',
          '    <Password>correct-horse-battery-staple</Password>',
          '  </CallbackCreds>',
          '</Application>',
          '',
        ].join('\n'),
      ),
    ]);
    expect(new URLSearchParams(aws.requests[0]?.body).get('StackName')).toBe('bandwidth-disconnect-recorder-prod');
    expect(aws.requests).toHaveLength(1);
    expect(secrets.requests).toEqual(['secretsmanager.GetSecretValue']);
    expect(run.stdout).toContain(`CallStatusCallbackUrl=${STACK_URL}`);
    expect(run.stdout + run.stderr).not.toContain('correct-horse-battery-staple');
  });

  it('takes --url, --username and a password from the environment instead, and then asks AWS nothing', async () => {
    const url = 'https://recorder.example.com/bandwidth/disconnect';
    const run = await wire([...application, '--url', url, '--username', 'bw-callbacks', '--method', 'get'], {
      BANDWIDTH_CALLBACK_PASSWORD: 'from-the-environment',
    });

    expect(run.code, run.stderr).toBe(0);
    expect(aws.requests).toEqual([]);
    expect(bandwidth.requests[1]?.body).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Application>',
        `  <CallStatusCallbackUrl>${url}</CallStatusCallbackUrl>`,
        '  <CallStatusMethod>GET</CallStatusMethod>',
        '  <CallbackCreds>',
        '    <UserId>bw-callbacks</UserId>',
        '    <Password>from-the-environment</Password>',
        '  </CallbackCreds>',
        '</Application>',
        '',
      ].join('\n'),
    );
  });

  it('refuses an http:// callback URL when credentials would be sent, before sending anything', async () => {
    const run = await wire([
      ...application,
      '--stage',
      'prod',
      '--url',
      'http://recorder.example.com/bandwidth/disconnect',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('refusing http://recorder.example.com/bandwidth/disconnect');
    expect(bandwidth.requests).toEqual([]);
    expect(aws.requests).toEqual([]);
  });

  it("accepts an http:// URL without credentials, and leaves the application's CallbackCreds alone", async () => {
    const url = 'http://203.0.113.7:3000/bandwidth/disconnect';
    const run = await wire([...application, '--url', url, '--no-credentials']);

    expect(run.code, run.stderr).toBe(0);
    expect(bandwidth.requests[1]?.body).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Application>',
        `  <CallStatusCallbackUrl>${url}</CallStatusCallbackUrl>`,
        '  <CallStatusMethod>POST</CallStatusMethod>',
        '</Application>',
        '',
      ].join('\n'),
    );
    expect(aws.requests).toEqual([]);
  });

  it('escapes XML in the URL and the credentials', async () => {
    const run = await wire(
      [...application, '--url', 'https://recorder.example.com/bandwidth/disconnect?a=1&b=<2>', '--username', "o'neil"],
      { BANDWIDTH_CALLBACK_PASSWORD: 'p<a>s&s"' },
    );

    expect(run.code, run.stderr).toBe(0);
    const body = bandwidth.requests[1]?.body ?? '';
    expect(body).toContain(
      '<CallStatusCallbackUrl>https://recorder.example.com/bandwidth/disconnect?a=1&amp;b=&lt;2&gt;</CallStatusCallbackUrl>',
    );
    expect(body).toContain('<UserId>o&apos;neil</UserId>');
    expect(body).toContain('<Password>p&lt;a&gt;s&amp;s&quot;</Password>');
  });

  it('authenticates with a legacy API user by Basic auth, asking for no token, and says it is deprecated', async () => {
    const run = await wire([...application, '--stage', 'prod'], {
      BW_CLIENT_ID: '',
      BW_CLIENT_SECRET: '',
      BW_USERNAME: 'api-user',
      BW_PASSWORD: 'api-password',
    });

    expect(run.code, run.stderr).toBe(0);
    expect(bandwidth.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `PATCH /api/accounts/${ACCOUNT}/applications/${APPLICATION}`,
    ]);
    expect(bandwidth.requests[0]?.headers.authorization).toBe(basic('api-user', 'api-password'));
    expect(run.stderr).toContain('deprecated');
  });

  it("reports Bandwidth's refusal and fails", async () => {
    bandwidth.refuseWith = {
      status: 403,
      body: '<ApplicationProvisioningResponse><ResponseStatus><ErrorCode>12345</ErrorCode><Description>Access is denied</Description></ResponseStatus></ApplicationProvisioningResponse>',
    };
    const run = await wire([...application, '--stage', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Bandwidth did not update application ${APPLICATION} (HTTP 403): Access is denied (error 12345)`,
    );
    expect(run.stderr).not.toContain('correct-horse-battery-staple');
  });

  it('fails when the answer shows the application still pointing elsewhere', async () => {
    bandwidth.refuseWith = {
      status: 200,
      body: '<ApplicationProvisioningResponse><Application><CallStatusCallbackUrl>https://old.example.com/status</CallStatusCallbackUrl></Application></ApplicationProvisioningResponse>',
    };
    const run = await wire([...application, '--stage', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('still sends disconnects to https://old.example.com/status');
  });

  it('tells a stage without callback auth to use --no-credentials, and sends nothing to Bandwidth', async () => {
    aws.stackOutputs = { DisconnectCallbackUrl: STACK_URL };
    const run = await wire([...application, '--stage', 'dev']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has callback auth off');
    expect(bandwidth.requests).toEqual([]);
  });

  it('gives Bandwidth the password of a stage deployed before the secret, from its SSM parameter', async () => {
    aws.stackOutputs = {
      DisconnectCallbackUrl: STACK_URL,
      CallbackUsername: 'bandwidth',
      CallbackPasswordParameter: PARAMETER,
    };
    aws.parameters = { [PARAMETER]: 'older-stage-password' };
    const run = await wire([...application, '--stage', 'prod']);

    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(aws.requests[1]?.body ?? '{}')).toEqual({ Name: PARAMETER, WithDecryption: true });
    expect(secrets.requests).toEqual([]);
    expect(bandwidth.requests[1]?.body).toContain('<Password>older-stage-password</Password>');
  });

  it('reads the password from the secret --password-secret names, with the URL and username given', async () => {
    const run = await wire([
      ...application,
      '--url',
      STACK_URL,
      '--username',
      'bandwidth',
      '--password-secret',
      'team/other',
    ]);

    expect(run.code, run.stderr).toBe(0);
    // No stack to read: everything else was given.
    expect(aws.requests).toEqual([]);
    expect(secrets.requests).toEqual(['secretsmanager.GetSecretValue']);
    expect(bandwidth.requests[1]?.body).toContain('<Password>correct-horse-battery-staple</Password>');
  });

  it("fails when the stage's password parameter cannot be read, and sends nothing to Bandwidth", async () => {
    aws.stackOutputs = {
      DisconnectCallbackUrl: STACK_URL,
      CallbackUsername: 'bandwidth',
      CallbackPasswordParameter: PARAMETER,
    };
    aws.parameters = {};
    const run = await wire([...application, '--stage', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${PARAMETER} not found`);
    expect(bandwidth.requests).toEqual([]);
  });

  it('in a dry run prints the request with the password masked and sends nothing', async () => {
    const run = await wire([...application, '--stage', 'prod', '--dry-run'], {
      BW_CLIENT_ID: '',
      BW_CLIENT_SECRET: '',
    });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`<CallStatusCallbackUrl>${STACK_URL}</CallStatusCallbackUrl>`);
    expect(run.stdout).toContain('<Password>********</Password>');
    expect(run.stdout).not.toContain('correct-horse-battery-staple');
    expect(bandwidth.requests).toEqual([]);
  });

  it('will not send Bandwidth API credentials to a plain-http API other than this machine', async () => {
    const run = await wire([...application, '--stage', 'prod', '--api', 'http://dashboard.example.com/api']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--api must be https');
    expect(bandwidth.requests).toEqual([]);
    expect(aws.requests).toEqual([]);
  });

  it('needs the account and the application, and a stage or a URL', async () => {
    expect((await wire(['--stage', 'prod'])).stderr).toContain('--account-id (or BW_ACCOUNT_ID) is required');
    expect((await wire(application)).stderr).toContain('say which deployed stage to wire (--stage), or give --url');
    expect(bandwidth.requests).toEqual([]);
  });

  it('answers --help with exit 0, and an unknown option or bad value with one line naming it and exit 2', async () => {
    const help = await wire(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: npm run wire');
    for (const [args, line] of [
      [
        [...application, '--stage', 'prod', '--methods', 'GET'],
        'wire: unknown option --methods (npm run wire -- --help)',
      ],
      [
        [...application, '--stage', 'prod', '--method', 'PUT'],
        'wire: --method must be POST or GET, got "PUT" (npm run wire -- --help)',
      ],
      [[...application, 'prod'], 'wire: unexpected argument "prod" (npm run wire -- --help)'],
    ] as const) {
      const run = await wire([...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.trim()).toBe(line);
    }
    expect(bandwidth.requests).toEqual([]);
    expect(aws.requests).toEqual([]);
  });

  it('names an unreachable Bandwidth API (exit 3), and a missing region with its fix', async () => {
    // A port that was free a moment ago: nothing answers there (fetch refuses port 9 and such outright).
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const api = `http://127.0.0.1:${closed}`;
    const down = await wire([...application, '--stage', 'prod', '--api', `${api}/api`, '--token-url', `${api}/token`]);
    expect(down.code, down.stderr).toBe(3);
    expect(down.stderr.trim()).toMatch(/^wire: .*(cannot reach|unreachable).*ECONNREFUSED/);
    const noRegion = await wire([...application, '--stage', 'prod'], { AWS_REGION: '' });
    expect(noRegion.code, noRegion.stderr).toBe(3);
    expect(noRegion.stderr.trim()).toMatch(
      /^wire: no AWS region: pass --region, set AWS_REGION, or give the profile one/,
    );
  });
});
